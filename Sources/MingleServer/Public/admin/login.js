"use strict";
// Shows why the last sign-in failed (the server redirects with ?login=failed|locked).
(function () {
  const reason = new URLSearchParams(location.search).get("login");
  const box = document.getElementById("login-error");
  if (reason === "failed") { box.textContent = "That token is not right."; box.hidden = false; }
  if (reason === "locked") { box.textContent = "Too many failed attempts from this address; wait a while and try again."; box.hidden = false; }
})();
