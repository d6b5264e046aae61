// Installable RepHome: registers the service worker (/sw.js, scope "/") where the browser allows
// one (HTTPS, or http://localhost and 127.0.0.1). Without it every page still works online, and
// the local drafts (drafts.js) still keep what was typed.
(function () {
  "use strict";
  if (!("serviceWorker" in navigator) || !window.isSecureContext) { return; }
  window.addEventListener("load", function () {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {
      /* no worker (private mode, policy): the site works online as before */
    });
  });
}());
