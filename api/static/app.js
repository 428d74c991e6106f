// finnews search page. Article data is untrusted (crawled pages): every value is put in the DOM with
// textContent / createTextNode, never innerHTML. The API's snippet is the one HTML field (its text
// escaped, the query's words in <em>): it is split on the <em> markers and rebuilt as elements.
"use strict";

// source (the site or feed that brought it) has no facet, but a shared address may carry it: kept, and shown.
const FILTERS = ["topic", "board", "stock", "media", "source"];
const FILTER_LABELS = {
  topic: "主题", board: "板块", stock: "个股", media: "来源", source: "采集源", from: "从", to: "到",
};
// Facet (from /search) → the filter a click sets.
const FACETS = [
  ["topics", "topic", "主题"],
  ["boards", "board", "板块"],
  ["stocks", "stock", "个股"],
  ["media", "media", "来源"],
];
const COLORS = ["#c23531", "#2f4554", "#61a0a8", "#d48265", "#749f83", "#ca8622", "#6e7074", "#546570",
  "#bda29a", "#91c7ae"];
const MAX_RESULT_WINDOW = 10000;

// Each of FILTERS holds a list: an article passes with any of its values (and every filter).
const state = {
  q: "", topic: [], board: [], stock: [], media: [], source: [], from: "", to: "",
  sort: "relevance", collapse: false, page: 1, size: 10, by: "topic", interval: "auto",
};
let generation = 0; // answers to an older search are dropped

function filterParams() {
  const params = {};
  for (const name of [...FILTERS, "from", "to"]) params[name] = state[name];
  return params;
}

// --- state ⇄ address bar ----------------------------------------------------------------------

function readLocation() {
  const params = new URLSearchParams(location.search);
  if (params.has("key")) {
    // Kept for this tab only, and taken out of the address bar (and so out of history and bookmarks).
    sessionStorage.setItem(KEY_STORAGE, params.get("key"));
    params.delete("key");
  }
  for (const name of ["q", "from", "to", "sort", "by", "interval"]) {
    if (params.has(name)) state[name] = params.get(name);
  }
  for (const name of FILTERS) state[name] = params.getAll(name).filter(Boolean);
  state.collapse = params.get("collapse") === "true";
  state.page = Math.max(1, parseInt(params.get("page") || "1", 10) || 1);
  writeLocation();
}

function writeLocation() {
  const { size, ...shown } = state;
  const search = query({ ...shown, page: state.page > 1 ? state.page : "", sort: state.sort === "relevance" ? "" : state.sort,
    by: state.by === "topic" ? "" : state.by, interval: state.interval === "auto" ? "" : state.interval });
  history.replaceState(null, "", search ? `/?${search}` : "/");
}

function syncForm() {
  $("q").value = state.q;
  $("from").value = state.from;
  $("to").value = state.to;
  $("sort").value = state.sort;
  $("collapse").checked = state.collapse;
  $("trend-by").value = state.by;
  $("trend-interval").value = state.interval;
}

// A filter value on or off: several values of a filter are any of them; from/to are single dates.
function toggleFilter(name, value) {
  if (FILTERS.includes(name)) {
    const values = state[name];
    state[name] = values.includes(value) ? values.filter((v) => v !== value) : [...values, value];
  } else {
    state[name] = state[name] === value ? "" : value;
  }
  state.page = 1;
  syncForm();
  run();
}

function addFilter(name, value) {
  if (FILTERS.includes(name) && value && !state[name].includes(value)) toggleFilter(name, value);
}

// --- rendering ---------------------------------------------------------------------------------

