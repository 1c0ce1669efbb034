// The dashboard's script: draws each page's charts from the figures embedded in it, and
// fetches online metrics and experiments from the feedback routes.
"use strict";

const adminKey = document.body.dataset.key || "";

function adminFetch(path) {
  return fetch(path, {headers: adminKey ? {"X-API-Key": adminKey} : {}});
}

function embedded(id) {
  const node = document.getElementById(id);
  return node ? JSON.parse(node.textContent) : null;
}

function isRateName(name) {
  return /(rate|ctr|share|coverage|ratio|conversion|propensity|probability)/i.test(name);
}

function formatCell(name, value) {
  if (typeof value === "number") {
    if (isRateName(name) && Math.abs(value) <= 1) return Charts.percent(value);
    if (/revenue/.test(name)) return `$${value.toLocaleString("en-US", {maximumFractionDigits: 2})}`;
    return Charts.format(value);
  }
  if (value === null || value === undefined) return "—";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

// Data health --------------------------------------------------------------------------------

function drawHealth() {
  const health = embedded("health-data");
  if (!health) return;
  // The figures arrive with sorted keys; `types` keeps the order of intent (view first).
  const series = health.types.map((name) => ({name, values: health.events_by_type[name]}));
  Charts.line(document.getElementById("chart-events"), {labels: health.days, series});
  Charts.bars(document.getElementById("chart-active"),
              {labels: health.days, values: health.active_by_day, colour: Charts.PALETTE[2]});
  Charts.hbars(document.getElementById("chart-coverage"), {
    labels: ["with any event", "shown on a homepage"],
    values: [health.coverage, health.shown_coverage],
    max: 1, valueFormat: Charts.percent, colours: [Charts.PALETTE[0], Charts.PALETTE[1]],
  });
}

// Models ---------------------------------------------------------------------------------------

function drawModels() {
  const models = embedded("models-data");
  if (!models) return;
  const serving = models.bundles.find((b) => b.serving) || models.bundles[0];
  const timings = document.getElementById("chart-timings");
  if (serving && timings) {
    const steps = Object.entries(serving.timings_s).sort((a, b) => b[1] - a[1]);
    Charts.hbars(timings, {labels: steps.map((s) => s[0]), values: steps.map((s) => s[1]),
                           valueFormat: (v) => `${v.toFixed(2)} s`});
  }
  const history = document.getElementById("chart-training");
  if (history && models.bundles.length) {
    const ordered = [...models.bundles].reverse();
    Charts.bars(history, {labels: ordered.map((b) => b.version), values: ordered.map((b) => b.training_s),
                          colour: Charts.PALETTE[1], yFormat: (v) => `${v.toFixed(1)} s`});
  }
  drawOffline(models.offline);
}

function drawOffline(results) {
  const container = document.getElementById("chart-offline");
  const picker = document.getElementById("offline-metric");
  if (!container || !results.length) return;
  const names = [...new Set(results.flatMap((r) => Object.keys(r.metrics)))].sort();
  const preferred = names.find((n) => /^ndcg@10$/i.test(n)) || names[0];
  for (const name of names) {
    const option = document.createElement("option");
    option.value = option.textContent = name;
    picker.appendChild(option);
  }
  picker.value = preferred;
  const draw = () => {
    const rows = results.filter((r) => picker.value in r.metrics);
    Charts.hbars(container, {
      labels: rows.map((r) => `${r.model}${r.dataset ? ` · ${r.dataset}` : ""}`),
      values: rows.map((r) => r.metrics[picker.value]),
      valueFormat: (v) => v.toFixed(4), colours: Charts.PALETTE, labelWidth: 220,
    });
  };
  picker.addEventListener("change", draw);
  draw();
}

// Shopper inspector ----------------------------------------------------------------------------

function drawShopper() {
  const profile = embedded("profile-data");
  if (!profile) return;
  const interests = document.getElementById("chart-interests");
  if (interests && profile.interests.length) {
    Charts.hbars(interests, {
      labels: profile.interests.map((i) => i.category),
      values: profile.interests.map((i) => i.probability),
      max: 1, valueFormat: Charts.percent, colours: [Charts.PALETTE[0]],
    });
  }
  drawShares("chart-categories", profile.category_affinity, Charts.PALETTE[2]);
  drawShares("chart-brands", profile.brand_affinity, Charts.PALETTE[3]);
}

function drawShares(id, shares, colour) {
  const container = document.getElementById(id);
  const entries = Object.entries(shares || {}).slice(0, 8);
  if (!container || !entries.length) return;
  Charts.hbars(container, {labels: entries.map((e) => e[0]), values: entries.map((e) => e[1]),
                           max: 1, valueFormat: Charts.percent, colours: [colour]});
}

// Online metrics and experiments ---------------------------------------------------------------
//
// GET /v1/metrics/online answers {group_by, since, until, attribution_window_s, rows: [...]};
// GET /v1/experiments a list of {experiment_id, status, created_at, config}, and
// GET /v1/experiments/{id} the same with its per-arm `report`. Any other shape is read
// generically: numbers become tiles, lists of objects a table and a chart.

const LABEL_KEYS = ["section_id", "section", "arm", "variant", "name", "id", "experiment",
                    "model_version", "day", "date"];
const METRIC_KEYS = ["ctr", "click_rate", "add_to_cart_rate", "cart_rate", "purchase_rate",
                     "conversion", "conversion_rate", "revenue_per_page_view", "revenue_per_view"];
const TIME_KEYS = ["day", "date", "time", "hour", "timestamp"];
const COUNT_KEYS = ["page_views", "impressions", "clicks", "carts", "purchases", "revenue"];
const RATES = ["ctr", "add_to_cart_rate", "conversion"];
const NO_METRICS = "No online metrics yet: they appear once homepages are served and shoppers click.";
const NO_EXPERIMENTS = "No experiments yet: start one (POST /v1/admin/experiments) to compare arms here.";

async function loadOnline() {
  const picker = document.getElementById("group-by");
  const path = () => `/v1/metrics/online?group_by=${encodeURIComponent(picker.value)}`;
  const showOnline = () => showEndpoint(path(), "online-metrics", NO_METRICS, renderOnline);
  picker.addEventListener("change", showOnline);
  await Promise.all([
    showOnline(),
    showEndpoint("/v1/experiments", "experiments", NO_EXPERIMENTS, renderExperiments),
  ]);
}

async function showEndpoint(path, id, emptyText, render) {
  const container = document.getElementById(id);
  container.dataset.state = "loading";
  container.dataset.path = path;
  let data = null;
  try {
    const response = await adminFetch(path);
    if (response.ok) data = await response.json();
    else if (response.status !== 404) emptyText = `${path} answered ${response.status}. ${emptyText}`;
  } catch (error) {
    data = null;
  }
  container.innerHTML = "";
  const drawn = data !== null && await render(container, data);
  if (!drawn) {
    container.innerHTML = "";
    const note = document.createElement("p");
    note.className = "no-data";
    note.textContent = emptyText;
    container.appendChild(note);
  }
  if (container.dataset.path !== path) return;  // a newer request has been made meanwhile
  container.dataset.state = drawn ? "data" : "empty";
}

function renderOnline(container, data) {
  if (!Array.isArray(data.rows)) return renderValue(container, data, "", 0);
  const rows = data.rows;
  if (!rows.length) return false;
  const groups = data.group_by || [];
  const sum = (key) => rows.reduce((total, row) => total + (row[key] || 0), 0);
  const impressions = sum("impressions");
  tiles(container, [
    ["impressions", impressions], ["clicks", sum("clicks")], ["carts", sum("carts")],
    ["purchases", sum("purchases")], ["revenue", sum("revenue")],
    ["ctr", impressions ? sum("clicks") / impressions : 0],
    ["add_to_cart_rate", impressions ? sum("carts") / impressions : 0],
  ], "");

  const label = (row) => groups.map((g) => row[g]).join(" · ") || "all";
  const chart = chartBox(container);
  if (groups.length === 1 && TIME_KEYS.includes(groups[0]) && rows.length > 1) {
    Charts.line(chart, {labels: rows.map(label), yFormat: Charts.percent,
                        series: RATES.map((k) => ({name: k, values: rows.map((r) => r[k] || 0)}))});
  } else {
    const picker = metricPicker(container, chart);
    const draw = () => Charts.hbars(chart, {
      labels: rows.map(label), values: rows.map((r) => r[picker.value] || 0),
      colours: Charts.PALETTE, labelWidth: 220,
      valueFormat: RATES.includes(picker.value) ? Charts.percent : undefined,
    });
    picker.addEventListener("change", draw);
    draw();
  }
  table(container, rows);
  return true;
}

function metricPicker(container, chart) {
  const box = document.createElement("div");
  box.className = "pick";
  box.innerHTML = `<label>bars</label><select class="metric-picker"></select>`;
  const picker = box.querySelector("select");
  for (const name of [...RATES, "revenue_per_page_view", ...COUNT_KEYS]) {
    const option = document.createElement("option");
    option.value = option.textContent = name;
    picker.appendChild(option);
  }
  container.insertBefore(box, chart);
  return picker;
}

async function renderExperiments(container, data) {
  if (!Array.isArray(data) || !data.every((e) => isObject(e) && "experiment_id" in e)) {
    return renderValue(container, data, "", 0);
  }
  if (!data.length) return false;
  for (const experiment of data) {
    const block = document.createElement("div");
    block.className = "block experiment";
    block.dataset.experimentId = experiment.experiment_id;
    container.appendChild(block);
    const config = experiment.config || {};
    heading(block, experiment.experiment_id);
    const facts = document.createElement("p");
    facts.className = "facts";
    const arms = (config.arms || []).map((a) => `${a.name} (weight ${a.weight})`).join(", ");
    facts.textContent = [`status: ${experiment.status}`, `arms: ${arms}`,
                         `primary metric: ${config.primary_metric || "ctr"}`,
                         config.description].filter(Boolean).join(" · ");
    block.appendChild(facts);
    let report = experiment.report;
    if (!report) {
      const response = await adminFetch(`/v1/experiments/${encodeURIComponent(experiment.experiment_id)}`);
      if (response.ok) report = (await response.json()).report;
    }
    if (report) renderReport(block, report);
  }
  return true;
}

function renderReport(block, report) {
  const metric = report.primary_metric || "ctr";
  const arms = report.arms || [];
  for (const statement of report.summary || []) {
    const verdict = document.createElement("p");
    verdict.className = "summary";
    verdict.textContent = statement;
    block.appendChild(verdict);
  }
  if (!arms.length) return;
  const value = (arm) => (arm.metrics && arm.metrics[metric]) || {};
  const interval = (e) => (e.low === null || e.low === undefined ? ""
    : ` [${formatCell(metric, e.low)}, ${formatCell(metric, e.high)}]`);
  Charts.hbars(chartBox(block), {
    labels: arms.map((a) => a.name), values: arms.map((a) => value(a).value || 0),
    colours: Charts.PALETTE, valueFormat: (v) => formatCell(metric, v),
  });
  table(block, arms.map((a) => ({
    arm: a.name, shoppers: a.shoppers, page_views: a.page_views, impressions: a.impressions,
    [metric]: value(a).value, interval: interval(value(a)).trim() || "—",
  })));
}

function isObject(value) { return value !== null && typeof value === "object" && !Array.isArray(value); }
function isScalar(value) { return value === null || ["number", "string", "boolean"].includes(typeof value); }

function renderValue(parent, value, title, depth) {
  if (Array.isArray(value)) return renderList(parent, value, title, depth);
  if (!isObject(value)) return false;
  const entries = Object.entries(value);
  if (!entries.length) return false;
  // A mapping of name -> object of numbers reads as a table with a "name" column.
  if (entries.every(([, v]) => isObject(v) && Object.values(v).some((x) => typeof x === "number"))
      && entries.every(([, v]) => Object.values(v).every(isScalar))) {
    return renderList(parent, entries.map(([k, v]) => Object.assign({name: k}, v)), title, depth);
  }
  let drawn = tiles(parent, entries.filter(([, v]) => typeof v === "number"), title);
  for (const [key, v] of entries) {
    if (isScalar(v) || depth > 3) continue;
    const block = document.createElement("div");
    block.className = "block";
    parent.appendChild(block);
    if (renderValue(block, v, key, depth + 1)) drawn = true;
    else block.remove();
  }
  return drawn;
}

function renderList(parent, rows, title, depth) {
  if (!rows.length) return false;
  if (rows.every((r) => typeof r === "number")) {
    heading(parent, title);
    const chart = chartBox(parent);
    Charts.bars(chart, {labels: rows.map((_, i) => String(i + 1)), values: rows});
    return true;
  }
  if (!rows.every(isObject)) return false;
  const nested = [...new Set(rows.flatMap((r) => Object.keys(r).filter((k) => !isScalar(r[k]))))];
  if (nested.length && depth < 3) {
    // e.g. experiments, each with its arms: one block per row.
    let drawn = false;
    for (const row of rows) {
      const block = document.createElement("div");
      block.className = "block";
      parent.appendChild(block);
      const scalars = Object.entries(row).filter(([, v]) => isScalar(v));
      heading(block, labelOf(row) || title);
      const facts = document.createElement("p");
      facts.className = "facts";
      facts.textContent = scalars.filter(([k]) => typeof row[k] !== "number")
        .map(([k, v]) => `${k}: ${v}`).join(" · ");
      block.appendChild(facts);
      tiles(block, scalars.filter(([, v]) => typeof v === "number"), "");
      for (const key of nested) if (row[key] !== undefined) renderValue(block, row[key], key, depth + 1);
      drawn = true;
    }
    return drawn;
  }
  heading(parent, title);
  chartFor(parent, rows);
  table(parent, rows);
  return true;
}

function labelOf(row) {
  const key = LABEL_KEYS.find((k) => typeof row[k] === "string" || typeof row[k] === "number");
  return key === undefined ? "" : String(row[key]);
}

function chartFor(parent, rows) {
  const numeric = Object.keys(rows[0]).filter((k) => rows.every((r) => typeof r[k] === "number"));
  if (!numeric.length) return;
  const timeKey = TIME_KEYS.find((k) => k in rows[0]);
  const chart = chartBox(parent);
  if (timeKey && rows.length > 1) {
    const rates = numeric.filter(isRateName);
    const shown = (rates.length ? rates : numeric).filter((k) => k !== timeKey).slice(0, 4);
    Charts.line(chart, {labels: rows.map((r) => String(r[timeKey])),
                        series: shown.map((k) => ({name: k, values: rows.map((r) => r[k])})),
                        yFormat: rates.length ? Charts.percent : undefined});
    return;
  }
  const metric = METRIC_KEYS.find((k) => numeric.includes(k)) || numeric.find(isRateName) || numeric[0];
  const rate = isRateName(metric) && rows.every((r) => Math.abs(r[metric]) <= 1);
  Charts.hbars(chart, {labels: rows.map((r, i) => labelOf(r) || String(i + 1)),
                       values: rows.map((r) => r[metric]), colours: Charts.PALETTE,
                       valueFormat: rate ? Charts.percent : undefined});
  const caption = document.createElement("p");
  caption.className = "caption";
  caption.textContent = `Bars: ${metric}`;
  parent.appendChild(caption);
}

function chartBox(parent) {
  const chart = document.createElement("div");
  chart.className = "chart";
  parent.appendChild(chart);
  return chart;
}

function heading(parent, title) {
  if (!title) return;
  const h = document.createElement("h3");
  const text = String(title).replace(/_/g, " ");
  h.textContent = text.charAt(0).toUpperCase() + text.slice(1);
  parent.appendChild(h);
}

function tiles(parent, entries, title) {
  if (!entries.length) return false;
  heading(parent, title);
  const box = document.createElement("div");
  box.className = "tiles";
  for (const [name, value] of entries) {
    const tile = document.createElement("div");
    tile.className = "tile";
    tile.innerHTML = `<div class="value"></div><div class="label"></div>`;
    tile.querySelector(".value").textContent = formatCell(name, value);
    tile.querySelector(".label").textContent = name.replace(/_/g, " ");
    box.appendChild(tile);
  }
  parent.appendChild(box);
  return true;
}

function table(parent, rows) {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r).filter((k) => isScalar(r[k]))))]
    .slice(0, 12);
  const node = document.createElement("table");
  node.className = "data";
  const head = node.createTHead().insertRow();
  for (const c of columns) head.appendChild(document.createElement("th")).textContent = c;
  const body = node.createTBody();
  for (const row of rows.slice(0, 200)) {
    const tr = body.insertRow();
    for (const c of columns) {
      const td = tr.insertCell();
      td.textContent = formatCell(c, row[c]);
      if (typeof row[c] === "number") td.className = "num";
    }
  }
  parent.appendChild(node);
}

// Page dispatch --------------------------------------------------------------------------------

const pages = {health: drawHealth, models: drawModels, online: loadOnline, shopper: drawShopper};
(pages[document.body.dataset.tab] || (() => {}))();
