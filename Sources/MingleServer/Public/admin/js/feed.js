// The dashboard's live feed, /admin/ws: a `hello` with the status and 15 minutes of samples, then a
// `stats` frame every second. Its state is reported as one of
//   connecting | open | stale (open, but no frame for a while) | retrying (retryAt) | signedOut
// so the page can say it in words. After a drop it asks /api/status whether the session still holds:
// 401 means signed out (back to the sign-in form), anything else retries.

import { appURL, socketURL } from '../../js/paths.js';

const RETRY_MS = 2000;
const STALE_MS = 5000;

export class Feed {
  constructor({ onHello, onStats, onState }) {
    this.onHello = onHello;
    this.onStats = onStats;
    this.onState = onState;
    this.ws = null;
    this.lastFrameAt = 0;
    this.state = null;
    setInterval(() => this.checkStale(), 1000);
  }

  setState(state, detail = {}) {
    if (this.state === state && state !== 'retrying') return;
    this.state = state;
    this.onState(state, detail);
  }

  connect() {
    this.setState('connecting');
    const ws = new WebSocket(socketURL('admin/ws'));
    this.ws = ws;
    ws.onopen = () => { this.lastFrameAt = Date.now(); this.setState('open'); };
    ws.onmessage = (ev) => {
      this.lastFrameAt = Date.now();
      if (this.state !== 'open') this.setState('open');
      let m;
      try { m = JSON.parse(ev.data); } catch { return; }
      if (m.type === 'hello') this.onHello(m);
      else if (m.type === 'stats') this.onStats(m);
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      const retryAt = Date.now() + RETRY_MS;
      this.setState('retrying', { retryAt });
      setTimeout(() => this.retry(), RETRY_MS);
    };
  }

  async retry() {
    try {
      const r = await fetch(appURL('api/status'), { credentials: 'same-origin', cache: 'no-store' });
      if (r.status === 401) {
        this.setState('signedOut');
        location.href = appURL('admin').href;
        return;
      }
    } catch {
      // The server is unreachable: try the socket again anyway, it reports the same.
    }
    this.connect();
  }

  checkStale() {
    if (this.state === 'open' && Date.now() - this.lastFrameAt > STALE_MS) {
      this.setState('stale', { since: this.lastFrameAt });
    }
  }
}
