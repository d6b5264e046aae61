/* Forms with photos (form[data-upload]): photos are made smaller on the phone before they are
   sent, the upload shows its progress, and one tap sends the form once.

   - Photos: turned upright as their EXIF orientation says, the long side at most MAX_SIDE px,
     re-encoded as JPEG (QUALITY); a PNG (a screenshot) stays PNG when that is smaller, and a photo
     already small enough is sent as it is when re-encoding would not make it smaller. PDFs, and
     images this browser cannot decode (HEIC on most phones), are sent untouched. The box
     [data-keep-originals] (保留原图), shown only with this script, sends every file untouched.
   - Sending: XMLHttpRequest, so the bar [data-upload-progress] follows the bytes; every submit
     button is disabled while the form is on its way and a second tap does nothing. The page the
     server answers (the saved activity, or the form with its messages) replaces this one, as a
     plain form post would. A network failure keeps the local draft (drafts.js) and says what waits
     to be sent.
   Without this script the form posts as it always did; the server checks every file either way. */
(function () {
  "use strict";
  var MAX_SIDE = 2560;
  var QUALITY = 0.85;
  // A link that stops moving (a phone between cells) never errors by itself: with no progress for
  // this long the send is given up, and the draft says what waits. The server's own answer may
  // take up to its timeout (120 s) once every byte is there.
  var STALLED_MS = 60000;
  var ANSWER_MS = 150000;
  var form = document.querySelector("form[data-upload]");
  if (!form || !window.FormData || !window.XMLHttpRequest || !window.Promise) { return; }

  var keep = form.querySelector("[data-keep-originals]");
  if (keep) { keep.hidden = false; }
  var panel = form.querySelector("[data-upload-progress]");
  var bar = panel && panel.querySelector(".progress-bar");
  var meter = panel && panel.querySelector(".progress");
  var status = form.querySelector("[data-upload-status]");
  var sending = false;
  var lastButton = null;

  form.addEventListener("click", function (event) {
    var b = event.target.closest && event.target.closest("button[type=submit], input[type=submit]");
    if (b) { lastButton = b; }
  });

  function mb(bytes) { return (bytes / 1048576).toFixed(1) + " MB"; }

  function say(text, kind) {
    if (!status) { return; }
    status.hidden = false;
    status.className = "small mt-2 " + (kind === "error" ? "alert alert-warning" : "text-muted");
    status.textContent = text;
  }

  function progress(percent) {
    if (!panel) { return; }
    panel.hidden = false;
    var p = Math.max(0, Math.min(100, Math.round(percent)));
    bar.style.width = p + "%";
    bar.textContent = p + "%";
    meter.setAttribute("aria-valuenow", String(p));
  }

  function buttons(disabled) {
    form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (b) {
      b.disabled = disabled;
    });
    form.setAttribute("aria-busy", disabled ? "true" : "false");
  }

  /* ---------- photos ---------- */

  function decode(file) {
    if (window.createImageBitmap) {
      return window.createImageBitmap(file, { imageOrientation: "from-image" })
        .catch(function (error) {
          if (error && error.name === "TypeError") { return window.createImageBitmap(file); }
          throw error;
        });
    }
    // Older browsers: an <img> from a data: URL (the page's CSP allows data: images, not blob:).
    return new Promise(function (resolve, reject) {
      var reader = new FileReader();
      reader.onload = function () {
        var img = new Image();
        img.onload = function () { resolve(img); };
        img.onerror = reject;
        img.src = reader.result;
      };
      reader.onerror = reject;
      reader.readAsDataURL(file);
    });
  }

  function encode(canvas, type, quality) {
    return new Promise(function (resolve) {
      try { canvas.toBlob(function (blob) { resolve(blob); }, type, quality); } catch (e) { resolve(null); }
    });
  }

  function renamed(name, ext) {
    var base = name.replace(/\.[^./\\]*$/, "") || "photo";
    return base + "." + ext;
  }

  function isPdf(file) {
    return file.type === "application/pdf" || /\.pdf$/i.test(file.name);
  }

  function isPng(file) {
    return file.type === "image/png" || /\.png$/i.test(file.name);
  }

  /** The file to send for `file`: a smaller upright JPEG (or PNG), or the file itself. */
  function shrink(file) {
    if (isPdf(file)) { return Promise.resolve(file); }
    return decode(file).then(function (image) {
      var w = image.width || image.naturalWidth;
      var h = image.height || image.naturalHeight;
      var scale = Math.min(1, MAX_SIDE / Math.max(w, h));
      var cw = Math.max(1, Math.round(w * scale));
      var ch = Math.max(1, Math.round(h * scale));
      var canvas = document.createElement("canvas");
      canvas.width = cw;
      canvas.height = ch;
      var ctx = canvas.getContext("2d");
      ctx.imageSmoothingEnabled = true;
      ctx.imageSmoothingQuality = "high";
      ctx.fillStyle = "#fff";  // transparency becomes white, as the server's thumbnails do
      ctx.fillRect(0, 0, cw, ch);
      ctx.drawImage(image, 0, 0, cw, ch);
      if (image.close) { image.close(); }
      var png = isPng(file);
      var tries = [encode(canvas, "image/jpeg", QUALITY)];
      if (png && scale < 1) {
        var plain = document.createElement("canvas");  // a PNG keeps its transparency
        plain.width = cw;
        plain.height = ch;
        tries.push(decode(file).then(function (again) {
          plain.getContext("2d").drawImage(again, 0, 0, cw, ch);
          return encode(plain, "image/png");
        }).catch(function () { return null; }));
      }
      return Promise.all(tries).then(function (blobs) {
        var best = null;
        var bestType = "jpg";
        if (blobs[0]) { best = blobs[0]; }
        if (blobs[1] && (!best || blobs[1].size < best.size)) { best = blobs[1]; bestType = "png"; }
        // Already within the limit: the file itself when re-encoding would not make it smaller.
        if (!best || (scale === 1 && file.size <= best.size)) { return file; }
        return new File([best], renamed(file.name, bestType),
                        { type: best.type, lastModified: file.lastModified });
      });
    }).catch(function () { return file; });  // cannot decode here (HEIC, damaged): the server decides
  }

  function prepare(files) {
    var out = [];
    var chain = Promise.resolve();
    files.forEach(function (file, i) {
      chain = chain.then(function () {
        say("正在压缩照片（" + (i + 1) + "/" + files.length + "）…");
        return shrink(file).then(function (ready) { out.push(ready); });
      });
    });
    return chain.then(function () { return out; });
  }

  /* ---------- sending ---------- */

  function replacePage(xhr) {
    // The answer becomes the page, as after a plain post: its URL, its scripts, its messages.
    // Timers of this page (the idle warning) must not fire into the next one.
    var last = window.setTimeout(function () {}, 0);
    for (var id = 0; id <= last; id++) { window.clearTimeout(id); window.clearInterval(id); }
    if (xhr.responseURL && window.history && window.history.replaceState) {
      window.history.replaceState(null, "", xhr.responseURL);
    }
    document.open();
    document.write(xhr.responseText);
    document.close();
  }

  function succeeded(html) {
    // The same rule as drafts.js: a success message on a page that no longer shows the form.
    var doc = new DOMParser().parseFromString(html, "text/html");
    return !!doc.querySelector("main .alert-success") && !doc.querySelector("form[data-upload]");
  }

  function failed() {
    sending = false;
    buttons(false);
    if (panel) { panel.hidden = true; }
    var drafts = window.RepHomeDrafts;
    var kept = drafts ? drafts.markFailed(form) : Promise.resolve(null);
    kept.then(function (draft) {
      var what = draft ? drafts.describe(draft) : "";
      say("网络连接失败，内容还没有发送到服务器。" +
          (draft ? "已保存在本机，等待发送：" + what + "。" : "") +
          "恢复网络后请再点一次提交；关闭页面也不会丢失，再次打开本页时会自动恢复。", "error");
    });
  }

  function send(data) {
    var xhr = new XMLHttpRequest();
    var moved = Date.now();
    var uploaded = false;
    var patience = +form.getAttribute("data-upload-patience") || 0;  // milliseconds, for tests
    var stalled = patience || STALLED_MS;
    var answer = patience ? patience * 2.5 : ANSWER_MS;
    var watchdog = window.setInterval(function () {
      if (Date.now() - moved > (uploaded ? answer : stalled)) {
        window.clearInterval(watchdog);
        xhr.abort();
      }
    }, Math.min(2000, stalled / 4));
    var stop = function () { window.clearInterval(watchdog); };
    xhr.open("POST", form.getAttribute("action") || window.location.href);
    xhr.upload.addEventListener("progress", function (e) {
      moved = Date.now();
      if (e.lengthComputable) {
        progress(e.loaded / e.total * 100);
        say("正在上传 " + mb(e.loaded) + " / " + mb(e.total) + "，请不要离开本页…");
      }
    });
    xhr.upload.addEventListener("load", function () {
      moved = Date.now();
      uploaded = true;
      progress(100);
      say("上传完成，正在保存…");
    });
    xhr.addEventListener("loadend", stop);
    xhr.addEventListener("load", function () {
      if (!xhr.status) { failed(); return; }
      var html = xhr.responseText;
      var done = xhr.status < 400 && succeeded(html);
      var drafts = window.RepHomeDrafts;
      (done && drafts ? drafts.clear(form) : Promise.resolve()).then(function () { replacePage(xhr); });
    });
    xhr.addEventListener("error", failed);
    xhr.addEventListener("abort", failed);
    xhr.addEventListener("timeout", failed);
    xhr.send(data);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (sending) { return; }  // a second tap while the first is on its way does nothing
    sending = true;
    var submitter = event.submitter || lastButton;
    buttons(true);
    var data = new FormData(form);
    if (submitter && submitter.name) { data.append(submitter.name, submitter.value); }
    var originals = keep && keep.querySelector("input") && keep.querySelector("input").checked;
    var jobs = [];
    form.querySelectorAll("input[type=file][name]").forEach(function (input) {
      var files = Array.prototype.slice.call(input.files || []);
      if (!files.length || originals) { return; }
      data.delete(input.name);
      jobs.push(prepare(files).then(function (ready) {
        ready.forEach(function (file) { data.append(input.name, file, file.name); });
      }));
    });
    var drafts = window.RepHomeDrafts;
    Promise.all(jobs).then(function () {
      return drafts ? drafts.save(form) : null;
    }).then(function () {
      progress(0);
      say("正在上传…");
      send(data);
    }).catch(failed);
  });

  window.addEventListener("online", function () {
    if (!sending && status && !status.hidden && status.className.indexOf("alert") >= 0) {
      say("网络已恢复。请再点一次提交，把保存在本机的内容发送出去。", "error");
    }
  });
}());
