/* Local drafts of long texts (申报方案, activity summaries): nothing typed is lost to an expired
   page, a lost connection or a closed tab. A textarea with the data-draft attribute is saved to
   localStorage as it is typed (key: page path + field name), restored when the page opens empty,
   offered back when the page holds other text, and cleared once the form was submitted and the
   next page reports success without showing the form. Loaded on every page by base.html. */
(function () {
  "use strict";
  var PREFIX = "rephome:draft:";
  var PENDING = "rephome:draft-pending";

  function store(kind) {
    try { return window[kind]; } catch (e) { return null; }  // storage can be disabled
  }
  var local = store("localStorage");
  var session = store("sessionStorage");
  if (!local || !session) { return; }

  function keyOf(textarea) {
    return PREFIX + window.location.pathname + "#" + textarea.name;
  }

  function read(key) {
    try { return JSON.parse(local.getItem(key) || "null"); } catch (e) { return null; }
  }

  function notice(textarea, text, button) {
    var box = document.createElement("div");
    box.className = "form-text text-info draft-notice";
    box.textContent = text;
    if (button) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "btn btn-link btn-sm p-0 ms-2 align-baseline";
      b.textContent = button.label;
      b.addEventListener("click", function () { button.action(); box.remove(); });
      box.appendChild(b);
    }
    textarea.insertAdjacentElement("afterend", box);
  }

  function when(saved) {
    var d = new Date(saved.at);
    return isNaN(d) ? "" : "（" + d.toLocaleString("zh-CN") + "）";
  }

  function bind(textarea) {
    var key = keyOf(textarea);
    var saved = read(key);
    if (saved && saved.text && saved.text !== textarea.value) {
      if (!textarea.value.trim()) {
        textarea.value = saved.text;
        textarea.dispatchEvent(new Event("input"));
        notice(textarea, "已恢复本机保存的草稿" + when(saved) + "。");
      } else {
        notice(textarea, "本机保存有一份不同的草稿" + when(saved) + "。", {
          label: "恢复本机草稿",
          action: function () {
            textarea.value = saved.text;
            textarea.dispatchEvent(new Event("input"));
          }
        });
      }
    }
    var timer = null;
    textarea.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        try {
          if (textarea.value.trim()) {
            local.setItem(key, JSON.stringify({ text: textarea.value, at: Date.now() }));
          }
        } catch (e) { /* storage full: the form still works */ }
      }, 400);
    });
    if (textarea.form) {
      textarea.form.addEventListener("submit", function () {
        try {
          if (textarea.value.trim()) {
            local.setItem(key, JSON.stringify({ text: textarea.value, at: Date.now() }));
          }
          var pending = JSON.parse(session.getItem(PENDING) || "[]");
          if (pending.indexOf(key) < 0) { pending.push(key); }
          session.setItem(PENDING, JSON.stringify(pending));
        } catch (e) { /* ignore */ }
      });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var areas = document.querySelectorAll("textarea[data-draft]");
    var pending = [];
    try { pending = JSON.parse(session.getItem(PENDING) || "[]"); } catch (e) { pending = []; }
    session.removeItem(PENDING);
    // Drafts are cleared only when the page after a submit says it was saved (a success message)
    // and no longer shows the form; a refused input, an expired page or a login page keeps them.
    if (!areas.length && document.querySelector("main .alert-success")) {
      pending.forEach(function (key) { local.removeItem(key); });
    }
    areas.forEach(bind);
  });
}());
