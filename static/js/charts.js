// Draw every chart whose figure JSON sits in a <script type="application/json"> block.
// The page stays useful without JavaScript: each chart has a data table beside it.
(function () {
  "use strict";
  function draw() {
    if (!window.Plotly) { return; }
    document.querySelectorAll("[data-figure]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-figure"));
      if (!source) { return; }
      var figure = JSON.parse(source.textContent);
      // "es-MX" falls back to the registered "es" locale: Spanish months and labels; the figure
      // brings its own decimal and thousands marks (layout.separators, from Babel: "12,400.5").
      var config = { displayModeBar: false, responsive: true, locale: document.documentElement.lang };
      window.Plotly.newPlot(el, figure.data, figure.layout, config).then(function () {
        el.classList.add("chart-ready");
        // Plotly's SVG is decorative for assistive technology: the figure has a label and a table.
        el.querySelectorAll("svg").forEach(function (svg) { svg.setAttribute("aria-hidden", "true"); });
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
