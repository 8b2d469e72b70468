// The printable A4 poster for one room, served at /r/<room-id>/poster (also
// /display/poster.html?room=<room-id>). It reads /r/<room-id>/poster.json:
//
//   {"room": {"id": "workshop-a", "title": "…", "location": "Room 2.14" | null},
//    "event": "<event name>",            (optional: shown beside the Mingle mark)
//    "link": "https://host/r/workshop-a"}
//
// (asked with this page's own query string, so the display key `?key=...` opens it as it opened
// the page; an admin's cookie works too) and shows the title, the location, the room's QR code (/r/<room-id>/qr.svg), the short link and
// one line inviting people to scan. Language: ?lang=nb|en, else the browser's (strings.js).

import { t, loadStrings, roomFromLocation, shortLink, showLink, qrPath } from './strings.js';
import { appURL } from '../js/paths.js';

const $ = (testid) => document.querySelector(`[data-testid="${testid}"]`);
const params = new URLSearchParams(location.search);
const roomId = roomFromLocation('poster', params);

function setText(el, text) {
  el.textContent = text;
  el.hidden = text === '';
}

async function load() {
  const res = await fetch(appURL(`r/${encodeURIComponent(roomId)}/poster.json${location.search}`), { cache: 'no-cache', credentials: 'same-origin' });
  if (!res.ok) throw new Error(`poster.json: ${res.status}`);
  return res.json();
}

async function start() {
  await loadStrings(params);
  const status = $('poster-status');
  const print = $('print');
  print.addEventListener('click', () => window.print());
  status.textContent = t('posterLoading');
  let data;
  try {
    if (!roomId) throw new Error('no room');
    data = await load();
  } catch {
    status.textContent = t('posterUnavailable');
    return;
  }
  const room = data && typeof data.room === 'object' && data.room ? data.room : {};
  const title = typeof room.title === 'string' && room.title ? room.title : roomId;
  const link = typeof data.link === 'string' ? data.link : '';
  document.title = t('posterTitle', { room: title });
  setText($('poster-title'), title);
  setText($('poster-event'), typeof data.event === 'string' ? data.event : '');
  setText($('poster-location'), typeof room.location === 'string' ? room.location : '');
  showLink($('poster-link'), link);
  $('poster-title').dataset.long = String(title.length > 40);
  const qr = $('poster-qr');
  qr.alt = link ? t('qrAlt', { link: shortLink(link) }) : t('qrAltNoLink');
  qr.src = qrPath(typeof room.id === 'string' && room.id ? room.id : roomId);
  qr.hidden = false;
  status.textContent = '';
  print.disabled = false;
}

start();
