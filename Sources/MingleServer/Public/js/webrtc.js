// Audio/video between breakout members: a full mesh of RTCPeerConnections, signalled through the
// server's `signal` messages. In every pair the member with the lower attendee id makes the first
// offer (with a data channel, so the connection exists before anyone turns on a camera); later
// renegotiations (a camera turned on by either side, an ICE restart) follow the "perfect negotiation"
// pattern, where the higher id is the polite peer that yields on an offer collision. Camera and
// microphone are asked for only when the attendee presses a button; without them, chat still works.
//
// ICE servers: the event's `iceServers` plus the short-lived TURN credential the server sends with
// `welcome` / `turn_credentials` (renewals are applied to running connections with setConfiguration).
//
// Each call (one RTCPeerConnection) goes through these states, shown on its tile and in the status
// line, and reported to the server with `call_report` (see ClientProtocol/README.md, "Audio and video"):
//
//   waiting --offer/answer--> connecting --connected--> connected (direct | relay)
//                                 |                        |  disconnected 2 s, failed, or the network changed
//                                 |                        v
//                                 |                   reconnecting --restartIce(), up to 5 times--> connected
//                                 v                        v
//                               failed (reason) <----------+      ("Try again" restarts from failed)

import { h } from './dom.js';
import { t } from './i18n.js';
import { avatar } from './views/people.js';

/** Give up on a call that has not connected this long after it started (Chrome's ICE gives up at ~15 s). */
const CONNECT_TIMEOUT_MS = 30_000;
/** A connection that stays `disconnected` this long gets an ICE restart (consent checks fail after ~5 s). */
const DISCONNECTED_RESTART_MS = 2_000;
/** After an ICE restart, try again if it has not connected within this. */
const RESTART_WATCHDOG_MS = 8_000;
const MAX_RESTARTS = 5;

export class Mesh {
  constructor({ send, onChange }) {
    this.send = send;
    this.onChange = onChange;
    this.me = null;
    this.eventIceServers = [];
    this.turn = null; // { iceServers, expiresAt } from the server
    this.peers = new Map(); // id -> Peer
    this.local = null; // MediaStream
    this.mode = 'off'; // off | audio | video | asking
    this.audioOnly = false;
    this.error = null;
    this.buildElement();
    // A new network (Wi-Fi to 4G, a cable back in): every call looks for a new path at once.
    window.addEventListener('online', () => this.networkChanged());
    navigator.connection?.addEventListener?.('change', () => this.networkChanged());
  }

  buildElement() {
    this.tiles = h('div', { class: 'tiles', testid: 'media-tiles' });
    this.localVideo = h('video', { class: 'tile-video', muted: true, autoplay: true, playsInline: true, testid: 'local-video' });
    this.localVideo.muted = true;
    this.localTile = h('div', { class: 'tile tile-local', hidden: true }, this.localVideo, h('span', { class: 'tile-label', text: '' }));
    this.btnVideo = h('button', { type: 'button', class: 'btn btn-secondary', testid: 'media-video', on: { click: () => this.start(true) } });
    this.btnAudio = h('button', { type: 'button', class: 'btn btn-secondary', testid: 'media-audio', on: { click: () => this.start(false) } });
    this.btnAudioOnly = h('button', { type: 'button', class: 'btn btn-ghost', testid: 'media-audio-only', on: { click: () => this.setAudioOnly(!this.audioOnly) } });
    this.btnStop = h('button', { type: 'button', class: 'btn btn-ghost', testid: 'media-stop', hidden: true, on: { click: () => this.stopMedia() } });
    this.btnRetry = h('button', { type: 'button', class: 'btn btn-secondary', testid: 'media-retry', hidden: true, on: { click: () => this.retry() } });
    this.status = h('p', { class: 'media-status small muted', testid: 'media-status', attrs: { 'aria-live': 'polite' } });
    this.title = h('h2', { class: 'h3', id: 'media-title' });
    this.hint = h('p', { class: 'muted small' });
    const el = h('section', { class: 'card media', testid: 'media', attrs: { 'aria-labelledby': 'media-title' } },
      this.title, this.hint, this.tiles,
      h('div', { class: 'media-actions' }, this.btnVideo, this.btnAudio, this.btnAudioOnly, this.btnStop),
      this.status, this.btnRetry);
    this.tiles.append(this.localTile);
    this.element = el;
    this.relabel();
  }

