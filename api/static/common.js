// What the search page (app.js) and the runs page (runs.js) share: DOM builders, the API key and the
// API call. Loaded first by both pages (deferred scripts run in document order). Values from the API
// are untrusted (crawled pages, a crawl's output): el() and svg() set text, never HTML.
"use strict";

const KEY_STORAGE = "finnews-api-key";
const SVG_NS = "http://www.w3.org/2000/svg";

const $ = (id) => document.getElementById(id);

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function svg(tag, attributes, text) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = String(text);
  return node;
}

class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

function apiKey() {
  return sessionStorage.getItem(KEY_STORAGE) || "";
}

// The query string of the parameters that have a value ("", null, undefined and false are left out);
// a list is the parameter repeated (?stock=a&stock=b: any of them).
function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params || {})) {
    for (const one of Array.isArray(value) ? value : [value]) {
      if (one !== "" && one !== null && one !== undefined && one !== false) search.append(name, String(one));
    }
  }
  return search.toString();
}

// GET an API path as JSON with the key; a 401 shows the key form, any other failure is an ApiError
// with the server's message.
async function api(path, params) {
  const headers = { Accept: "application/json" };
  if (apiKey()) headers["X-API-Key"] = apiKey();
  const search = query(params);
  const response = await fetch(search ? `${path}?${search}` : path, { headers });
  if (response.status === 401) {
    $("key-form").hidden = false;
    throw new ApiError(401, "需要 API key（在上方输入，或以 /?key=… 打开搜索页）");
  }
  let body = null;
  try {
    body = await response.json();
  } catch (error) {
    throw new ApiError(response.status, `服务器返回了无法解析的内容（HTTP ${response.status}）`);
  }
  if (!response.ok) throw new ApiError(response.status, (body && body.error) || `HTTP ${response.status}`);
  return body;
}
