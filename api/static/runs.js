// finnews runs page: the scheduled jobs (/jobs) and their runs (/runs, /runs/{id}). Run data is
// partly untrusted (a crawl's output, site URLs in reasons): every value goes into the DOM with
// textContent / createTextNode, never innerHTML. The API key is the search page's (sessionStorage).
"use strict";

const STATUS_LABELS = {
  succeeded: "成功", partial: "部分", blocked: "被封", failed: "失败", empty: "无新文章", timeout: "超时", stopped: "已停止",
};
const NOT_WELL = new Set(["partial", "blocked", "failed", "empty", "timeout"]);

function showStatus(message, isError) {
  const status = $("status");
  status.textContent = message;
  status.classList.toggle("error", Boolean(isError));
}

function formatTime(iso) {
  return iso ? String(iso).slice(0, 19).replace("T", " ") : "—";
}

function formatDuration(seconds) {
  if (seconds === null || seconds === undefined) return "—";
  if (seconds < 90) return `${Number(seconds).toFixed(1)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${Math.round(seconds / 86400)} d`;
}

function badge(outcome) {
  const node = el("span", `badge status-${outcome || "none"}`, outcome || "未运行");
  node.title = STATUS_LABELS[outcome] || "";
  node.dataset.status = outcome || "";
  return node;
}

function errorsText(errors) {
  return (errors || []).map((e) => `${e.reason} ×${e.count}`).join("，") || "无";
}

// --- the chart: new (dark) and updated (light) articles per run, failures marked --------------------

function renderChart(history) {
  const [width, height] = [260, 56];
  const slot = width / Math.max(history.length, 12); // a few runs do not stretch into wide bars
  const bar = Math.max(2, slot - 2);
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "run-chart", role: "img",
    "aria-label": "每次运行的新文章与更新" });
  chart.dataset.runs = String(history.length);
  if (!history.length) {
    chart.appendChild(svg("text", { x: width / 2, y: height / 2 + 4, "text-anchor": "middle", class: "empty" }, "尚无运行"));
    return chart;
  }
  const max = Math.max(1, ...history.map((point) => point.new + point.updated));
  const scale = (count) => (count / max) * (height - 14);
  history.forEach((point, index) => {
    const x = index * slot;
    const group = svg("g", { class: `bar status-${point.outcome}` });
    const newHeight = scale(point.new);
    const updatedHeight = scale(point.updated);
    group.appendChild(svg("rect", { x, y: height - 4 - newHeight, width: bar, height: newHeight, class: "new" }));
    group.appendChild(svg("rect", { x, y: height - 4 - newHeight - updatedHeight, width: bar, height: updatedHeight,
      class: "updated" }));
    group.appendChild(svg("rect", { x, y: height - 3, width: bar, height: 3, class: "mark" }));
    group.appendChild(svg("title", {}, `${formatTime(point.start)} · ${point.outcome}：新 ${point.new}，更新 ${point.updated}`));
    chart.appendChild(group);
  });
  chart.appendChild(svg("text", { x: width - 2, y: 10, "text-anchor": "end", class: "axis" }, `最多 ${max}`));
  return chart;
}

// --- jobs --------------------------------------------------------------------------------------------

function renderJob(job) {
  const card = el("article", "job");
  card.dataset.job = job.name;
  const last = job.last_run;
  const head = el("div", "job-head");
  head.appendChild(el("h3", null, job.name));
  head.appendChild(badge(last && last.outcome));
  if (job.overdue) head.appendChild(el("span", "badge overdue", `逾期（应于 ${formatTime(job.due_since)} 运行）`));
  card.appendChild(head);

  const facts = el("dl", "facts");
  const fact = (label, value) => {
    facts.appendChild(el("dt", null, label));
    facts.appendChild(el("dd", null, value));
  };
  fact("计划", `${job.cron}（${job.timezone}）`);
  fact("下次", formatTime(job.next_run));
  fact("上次", last ? `${formatTime(last.start)} · ${formatDuration(last.duration_s)}` : "尚未运行");
  if (job.expect_new_within) fact("新文章期限", formatDuration(job.expect_new_within));
  fact("错误（最近）", errorsText(job.errors));
  card.appendChild(facts);
  card.appendChild(renderChart(job.history || []));

  if (last && NOT_WELL.has(last.outcome)) {
    const why = el("div", "why");
    why.appendChild(el("strong", null, "原因："));
    why.appendChild(el("span", "reason", last.reason || last.outcome));
    card.appendChild(why);
    const tail = el("pre", "log-tail", "读取日志…");
    tail.dataset.run = last.run_id;
    card.appendChild(tail);
    api(`/runs/${encodeURIComponent(last.run_id)}`).then(
      (run) => {
        tail.textContent = run.output_tail || "（没有输出）";
        tail.scrollTop = tail.scrollHeight; // the end of the output is where a failure says why
        tail.dataset.loaded = "true";
      },
      (error) => { tail.textContent = error.message; },
    );
  }
  const more = el("button", "link", "运行记录");
  more.type = "button";
  more.addEventListener("click", () => {
    $("filter-job").value = job.name;
    loadRuns();
  });
  card.appendChild(more);
  return card;
}