  relabel() {
    this.title.textContent = t('mediaTitle');
    this.hint.textContent = t('mediaHint');
    this.btnStop.textContent = t('mediaStop');
    this.btnAudioOnly.textContent = t('mediaAudioOnly');
    this.btnAudioOnly.title = t('mediaAudioOnlyHint');
    this.btnRetry.textContent = t('callRetry');
    this.localTile.querySelector('.tile-label').textContent = t('mediaYou');
    for (const p of this.peers.values()) p.relabel();
    this.renderStatus();
  }

  /** The RTCIceServer list for new connections (and for renewals of running ones). */
  iceServers() {
    return [...this.eventIceServers, ...(this.turn?.iceServers ?? [])];
  }

  /** A TURN credential from the server (`welcome`'s `turn`, or `turn_credentials`): the newest wins. */
  setTurn(turn) {
    if (!turn || !Array.isArray(turn.iceServers)) return;
    this.turn = turn;
    for (const p of this.peers.values()) p.applyIceServers();
  }

  /** Follows the breakout: opens connections to new members, closes those to members who left. */
  setRoom(me, breakout, iceServers, gone = new Set()) {
    this.me = me;
    if (iceServers !== undefined) this.eventIceServers = Array.isArray(iceServers) ? iceServers : [];
    const wanted = new Map();
    if (breakout) for (const m of breakout.members) if (m.id !== me.id && !gone.has(m.id)) wanted.set(m.id, m);
    for (const [id, peer] of this.peers) if (!wanted.has(id)) { peer.close(); this.peers.delete(id); }
    for (const [id, member] of wanted) if (!this.peers.has(id)) this.peers.set(id, new Peer(this, member));
    if (!breakout) this.stopMedia();
    this.renderStatus();
  }

  /** Closes every connection but keeps the camera/microphone (after our own resume). */
  resetPeers() {
    for (const peer of this.peers.values()) peer.close();
    this.peers.clear();
  }

  /** A member came back after a reload: their old connection is gone, start a fresh one. */
  restartPeer(id) {
    const peer = this.peers.get(id);
    if (!peer) return;
    const member = peer.member;
    peer.close();
    this.peers.set(id, new Peer(this, member));
    this.renderStatus();
  }

  handleSignal(msg) {
    const peer = this.peers.get(msg.from);
    if (peer) peer.enqueue(msg.kind, msg.payload);
  }

  networkChanged() {
    for (const p of this.peers.values()) p.networkChanged();
  }

  /** "Try again" after a call failed. */
  retry() {
    for (const p of this.peers.values()) if (p.state === 'failed') p.retry();
  }

  /** Report one step of a call to the server (counts for the organisers; never media or addresses). */
  report(peer, outcome, fields = {}) {
    this.send({ type: 'call_report', peer: peer.id, outcome, ...fields });
  }

