// Small SVG charts for the dashboard: lines over days, vertical bars, horizontal bars.
// Nothing is downloaded: each chart is a few SVG elements drawn into a container.
"use strict";

const Charts = (() => {
  const NS = "http://www.w3.org/2000/svg";
  const PALETTE = ["#1f6feb", "#e3702d", "#2da44e", "#8250df", "#cf222e", "#1b9aaa",
                   "#9a6700", "#bf3989"];
  const MIN_WIDTH = 320;

  function el(tag, attrs, parent) {
    const node = document.createElementNS(NS, tag);
    for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, value);
    if (parent) parent.appendChild(node);
    return node;
  }

  function tip(node, text) { el("title", {}, node).textContent = text; }

  function format(value) {
    if (value === null || value === undefined || Number.isNaN(value)) return "—";
    const magnitude = Math.abs(value);
    if (magnitude >= 1e6) return `${(value / 1e6).toFixed(1)}M`;
    if (magnitude >= 1e4) return `${(value / 1e3).toFixed(1)}k`;
    if (Number.isInteger(value)) return value.toLocaleString("en-US");
    if (magnitude >= 100) return value.toFixed(0);
    if (magnitude >= 1) return value.toFixed(2);
    return value.toPrecision(3);
  }

  function niceMax(value) {
    if (!(value > 0)) return 1;
    const step = Math.pow(10, Math.floor(Math.log10(value)));
    for (const m of [1, 2, 2.5, 5, 10]) if (m * step >= value) return m * step;
    return 10 * step;
  }

  // An SVG as wide as its container, so that text keeps its size whatever the layout.
  function frame(container, height) {
    container.innerHTML = "";
    const width = Math.max(MIN_WIDTH, Math.floor(container.clientWidth || 640));
    const svg = el("svg", {viewBox: `0 0 ${width} ${height}`, width: "100%", role: "img",
                           class: "chart-svg"}, container);
    container.dataset.drawn = "true";
    return {svg, width};
  }

  function axes(svg, box, max, yFormat) {
    for (let i = 0; i <= 4; i++) {
      const y = box.bottom - (box.bottom - box.top) * i / 4;
      el("line", {x1: box.left, x2: box.right, y1: y, y2: y, stroke: "#e5e7eb"}, svg);
      const label = el("text", {x: box.left - 6, y: y + 4, "text-anchor": "end",
                                "font-size": 11, fill: "#6b7280"}, svg);
      label.textContent = (yFormat || format)(max * i / 4);
    }
  }

  function xLabels(svg, box, labels, xAt) {
    const every = Math.max(1, Math.ceil(labels.length / 7));
    labels.forEach((label, i) => {
      if (i % every !== 0 && i !== labels.length - 1) return;
      const text = el("text", {x: xAt(i), y: box.bottom + 16, "text-anchor": "middle",
                               "font-size": 11, fill: "#6b7280"}, svg);
      text.textContent = String(label).length === 10 ? String(label).slice(5) : label;
    });
  }

  function legend(container, names) {
    const box = document.createElement("div");
    box.className = "legend";
    names.forEach((name, i) => {
      const item = document.createElement("span");
      item.innerHTML = `<i style="background:${PALETTE[i % PALETTE.length]}"></i>`;
      item.appendChild(document.createTextNode(name));
      box.appendChild(item);
    });
    container.appendChild(box);
  }

  // Several series over the same labels (e.g. events per type per day).
  function line(container, {labels, series, height = 220, yFormat}) {
    const {svg, width} = frame(container, height);
    const box = {left: 52, right: width - 12, top: 10, bottom: height - 26};
    const max = niceMax(Math.max(0, ...series.flatMap((s) => s.values)));
    const xAt = (i) => box.left + (labels.length > 1 ? (box.right - box.left) * i / (labels.length - 1)
                                                       : (box.right - box.left) / 2);
    const yAt = (v) => box.bottom - (box.bottom - box.top) * v / max;
    axes(svg, box, max, yFormat);
    xLabels(svg, box, labels, xAt);
    series.forEach((s, k) => {
      const colour = PALETTE[k % PALETTE.length];
      const points = s.values.map((v, i) => `${xAt(i)},${yAt(v)}`).join(" ");
      el("polyline", {points, fill: "none", stroke: colour, "stroke-width": 2,
                      class: "series"}, svg);
      // Dots on short series; on long ones they stay invisible, only to carry the tooltip.
      const opacity = labels.length <= 45 ? 1 : 0;
      s.values.forEach((v, i) => {
        const dot = el("circle", {cx: xAt(i), cy: yAt(v), r: 3, fill: colour,
                                  "fill-opacity": opacity}, svg);
        tip(dot, `${s.name} · ${labels[i]}: ${format(v)}`);
      });
    });
    legend(container, series.map((s) => s.name));
  }

  // One value per label, as vertical bars.
  function bars(container, {labels, values, height = 200, colour = PALETTE[0], yFormat}) {
    const {svg, width} = frame(container, height);
    const box = {left: 52, right: width - 12, top: 10, bottom: height - 26};
    const max = niceMax(Math.max(0, ...values));
    const slot = (box.right - box.left) / Math.max(1, values.length);
    axes(svg, box, max, yFormat);
    xLabels(svg, box, labels, (i) => box.left + slot * (i + 0.5));
    values.forEach((v, i) => {
      const h = (box.bottom - box.top) * Math.max(0, v) / max;
      const bar = el("rect", {x: box.left + slot * i + slot * 0.15, y: box.bottom - h,
                              width: Math.max(1, slot * 0.7), height: h, fill: colour,
                              rx: 2, class: "bar"}, svg);
      tip(bar, `${labels[i]}: ${(yFormat || format)(v)}`);
    });
  }

  // Labelled horizontal bars (interests, timings, metrics per model).
  function hbars(container, {labels, values, max, valueFormat, colours, labelWidth = 170}) {
    const rowHeight = 24;
    const height = Math.max(1, labels.length) * rowHeight + 8;
    const {svg, width} = frame(container, height);
    const top = niceMax(max !== undefined ? max : Math.max(0, ...values));
    const left = labelWidth;
    const right = width - 70;
    labels.forEach((label, i) => {
      const y = 4 + i * rowHeight;
      const name = el("text", {x: left - 8, y: y + 15, "text-anchor": "end", "font-size": 12,
                               fill: "#1f2430"}, svg);
      name.textContent = String(label).length > 26 ? `${String(label).slice(0, 25)}…` : label;
      tip(name, label);
      el("rect", {x: left, y: y + 3, width: right - left, height: rowHeight - 8, fill: "#f1f3f5",
                  rx: 3}, svg);
      const w = (right - left) * Math.max(0, values[i]) / top;
      const colour = colours ? colours[i % colours.length] : PALETTE[0];
      const bar = el("rect", {x: left, y: y + 3, width: w, height: rowHeight - 8, fill: colour,
                              rx: 3, class: "bar"}, svg);
      tip(bar, `${label}: ${(valueFormat || format)(values[i])}`);
      const text = el("text", {x: right + 6, y: y + 15, "font-size": 12, fill: "#374151"}, svg);
      text.textContent = (valueFormat || format)(values[i]);
    });
  }

  function percent(value) { return `${(value * 100).toFixed(1)}%`; }

  return {line, bars, hbars, format, percent, PALETTE};
})();
