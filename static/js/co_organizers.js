/* The co-organiser picker of the activity form (SPEC §5.12): typing a name asks the search
   endpoint (after a short pause) for representatives of any Home; choosing one adds a checked
   co_organizer_ids box with the name and Home. Nothing but name and Home is shown. */
(function () {
  "use strict";
  var picker = document.querySelector("[data-co-picker]");
  if (!picker) return;
  var input = picker.querySelector("input[type=search]");
  var results = picker.querySelector("[data-co-results]");
  var chosen = document.getElementById("co-others");
  var url = picker.getAttribute("data-search-url");
  var timer = null;
  var asked = 0;

  function present(id) {
    return document.querySelector('input[name="co_organizer_ids"][value="' + id + '"]');
  }

  function add(item) {
    var box = present(item.id);
    if (box) { box.checked = true; return; }
    var div = document.createElement("div");
    div.className = "form-check py-1";
    var cb = document.createElement("input");
    cb.className = "form-check-input";
    cb.type = "checkbox";
    cb.name = "co_organizer_ids";
    cb.value = String(item.id);
    cb.id = "rep-" + item.id;
    cb.checked = true;
    var label = document.createElement("label");
    label.className = "form-check-label";
    label.htmlFor = cb.id;
    label.appendChild(document.createTextNode(item.name + " "));
    var home = document.createElement("span");
    home.className = "text-muted small";
    home.textContent = item.home;
    label.appendChild(home);
    div.appendChild(cb);
    div.appendChild(label);
    chosen.appendChild(div);
  }

  function show(items) {
    results.textContent = "";
    items.forEach(function (item) {
      var li = document.createElement("li");
      li.className = "list-group-item list-group-item-action py-2";
      li.setAttribute("role", "button");
      li.tabIndex = 0;
      li.textContent = item.name + "（" + item.home + "）";
      function pick() { add(item); results.textContent = ""; input.value = ""; input.focus(); }
      li.addEventListener("click", pick);
      li.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); pick(); }
      });
      results.appendChild(li);
    });
    if (!items.length && input.value.trim()) {
      var none = document.createElement("li");
      none.className = "list-group-item text-muted small";
      none.textContent = "没有找到匹配的代表";
      results.appendChild(none);
    }
  }

  function search() {
    var q = input.value.trim();
    if (!q) { results.textContent = ""; return; }
    var mine = ++asked;
    fetch(url + "?q=" + encodeURIComponent(q), {credentials: "same-origin",
                                                headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : {items: []}; })
      .then(function (body) { if (mine === asked) show(body.items || []); })
      .catch(function () { if (mine === asked) show([]); });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(search, 300);
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter") { e.preventDefault(); clearTimeout(timer); search(); }
  });
})();
