"use strict";
// Small SVG charts drawn from plain arrays: line charts over time and a horizontal bar chart.
// No libraries; everything is styled by classes in admin.css (the CSP forbids inline styles).
const Charts = (function () {
  const NS = "http://www.w3.org/2000/svg";
  function el(name, attrs, parent) {
    const e = document.createElementNS(NS, name);
    for (const k in attrs) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }
  function size(container) {
    const r = container.getBoundingClientRect();
    return { w: Math.max(120, Math.floor(r.width)), h: Math.max(50, Math.floor(r.height)) };
  }
  function niceMax(v) {
    if (v <= 0) return 1;
    const p = Math.pow(10, Math.floor(Math.log10(v)));
    for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
    return 10 * p;
  }
  function fmt(v) {
    if (v >= 1e9) return (v / 1e9).toFixed(1) + "G";
    if (v >= 1e6) return (v / 1e6).toFixed(1) + "M";
    if (v >= 1e3) return (v / 1e3).toFixed(1) + "k";
    return (Math.round(v * 10) / 10).toString();
  }
  function hhmm(t, seconds) {
    const d = new Date(t), p = v => String(v).padStart(2, "0");
    return p(d.getHours()) + ":" + p(d.getMinutes()) + (seconds ? ":" + p(d.getSeconds()) : "");
  }

  // series: [{values: [..], cls: "l1", area: bool}], times: [ms...], window: ms shown
  function lines(container, times, series, windowMs) {
    const { w, h } = size(container);
    container.textContent = "";
    const svg = el("svg", { viewBox: `0 0 ${w} ${h}`, preserveAspectRatio: "none" }, container);
    const left = 40, right = 6, top = 6, bottom = 16;
    const now = times.length ? times[times.length - 1] : Date.now();
    const t0 = now - windowMs;
    let max = 0;
    for (const s of series) for (const v of s.values) if (v > max) max = v;
    max = niceMax(max);
    const x = t => left + (w - left - right) * (t - t0) / windowMs;
    const y = v => top + (h - top - bottom) * (1 - v / max);
    for (let i = 0; i <= 4; i++) {
      const v = max * i / 4, yy = y(v);
      el("line", { x1: left, x2: w - right, y1: yy, y2: yy, class: "grid-line" }, svg);
      el("text", { x: left - 4, y: yy + 3, "text-anchor": "end", class: "axis-text" }, svg).textContent = fmt(v);
    }
    for (let k = 0; k <= 3; k++) {
      const t = t0 + windowMs * k / 3;
      el("text", { x: x(t), y: h - 3, "text-anchor": k === 0 ? "start" : (k === 3 ? "end" : "middle"), class: "axis-text" }, svg)
        .textContent = k === 3 ? "now" : hhmm(t, windowMs < 10 * 60000);
    }
    for (const s of series) {
      let d = "";
      s.values.forEach((v, i) => {
        if (times[i] < t0) return;
        d += (d ? "L" : "M") + x(times[i]).toFixed(1) + "," + y(v).toFixed(1);
      });
      if (!d) continue;
      if (s.area) {
        const first = times.findIndex(t => t >= t0);
        el("path", { d: d + `L${x(now).toFixed(1)},${y(0)}L${x(times[first]).toFixed(1)},${y(0)}Z`, class: "area1" }, svg);
      }
      el("path", { d, class: "line " + s.cls }, svg);
    }
  }

  // items: [{label, value}] drawn as horizontal bars, largest first.
  function bars(container, items) {
    const { w, h } = size(container);
    container.textContent = "";
    const rowH = Math.min(26, Math.max(12, (h - 8) / Math.max(1, items.length)));
    const svg = el("svg", { viewBox: `0 0 ${w} ${h}`, preserveAspectRatio: "none" }, container);
    const max = niceMax(Math.max(1, ...items.map(i => i.value)));
    const labelW = 110, right = 36;
    items.forEach((it, i) => {
      const yy = 4 + i * rowH;
      el("text", { x: labelW - 6, y: yy + 14, "text-anchor": "end", class: "axis-text" }, svg).textContent = it.label;
      const bw = Math.max(1, (w - labelW - right) * it.value / max);
      el("rect", { x: labelW, y: yy + 3, width: bw.toFixed(1), height: rowH - 8, rx: 2, class: "bar" + (i % 2 ? " alt" : "") }, svg);
      el("text", { x: labelW + bw + 4, y: yy + 14, class: "bar-text" }, svg).textContent = String(it.value);
    });
    if (!items.length) el("text", { x: 8, y: 22, class: "axis-text" }, svg).textContent = "nobody here yet";
  }

  return { lines, bars, fmt };
})();
