/* Live count of the scheme's characters, counted the SPEC §5.2 way: every Unicode whitespace
   character is removed first (exactly the characters Python's str.isspace() accepts, including
   the full-width space U+3000), and characters are counted by code point. */
(function () {
  "use strict";
  var WHITESPACE = /[\u0009-\u000d\u001c-\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/g;

  function schemeLength(text) {
    return Array.from(text.replace(WHITESPACE, "")).length;
  }

  function bind(textarea) {
    var output = document.getElementById(textarea.getAttribute("data-scheme-count"));
    if (!output) { return; }
    var minimum = parseInt(textarea.getAttribute("data-scheme-min") || "1000", 10);
    var update = function () {
      var n = schemeLength(textarea.value);
      output.textContent = "已输入 " + n + " 字（不计空格和换行），不少于 " + minimum + " 字" +
        (n >= minimum ? "，已达到要求" : "，还差 " + (minimum - n) + " 字");
      output.classList.toggle("text-success", n >= minimum);
      output.classList.toggle("text-danger", n < minimum);
    };
    textarea.addEventListener("input", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("textarea[data-scheme-count]").forEach(bind);
  });
  window.schemeLength = schemeLength;
}());
