/* Local drafts: nothing typed or chosen is lost to an expired page, a lost connection or a closed
   tab. Loaded on every page by base.html (and by the offline page).

   Whole forms: a form with data-form-draft (the activity form) is kept in IndexedDB as it is
   filled: every named field (not the CSRF token or other hidden inputs) and the chosen files as
   Blobs, under the signed-in user (data-draft-owner) and the page's path. data-form-draft="auto"
   restores a draft when the page opens (a new form); "offer" offers it back (an edit form, whose
   values come from the server). A draft is cleared when its form was sent and the next page
   reports success without showing the form (upload.js clears it at once when it sends the form);
   a failed send keeps it, marked as waiting to be sent. Nothing leaves the device.

   Single texts: a textarea with data-draft outside such a form is saved to localStorage as it is
   typed (key: page path + field name), restored when the page opens empty, offered back when the
   page holds other text, and cleared by the same success rule.

   window.RepHomeDrafts is what upload.js and offline.js use: save(form), markFailed(form),
   clear(form), describe(draft), list() → Promise of this device's drafts of the last user. */
(function () {
  "use strict";
  var PREFIX = "rephome:draft:";
  var PENDING = "rephome:draft-pending";
  var FORM_PENDING = "rephome:form-draft-pending";
  var OWNER = "rephome:draft-owner";
  var DB_NAME = "rephome-drafts";
  var STORE = "forms";
  var SKIPPED = { file: 1, hidden: 1, submit: 1, button: 1, reset: 1, password: 1, image: 1 };

  function store(kind) {
    try { return window[kind]; } catch (e) { return null; }  // storage can be disabled
  }
  var local = store("localStorage");
  var session = store("sessionStorage");

  function readList(key) {
    try { return JSON.parse((session && session.getItem(key)) || "[]"); } catch (e) { return []; }
  }

  function when(at) {
    var d = new Date(at);
    return isNaN(d) ? "" : "（" + d.toLocaleString("zh-CN") + "）";
  }

  /* ---------- IndexedDB: one object store of form drafts, keyed by owner and path ---------- */

  var opened = null;
  function openDb() {
    if (!opened) {
      opened = new Promise(function (resolve, reject) {
        if (!window.indexedDB) { reject(new Error("IndexedDB 不可用")); return; }
        var req;
        try { req = window.indexedDB.open(DB_NAME, 1); } catch (e) { reject(e); return; }
        req.onupgradeneeded = function () { req.result.createObjectStore(STORE, { keyPath: "key" }); };
        req.onsuccess = function () { resolve(req.result); };
        req.onerror = function () { reject(req.error); };
      });
    }
    return opened;
  }

  function run(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(STORE, mode);
        var req = work(t.objectStore(STORE));
        t.oncomplete = function () { resolve(req ? req.result : undefined); };
        t.onerror = function () { reject(t.error); };
        t.onabort = function () { reject(t.error || new Error("已取消")); };
      });
    });
  }

  function getDraft(key) { return run("readonly", function (s) { return s.get(key); }); }
  function putDraft(draft) { return run("readwrite", function (s) { return s.put(draft); }); }
  function deleteDraft(key) { return run("readwrite", function (s) { return s.delete(key); }); }

  /* ---------- what a form holds ---------- */

  function ownerOf(form) { return form.getAttribute("data-draft-owner") || "anonymous"; }
  function keyOf(form) { return ownerOf(form) + "|" + window.location.pathname; }

  function draftable(el) {
    return el.name && el.name !== "csrf_token" && !SKIPPED[el.type] && el.tagName !== "BUTTON" &&
      el.tagName !== "FIELDSET" && el.tagName !== "OUTPUT" && !el.hasAttribute("data-draft-skip");
  }

  function fieldsOf(form) {
    var out = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!draftable(el)) { return; }
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.checked) { out.push([el.name, el.value]); }
      } else {
        out.push([el.name, el.value]);
      }
    });
    return out;
  }

  function filesOf(form) {
    var out = [];
    form.querySelectorAll("input[type=file][name]").forEach(function (input) {
      Array.prototype.forEach.call(input.files || [], function (file) {
        out.push({ field: input.name, name: file.name, type: file.type,
                   lastModified: file.lastModified, size: file.size, blob: file });
      });
    });
    return out;
  }

  function titleOf(form) {
    var name = form.getAttribute("data-draft-title");
    var el = name && form.elements[name];
    return el && el.value ? el.value.trim() : "";
  }

  function snapshot(form) {
    return {
      key: keyOf(form), owner: ownerOf(form), path: window.location.pathname,
      label: form.getAttribute("data-draft-label") || document.title,
      title: titleOf(form), fields: fieldsOf(form), files: filesOf(form), at: Date.now(),
      failed: false
    };
  }

  function sameFields(a, b) { return JSON.stringify(a) === JSON.stringify(b); }

  function restoreFields(form, fields) {
    var byName = {};
    fields.forEach(function (pair) { (byName[pair[0]] = byName[pair[0]] || []).push(pair[1]); });
    var seen = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!draftable(el)) { return; }
      var values = byName[el.name] || [];
      var changed = false;
      if (el.type === "checkbox" || el.type === "radio") {
        var on = values.indexOf(el.value) >= 0;
        changed = el.checked !== on;
        el.checked = on;
      } else if (Object.prototype.hasOwnProperty.call(byName, el.name)) {
        var i = seen[el.name] || 0;
        seen[el.name] = i + 1;
        if (i < values.length && el.value !== values[i]) {
          el.value = values[i];
          changed = true;
        }
      }
      // In document order, so a dependent list (theme → kind) is set after what it follows.
      if (changed) {
        el.dispatchEvent(new Event("input", { bubbles: true }));
        el.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
  }

  function restoreFiles(form, files) {
    if (!files || !files.length) { return true; }
    try {
      form.querySelectorAll("input[type=file][name]").forEach(function (input) {
        var mine = files.filter(function (f) { return f.field === input.name; });
        if (!mine.length) { return; }
        var box = new DataTransfer();
        mine.forEach(function (f) {
          box.items.add(new File([f.blob], f.name, { type: f.type, lastModified: f.lastModified }));
        });
        input.files = box.files;
        input.dispatchEvent(new Event("change", { bubbles: true }));
      });
      return true;
    } catch (e) {
      return false;  // an old browser cannot set a file input: the files stay in the draft
    }
  }

  function describe(draft) {
    var parts = [];
    parts.push(draft.title ? "“" + draft.title + "”" : "（未填写名称）");
    if (draft.files && draft.files.length) { parts.push(draft.files.length + " 个照片或文件"); }
    return parts.join("，");
  }

  /* ---------- binding a form ---------- */

  var bound = [];  // {form, initial, timer, restoring}

  function stateOf(form) {
    for (var i = 0; i < bound.length; i++) { if (bound[i].form === form) { return bound[i]; } }
    return null;
  }

  function save(form, extra) {
    var state = stateOf(form);
    if (!state) { return Promise.resolve(null); }
    window.clearTimeout(state.timer);
    state.timer = null;
    var draft = snapshot(form);
    if (extra) { Object.keys(extra).forEach(function (k) { draft[k] = extra[k]; }); }
    if (!draft.files.length && sameFields(draft.fields, state.initial) && !draft.failed) {
      return deleteDraft(draft.key).then(function () { return null; }, function () { return null; });
    }
    return putDraft(draft).then(function () { return draft; }, function () { return null; });
  }

  function notice(form, kind, text, buttons) {
    var old = form.parentNode.querySelector("[data-form-draft-notice]");
    if (old) { old.remove(); }
    var box = document.createElement("div");
    box.className = "alert alert-" + kind;
    box.setAttribute("role", "status");
    box.setAttribute("data-form-draft-notice", "");
    var p = document.createElement("div");
    p.textContent = text;
    box.appendChild(p);
    (buttons || []).forEach(function (b) {
      var btn = document.createElement("button");
      btn.type = "button";
      btn.className = "btn btn-sm mt-2 me-2 " + (b.primary ? "btn-primary" : "btn-outline-secondary");
      btn.textContent = b.label;
      btn.addEventListener("click", function () { b.action(); box.remove(); });
      box.appendChild(btn);
    });
    form.parentNode.insertBefore(box, form);
    return box;
  }

  function discard(form) {
    deleteDraft(keyOf(form)).then(function () { window.location.reload(); },
                                  function () { window.location.reload(); });
  }

  function apply(form, draft) {
    var state = stateOf(form);
    state.restoring = true;
    restoreFields(form, draft.fields || []);
    var filesBack = restoreFiles(form, draft.files);
    state.restoring = false;
    var lost = form.querySelector("[data-testid=files-not-saved]");
    if (lost && draft.files && draft.files.length && filesBack) { lost.remove(); }
    var text = (draft.failed ? "上次提交没有发送成功（网络中断），已恢复本机保存的内容" :
                "已恢复本机保存的草稿") + when(draft.at) + "：" + describe(draft) + "。";
    if (!filesBack) { text += "本浏览器无法自动放回照片，请重新选择。"; }
    if (draft.failed) { text += "请检查后再次提交。"; }
    notice(form, draft.failed ? "warning" : "info", text,
           [{ label: "放弃草稿", action: function () { discard(form); } }]);
  }

  function bindForm(form) {
    var state = { form: form, initial: fieldsOf(form), timer: null, restoring: false };
    bound.push(state);
    if (local) { try { local.setItem(OWNER, ownerOf(form)); } catch (e) { /* ignore */ } }
    var later = function (delay) {
      if (state.restoring) { return; }
      window.clearTimeout(state.timer);
      state.timer = window.setTimeout(function () { save(form); }, delay);
    };
    form.addEventListener("input", function () { later(400); });
    form.addEventListener("change", function (event) {
      later(event.target && event.target.type === "file" ? 0 : 400);
    });
    // Leaving the page or switching apps must not lose the last keystrokes still waiting.
    var flush = function () { if (state.timer) { save(form); } };
    window.addEventListener("pagehide", flush);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") { flush(); }
    });
    form.addEventListener("submit", function () {
      if (!session) { return; }
      var pending = readList(FORM_PENDING);
      if (pending.indexOf(keyOf(form)) < 0) { pending.push(keyOf(form)); }
      try { session.setItem(FORM_PENDING, JSON.stringify(pending)); } catch (e) { /* ignore */ }
    });
    getDraft(keyOf(form)).then(function (draft) {
      if (!draft) { return; }
      var differs = (draft.files && draft.files.length) || !sameFields(draft.fields, state.initial);
      if (!differs) { return; }
      if (form.getAttribute("data-form-draft") === "auto") {
        apply(form, draft);
      } else {
        notice(form, draft.failed ? "warning" : "info",
               (draft.failed ? "本机保存有一份没有发送成功的修改" : "本机保存有一份未提交的修改") +
               when(draft.at) + "：" + describe(draft) + "。", [
                 { label: "恢复本机草稿", primary: true, action: function () { apply(form, draft); } },
                 { label: "放弃", action: function () { discard(form); } }
               ]);
      }
    }, function () { /* no IndexedDB: the textarea drafts still work */ });
  }

  /* ---------- single textareas in localStorage ---------- */

  function textKey(textarea) {
    return PREFIX + window.location.pathname + "#" + textarea.name;
  }

  function readText(key) {
    try { return JSON.parse(local.getItem(key) || "null"); } catch (e) { return null; }
  }

  function textNotice(textarea, text, button) {
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

  function bindText(textarea) {
    var key = textKey(textarea);
    var saved = readText(key);
    if (saved && saved.text && saved.text !== textarea.value) {
      if (!textarea.value.trim()) {
        textarea.value = saved.text;
        textarea.dispatchEvent(new Event("input"));
        textNotice(textarea, "已恢复本机保存的草稿" + when(saved.at) + "。");
      } else {
        textNotice(textarea, "本机保存有一份不同的草稿" + when(saved.at) + "。", {
          label: "恢复本机草稿",
          action: function () {
            textarea.value = saved.text;
            textarea.dispatchEvent(new Event("input"));
          }
        });
      }
    }
    var timer = null;
    var keep = function () {
      try {
        if (textarea.value.trim()) {
          local.setItem(key, JSON.stringify({ text: textarea.value, at: Date.now() }));
        }
      } catch (e) { /* storage full: the form still works */ }
    };
    textarea.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(keep, 400);
    });
    if (textarea.form) {
      textarea.form.addEventListener("submit", function () {
        keep();
        try {
          var pending = readList(PENDING);
          if (pending.indexOf(key) < 0) { pending.push(key); }
          session.setItem(PENDING, JSON.stringify(pending));
        } catch (e) { /* ignore */ }
      });
    }
  }

  /* ---------- the surface ---------- */

  window.RepHomeDrafts = {
    /** Save the form's draft now; resolves to the draft (null when nothing was kept). */
    save: function (form) { return save(form); },
    /** Keep the draft, marked as a send that failed; resolves to the draft. */
    markFailed: function (form) { return save(form, { failed: true }); },
    /** Forget the form's draft (it was sent). */
    clear: function (form) {
      var state = stateOf(form);
      if (state) { window.clearTimeout(state.timer); }
      return deleteDraft(keyOf(form)).catch(function () { return null; });
    },
    describe: describe,
    /** This device's drafts of the user who last opened a draft form, newest first. */
    list: function () {
      var owner = local ? local.getItem(OWNER) : null;
      return run("readonly", function (s) { return s.getAll(); }).then(function (all) {
        return (all || []).filter(function (d) { return d.owner === owner; })
          .sort(function (a, b) { return b.at - a.at; });
      });
    }
  };

  // Whose drafts the offline page lists: forgotten at logout and on the login page, so the next
  // person on a shared phone is not shown the last one's titles.
  function forgetOwner() {
    if (local) { try { local.removeItem(OWNER); } catch (e) { /* ignore */ } }
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (/^\/login(\/|$)/.test(window.location.pathname)) { forgetOwner(); }
    document.querySelectorAll("form[action$='/logout']").forEach(function (out) {
      out.addEventListener("submit", forgetOwner);
    });
    var forms = document.querySelectorAll("form[data-form-draft]");
    var useDb = !!window.indexedDB;
    var areas = Array.prototype.filter.call(document.querySelectorAll("textarea[data-draft]"),
      function (t) { return !(useDb && t.closest("form[data-form-draft]")); });
    var pending = readList(PENDING);
    var formPending = readList(FORM_PENDING);
    if (session) { session.removeItem(PENDING); session.removeItem(FORM_PENDING); }
    // Drafts are cleared only when the page after a submit says it was saved (a success message)
    // and no longer shows the form; a refused input, an expired page or a login page keeps them.
    if (document.querySelector("main .alert-success")) {
      if (!areas.length && local) { pending.forEach(function (key) { local.removeItem(key); }); }
      if (!forms.length) { formPending.forEach(function (key) { deleteDraft(key).catch(function () {}); }); }
    }
    if (local && session) { areas.forEach(bindText); }
    if (useDb) { forms.forEach(bindForm); }
  });
}());
