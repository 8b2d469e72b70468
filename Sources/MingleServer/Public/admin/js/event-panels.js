// The event-wide parts of the overview: key numbers, charts, server facts, the event's controls
// (joining, announcement to everyone, removing an attendee) and the reports list.

import { h, replaceChildren, $ } from '../../js/dom.js';
import { t, formatTime } from '../../js/i18n.js';
import { bytes, callSummary, compact, count, duration } from './format.js';
import { setText } from './ui.js';
import { getJSON, run, refuse } from './api.js';
import { LineChart, BarChart } from './charts.js';

const WINDOW_MS = 15 * 60 * 1000;

/** A <dl> of tiles: [key, value, sub] rows, built once and updated in place. */
class Tiles {
  constructor(dl, keys) {
    this.items = {};
    for (const key of keys) {
      const term = h('dt', { text: t(key), dataset: { i18n: key } });
      const value = h('dd', { class: 'value', testid: `tile-${key}` });
      const sub = h('dd', { class: 'sub', testid: `tile-${key}-sub` });
      this.items[key] = { value, sub };
      dl.append(h('div', { class: 'tile', dataset: { tile: key } }, term, value, sub));
    }
  }

  set(key, value, sub = '') {
    setText(this.items[key].value, value);
    setText(this.items[key].sub, sub);
  }
}

/** The attribute the charts split attendees by: the one most rooms pair by, else the first declared. */
function chartAttribute(status) {
  const votes = {};
  for (const r of status.rooms || []) if (r.pairBy) votes[r.pairBy] = (votes[r.pairBy] || 0) + 1;
  const best = Object.keys(votes).sort((a, b) => votes[b] - votes[a])[0];
  return (status.attributes || []).find((a) => a.id === best) || (status.attributes || [])[0] || null;
}

export class EventPanels {
  constructor(root) {
    this.root = root;
    this.status = null;
    this.history = [];
    this.reportsSeen = -1;
    this.tiles = new Tiles($('[data-testid="tiles"]', root), [
      'connected', 'inNoRoom', 'inLobby', 'waiting', 'inBreakouts', 'roundsRun', 'pairsMet', 'mixedGroups',
      'contactExchanges', 'reports', 'reconnects', 'videoCalls',
    ]);
    this.facts = new Tiles($('[data-testid="server-facts"]', root), [
      'openConnections', 'messagesPerSecond', 'bytesInOut', 'tlsHandshakes', 'tlsFailures', 'loopLag', 'memory', 'uptime',
    ]);
    this.attribute = null;
    this.charts = {
      attendees: new LineChart({ id: 'attendees', titleKey: 'chartAttendees', size: 'big', series: [
        { key: 'connected', labelKey: 'connected', cls: 'l1', area: true },
        { key: 'inBreakout', labelKey: 'inBreakouts', cls: 'l2' },
        { key: 'lobby', labelKey: 'inLobby', cls: 'l3' },
        { key: 'waiting', labelKey: 'waiting', cls: 'l4' },
      ] }),
      byAttribute: new BarChart({ id: 'by-attribute', titleKey: 'chartByAttribute',
        titleParams: () => ({ attribute: this.attribute?.label ?? '' }) }),
      messages: new LineChart({ id: 'messages', titleKey: 'chartMessages', series: [
        { key: 'messagesPerSecond', labelKey: 'seriesMessages', cls: 'l1', area: true }] }),
      bytes: new LineChart({ id: 'bytes', titleKey: 'chartBytes', series: [
        { key: 'bytesInPerSecond', labelKey: 'seriesIn', cls: 'l2', format: bytes },
        { key: 'bytesOutPerSecond', labelKey: 'seriesOut', cls: 'l1', format: bytes }] }),
      lag: new LineChart({ id: 'lag', titleKey: 'chartLag', series: [
        { key: 'loopLagP99Ms', labelKey: 'seriesLag', cls: 'l3', format: (v) => `${Number(v).toFixed(1)} ms` }] }),
      memory: new LineChart({ id: 'memory', titleKey: 'chartMemory', series: [
        { key: 'residentBytes', labelKey: 'seriesMemory', cls: 'l4', format: bytes }] }),
    };
    const grid = $('[data-testid="charts"]', root);
    for (const c of Object.values(this.charts)) grid.append(c.el);
    this.otherAttributes = h('div', { class: 'attrs', testid: 'other-attributes' });
    this.charts.byAttribute.el.append(this.otherAttributes);
    this.wireControls();
  }

  relabel() {
    for (const c of Object.values(this.charts)) c.relabel();
    this.reportsSeen = -1;
    if (this.status) this.update(this.status, this.history);
  }

  /** The charts' time window: up to 15 minutes; a young server's zooms to what there is (at least 2). */
  windowMs() {
    const span = this.history.length ? this.history[this.history.length - 1].t - this.history[0].t : 0;
    return Math.min(WINDOW_MS, Math.max(2 * 60 * 1000, span));
  }