function unescapeHtml(text) {
  // Exactly the entities the server's html.escape produces; one pass, so "&amp;lt;" stays "&lt;".
  const entities = { lt: "<", gt: ">", quot: '"', "#x27": "'", amp: "&" };
  return text.replace(/&(lt|gt|quot|#x27|amp);/g, (match, name) => entities[name]);
}

function appendSnippet(parent, snippet) {
  let em = null;
  for (const part of String(snippet || "").split(/(<em>|<\/em>)/)) {
    if (part === "<em>") {
      em = el("em");
      parent.appendChild(em);
    } else if (part === "</em>") {
      em = null;
    } else if (part) {
      (em || parent).appendChild(document.createTextNode(unescapeHtml(part)));
    }
  }
}

function safeUrl(url) {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
  } catch (error) {
    return null;
  }
}

function formatTime(iso) {
  return iso ? String(iso).slice(0, 16).replace("T", " ") : "时间不详";
}

function chip(kind, label, title, filter, value) {
  const button = el("button", `chip ${kind}`, label);
  button.type = "button";
  button.title = title;
  button.addEventListener("click", () => addFilter(filter, value));
  return button;
}

function renderHit(hit) {
  const item = el("li", "hit");
  item.dataset.id = hit.id;
  const heading = el("h3", "title");
  const href = safeUrl(hit.url);
  const title = el(href ? "a" : "span", null, hit.title || "（无标题）");
  if (href) {
    title.href = href;
    title.target = "_blank";
    title.rel = "noopener noreferrer";
  }
  heading.appendChild(title);
  item.appendChild(heading);

  const meta = el("div", "meta");
  meta.appendChild(el("time", "published", formatTime(hit.published_at)));
  if (hit.media) meta.appendChild(chip("media", hit.media, "按来源筛选", "media", hit.media));
  if (hit.dup_of) meta.appendChild(el("span", "dup", "转载"));
  item.appendChild(meta);

  const tags = el("div", "tags");
  for (const board of hit.boards || []) {
    tags.appendChild(chip("board", board.name, `板块 ${board.code || ""}`, "board", board.code || board.name));
  }
  for (const stock of hit.stocks || []) {
    tags.appendChild(chip("stock", stock.name, `个股 ${stock.secid || ""}`, "stock", stock.secid || stock.name));
  }
  for (const topic of hit.topics || []) {
    tags.appendChild(chip("topic", `#${topic.name}`, `主题 ${topic.id || ""}`, "topic", topic.id || topic.name));
  }
  if (tags.childNodes.length) item.appendChild(tags);

  const snippet = el("p", "snippet");
  appendSnippet(snippet, hit.snippet);
  item.appendChild(snippet);

  const more = el("button", "more", "全文");
  more.type = "button";
  more.addEventListener("click", () => toggleArticle(item, hit.id, more));
  item.appendChild(more);
  return item;
}

async function toggleArticle(item, id, button) {
  const open = item.querySelector(".fulltext");
  if (open) {
    open.remove();
    button.textContent = "全文";
    return;
  }
  button.disabled = true;
  try {
    const article = await api(`/articles/${encodeURIComponent(id)}`, {});
    const text = el("div", "fulltext");
    for (const paragraph of String(article.text || "").split("\n")) {
      if (paragraph.trim()) text.appendChild(el("p", null, paragraph));
    }
    if (article.keywords && article.keywords.length) text.appendChild(el("p", "keywords", `关键词：${article.keywords.join("、")}`));
    item.appendChild(text);
    button.textContent = "收起";
  } catch (error) {
    showStatus(error.message, true);
  } finally {
    button.disabled = false;
  }
}

function renderFacets(facets) {
  const aside = $("facets");
  aside.replaceChildren();
  for (const [name, filter, label] of FACETS) {
    const entries = facets[name] || [];
    if (!entries.length) continue;
    const section = el("section", "facet");
    section.dataset.facet = name;
    section.appendChild(el("h2", null, label));
    const list = el("ul");
    for (const entry of entries) {
      const button = el("button", "facet-value");
      button.type = "button";
      button.dataset.value = entry.value;
      button.appendChild(el("span", "facet-label", entry.value));
      button.appendChild(el("span", "count", entry.count));
      const chosen = state[filter].includes(entry.value);
      if (chosen) button.classList.add("active");
      button.setAttribute("aria-pressed", String(chosen));
      button.addEventListener("click", () => toggleFilter(filter, entry.value));
      const row = el("li");
      row.appendChild(button);
      list.appendChild(row);
    }
    section.appendChild(list);
    aside.appendChild(section);
  }
  const months = (facets.months || []).filter((entry) => entry.count > 0);
  if (months.length) {
    const section = el("section", "facet");
    section.dataset.facet = "months";
    section.appendChild(el("h2", null, "月份"));
    const list = el("ul");
    for (const entry of months.slice(-24).reverse()) {
      const button = el("button", "facet-value");
      button.type = "button";
      button.appendChild(el("span", "facet-label", entry.value));
      button.appendChild(el("span", "count", entry.count));
      button.addEventListener("click", () => {
        const [year, month] = entry.value.split("-").map(Number);
        const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
        state.from = `${entry.value}-01`;
        state.to = `${entry.value}-${String(last).padStart(2, "0")}`;
        state.page = 1;
        syncForm();
        run();
      });
      const row = el("li");
      row.appendChild(button);
      list.appendChild(row);
    }
    section.appendChild(list);
    aside.appendChild(section);
  }
}

function renderActiveFilters() {
  const box = $("active-filters");
  box.replaceChildren();
  for (const name of [...FILTERS, "from", "to"]) {
    for (const value of FILTERS.includes(name) ? state[name] : [state[name]].filter(Boolean)) {
      const button = el("button", "active-filter", `${FILTER_LABELS[name]}：${value} ×`);
      button.type = "button";
      button.dataset.filter = name;
      button.dataset.value = value;
      button.title = "取消此筛选";
      button.addEventListener("click", () => toggleFilter(name, value));
      box.appendChild(button);
    }
  }
}

function renderPager(total) {
  const pages = Math.max(1, Math.ceil(Math.min(total, MAX_RESULT_WINDOW) / state.size));
  $("page-info").textContent = `第 ${state.page} / ${pages} 页`;
  $("prev").disabled = state.page <= 1;
  $("next").disabled = state.page >= pages;
  $("pager").hidden = total <= state.size;
}

function showStatus(message, isError) {
  const status = $("status");
  status.textContent = message;
  status.classList.toggle("error", Boolean(isError));
}

// --- the trend chart (inline SVG, drawn here: no chart library) --------------------------------

function niceStep(max) {
  const rough = max / 4;
  const power = 10 ** Math.floor(Math.log10(Math.max(rough, 1)));
  for (const factor of [1, 2, 5, 10]) if (factor * power >= rough) return Math.max(1, factor * power);
  return power * 10;
}

function renderChart(trend) {
  const chart = $("trend-chart");
  const legend = $("trend-legend");
  chart.replaceChildren();
  legend.replaceChildren();
  const [width, height] = [760, 240];
  const [left, right, top, bottom] = [40, 12, 12, 40];
  const values = Object.keys(trend.series || {});
  if (!values.length || !trend.periods.length) {
    chart.appendChild(svg("text", { x: width / 2, y: height / 2, "text-anchor": "middle", class: "empty" }, "没有数据"));
    chart.dataset.series = "0";
    return;
  }
  const periods = trend.periods;
  const max = Math.max(1, ...values.flatMap((value) => trend.series[value]));
  const step = niceStep(max);
  const ceiling = Math.ceil(max / step) * step;
  const x = (index) => left + (periods.length === 1 ? (width - left - right) / 2
    : (index * (width - left - right)) / (periods.length - 1));
  const y = (count) => top + (height - top - bottom) * (1 - count / ceiling);

  for (let tick = 0; tick <= ceiling; tick += step) {
    chart.appendChild(svg("line", { x1: left, x2: width - right, y1: y(tick), y2: y(tick), class: "grid" }));
    chart.appendChild(svg("text", { x: left - 6, y: y(tick) + 4, "text-anchor": "end", class: "axis" }, tick));
  }
  const labelEvery = Math.max(1, Math.ceil(periods.length / 10));
  periods.forEach((period, index) => {
    const last = periods.length - 1;
    if (index % labelEvery !== 0 && index !== last) return;
    // The last label is always drawn: the regular one just before it would overlap it.
    if (index !== last && last - index < labelEvery) return;
    // The first and last labels are anchored inwards so that they are not cut at the edges.
    const anchor = periods.length > 1 && index === 0 ? "start"
      : periods.length > 1 && index === periods.length - 1 ? "end" : "middle";
    chart.appendChild(svg("text", { x: x(index), y: height - bottom + 18, "text-anchor": anchor, class: "axis" }, period));
  });
  values.forEach((value, n) => {
    const color = COLORS[n % COLORS.length];
    const counts = trend.series[value];
    const points = counts.map((count, index) => `${x(index).toFixed(1)},${y(count).toFixed(1)}`).join(" ");
    const group = svg("g", { class: "series" });
    group.dataset.value = value;
    group.appendChild(svg("polyline", { points, fill: "none", stroke: color, "stroke-width": 2 }));
    counts.forEach((count, index) => {
      const dot = svg("circle", { cx: x(index), cy: y(count), r: 3, fill: color });
      dot.appendChild(svg("title", {}, `${value} · ${periods[index]}：${count} 篇`));
      group.appendChild(dot);
    });
    chart.appendChild(group);

    const entry = el("li");
    const swatch = el("span", "swatch");
    swatch.style.backgroundColor = color; // CSSOM, allowed by the page's CSP (unlike a style attribute)
    const button = el("button", "legend-value", `${value}（${trend.totals[value]}）`);
    button.type = "button";
    button.title = "按此筛选";
    button.addEventListener("click", () => addFilter(state.by, value));
    entry.append(swatch, button);
    legend.appendChild(entry);
  });
  chart.dataset.series = String(values.length);
}

// --- running a search --------------------------------------------------------------------------

async function run() {
  const mine = ++generation;
  writeLocation();
  renderActiveFilters();
  updateExportLink();
  showStatus("搜索中…");
  const searchParams = { q: state.q, ...filterParams(), sort: state.sort, page: state.page, size: state.size,
    collapse: state.collapse };
  const statsParams = { q: state.q, ...filterParams(), by: state.by, interval: state.interval, top: 8 };
  const [found, trend] = await Promise.allSettled([api("/search", searchParams), api("/stats", statsParams)]);
  if (mine !== generation) return;
  if (found.status === "fulfilled") {
    const result = found.value;
    const results = $("results");
    results.replaceChildren(...result.hits.map(renderHit));
    renderFacets(result.facets);
    renderPager(result.total);
    const words = state.q ? `“${state.q}”` : "全部文章";
    // Collapsed reposts: the pages hold stories; say how many articles they stand for.
    const reposts = result.articles > result.total ? `（含转载共 ${result.articles} 篇）` : "";
    showStatus(result.total ? `${words}：共 ${result.total} 篇${reposts}` : `${words}：没有找到文章`);
    $("status").dataset.total = String(result.total);
  } else {
    $("results").replaceChildren();
    showStatus(found.reason.message, true);
  }
  if (trend.status === "fulfilled") renderChart(trend.value);
  else renderChart({ periods: [], series: {} });
  document.body.dataset.ready = String(mine); // tests wait for this
}

function updateExportLink() {
  // The words typed and the filters: the export holds what the search found.
  const search = query({ q: state.q, ...filterParams() });
  $("export-link").href = search ? `/export?${search}` : "/export";
  // The same search as a feed to subscribe to. A feed reader cannot send a header, so with an API
  // key the feed's address carries it (the user's own key, in the address they subscribe with).
  const feed = query({ q: state.q, ...filterParams(), key: apiKey() });
  $("feed-link").href = feed ? `/feeds/search.xml?${feed}` : "/feeds/search.xml";
}

async function exportWithKey(event) {
  if (!apiKey()) return; // a plain link streams to disk
  event.preventDefault(); // a link cannot send a header: fetch it and hand the file over
  try {
    const response = await fetch($("export-link").href, { headers: { "X-API-Key": apiKey() } });
    if (!response.ok) throw new ApiError(response.status, `导出失败（HTTP ${response.status}）`);
    const url = URL.createObjectURL(await response.blob());
    const link = el("a");
    link.href = url;
    link.download = "finnews.jsonl";
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  } catch (error) {
    showStatus(error.message, true);
  }
}

// --- the type-ahead: a stock or a board by name or code, added as a filter -------------------------

let suggestTimer = null;

async function suggest() {
  const text = $("add-filter").value.trim();
  if (!text) return;
  try {
    const found = await api("/suggest", { q: text, kind: $("add-kind").value });
    const options = found.suggestions.map((entry) => {
      const option = el("option");
      option.value = entry.value;
      option.label = `${entry.name}（${entry.code}）`;
      return option;
    });
    $("filter-options").replaceChildren(...options);
  } catch (error) {
    showStatus(error.message, true);
  }
}

function startTypeAhead() {
  $("add-filter").addEventListener("input", () => {
    clearTimeout(suggestTimer);
    suggestTimer = setTimeout(suggest, 150);
  });
  $("add-filter-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const value = $("add-filter").value.trim();
    if (!value) return;
    $("add-filter").value = "";
    addFilter($("add-kind").value, value);
  });
}

function start() {
  readLocation();
  syncForm();
  startTypeAhead();
  $("search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    state.q = $("q").value.trim();
    state.from = $("from").value;
    state.to = $("to").value;
    state.sort = $("sort").value;
    state.collapse = $("collapse").checked;
    state.page = 1;
    run();
  });
  $("key-form").addEventListener("submit", (event) => {
    event.preventDefault();
    sessionStorage.setItem(KEY_STORAGE, $("key").value);
    $("key").value = "";
    $("key-form").hidden = true;
    run();
  });
  for (const id of ["trend-by", "trend-interval"]) {
    $(id).addEventListener("change", () => {
      state.by = $("trend-by").value;
      state.interval = $("trend-interval").value;
      run();
    });
  }
  $("prev").addEventListener("click", () => { state.page -= 1; run(); });
  $("next").addEventListener("click", () => { state.page += 1; run(); });
  $("export-link").addEventListener("click", exportWithKey);
  run();
}

document.addEventListener("DOMContentLoaded", start);
