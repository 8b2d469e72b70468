// Small SVG charts drawn from plain arrays, each in a <figure> with:
//   - a caption (the chart's name) and a visible one-line summary of the newest values;
//   - the SVG as role="img", named by the caption and the summary;
//   - a table alternative in a <details> ("Show the numbers"), filled only while it is open.
// No libraries; everything is styled by classes in admin.css (the CSP forbids inline styles).

import { h, replaceChildren } from '../../js/dom.js';
import { t, language } from '../../js/i18n.js';
import { compact } from './format.js';
import { scrollBox } from './ui.js';

const NS = 'http://www.w3.org/2000/svg';

function svgEl(name, attrs, parent) {
  const e = document.createElementNS(NS, name);
  for (const k in attrs) e.setAttribute(k, attrs[k]);
  if (parent) parent.appendChild(e);
  return e;
}

function niceMax(v) {
  if (v <= 0) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function clock(ms, seconds) {
  return new Intl.DateTimeFormat(language(), {
    hour: '2-digit', minute: '2-digit', second: seconds ? '2-digit' : undefined, hourCycle: 'h23',
  }).format(new Date(ms));
}

/** The frame every chart shares: caption, legend, drawing area, summary, table alternative. */
class Figure {
  constructor(id, titleKey, size) {
    this.id = id;
    this.titleKey = titleKey;
    this.caption = h('figcaption', { id: `cap-${id}` });
    this.legend = h('ul', { class: 'legend' });
    this.area = h('div', { class: `chart ${size}` });
    this.summary = h('p', { class: 'chart-summary', id: `sum-${id}`, testid: `chart-summary-${id}` });
    this.table = h('table', { class: 'list' });
    this.wrap = scrollBox('', this.table);
    this.details = h('details', { testid: `chart-table-${id}` }, h('summary', { text: t('chartShowTable') }), this.wrap);
    this.details.addEventListener('toggle', () => { if (this.details.open) this.fillTable(); });
    this.el = h('figure', { class: 'chart-fig', testid: `chart-${id}` },
      this.caption, this.legend, this.area, this.summary, this.details);
  }

  /** A new <svg> in the drawing area, or null while the area is not laid out (a hidden view). */
  canvas() {
    const r = this.area.getBoundingClientRect();
    if (r.width < 10) return null;
    const w = Math.floor(r.width), hh = Math.max(50, Math.floor(r.height));
    const svg = svgEl('svg', {
      viewBox: `0 0 ${w} ${hh}`, preserveAspectRatio: 'none', role: 'img',
      'aria-labelledby': `cap-${this.id} sum-${this.id}`, 'data-testid': `chart-svg-${this.id}`,
    });
    replaceChildren(this.area, svg);
    return { svg, w, h: hh };
  }

  relabel() {
    this.caption.textContent = t(this.titleKey);
    this.details.querySelector('summary').textContent = t('chartShowTable');
  }

  setTable(caption, head, rows) {
    this.wrap.setAttribute('aria-label', caption);
    replaceChildren(this.table,
      h('caption', { class: 'sr-only', text: caption }),
      h('thead', {}, h('tr', {}, head.map((c) => h('th', { scope: 'col', text: c })))),
      h('tbody', {}, rows.map((r) => h('tr', {}, h('th', { scope: 'row', text: r[0] }),
        r.slice(1).map((v) => h('td', { class: 'num', text: v }))))));
  }
}

/**
 * A line chart over time. `series`: [{key, labelKey, cls ("l1".."l4"), area, format}], read from the
 * dashboard's samples ({t, ...}); `windowMs`: how much of the past to show.
 */
export class LineChart extends Figure {
  constructor({ id, titleKey, series, size = 'small', summaryKey = 'chartNow' }) {
    super(id, titleKey, size);
    this.series = series;
    this.summaryKey = summaryKey;
    this.samples = [];
    this.windowMs = 60_000;
    this.relabel();
  }

  relabel() {
    super.relabel();
    replaceChildren(this.legend, this.series.map((s) => h('li', {},
      h('span', { class: `sw ${s.cls}`, attrs: { 'aria-hidden': 'true' } }), t(s.labelKey))));
    this.update(this.samples, this.windowMs);
  }

  value(s, p) {
    return (s.format || compact)(p[s.key] ?? 0);
  }

  update(samples, windowMs) {
    this.samples = samples;
    this.windowMs = windowMs;
    const last = samples[samples.length - 1];
    this.summary.textContent = last
      ? t(this.summaryKey, { values: this.series.map((s) => `${t(s.labelKey)} ${this.value(s, last)}`).join(', ') })
      : t('chartNoData');
    if (this.details.open) this.fillTable();
    this.draw();
  }

  draw() {
    const c = this.canvas();
    if (!c) return;
    const { svg, w, h: height } = c;
    const samples = this.samples, windowMs = this.windowMs;
    const left = 44, right = 8, top = 6, bottom = 18;
    const now = samples.length ? samples[samples.length - 1].t : Date.now();
    const t0 = now - windowMs;
    let max = 0;
    for (const s of this.series) for (const p of samples) if ((p[s.key] ?? 0) > max) max = p[s.key];
    max = niceMax(max);
    const x = (tm) => left + (w - left - right) * (tm - t0) / windowMs;
    const y = (v) => top + (height - top - bottom) * (1 - v / max);
    for (let i = 0; i <= 4; i++) {
      const v = max * i / 4, yy = y(v);
      svgEl('line', { x1: left, x2: w - right, y1: yy, y2: yy, class: 'grid-line' }, svg);
      svgEl('text', { x: left - 4, y: yy + 3, 'text-anchor': 'end', class: 'axis-text' }, svg).textContent = compact(v);
    }
    for (let k = 0; k <= 3; k++) {
      const tm = t0 + windowMs * k / 3;
      svgEl('text', { x: x(tm), y: height - 4, 'text-anchor': k === 0 ? 'start' : (k === 3 ? 'end' : 'middle'), class: 'axis-text' }, svg)
        .textContent = k === 3 ? t('chartNowAxis') : clock(tm, windowMs < 10 * 60_000);
    }
    const visible = samples.filter((p) => p.t >= t0);
    for (const s of this.series) {
      let d = '';
      for (const p of visible) d += (d ? 'L' : 'M') + x(p.t).toFixed(1) + ',' + y(p[s.key] ?? 0).toFixed(1);
      if (!d) continue;
      if (s.area) {
        svgEl('path', { d: d + `L${x(now).toFixed(1)},${y(0)}L${x(visible[0].t).toFixed(1)},${y(0)}Z`, class: 'area ' + s.cls }, svg);
      }
      svgEl('path', { d, class: 'line ' + s.cls }, svg);
    }
  }

  /** One row per step back from the newest sample (10 s, 30 s or a minute apart), newest first. */
  fillTable() {
    const samples = this.samples;
    const step = this.windowMs <= 2 * 60_000 ? 10_000 : (this.windowMs <= 5 * 60_000 ? 30_000 : 60_000);
    const rows = [];
    let i = samples.length - 1;
    if (i >= 0) {
      const newest = samples[i].t;
      for (let mark = newest; rows.length < 16 && mark >= newest - this.windowMs; mark -= step) {
        while (i > 0 && samples[i].t > mark) i--;
        if (samples[i].t > mark) break;
        const p = samples[i];
        rows.push([clock(p.t, true), ...this.series.map((s) => this.value(s, p))]);
      }
    }
    this.setTable(t('chartTableCaption', { title: t(this.titleKey) }),
      [t('chartTime'), ...this.series.map((s) => t(s.labelKey))], rows);
  }
}

/** Horizontal bars, largest first: [{label, value}]. */
export class BarChart extends Figure {
  constructor({ id, titleKey, titleParams = () => ({}) }) {
    super(id, titleKey, 'bars');
    this.titleParams = titleParams;
    this.items = [];
    this.relabel();
  }

  relabel() {
    super.relabel();
    this.caption.textContent = t(this.titleKey, this.titleParams());
    this.update(this.items);
  }

  update(items) {
    this.items = items;
    this.caption.textContent = t(this.titleKey, this.titleParams());
    this.summary.textContent = items.length
      ? t('chartBarsSummary', { values: items.map((i) => `${i.label} ${i.value}`).join(', ') })
      : t('chartNobody');
    if (this.details.open) this.fillTable();
    this.draw();
  }

  draw() {
    const c = this.canvas();
    if (!c) return;
    const { svg, w, h: height } = c;
    const items = this.items;
    const rowH = Math.min(26, Math.max(14, (height - 8) / Math.max(1, items.length)));
    const max = niceMax(Math.max(1, ...items.map((i) => i.value)));
    // About 7px a character at the axis font size; long labels are cut (the table has them whole).
    const labelW = Math.min(Math.round(w * 0.45), 14 + 7 * Math.max(4, ...items.map((i) => i.label.length)));
    const right = 36;
    items.forEach((it, i) => {
      const yy = 4 + i * rowH;
      const label = svgEl('text', { x: labelW - 6, y: yy + rowH / 2 + 4, 'text-anchor': 'end', class: 'axis-text' }, svg);
      const room = Math.floor((labelW - 14) / 7);
      label.textContent = it.label.length > room ? it.label.slice(0, Math.max(1, room - 1)) + '…' : it.label;
      const bw = Math.max(1, (w - labelW - right) * it.value / max);
      svgEl('rect', { x: labelW, y: yy + 3, width: bw.toFixed(1), height: Math.max(4, rowH - 8), rx: 2, class: 'bar' + (i % 2 ? ' alt' : '') }, svg);
      svgEl('text', { x: labelW + bw + 4, y: yy + rowH / 2 + 4, class: 'bar-text' }, svg).textContent = String(it.value);
    });
    if (!items.length) svgEl('text', { x: 8, y: 22, class: 'axis-text' }, svg).textContent = t('chartNobody');
  }

  fillTable() {
    this.setTable(this.caption.textContent, [t('chartValue'), t('chartCount')],
      this.items.map((i) => [i.label, String(i.value)]));
  }
}