  update(s, history) {
    this.status = s;
    this.history = history;
    const a = s.attendees, tot = s.totals, srv = s.server;
    const breakouts = (s.rooms || []).reduce((n, r) => n + (r.breakoutCount || 0), 0);
    this.tiles.set('connected', count(a.connected), t('connectedSub', { registered: count(a.registered), reconnecting: count(a.reconnecting) }));
    this.tiles.set('inNoRoom', count(a.inNoRoom), t('inNoRoomSub'));
    this.tiles.set('inLobby', count(a.inLobby));
    this.tiles.set('waiting', count(a.waiting));
    this.tiles.set('inBreakouts', count(a.inBreakout), t('breakoutsSub', { count: breakouts }));
    this.tiles.set('roundsRun', count(tot.roundsRun));
    this.tiles.set('pairsMet', count(tot.pairsMet));
    this.tiles.set('mixedGroups', Math.round((s.shares?.breakoutsSpanningRegions || 0) * 100) + ' %',
      t('mixedGroupsSub', { spanning: count(tot.breakoutsSpanningRegions), formed: count(tot.breakoutsFormed) }));
    this.tiles.set('contactExchanges', count(tot.contactExchanges));
    this.tiles.set('reports', count(tot.reports));
    this.tiles.set('reconnects', count(tot.reconnects));
    const calls = callSummary(s.calls);
    this.tiles.set('videoCalls', calls.value, calls.sub);

    this.facts.set('openConnections', count(srv.openConnections));
    this.facts.set('messagesPerSecond', compact(srv.messagesPerSecond));
    this.facts.set('bytesInOut', `${bytes(srv.bytesIn)} / ${bytes(srv.bytesOut)}`);
    this.facts.set('tlsHandshakes', count(srv.tlsHandshakes));
    this.facts.set('tlsFailures', count(srv.tlsHandshakeFailures));
    this.facts.set('loopLag', `${Number(srv.loopLagP99Ms || 0).toFixed(1)} ms`);
    this.facts.set('memory', bytes(srv.residentBytes));
    this.facts.set('uptime', duration(srv.uptimeSeconds));

    const paused = !!s.joiningPaused;
    const joining = $('[data-testid="joining-state"]', this.root);
    setText(joining, paused ? t('joiningPaused') : t('joiningOpen'));
    joining.dataset.paused = String(paused);

    this.drawCharts();
  }

  drawCharts() {
    const s = this.status;
    if (!s) return;
    const win = this.windowMs();
    for (const key of ['attendees', 'messages', 'bytes', 'lag', 'memory']) this.charts[key].update(this.history, win);
    this.attribute = chartAttribute(s);
    const counts = (s.attendees.byAttribute || {})[this.attribute?.id] || {};
    const names = Object.fromEntries((this.attribute?.values || []).map((v) => [v.id, v.label]));
    this.charts.byAttribute.update(Object.keys(counts).map((k) => ({ label: names[k] || k, value: counts[k] }))
      .sort((x, y) => y.value - x.value));
    this.renderOtherAttributes(s);
  }

  /** Every other declared attribute as "label: value n · value n". */
  renderOtherAttributes(s) {
    const lines = [];
    for (const attr of s.attributes || []) {
      if (attr.id === this.attribute?.id) continue;
      const counts = (s.attendees.byAttribute || {})[attr.id] || {};
      lines.push(h('p', {}, h('span', { class: 'muted', text: attr.label + ': ' }),
        attr.values.map((v) => `${v.label} ${counts[v.id] || 0}`).join(' · ')));
    }
    const key = lines.map((l) => l.textContent).join('\n');
    if (key !== this.otherKey) { this.otherKey = key; replaceChildren(this.otherAttributes, lines); }
  }

  /** The reports table, fetched again when the feed's count changes. */
  async maybeLoadReports(reportCount) {
    if (reportCount === this.reportsSeen) return;
    this.reportsSeen = reportCount;
    const data = await getJSON('api/reports');
    if (!data) return;
    const list = data.reports.slice().reverse();
    setText($('[data-testid="reports-count"]', this.root), list.length ? `(${count(list.length)})` : '');
    $('[data-testid="reports-empty"]', this.root).hidden = list.length > 0;
    $('[data-testid="reports-table"]', this.root).hidden = list.length === 0;
    replaceChildren($('[data-testid="reports-rows"]', this.root), list.map((rep) => h('tr', {},
      h('td', { text: formatTime(rep.at) }),
      h('td', { text: `${rep.fromName} (#${rep.from})` }),
      h('td', { text: `${rep.aboutName} (#${rep.about})` }),
      h('td', { text: rep.reason }),
      h('td', {}, h('button', { type: 'button', class: 'danger small', text: t('reportPrepareRemove', { id: rep.about }),
        on: { click: () => this.prepareRemoval(rep.about) } })))));
  }

  prepareRemoval(id) {
    $('#remove-id', this.root).value = id;
    $('#remove-reason', this.root).value = t('reportedReason');
    $('#remove-id', this.root).focus();
  }

  wireControls() {
    const r = this.root;
    const out = $('[data-testid="event-result"]', r);
    const on = (testid, fn) => $(`[data-testid="${testid}"]`, r).addEventListener('click', fn);
    on('pause-joining', () => run(out, t('actionPause'), 'api/joining/pause', {}));
    on('resume-joining', () => run(out, t('actionResume'), 'api/joining/resume', {}));
    on('event-announce-send', async () => {
      const box = $('#event-announce-text', r);
      const text = box.value.trim();
      if (!text) return refuse(out, t('actionAnnounceEveryone'), t('errTextNeeded'));
      const res = await run(out, t('actionAnnounceEveryone'), 'api/announce', { text, scope: $('#event-announce-scope', r).value });
      if (res?.ok) box.value = '';
    });
    on('remove-send', () => {
      const id = parseInt($('#remove-id', r).value, 10);
      const action = t('actionRemove', { id: Number.isFinite(id) ? id : '?' });
      if (!(id > 0)) return refuse(out, action, t('errAttendeeNeeded'));
      if (!window.confirm(t('confirmRemove', { id }))) return;
      const reason = $('#remove-reason', r).value.trim();
      run(out, action, 'api/attendees/remove', reason ? { attendee: id, reason } : { attendee: id });
    });
  }
}
