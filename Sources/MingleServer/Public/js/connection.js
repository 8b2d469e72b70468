// One WebSocket to /ws, reopened with exponential backoff and jitter. On every open it resumes with
// the stored token (the only thing this app keeps in localStorage besides the language); without a
// token it waits for the attendee to join. Messages are JSON objects with a `type`.

import { socketURL } from './paths.js';

const TOKEN_KEY = 'mingle.resume';
const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 15_000;
/**
 * Close codes after which reconnecting would not help: 4001 removed by an organiser, 4002 the same
 * attendee continued in another window (reconnecting would make the two tabs take turns forever).
 */
const FINAL_CLOSE_CODES = new Set([4001, 4002, 4003]);

export function storedToken() {
  try { return localStorage.getItem(TOKEN_KEY); } catch { return null; }
}
export function storeToken(token) {
  try { token ? localStorage.setItem(TOKEN_KEY, token) : localStorage.removeItem(TOKEN_KEY); } catch { /* ignore */ }
}

export class Connection {
  /**
   * `onMessage(msg)`, `onState(state, detail)`; state is one of
   * "connecting", "open", "reconnecting" (detail.retryAt), "offline", "closed" (final, detail.code).
   */
  constructor({ url, onMessage, onState, onOpen }) {
    this.url = url;
    this.onMessage = onMessage;
    this.onState = onState;
    this.onOpen = onOpen;
    this.ws = null;
    this.attempt = 0;
    this.timer = null;
    this.stopped = false;
    window.addEventListener('online', () => this.retryNow());
    window.addEventListener('offline', () => this.onState('offline', {}));
  }

  static defaultURL() {
    return socketURL('ws');
  }

  connect() {
    clearTimeout(this.timer);
    this.timer = null;
    if (this.stopped) return;
    this.onState(this.attempt === 0 ? 'connecting' : 'reconnecting', { retrying: true });
    let ws;
    try {
      ws = new WebSocket(this.url);
    } catch {
      this.scheduleRetry();
      return;
    }
    this.ws = ws;
    ws.addEventListener('open', () => {
      if (this.ws !== ws) return;
      this.attempt = 0;
      this.onState('open', {});
      this.onOpen();
    });
    ws.addEventListener('message', (ev) => {
      if (this.ws !== ws || typeof ev.data !== 'string') return;
      let msg;
      try { msg = JSON.parse(ev.data); } catch { return; }
      if (msg && typeof msg === 'object' && typeof msg.type === 'string') this.onMessage(msg);
    });
    ws.addEventListener('close', (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (FINAL_CLOSE_CODES.has(ev.code)) {
        this.stopped = true;
        this.onState('closed', { code: ev.code });
        return;
      }
      this.scheduleRetry();
    });
  }

  scheduleRetry() {
    if (this.stopped) return;
    const base = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** this.attempt);
    const delay = Math.round(base / 2 + Math.random() * base / 2);
    this.attempt += 1;
    const retryAt = Date.now() + delay;
    this.onState(navigator.onLine === false ? 'offline' : 'reconnecting', { retryAt });
    this.timer = setTimeout(() => this.connect(), delay);
  }

  /** Skips the remaining backoff (the "Try now" button, or the browser coming back online). */
  retryNow() {
    if (this.ws || this.stopped) return;
    this.connect();
  }

  get isOpen() {
    return this.ws !== null && this.ws.readyState === WebSocket.OPEN;
  }

  /** Sends one message; returns false when the socket is not open (the caller shows the state). */
  send(msg) {
    if (!this.isOpen) return false;
    this.ws.send(JSON.stringify(msg));
    return true;
  }

  /** Ends this connection for good (removed by an organiser). */
  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.ws) this.ws.close(1000);
    this.ws = null;
  }
}
