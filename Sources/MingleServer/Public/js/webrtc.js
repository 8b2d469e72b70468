// Audio/video between breakout members: a full mesh of RTCPeerConnections, signalled through the
// server's `signal` messages. In every pair the member with the lower attendee id makes the first
// offer (with a data channel, so the connection exists before anyone turns on a camera); later
// renegotiations (a camera turned on by either side) follow the "perfect negotiation" pattern, where
// the higher id is the polite peer that yields on an offer collision. Camera and microphone are
// asked for only when the attendee presses a button; without them, chat still works.

import { h } from './dom.js';
import { t } from './i18n.js';
import { avatar } from './views/people.js';

export class Mesh {
  constructor({ send, onChange }) {
    this.send = send;
    this.onChange = onChange;
    this.me = null;
    this.iceServers = [];
    this.peers = new Map(); // id -> Peer
    this.local = null; // MediaStream
    this.mode = 'off'; // off | audio | video | asking
    this.error = null;
    this.buildElement();
  }

  buildElement() {
    this.tiles = h('div', { class: 'tiles', testid: 'media-tiles' });
    this.localVideo = h('video', { class: 'tile-video', muted: true, autoplay: true, playsInline: true, testid: 'local-video' });
    this.localVideo.muted = true;
    this.localTile = h('div', { class: 'tile tile-local', hidden: true }, this.localVideo, h('span', { class: 'tile-label', text: '' }));
    this.btnVideo = h('button', { type: 'button', class: 'btn btn-secondary', testid: 'media-video', on: { click: () => this.start(true) } });
    this.btnAudio = h('button', { type: 'button', class: 'btn btn-secondary', testid: 'media-audio', on: { click: () => this.start(false) } });
    this.btnStop = h('button', { type: 'button', class: 'btn btn-ghost', testid: 'media-stop', hidden: true, on: { click: () => this.stopMedia() } });
    this.status = h('p', { class: 'media-status small muted', testid: 'media-status', attrs: { 'aria-live': 'polite' } });
    this.title = h('h2', { class: 'h3', id: 'media-title' });
    this.hint = h('p', { class: 'muted small' });
    const el = h('section', { class: 'card media', testid: 'media', attrs: { 'aria-labelledby': 'media-title' } },
      this.title, this.hint, this.tiles,
      h('div', { class: 'media-actions' }, this.btnVideo, this.btnAudio, this.btnStop), this.status);
    this.tiles.append(this.localTile);
    this.element = el;
    this.relabel();
  }

  relabel() {
    this.title.textContent = t('mediaTitle');
    this.hint.textContent = t('mediaHint');
    this.btnVideo.textContent = this.mode === 'video' ? t('mediaVideoOn') : t('mediaVideo');
    this.btnAudio.textContent = this.mode === 'audio' ? t('mediaAudioOn') : t('mediaAudio');
    this.btnStop.textContent = t('mediaStop');
    this.localTile.querySelector('.tile-label').textContent = t('mediaYou');
    for (const p of this.peers.values()) p.relabel();
    this.renderStatus();
  }

  /** Follows the breakout: opens connections to new members, closes those to members who left. */
  setRoom(me, breakout, iceServers, gone = new Set()) {
    this.me = me;
    this.iceServers = Array.isArray(iceServers) ? iceServers : [];
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

  async start(withVideo) {
    if (!navigator.mediaDevices?.getUserMedia) { this.error = 'mediaUnsupported'; this.renderStatus(); return; }
    this.mode = 'asking';
    this.error = null;
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

  renderStatus() {
    this.btnVideo.textContent = this.mode === 'video' ? t('mediaVideoOn') : t('mediaVideo');
    this.btnAudio.textContent = this.mode === 'audio' ? t('mediaAudioOn') : t('mediaAudio');
    this.btnVideo.setAttribute('aria-pressed', String(this.mode === 'video'));
    this.btnAudio.setAttribute('aria-pressed', String(this.mode === 'audio'));
    this.btnVideo.disabled = this.btnAudio.disabled = this.mode === 'asking';
    this.btnStop.hidden = this.mode === 'off' || this.mode === 'asking';
    const states = [...this.peers.values()].map((p) => p.state);
    const connected = states.filter((s) => s === 'connected').length;
    let text;
    if (this.error) text = t(this.error);
    else if (this.mode === 'asking') text = t('mediaAsking');
    else if (!this.peers.size) text = '';
    else text = t('mediaPeers', { connected, count: this.peers.size });
    this.status.textContent = text;
    this.status.classList.toggle('is-error', !!this.error);
    this.element.dataset.connected = String(connected);
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
    this.state = 'new';
    this.senders = [];
    this.remote = new MediaStream();
    this.video = h('video', { class: 'tile-video', autoplay: true, playsInline: true, testid: `remote-video-${member.id}` });
    this.video.srcObject = this.remote;
    this.placeholder = h('div', { class: 'tile-placeholder' }, avatar(member, 'avatar-xl'));
    this.label = h('span', { class: 'tile-label', text: member.name });
    this.badge = h('span', { class: 'tile-badge', testid: `peer-state-${member.id}`, dataset: { state: 'new' } });
    this.tile = h('div', { class: 'tile', dataset: { attendee: String(member.id) } }, this.placeholder, this.video, this.label, this.badge);
    mesh.tiles.append(this.tile);
    this.pc = new RTCPeerConnection({ iceServers: mesh.iceServers });
    this.pc.onicecandidate = ({ candidate }) => {
      if (candidate) this.mesh.send({ type: 'signal', to: this.id, kind: 'candidate', payload: JSON.stringify(candidate.toJSON()) });
    };
    this.pc.onnegotiationneeded = () => this.negotiate();
    this.pc.onconnectionstatechange = () => this.setState(this.pc.connectionState);
    this.pc.ontrack = ({ track }) => {
      this.remote.addTrack(track);
      this.updateTile();
      track.onunmute = () => this.updateTile();
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
    this.badge.textContent = t(`peer_${this.state}`) === `peer_${this.state}` ? this.state : t(`peer_${this.state}`);
  }

  setState(s) {
    this.state = s;
    this.badge.dataset.state = s;
    this.tile.dataset.state = s;
    this.relabel();
    this.mesh.renderStatus();
  }

  updateTile() {
    const hasVideo = this.remote.getVideoTracks().some((tr) => tr.readyState === 'live');
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
        await this.pc.setLocalDescription();
        this.mesh.send({ type: 'signal', to: this.id, kind: 'answer', payload: this.pc.localDescription.sdp });
      }
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
  }

  close() {
    try { this.pc.close(); } catch { /* already closed */ }
    this.tile.remove();
    for (const track of this.remote.getTracks()) track.stop();
  }
}