  async start(withVideo) {
    if (!navigator.mediaDevices?.getUserMedia) { this.error = 'mediaUnsupported'; this.renderStatus(); return; }
    this.mode = 'asking';
    this.error = null;
    if (withVideo && this.audioOnly) this.setAudioOnly(false);
    this.renderStatus();
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: withVideo ? { width: { ideal: 640 }, height: { ideal: 480 } } : false });
    } catch (err) {
      this.mode = this.local ? (this.local.getVideoTracks().length ? 'video' : 'audio') : 'off';
      this.error = err && err.name === 'NotAllowedError' ? 'mediaDenied' : 'mediaFailed';
      this.renderStatus();
      return;
    }
    this.releaseLocal();
    this.local = stream;
    this.mode = withVideo ? 'video' : 'audio';
    this.localVideo.srcObject = withVideo ? stream : null;
    this.localTile.hidden = !withVideo;
    for (const p of this.peers.values()) p.useLocal(stream);
    this.renderStatus();
  }

  /**
   * Audio only, on request (a weak network, a metered phone): our camera goes off and no video is sent
   * or received on any call (the video transceivers become inactive; the partners' browsers follow the
   * renegotiation). Turning the camera on again ends it.
   */
  setAudioOnly(on) {
    this.audioOnly = on;
    if (on && this.local) {
      for (const track of this.local.getVideoTracks()) { track.stop(); this.local.removeTrack(track); }
      this.localVideo.srcObject = null;
      this.localTile.hidden = true;
      if (this.mode === 'video') this.mode = 'audio';
      for (const p of this.peers.values()) p.useLocal(this.local);
    }
    for (const p of this.peers.values()) p.applyAudioOnly();
    this.renderStatus();
  }

  releaseLocal() {
    if (this.local) for (const track of this.local.getTracks()) track.stop();
    this.local = null;
  }

  stopMedia() {
    this.releaseLocal();
    this.mode = 'off';
    this.localVideo.srcObject = null;
    this.localTile.hidden = true;
    for (const p of this.peers.values()) p.useLocal(null);
    this.renderStatus();
  }

  /** The status line: the camera's state, then the calls' (one sentence, the most urgent first). */
  callStatus() {
    const peers = [...this.peers.values()];
    if (!peers.length) return { text: '', error: false };
    const failed = peers.find((p) => p.state === 'failed');
    if (failed) {
      return { text: `${t('callFailed', { name: failed.member.name, reason: t(`callReason_${failed.reason}`) })} ${t('callChatWorks')}`, error: true };
    }
    const reconnecting = peers.find((p) => p.state === 'reconnecting');
    if (reconnecting) return { text: t('callReconnecting', { name: reconnecting.member.name }), error: false };
    const connected = peers.filter((p) => p.state === 'connected');
    const relayed = connected.filter((p) => p.path === 'relay').length;
    if (connected.length < peers.length) return { text: t('callConnecting', { connected: connected.length, count: peers.length }), error: false };
    if (peers.length === 1) return { text: t(relayed ? 'callConnectedRelayOne' : 'callConnectedDirectOne', { name: peers[0].member.name }), error: false };
    return { text: t('callConnectedMany', { count: peers.length, relayed }), error: false };
  }

  renderStatus() {
    this.btnVideo.textContent = this.mode === 'video' ? t('mediaVideoOn') : t('mediaVideo');
    this.btnAudio.textContent = this.mode === 'audio' ? t('mediaAudioOn') : t('mediaAudio');
    this.btnVideo.setAttribute('aria-pressed', String(this.mode === 'video'));
    this.btnAudio.setAttribute('aria-pressed', String(this.mode === 'audio'));
    this.btnAudioOnly.setAttribute('aria-pressed', String(this.audioOnly));
    this.btnVideo.disabled = this.btnAudio.disabled = this.mode === 'asking';
    this.btnStop.hidden = this.mode === 'off' || this.mode === 'asking';
    const call = this.callStatus();
    let text;
    if (this.error) text = t(this.error);
    else if (this.mode === 'asking') text = t('mediaAsking');
    else text = call.text;
    if (this.audioOnly && !this.error && text) text = `${text} ${t('mediaAudioOnlyOn')}`;
    this.status.textContent = text;
    this.status.classList.toggle('is-error', !!this.error || call.error);
    const states = [...this.peers.values()].map((p) => p.state);
    this.btnRetry.hidden = !states.includes('failed');
    this.element.dataset.connected = String(states.filter((s) => s === 'connected').length);
    this.element.dataset.call = states.includes('failed') ? 'failed' : states.includes('reconnecting') ? 'reconnecting'
      : states.length && states.every((s) => s === 'connected') ? 'connected' : states.length ? 'connecting' : 'none';
    this.onChange?.();
  }
}

