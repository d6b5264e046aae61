// Buttons with data-confirm ask before their form is sent: decisions that take effect at once and
// cannot be undone with one click (认定, 重置密码, 停用, 续期, 定稿, 公示, deletions). On every page.
// The form's own checks come first: with a required field empty the browser shows its message and
// nothing is asked (a confirmation for a form that cannot be sent would only mislead).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-confirm]");
    if (!button) {
      return;
    }
    var form = button.form;
    var validated = form && !form.noValidate && !button.formNoValidate &&
      (button.type || "submit") === "submit";
    if (validated && !form.checkValidity()) {
      event.preventDefault();
      form.reportValidity();
      return;
    }
    if (!window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
})();
