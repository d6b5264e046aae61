// Activity pages. The kind list follows the theme: without JavaScript every kind is listed,
// grouped by theme, and the server refuses a kind that is not of the chosen theme.
// Deleting asks for confirmation first.
(function () {
  "use strict";

  var forms = document.querySelectorAll("form.confirm-delete");
  for (var f = 0; f < forms.length; f++) {
    forms[f].addEventListener("submit", function (event) {
      if (!window.confirm("确定删除该活动吗？删除后不可恢复，由此产生的联系记录也会一并删除。")) {
        event.preventDefault();
      }
    });
  }

  var theme = document.getElementById("theme");
  var kind = document.getElementById("kind");
  if (!theme || !kind) { return; }

  function follow() {
    var chosen = theme.value;
    var groups = kind.querySelectorAll("optgroup");
    var selected = kind.options[kind.selectedIndex];
    var keep = selected && selected.getAttribute("data-theme") === chosen;
    for (var i = 0; i < groups.length; i++) {
      var match = !chosen || groups[i].getAttribute("data-theme") === chosen;
      groups[i].hidden = !match;
      groups[i].disabled = !match;
    }
    if (!keep) { kind.value = ""; }
  }

  theme.addEventListener("change", follow);
  follow();

  // The survey picker belongs to the kind 科技工作者状况调查 only.
  var onlyFor = document.querySelectorAll("[data-kind-only]");
  function showForKind() {
    for (var j = 0; j < onlyFor.length; j++) {
      onlyFor[j].hidden = kind.value !== onlyFor[j].getAttribute("data-kind-only");
    }
  }
  kind.addEventListener("change", showForKind);
  theme.addEventListener("change", showForKind);
  showForKind();
}());