class Peer {
  constructor(mesh, member) {
    this.mesh = mesh;
    this.member = member;
    this.id = member.id;
    this.polite = mesh.me.id > member.id;
    this.makingOffer = false;
    this.ignoreOffer = false;
    this.queue = Promise.resolve();
    this.state = 'waiting'; // waiting | connecting | connected | reconnecting | failed
    this.path = null; // direct | relay, once connected
    this.reason = null; // why it failed
    this.everConnected = false;
    this.startedAt = null; // performance.now() when offer and answer were exchanged (or "Try again")
    this.lostAt = null; // when the connection was lost
    this.restarts = 0;
    this.timer = null;
    this.candidateErrors = [];
    this.senders = [];
    this.remote = new MediaStream();
    this.video = h('video', { class: 'tile-video', autoplay: true, playsInline: true, testid: `remote-video-${member.id}` });
    this.video.srcObject = this.remote;
    this.placeholder = h('div', { class: 'tile-placeholder' }, avatar(member, 'avatar-xl'));
    this.label = h('span', { class: 'tile-label', text: member.name });
    this.badge = h('span', { class: 'tile-badge', testid: `peer-state-${member.id}`, dataset: { state: 'waiting' } });
    this.tile = h('div', { class: 'tile', dataset: { attendee: String(member.id) } }, this.placeholder, this.video, this.label, this.badge);
    mesh.tiles.append(this.tile);
    this.pc = new RTCPeerConnection({ iceServers: mesh.iceServers() });
    this.pc.onicecandidate = ({ candidate }) => {
      if (candidate) this.mesh.send({ type: 'signal', to: this.id, kind: 'candidate', payload: JSON.stringify(candidate.toJSON()) });
    };
    // A STUN/TURN server that refused us (401 for a bad or expired credential) or could not be reached (701).
    this.pc.onicecandidateerror = (e) => { this.candidateErrors.push({ code: e.errorCode, url: String(e.url || '') }); };
    this.pc.onnegotiationneeded = () => this.negotiate();
    this.pc.onconnectionstatechange = () => this.connectionChanged(this.pc.connectionState);
    this.pc.ontrack = ({ track }) => {
      this.remote.addTrack(track);
      this.updateTile();
      track.onunmute = () => this.updateTile();
      track.onmute = () => this.updateTile();
      track.onended = () => { this.remote.removeTrack(track); this.updateTile(); };
    };
    this.pc.ondatachannel = ({ channel }) => { this.channel = channel; };
    if (mesh.local) this.useLocal(mesh.local);
    // The lower id opens: a data channel makes the first offer carry something to connect.
    if (!this.polite) this.channel = this.pc.createDataChannel('mingle');
    this.updateTile();
    this.relabel();
  }

  relabel() {
    const key = this.state === 'connected' ? `call_connected_${this.path ?? 'direct'}` : `call_${this.state}`;
    this.badge.textContent = t(key);
  }

  setState(state) {
    this.state = state;
    this.badge.dataset.state = state;
    this.tile.dataset.state = state;
    if (this.path) this.badge.dataset.path = this.path;
    if (this.reason) this.badge.dataset.reason = this.reason; else delete this.badge.dataset.reason;
    this.relabel();
    this.mesh.renderStatus();
  }

  elapsed(since) { return Math.max(0, Math.min(600_000, Math.round(performance.now() - (since ?? performance.now())))); }

  clearTimer() { clearTimeout(this.timer); this.timer = null; }

  /** Offer and answer are exchanged: the browsers now try to connect. */
  started() {
    if (this.startedAt !== null || this.pc.signalingState === 'closed') return;
    this.startedAt = performance.now();
    this.mesh.report(this, 'started');
    if (this.state === 'waiting') this.setState('connecting');
    this.clearTimer();
    this.timer = setTimeout(() => { if (!this.everConnected && this.state !== 'failed') this.fail('timeout'); }, CONNECT_TIMEOUT_MS);
  }

