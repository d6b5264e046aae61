// Activity form: the kind list follows the theme. Without JavaScript every kind is listed,
// grouped by theme, and the server refuses a kind that is not of the chosen theme.
(function () {
  "use strict";
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
}());
