"use strict";
// The operations dashboard: a live feed from /admin/ws (a `hello` with 15 minutes of history,
// then `stats` about once a second), controls that POST to /api/... with the session cookie,
// and the reports list from /api/reports.
(function () {
  const WINDOW = 15 * 60 * 1000;
  const $ = id => document.getElementById(id);
  let history = [];
  let status = null;
  let lastReports = -1;
  let labels = {};   // attribute id -> {value id -> label}

  function text(id, v) { const e = $(id); if (e && e.textContent !== String(v)) e.textContent = v; }
  function bytes(n) { return Charts.fmt(n) + "B"; }
  function duration(s) {
    const h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60;
    return h ? `${h} h ${m} min` : (m ? `${m} min ${s % 60} s` : `${s} s`);
  }

  function connect() {
    const ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/admin/ws");
    ws.onopen = () => { $("feed-state").className = "dot on"; };
    ws.onclose = () => {
      $("feed-state").className = "dot off";
      setTimeout(() => fetch("/api/status", { credentials: "same-origin" }).then(r => {
        if (r.status === 401) location.href = "/admin"; else connect();
      }, connect), 2000);
    };
    ws.onmessage = ev => {
      const m = JSON.parse(ev.data);
      if (m.type === "hello") { history = m.history || []; render(m.status); }
      if (m.type === "stats") {
        if (m.sample && (!history.length || history[history.length - 1].t !== m.sample.t)) history.push(m.sample);
        const cutoff = Date.now() - WINDOW - 60000;
        while (history.length && history[0].t < cutoff) history.shift();
        render(m.status);
        if (m.reports !== lastReports) loadReports();
      }
    };
  }

  function render(s) {
    status = s;
    const a = s.attendees, t = s.totals, srv = s.server, ph = s.phase;
    text("event-name", s.event);
    const badge = $("phase-badge");
    badge.textContent = ph.phase; badge.className = "badge " + ph.phase;
    let detail = ph.session ? "session " + ph.session : "";
    if (ph.phase === "mingling" && ph.round) {
      detail += ` · round ${ph.round} of ${ph.rounds}`;
      if (ph.endsAt) detail += ` · ${duration(Math.max(0, Math.round((ph.endsAt - s.serverTime) / 1000)))} left`;
    }
    if (ph.joiningPaused) detail += " · joining paused";
    text("phase-detail", detail);
    text("clock", new Date(s.serverTime).toLocaleTimeString());
    text("k-connected", a.connected);
    text("k-registered", `${a.registered} registered · ${a.reconnecting} reconnecting`);
    text("k-lobby", a.inLobby);
    text("k-waiting", a.waiting);
    text("k-inbreakout", a.inBreakout);
    text("k-breakouts", `${s.breakouts.length} breakouts`);
    text("k-rounds", t.roundsRun);
    text("k-pairs", t.pairsMet);
    text("k-spanning", Math.round((s.shares.breakoutsSpanningRegions || 0) * 100) + "%");
    text("k-spanning-sub", `${t.breakoutsSpanningRegions} of ${t.breakoutsFormed} groups`);
    text("k-contacts", t.contactExchanges);
    text("k-reports", t.reports);
    text("k-reconnects", t.reconnects);
    text("s-open", srv.openConnections);
    text("s-mps", Charts.fmt(srv.messagesPerSecond));
    text("s-bytes", `${bytes(srv.bytesIn)} / ${bytes(srv.bytesOut)}`);
    text("s-tls", srv.tlsHandshakes);
    text("s-tlsfail", srv.tlsHandshakeFailures);
    text("s-lag", srv.loopLagP99Ms.toFixed(1) + " ms");
    text("s-rss", bytes(srv.residentBytes));
    text("s-uptime", duration(srv.uptimeSeconds));
    text("c-joining", ph.joiningPaused ? "joining is paused" : "joining is open");
    renderLabels(s);
    renderSessions(s);
    renderBreakouts(s);
    renderCharts(s);
  }

  function renderLabels(s) {
    labels = {};
    for (const attr of s.attributes || []) {
      labels[attr.id] = { label: attr.label, values: {} };
      for (const v of attr.values) labels[attr.id].values[v.id] = v.label;
    }
    text("region-label", (labels[s.pairBy] && labels[s.pairBy].label.toLowerCase()) || s.pairBy);
  }

  function renderSessions(s) {
    const sel = $("c-session");
    const want = (s.sessions || []).filter(x => x.mingles).map(x => x.id).join(",");
    if (sel.dataset.ids === want) return;
    sel.dataset.ids = want;
    sel.textContent = "";
    const cur = document.createElement("option"); cur.value = ""; cur.textContent = "current session";
    sel.appendChild(cur);
    for (const x of s.sessions.filter(x => x.mingles)) {
      const o = document.createElement("option"); o.value = x.id; o.textContent = x.title; sel.appendChild(o);
    }
  }

  function renderBreakouts(s) {
    const body = $("b-rows");
    body.textContent = "";
    text("b-count", s.breakouts.length ? `(${s.breakouts.length})` : "");
    for (const b of s.breakouts.slice(0, 40)) {
      const tr = document.createElement("tr");
      for (const v of ["#" + b.id, b.members, duration(b.secondsLeft)]) {
        const td = document.createElement("td"); td.className = "num"; td.textContent = v; tr.appendChild(td);
      }
      body.appendChild(tr);
    }
    if (s.breakouts.length > 40) {
      const tr = document.createElement("tr"), td = document.createElement("td");
      td.colSpan = 3; td.className = "muted"; td.textContent = `… and ${s.breakouts.length - 40} more`;
      tr.appendChild(td); body.appendChild(tr);
    }
  }

  function renderCharts(s) {
    const times = history.map(p => p.t);
    // Up to the last 15 minutes; a younger server's charts zoom to what there is (at least 2 minutes).
    const span = times.length ? times[times.length - 1] - times[0] : 0;
    const win = Math.min(WINDOW, Math.max(2 * 60 * 1000, span));
    Charts.lines($("chart-attendees"), times, [
      { values: history.map(p => p.connected), cls: "l1", area: true },
      { values: history.map(p => p.inBreakout), cls: "l2" },
      { values: history.map(p => p.lobby), cls: "l3" },
      { values: history.map(p => p.waiting), cls: "l4" },
    ], win);
    Charts.lines($("chart-messages"), times, [{ values: history.map(p => p.messagesPerSecond), cls: "l1", area: true }], win);
    Charts.lines($("chart-bytes"), times, [
      { values: history.map(p => p.bytesInPerSecond), cls: "l2" },
      { values: history.map(p => p.bytesOutPerSecond), cls: "l1" },
    ], win);
    Charts.lines($("chart-lag"), times, [{ values: history.map(p => p.loopLagP99Ms), cls: "l3" }], win);
    Charts.lines($("chart-memory"), times, [{ values: history.map(p => p.residentBytes), cls: "l4" }], win);
    const counts = (s.attendees.byAttribute || {})[s.pairBy] || {};
    const names = (labels[s.pairBy] || { values: {} }).values;
    const items = Object.keys(counts).map(k => ({ label: names[k] || k, value: counts[k] })).sort((x, y) => y.value - x.value);
    Charts.bars($("chart-regions"), items);
    renderOtherAttributes(s);
  }

  // Every other declared attribute, as compact "label value · value" lines with counts.
  function renderOtherAttributes(s) {
    const box = $("other-attributes");
    box.textContent = "";
    for (const attr of s.attributes || []) {
      if (attr.id === s.pairBy) continue;
      const counts = (s.attendees.byAttribute || {})[attr.id] || {};
      const row = document.createElement("div");
      const name = document.createElement("span");
      name.className = "muted"; name.textContent = attr.label + ": ";
      row.appendChild(name);
      const parts = attr.values.map(v => `${v.label} ${counts[v.id] || 0}`);
      row.appendChild(document.createTextNode(parts.join(" · ")));
      box.appendChild(row);
    }
  }

  async function loadReports() {
    const r = await fetch("/api/reports", { credentials: "same-origin" });
    if (!r.ok) return;
    const data = await r.json();
    lastReports = data.reports.length;
    text("r-count", data.reports.length ? `(${data.reports.length})` : "");
    const body = $("r-rows");
    body.textContent = "";
    for (const rep of data.reports.slice().reverse()) {
      const tr = document.createElement("tr");
      const cells = [new Date(rep.at).toLocaleTimeString(), `${rep.fromName} (#${rep.from})`, `${rep.aboutName} (#${rep.about})`, rep.reason];
      for (const v of cells) { const td = document.createElement("td"); td.textContent = v; tr.appendChild(td); }
      const td = document.createElement("td"), b = document.createElement("button");
      b.textContent = "remove #" + rep.about; b.className = "danger";
      b.onclick = () => { $("c-remove-id").value = rep.about; $("c-remove-reason").value = "reported by another attendee"; };
      td.appendChild(b); tr.appendChild(td); body.appendChild(tr);
    }
  }

  async function post(path, body, what) {
    const out = $("c-result");
    try {
      const r = await fetch(path, { method: "POST", credentials: "same-origin", headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body || {}) });
      const data = await r.json().catch(() => ({}));
      if (r.ok) { out.className = "result ok"; out.textContent = what + ": done"; }
      else { out.className = "result err"; out.textContent = what + ": " + ((data.error && data.error.message) || r.status); }
      if (r.status === 401) location.href = "/admin";
    } catch (e) { out.className = "result err"; out.textContent = what + ": " + e; }
  }

  $("c-start").onclick = () => {
    const session = $("c-session").value;
    post("/api/mingling/start", session ? { session } : {}, "start mingling");
  };
  $("c-stop").onclick = () => { if (confirm("Stop mingling for everyone?")) post("/api/mingling/stop", {}, "stop mingling"); };
  $("c-end").onclick = () => post("/api/round/end", {}, "end round");
  $("c-extend").onclick = () => post("/api/round/extend", { seconds: parseInt($("c-extend-seconds").value, 10) }, "extend round");
  $("c-pause").onclick = () => post("/api/joining/pause", {}, "pause joining");
  $("c-resume").onclick = () => post("/api/joining/resume", {}, "resume joining");
  $("c-remove").onclick = () => {
    const id = parseInt($("c-remove-id").value, 10);
    if (!id) return;
    if (confirm(`Remove attendee #${id} from the event?`)) {
      post("/api/attendees/remove", { attendee: id, reason: $("c-remove-reason").value || undefined }, "remove #" + id);
    }
  };
  $("a-send").onclick = () => {
    const t = $("a-text").value.trim();
    if (!t) return;
    post("/api/announce", { text: t, scope: $("a-scope").value }, "announcement").then(() => { $("a-text").value = ""; });
  };
  window.addEventListener("resize", () => { if (status) renderCharts(status); });
  connect();
  loadReports();
})();
