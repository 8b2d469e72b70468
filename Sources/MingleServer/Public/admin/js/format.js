// Numbers, durations and a room's state in words, in the chosen language.

import { t, language } from '../../js/i18n.js';
import { formatSeconds, serverNow } from '../../js/clock.js';

/** 1234 -> "1.2k" (charts' axes and rates). */
export function compact(v) {
  const n = Number(v) || 0;
  if (n >= 1e9) return (n / 1e9).toFixed(1) + 'G';
  if (n >= 1e6) return (n / 1e6).toFixed(1) + 'M';
  if (n >= 1e3) return (n / 1e3).toFixed(1) + 'k';
  return String(Math.round(n * 10) / 10);
}

export const bytes = (n) => compact(n) + 'B';

/** A whole number in the reader's language (1 234 in Norwegian, 1,234 in English). */
export function count(n) {
  return new Intl.NumberFormat(language()).format(Number(n) || 0);
}

/** "2 h 5 min", "4 min 10 s", "12 s". */
export function duration(seconds) {
  const s = Math.max(0, Math.floor(Number(seconds) || 0));
  const h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60;
  if (h) return t('durationHours', { h, m });
  if (m) return t('durationMinutes', { m, s: s % 60 });
  return t('durationSeconds', { s });
}

/** Whole seconds until a server time, never negative. */
export function secondsUntil(at) {
  return Math.max(0, Math.ceil((at - serverNow()) / 1000));
}

/** The text of a countdown to a server time: "4:05". */
export function countdownText(at) {
  return formatSeconds(secondsUntil(at));
}

/**
 * A room's state for people: `kind` (lobby, session, mingling, done) for the badge, `label` (the badge's
 * words), `detail` (one sentence), `round` ("2 of 3" or null) and the next deadline with the words before
 * its countdown (`deadlineLabel`: "Round ends in").
 */
export function roomState(room) {
  const next = room.nextMingling;
  if (room.phase === 'mingling') {
    const round = room.round > 0 ? t('roundOf', { round: room.round, rounds: room.rounds }) : null;
    if (room.endsAt) {
      return { kind: 'mingling', label: t('phaseMingling'), round, deadline: room.endsAt,
        deadlineLabel: t('deadlineRoundEnds'),
        detail: t('stateRoundRunning', { round: room.round, rounds: room.rounds, title: room.sessionTitle ?? '' }) };
    }
    return { kind: 'mingling', label: t('phaseMingling'), round, deadline: room.nextRoundAt ?? null,
      deadlineLabel: t('deadlineNextRound'),
      detail: room.round > 0 ? t('stateBetweenRounds', { round: room.round, rounds: room.rounds })
        : t('stateFirstRoundSoon', { rounds: room.rounds }) };
  }
  if (room.phase === 'session') {
    const title = room.sessionTitle ?? room.session ?? '';
    if (next && next.startsAt) {
      return { kind: 'session', label: t('phaseSession'), round: null, deadline: next.startsAt,
        deadlineLabel: t('deadlineMinglingStarts'), detail: t('stateSessionAuto', { title }) };
    }
    return { kind: 'session', label: t('phaseSession'), round: null, deadline: null, deadlineLabel: null,
      detail: next ? t('stateSessionManual', { title }) : t('stateSessionNoMingling', { title }) };
  }
  if (room.minglingDone) {
    return { kind: 'done', label: t('phaseDone'), round: null, deadline: null, deadlineLabel: null, detail: t('stateDone') };
  }
  if (next) {
    return { kind: 'lobby', label: t('phaseLobby'), round: null, deadline: next.startsAt ?? null,
      deadlineLabel: next.startsAt ? t('deadlineMinglingStarts') : null,
      detail: next.startsAt ? t('stateLobbyNextAuto', { title: next.title }) : t('stateLobbyNextManual', { title: next.title }) };
  }
  return { kind: 'lobby', label: t('phaseLobby'), round: null, deadline: null, deadlineLabel: null, detail: t('stateLobbyNothing') };
}

/** Milliseconds as seconds with one decimal: "0.8 s". */
export function callSeconds(ms) {
  return t('callSeconds', { s: new Intl.NumberFormat(language(), { maximumFractionDigits: 1, minimumFractionDigits: 1 }).format((Number(ms) || 0) / 1000) });
}

/**
 * The calls of a room or of the event (`calls` in the status) in words: "12 of 14 connected" and
 * "3 through the relay (25 %) · 1 failed · median 0.8 s to connect".
 */
export function callSummary(calls) {
  const c = calls || {};
  if (!c.started) return { value: t('callsNone'), sub: '' };
  const parts = [];
  if (c.connected) parts.push(t('callsRelayed', { relayed: count(c.relayed), percent: count(c.relayPercent ?? 0) }));
  parts.push(t('callsFailed', { count: c.failed || 0, n: count(c.failed || 0) }));
  if (c.dropped) parts.push(t('callsDropped', { count: c.dropped, n: count(c.dropped) }));
  if (c.medianConnectMs !== null && c.medianConnectMs !== undefined) parts.push(t('callsMedian', { time: callSeconds(c.medianConnectMs) }));
  return { value: t('callsConnectedOf', { connected: count(c.connected), started: count(c.started) }), sub: parts.join(' · ') };
}
