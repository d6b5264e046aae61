// Progress bars: the server renders a width class to the nearest quarter; this makes it exact.
// (The CSP forbids inline style attributes; setting element.style from a local script is allowed.)
document.querySelectorAll("[data-progress]").forEach(function (bar) {
  var value = parseFloat(bar.getAttribute("data-progress"));
  if (!isNaN(value)) {
    bar.classList.remove("w-0", "w-25", "w-50", "w-75", "w-100");
    bar.style.width = Math.max(0, Math.min(100, value)) + "%";
  }
});