  connectionChanged(s) {
    if (this.pc.signalingState === 'closed') return;
    if (s === 'connected') this.connected();
    else if (s === 'disconnected' && this.everConnected) this.lost(DISCONNECTED_RESTART_MS);
    else if (s === 'failed') {
      if (this.everConnected) this.lost(0);
      else this.fail(this.failureReason());
    }
  }

  async connected() {
    this.clearTimer();
    this.path = await this.selectedPath();
    if (this.pc.connectionState !== 'connected') return;
    if (!this.everConnected) {
      this.everConnected = true;
      this.mesh.report(this, 'connected', { path: this.path, ms: this.elapsed(this.startedAt) });
    } else if (this.state !== 'connected') {
      this.mesh.report(this, 'recovered', { path: this.path, ms: this.elapsed(this.lostAt) });
    }
    this.lostAt = null;
    this.restarts = 0;
    this.reason = null;
    this.setState('connected');
  }

  /** The connection dropped: restart ICE after `delayMs` unless it comes back by itself first. */
  lost(delayMs) {
    if (this.state === 'connected') {
      this.lostAt = performance.now();
      this.mesh.report(this, 'interrupted');
      this.setState('reconnecting');
    }
    if (this.state === 'failed' || this.timer) {
      if (delayMs === 0 && this.state !== 'failed') { this.clearTimer(); this.restartIce(); }
      return;
    }
    this.timer = setTimeout(() => { this.timer = null; this.restartIce(); }, delayMs);
  }

  restartIce() {
    if (this.pc.signalingState === 'closed' || this.pc.connectionState === 'connected') return;
    if (this.restarts >= MAX_RESTARTS) { this.fail(this.failureReason()); return; }
    this.restarts += 1;
    this.candidateErrors = [];
    this.pc.restartIce(); // negotiationneeded -> an offer with new ICE credentials (either side may start it)
    this.clearTimer();
    this.timer = setTimeout(() => { this.timer = null; this.restartIce(); }, RESTART_WATCHDOG_MS);
  }

  /**
   * The browser says the network changed: a call that still looks up looks for a new path quietly (the old
   * pair keeps working until ICE picks a new one); one that was lost restarts now instead of waiting.
   */
  networkChanged() {
    if (!this.everConnected || this.pc.signalingState === 'closed') return;
    if (this.state === 'connected') this.pc.restartIce();
    else if (this.state === 'reconnecting') { this.clearTimer(); this.restartIce(); }
  }

  fail(reason) {
    this.clearTimer();
    if (this.state === 'failed') return;
    this.reason = reason;
    this.mesh.report(this, 'failed', { reason, ms: this.elapsed(this.everConnected ? this.lostAt : this.startedAt) });
    this.setState('failed');
  }

  retry() {
    this.restarts = 0;
    this.reason = null;
    if (this.everConnected) { this.lostAt = performance.now(); this.setState('reconnecting'); } else {
      this.startedAt = performance.now();
      this.setState('connecting');
    }
    this.restartIce();
  }

  /** Why a call could not connect, from what ICE told us (no addresses leave the page). */
  failureReason() {
    const relayErrors = this.candidateErrors.filter((e) => /^turns?:/.test(e.url));
    if (relayErrors.some((e) => e.code === 401 || e.code === 403 || e.code === 437 || e.code === 441)) return 'relay_refused';
    if (relayErrors.length) return 'relay_unreachable';
    return this.state === 'waiting' ? 'timeout' : 'ice_failed';
  }

