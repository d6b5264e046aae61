// Long forms warn before the login ends (SPEC §5.13: a login idle for IDLE_TIMEOUT_MINUTES ends).
// Typing is not a request, so the time counts from the page's load; two minutes before the end a
// notice asks to save. The text is kept as a local draft anyway (drafts.js), and a post after the
// end is given back by the server's rescue page.
(function () {
  "use strict";
  var minutes = parseInt(document.body.getAttribute("data-idle-minutes") || "", 10);
  var longForm = document.querySelector("form[method=post] textarea, form[method=post] [data-draft]");
  if (!minutes || !longForm) { return; }
  var warnAfter = Math.max(minutes - 2, 1) * 60 * 1000;
  window.setTimeout(function () {
    var box = document.createElement("div");
    box.className = "alert alert-warning position-fixed bottom-0 start-50 translate-middle-x m-3 shadow";
    box.setAttribute("role", "alert");
    box.id = "idle-warning";
    box.textContent = "您已较长时间未提交，登录将在约2分钟后因长时间未操作而结束。请尽快保存或提交；" +
      "若登录已结束，提交后页面会保留您填写的内容。";
    document.body.appendChild(box);
  }, warnAfter);
})();
