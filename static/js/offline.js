// The offline page: lists what waits to be sent (this device's drafts, drafts.js) and retries.
(function () {
  "use strict";
  var list = document.querySelector("[data-offline-list]");
  var empty = document.querySelector("[data-offline-empty]");
  var retry = document.querySelector("[data-offline-retry]");
  if (retry) {
    retry.addEventListener("click", function () { window.location.reload(); });
  }
  if (!list || !window.RepHomeDrafts) { return; }
  window.RepHomeDrafts.list().then(function (drafts) {
    if (!drafts.length) { return; }
    empty.classList.add("d-none");
    list.classList.remove("d-none");
    drafts.forEach(function (draft) {
      var item = document.createElement("li");
      item.className = "list-group-item";
      item.setAttribute("data-offline-draft", "");
      var head = document.createElement("div");
      head.className = "fw-semibold";
      head.textContent = (draft.label || "草稿") + "：" + window.RepHomeDrafts.describe(draft);
      var note = document.createElement("div");
      note.className = "small text-muted";
      var at = new Date(draft.at);
      note.textContent = (draft.failed ? "提交时网络中断，尚未发送" : "尚未提交") +
        (isNaN(at) ? "" : " · 保存于 " + at.toLocaleString("zh-CN"));
      item.appendChild(head);
      item.appendChild(note);
      list.appendChild(item);
    });
  }, function () { /* no IndexedDB here: nothing to list */ });
}());
