/* RepHome's service worker, served at /sw.js (scope: the whole site). /sw.js puts a first line
   before this file: self.REPHOME_SHELL = {version, offline, urls}, the offline page and the assets
   it needs.

   - The shell (the offline page, its CSS and scripts, the icons) is kept at install, in a cache
     named after the version; older caches go when a new worker activates.
   - A page (a navigation) always comes from the network; only when the network fails is the
     offline page shown instead. Pages are never stored: they hold personal data.
   - The shell's own files are answered from the cache; every other request, and every request
     that is not a GET (form posts, uploads), goes to the network untouched. */
"use strict";
var SHELL = self.REPHOME_SHELL || { version: "dev", offline: "/offline", urls: ["/offline"] };
var CACHE = "rephome-shell-" + SHELL.version;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return cache.addAll(SHELL.urls.map(function (url) {
      return new Request(url, { credentials: "omit", cache: "reload" });
    }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("rephome-shell-") === 0 && name !== CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () {
    // Pages start loading while the worker wakes up (no delay added to a navigation).
    return self.registration.navigationPreload ? self.registration.navigationPreload.enable() : null;
  }).then(function () { return self.clients.claim(); }));
});

function offlinePage() {
  return caches.open(CACHE).then(function (cache) { return cache.match(SHELL.offline); })
    .then(function (page) {
      return page || new Response("<!doctype html><meta charset=utf-8><title>暂时无法连接</title>" +
        "<p>暂时无法连接服务器，请恢复网络后重试。</p>",
        { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
    });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }  // posts and uploads: straight to the network
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.mode === "navigate") {
    event.respondWith(Promise.resolve(event.preloadResponse).then(function (preloaded) {
      return preloaded || fetch(request);
    }).catch(offlinePage));
    return;
  }
  if (SHELL.urls.indexOf(url.pathname + url.search) >= 0) {
    event.respondWith(caches.open(CACHE).then(function (cache) {
      return cache.match(request, { ignoreVary: true }).then(function (hit) {
        return hit || fetch(request);
      });
    }));
  }
});
