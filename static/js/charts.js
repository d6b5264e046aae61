/* Draws every [data-figure] element with Plotly (served by the app itself). The figure JSON
   ({data, layout, config}) comes from the server in the data attribute: no inline script. */
(function () {
  "use strict";
  var DEFAULT_CONFIG = { responsive: true, displayModeBar: false, displaylogo: false };

  function draw(el) {
    var fig;
    try {
      fig = JSON.parse(el.getAttribute("data-figure"));
    } catch (err) {
      el.textContent = "图表数据无法读取，请查看旁边的表格。";
      return;
    }
    el.classList.add("chart-ready");
    window.Plotly.newPlot(el, fig.data || [], fig.layout || {}, fig.config || DEFAULT_CONFIG);
  }

  function init() {
    if (typeof window.Plotly === "undefined") {
      return;
    }
    var nodes = document.querySelectorAll("[data-figure]");
    for (var i = 0; i < nodes.length; i += 1) {
      draw(nodes[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
