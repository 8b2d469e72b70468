// A countdown to a server time. Ticks just after each whole second of server time, so the digits
// change together with the server's notion of the second; reports milestones once each.

import { serverNow, formatSeconds } from './clock.js';

export class Countdown {
  /**
   * `el` shows the text; `bar` (optional) is a <progress max=1> showing the share of time left;
   * `onMilestone(seconds)` is called once for each of `milestones` as it is passed.
   */
  constructor({ el, bar = null, milestones = [], onMilestone = () => {} }) {
    this.el = el;
    this.bar = bar;
    this.milestones = milestones;
    this.onMilestone = onMilestone;
    this.endsAt = null;
    this.startedAt = null;
    this.fired = new Set();
    this.timer = null;
  }

  set(endsAt, startedAt = null) {
    if (endsAt === this.endsAt && startedAt === this.startedAt) return;
    const extended = this.endsAt !== null && endsAt > this.endsAt;
    this.endsAt = endsAt;
    this.startedAt = startedAt;
    if (extended) this.fired.clear();
    this.el.dataset.endsAt = String(endsAt);
    // Milestones already behind us when we arrive (e.g. after a reload) are not announced again.
    const left = (endsAt - serverNow()) / 1000;
    for (const m of this.milestones) if (left < m) this.fired.add(m);
    this.tick();
  }

  tick() {
    clearTimeout(this.timer);
    if (this.endsAt === null) return;
    const msLeft = this.endsAt - serverNow();
    const seconds = Math.max(0, Math.ceil(msLeft / 1000));
    const text = formatSeconds(seconds);
    if (this.el.textContent !== text) this.el.textContent = text;
    this.el.dataset.seconds = String(seconds);
    if (this.bar && this.startedAt) {
      const total = this.endsAt - this.startedAt;
      const fraction = total > 0 ? Math.min(1, Math.max(0, msLeft / total)) : 0;
      this.bar.value = fraction; // a <progress max="1">: no inline style needed under the CSP
    }
    for (const m of this.milestones) {
      if (seconds <= m && !this.fired.has(m)) {
        this.fired.add(m);
        this.onMilestone(m);
      }
    }
    if (msLeft > 0) {
      const untilNextSecond = ((msLeft % 1000) + 1000) % 1000 || 1000;
      this.timer = setTimeout(() => this.tick(), untilNextSecond + 15);
    }
  }

  stop() {
    clearTimeout(this.timer);
    this.timer = null;
    this.endsAt = null;
    this.fired.clear();
  }
}
