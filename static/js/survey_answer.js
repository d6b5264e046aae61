/* The answering page: a progress bar of the questions answered, and what was typed kept in the
   browser (localStorage) until the answers are accepted — a dropped network or a closed tab
   loses nothing; the thanks page clears it. Without JavaScript the form works the same. */
(function () {
  "use strict";
  var done = document.querySelector("[data-clear-survey]");
  if (done) {
    try { window.localStorage.removeItem(done.getAttribute("data-clear-survey")); } catch (e) { /* private mode */ }
    return;
  }
  var form = document.getElementById("survey-form");
  if (!form) { return; }
  var key = form.getAttribute("data-storage-key");
  var questions = form.querySelectorAll("[data-question]");
  var answeredLabel = document.querySelector("[data-answered]");
  var bar = document.querySelector("[data-bar]");
  var saved = form.querySelector("[data-saved]");

  function answered(q) {
    var fields = q.querySelectorAll("input, textarea");
    for (var i = 0; i < fields.length; i++) {
      var f = fields[i];
      if ((f.type === "radio" || f.type === "checkbox") ? f.checked : f.value.trim() !== "") { return true; }
    }
    return false;
  }

  function progress() {
    var n = 0;
    for (var i = 0; i < questions.length; i++) { if (answered(questions[i])) { n += 1; } }
    if (answeredLabel) { answeredLabel.textContent = String(n); }
    if (bar) {
      bar.style.width = (questions.length ? Math.round(100 * n / questions.length) : 0) + "%";
      bar.parentNode.setAttribute("aria-valuenow", String(n));
    }
  }

  function state() {
    var out = {};
    var fields = form.querySelectorAll("[data-question] input, [data-question] textarea, input[data-keep]");
    for (var i = 0; i < fields.length; i++) {
      var f = fields[i];
      if (f.type === "radio" || f.type === "checkbox") {
        if (f.checked) { (out[f.name] = out[f.name] || []).push(f.value); }
      } else if (f.value) {
        out[f.name] = [f.value];
      }
    }
    return out;
  }

  function save() {
    try {
      window.localStorage.setItem(key, JSON.stringify(state()));
      if (saved) { saved.hidden = false; }
    } catch (e) { /* storage full or disabled: the form still posts */ }
  }

  function restore() {
    var data;
    try { data = JSON.parse(window.localStorage.getItem(key) || "null"); } catch (e) { data = null; }
    if (!data) { return; }
    var fields = form.querySelectorAll("[data-question] input, [data-question] textarea, input[data-keep]");
    var chosenByServer = {};  // what the server sent back (after a refusal) wins over the copy
    for (var j = 0; j < fields.length; j++) {
      if (fields[j].checked) { chosenByServer[fields[j].name] = true; }
    }
    for (var i = 0; i < fields.length; i++) {
      var f = fields[i];
      var values = data[f.name];
      if (!values) { continue; }
      if (f.type === "radio" || f.type === "checkbox") {
        if (!chosenByServer[f.name]) { f.checked = values.indexOf(f.value) !== -1; }
      } else if (!f.value) {
        f.value = values[0];
      }
    }
  }

  restore();
  progress();
  form.addEventListener("input", function () { progress(); save(); });
  form.addEventListener("change", function () { progress(); save(); });
}());