async function loadJobs() {
  const body = await api("/jobs");
  $("job-list").replaceChildren(...body.jobs.map(renderJob));
  const select = $("filter-job");
  const chosen = select.value;
  select.replaceChildren(el("option", null, "全部任务"));
  select.firstChild.value = "";
  for (const name of [...body.jobs.map((job) => job.name), ...(body.unscheduled || [])]) {
    const option = el("option", null, name);
    option.value = name;
    select.appendChild(option);
  }
  select.value = chosen;
  return body.jobs;
}

// --- runs --------------------------------------------------------------------------------------------

function renderRunRow(run) {
  const row = el("tr", `run status-${run.outcome}`);
  row.dataset.run = run.run_id;
  row.appendChild(el("td", "time", formatTime(run.start)));
  row.appendChild(el("td", null, run.job));
  const status = el("td");
  status.appendChild(badge(run.outcome));
  row.appendChild(status);
  row.appendChild(el("td", "num", formatDuration(run.duration_s)));
  const articles = run.articles || {};
  row.appendChild(el("td", "num", `${articles.new || 0} / ${articles.updated || 0}`));
  row.appendChild(el("td", "errors", errorsText(run.errors)));
  row.appendChild(el("td", "reason", run.reason || ""));
  row.tabIndex = 0;
  row.addEventListener("click", () => openRun(run.run_id));
  row.addEventListener("keydown", (event) => { if (event.key === "Enter") openRun(run.run_id); });
  return row;
}

async function loadRuns() {
  const body = await api("/runs", { job: $("filter-job").value, status: $("filter-status").value, limit: 50 });
  $("run-table").tBodies[0].replaceChildren(...body.runs.map(renderRunRow));
  return body.runs;
}

async function openRun(runId) {
  const panel = $("run-detail");
  try {
    const run = await api(`/runs/${encodeURIComponent(runId)}`);
    const heading = el("h2", null, `${run.job} · ${formatTime(run.start)} `);
    heading.appendChild(badge(run.outcome));
    const close = el("button", "link", "关闭");
    close.type = "button";
    close.addEventListener("click", () => {
      panel.hidden = true;
      history.replaceState(null, "", "/status");
    });
    const facts = el("dl", "facts");
    const articles = run.articles || {};
    const rows = [
      ["运行", run.run_id], ["命令", run.command], ["主机", run.host], ["触发", run.trigger],
      ["用时", formatDuration(run.duration_s)], ["退出码", run.exit_code],
      ["页面", run.kind === "ingest" ? `文件 ${run.files || 0}` : `${run.pages || 0}（请求 ${run.requests || 0}）`],
      ["文章", `新 ${articles.new || 0}，更新 ${articles.updated || 0}，未变 ${articles.unchanged || 0}，`
        + `已收录跳过 ${articles.skipped_seen || 0}，暂存 ${articles.spooled || 0}`],
      ["错误", errorsText(run.errors)],
      ["原因", run.reason || "—"],
    ];
    for (const source of run.stopped_sources || []) rows.push(["停止的来源", source]);
    for (const [label, value] of rows) {
      facts.appendChild(el("dt", null, label));
      facts.appendChild(el("dd", null, value === null || value === undefined ? "—" : value));
    }
    const tail = el("pre", "log-tail", run.output_tail || "（没有输出）");
    panel.replaceChildren(heading, close, facts, el("h3", null, "日志（最后几行）"), tail);
    panel.hidden = false;
    tail.scrollTop = tail.scrollHeight;
    panel.dataset.run = run.run_id;
    history.replaceState(null, "", `/status?run=${encodeURIComponent(run.run_id)}`);
  } catch (error) {
    showStatus(error.message, true);
  }
}

async function refresh() {
  showStatus("读取中…");
  try {
    const [jobs, runs] = await Promise.all([loadJobs(), loadRuns()]);
    showStatus(`${jobs.length} 个任务，最近 ${runs.length} 次运行`);
  } catch (error) {
    showStatus(error.message, true);
  }
  document.body.dataset.ready = "true"; // tests wait for this
}

function start() {
  const params = new URLSearchParams(location.search);
  if (params.has("key")) {
    sessionStorage.setItem(KEY_STORAGE, params.get("key"));
    params.delete("key");
    history.replaceState(null, "", params.toString() ? `/status?${params}` : "/status");
  }
  $("key-form").addEventListener("submit", (event) => {
    event.preventDefault();
    sessionStorage.setItem(KEY_STORAGE, $("key").value);
    $("key").value = "";
    $("key-form").hidden = true;
    refresh();
  });
  $("filter-job").addEventListener("change", () => loadRuns().catch((error) => showStatus(error.message, true)));
  $("filter-status").addEventListener("change", () => loadRuns().catch((error) => showStatus(error.message, true)));
  refresh().then(() => {
    if (params.get("run")) openRun(params.get("run"));
  });
}

document.addEventListener("DOMContentLoaded", start);
