/* The survey builder: move questions up and down (their positions follow), show the options box
   for single and multiple questions only, and add a blank question without a round trip.
   Without JavaScript the same form works: positions are numbers, 添加题目 posts and comes back
   with one more blank question. */
(function () {
  "use strict";
  var list = document.getElementById("questions");
  var count = document.getElementById("blocks");
  if (!list || !count) { return; }

  function blocks() { return list.querySelectorAll(".question-block"); }

  function renumber() {
    var all = blocks();
    for (var i = 0; i < all.length; i++) {
      all[i].querySelector("[data-number]").textContent = String(i + 1);
      all[i].querySelector("[data-position]").value = String(i + 1);
    }
  }

  function follow(block) {
    var kind = block.querySelector("[data-kind]");
    var options = block.querySelector("[data-options]");
    if (kind && options) {
      options.hidden = !(kind.value === "single" || kind.value === "multiple");
    }
  }

  list.addEventListener("click", function (event) {
    var button = event.target.closest("[data-move]");
    if (!button) { return; }
    var block = button.closest(".question-block");
    if (button.getAttribute("data-move") === "up" && block.previousElementSibling) {
      list.insertBefore(block, block.previousElementSibling);
    } else if (button.getAttribute("data-move") === "down" && block.nextElementSibling) {
      list.insertBefore(block.nextElementSibling, block);
    }
    renumber();
    button.focus();
  });

  list.addEventListener("change", function (event) {
    if (event.target.matches("[data-kind]")) { follow(event.target.closest(".question-block")); }
    if (event.target.matches("[data-delete]")) {
      event.target.closest(".question-block").classList.toggle("opacity-50", event.target.checked);
    }
  });

  var add = document.querySelector("[data-add-question]");
  if (add) {
    add.addEventListener("click", function (event) {
      var all = blocks();
      if (!all.length) { return; }
      event.preventDefault();
      var index = Number(count.value);
      var copy = all[all.length - 1].cloneNode(true);
      copy.setAttribute("data-index", String(index));
      var fields = copy.querySelectorAll("[name], [id], label[for]");
      for (var i = 0; i < fields.length; i++) {
        var el = fields[i];
        ["name", "id", "for"].forEach(function (attr) {
          var value = el.getAttribute(attr);
          if (value) { el.setAttribute(attr, value.replace(/^q-\d+-/, "q-" + index + "-")); }
        });
        if (el.matches("input[type=text], input:not([type]), textarea")) { el.value = ""; }
        if (el.matches("[data-delete]")) { el.checked = false; }
        if (el.matches("input[type=checkbox]:not([data-delete])")) { el.checked = true; }
      }
      var errors = copy.querySelectorAll("[data-testid=question-error]");
      for (var j = 0; j < errors.length; j++) { errors[j].remove(); }
      copy.classList.remove("opacity-50");
      list.appendChild(copy);
      count.value = String(index + 1);
      renumber();
      follow(copy);
      copy.querySelector("input[id$='-text']").focus();
    });
  }

  var all = blocks();
  for (var k = 0; k < all.length; k++) { follow(all[k]); }
}());
