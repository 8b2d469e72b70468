// Where this event's pages live. The server may be reached at the root of its own host name or under a
// base path on a shared one (https://mingle.example.org/e/cocreation/; Config/README.md, basePath), so no
// page names a URL by an absolute path. The app's root is found from this module's own URL, which is
// <root>/js/paths.js however the page was reached (and whichever page imported it: /, /admin,
// /r/<room>/display); every fetch, WebSocket and link made by a script goes through it.

const ROOT = new URL('../', import.meta.url);

/** An absolute URL for `path`, relative to the app's root ("api/status", "r/plenary/qr.svg"). */
export function appURL(path) {
  return new URL(path, ROOT);
}

/** The ws:/wss: URL of the WebSocket at `path` relative to the app's root ("ws", "admin/ws"). */
export function socketURL(path) {
  const u = appURL(path);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  return u.href;
}

/** This page's path as the server routes it, without the base path ("/r/plenary/display"). */
export function appPath() {
  const base = ROOT.pathname;
  return location.pathname.startsWith(base) ? '/' + location.pathname.slice(base.length) : location.pathname;
}
