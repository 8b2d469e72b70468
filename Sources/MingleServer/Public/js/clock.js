// The server's clock as seen from here. Every time on the wire is the server's (ms since the epoch);
// we keep `offset` = server - local and refine it with `sync` round trips, trusting the sample with
// the shortest round trip (its midpoint error is at most half that round trip).

let offset = 0;
let bestRtt = Infinity;
let sampledAt = 0;

/** A rough first offset from a `welcome`/hello `serverTime` (unknown latency, so any sync beats it). */
export function roughServerTime(serverTime) {
  if (typeof serverTime !== 'number') return;
  if (bestRtt === Infinity) offset = serverTime - Date.now();
}

/** Folds in a `sync` answer. Samples age: after a minute a worse one may replace the best. */
export function syncReply(clientTime, serverTime, now = Date.now()) {
  if (typeof clientTime !== 'number' || typeof serverTime !== 'number') return;
  const rtt = Math.max(0, now - clientTime);
  if (rtt <= bestRtt || now - sampledAt > 60_000) {
    bestRtt = rtt;
    sampledAt = now;
    offset = serverTime + rtt / 2 - now;
  }
}

export const serverNow = () => Date.now() + offset;
export const clockOffset = () => offset;

/** Whole seconds left until `endsAt` (server ms), never negative. */
export function secondsLeft(endsAt) {
  return Math.max(0, Math.ceil((endsAt - serverNow()) / 1000));
}

/** "4:05", or "1:02:03" past an hour. */
export function formatSeconds(total) {
  const s = Math.max(0, Math.floor(total));
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return hh > 0 ? `${hh}:${String(mm).padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}