  /**
   * `relay` when either end of the selected candidate pair is a TURN relay, else `direct`. Right after an
   * ICE restart the transport may name no pair yet: ask again for up to 2 s, then keep what was known.
   */
  async selectedPath() {
    for (let attempt = 0; attempt < 10; attempt += 1) {
      try {
        const stats = await this.pc.getStats();
        const byId = new Map();
        stats.forEach((r) => byId.set(r.id, r));
        let pair = null;
        stats.forEach((r) => { if (r.type === 'transport' && r.selectedCandidatePairId) pair = byId.get(r.selectedCandidatePairId); });
        if (!pair) stats.forEach((r) => { if (!pair && r.type === 'candidate-pair' && r.nominated && r.state === 'succeeded') pair = r; });
        const types = pair ? [byId.get(pair.localCandidateId)?.candidateType, byId.get(pair.remoteCandidateId)?.candidateType] : [];
        if (types[0] && types[1]) return types.includes('relay') ? 'relay' : 'direct';
      } catch { /* closed meanwhile */ }
      if (this.pc.signalingState === 'closed') break;
      await new Promise((resolve) => { setTimeout(resolve, 200); });
    }
    return this.path ?? 'direct';
  }

  /** A renewed TURN credential: used by the next ICE restart and by any gathering still to come. */
  applyIceServers() {
    if (this.pc.signalingState === 'closed') return;
    try { this.pc.setConfiguration({ ...this.pc.getConfiguration(), iceServers: this.mesh.iceServers() }); } catch (err) { console.warn('ice servers', err); }
  }

  /** Audio only on: every video transceiver inactive (no video either way); off: back to normal. */
  applyAudioOnly() {
    for (const tr of this.pc.getTransceivers()) {
      if (tr.stopped || tr.receiver.track?.kind !== 'video') continue;
      const wanted = this.mesh.audioOnly ? 'inactive' : (tr.sender.track ? 'sendrecv' : 'recvonly');
      if (tr.direction !== wanted) tr.direction = wanted;
    }
  }

  updateTile() {
    const hasVideo = this.remote.getVideoTracks().some((tr) => tr.readyState === 'live' && !tr.muted);
    this.video.hidden = !hasVideo;
    this.placeholder.hidden = hasVideo;
    this.tile.classList.toggle('has-video', hasVideo);
  }

  async negotiate() {
    try {
      this.makingOffer = true;
      await this.pc.setLocalDescription();
      this.mesh.send({ type: 'signal', to: this.id, kind: this.pc.localDescription.type, payload: this.pc.localDescription.sdp });
    } catch (err) {
      console.warn('negotiation failed', err);
    } finally {
      this.makingOffer = false;
    }
  }

  /** Signals are handled strictly in order, so a candidate never races its description. */
  enqueue(kind, payload) {
    this.queue = this.queue.then(() => this.onSignal(kind, payload)).catch((err) => console.warn('signal', kind, err));
  }

  async onSignal(kind, payload) {
    if (this.pc.signalingState === 'closed' || typeof payload !== 'string') return;
    if (kind === 'offer' || kind === 'answer') {
      const collision = kind === 'offer' && (this.makingOffer || this.pc.signalingState !== 'stable');
      this.ignoreOffer = !this.polite && collision;
      if (this.ignoreOffer) return;
      await this.pc.setRemoteDescription({ type: kind, sdp: payload });
      if (kind === 'offer') {
        if (this.mesh.audioOnly) this.applyAudioOnly();
        await this.pc.setLocalDescription();
        this.mesh.send({ type: 'signal', to: this.id, kind: 'answer', payload: this.pc.localDescription.sdp });
      }
      this.started();
    } else if (kind === 'candidate') {
      try {
        await this.pc.addIceCandidate(JSON.parse(payload));
      } catch (err) {
        if (!this.ignoreOffer) throw err;
      }
    }
  }

  /** Puts our tracks on this connection (or takes them off); negotiationneeded does the rest. */
  useLocal(stream) {
    for (const sender of this.senders) { try { this.pc.removeTrack(sender); } catch { /* closed */ } }
    this.senders = [];
    if (stream) for (const track of stream.getTracks()) this.senders.push(this.pc.addTrack(track, stream));
    if (this.mesh.audioOnly) this.applyAudioOnly();
  }

  close() {
    this.clearTimer();
    try { this.pc.close(); } catch { /* already closed */ }
    this.tile.remove();
    for (const track of this.remote.getTracks()) track.stop();
  }
}
