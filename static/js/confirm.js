// Buttons with data-confirm ask before their form is sent: decisions that take effect at once and
// cannot be undone with one click (认定, 重置密码, 停用, 续期, 定稿, 公示, deletions). On every page.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
})();
