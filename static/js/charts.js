// Draw every chart whose figure JSON sits in a <script type="application/json"> block.
// The page stays useful without JavaScript: each chart has a summary and a data table.
//
// Plotly is 1.2 MB of JavaScript: on a mid-range phone, running it holds the page for about a
// second and drawing a chart for a few hundred milliseconds. So Plotly runs only once a chart
// is on the screen (wholly, or filling most of it), and charts are drawn one at a time as they
// come into view, giving the page back between two charts. The file itself is fetched a screen
// ahead, once the page has loaded and without running it, so a chart scrolled to is drawn
// quickly.
// A chart in a closed <details> has no box: it is drawn when the details opens.
(function () {
  "use strict";
  var script = document.currentScript;
  var queue = [];
  var plotly = null;
  var drawing = false;

  var cached = {};  // URL -> promise that the file is in the browser's cache

  // Fetch a file into the HTTP cache without running it (its URL carries a content version
  // and a day's max-age). A script tag asked for it meanwhile waits, so it is fetched once.
  function warm(href) {
    if (!cached[href]) {
      cached[href] = window.fetch(href, { credentials: "same-origin", priority: "low" })
        .then(function (response) { return response.blob(); })
        .catch(function () { return null; });
    }
    return cached[href];
  }

  function load(src) {
    return (cached[src] || Promise.resolve()).then(function () {
      return new Promise(function (resolve, reject) {
        var tag = document.createElement("script");
        tag.src = src;
        tag.onload = resolve;
        tag.onerror = function () { reject(new Error("could not load " + src)); };
        document.head.appendChild(tag);
      });
    });
  }

  function loadPlotly() {
    if (!plotly) {
      plotly = window.Plotly ? Promise.resolve() : load(script.dataset.plotly).then(function () {
        return script.dataset.locale ? load(script.dataset.locale) : null;
      });
    }
    return plotly;
  }

  function draw(el) {
    var source = document.getElementById(el.getAttribute("data-figure"));
    if (!source) { return Promise.resolve(); }
    var figure = JSON.parse(source.textContent);
    // "es-MX" falls back to the registered "es" locale: Spanish months and labels; the figure
    // brings its own decimal and thousands marks (layout.separators, from Babel: "12,400.5").
    var config = { displayModeBar: false, responsive: true, locale: document.documentElement.lang };
    return window.Plotly.newPlot(el, figure.data, figure.layout, config).then(function () {
      el.classList.add("chart-ready");
      // Plotly's SVG is decorative for assistive technology: the figure has a label and a table.
      el.querySelectorAll("svg").forEach(function (svg) { svg.setAttribute("aria-hidden", "true"); });
    });
  }

  function nextTask() {
    return new Promise(function (resolve) { setTimeout(resolve, 0); });
  }

  function drawQueued() {
    var el = queue.shift();
    if (!el) {
      drawing = false;
      return null;
    }
    return draw(el).then(nextTask).then(drawQueued);
  }

  function want(el) {
    if (el.hasAttribute("data-chart-queued")) { return; }
    el.setAttribute("data-chart-queued", "");
    queue.push(el);
    if (drawing) { return; }
    drawing = true;
    loadPlotly().then(nextTask).then(drawQueued).catch(function (error) {
      drawing = false;
      plotly = null;
      queue.forEach(function (queued) { queued.removeAttribute("data-chart-queued"); });
      queue = [];
      window.console.warn(error);
    });
  }

  // After the page's own files (on slow data 1.2 MB would hold up its images and styles),
  // when the browser is idle.
  function prefetch() {
    if (window.Plotly || plotly || !window.fetch) { return; }
    var idle = window.requestIdleCallback || function (callback) { setTimeout(callback, 1); };
    function fetchAhead() {
      idle(function () {
        [script.dataset.plotly, script.dataset.locale].forEach(function (href) {
          if (href && !plotly) { warm(href); }
        });
      });
    }
    if (document.readyState === "complete") {
      fetchAhead();
    } else {
      window.addEventListener("load", fetchAhead);
    }
  }

  // Wholly on the screen, or covering most of it when the chart is taller than the screen.
  function onScreen(entry) {
    if (!entry.isIntersecting) { return false; }
    var screen = entry.rootBounds ? entry.rootBounds.height : window.innerHeight;
    var wanted = Math.min(entry.boundingClientRect.height, 0.8 * screen);
    return entry.intersectionRect.height >= wanted - 1;
  }

  function start() {
    var charts = document.querySelectorAll("[data-figure]");
    if (!charts.length) { return; }
    if (!("IntersectionObserver" in window)) {
      charts.forEach(want);
      return;
    }
    var near = new IntersectionObserver(function (entries) {
      if (entries.some(function (entry) { return entry.isIntersecting; })) {
        near.disconnect();
        prefetch();
      }
    }, { rootMargin: "100% 0px" });
    var steps = [];
    for (var i = 0; i <= 20; i++) { steps.push(i / 20); }
    var seen = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        entry.target.setAttribute("data-chart-observed", "");  // for tests: the observer saw it
        if (onScreen(entry)) {
          seen.unobserve(entry.target);
          want(entry.target);
        }
      });
    }, { threshold: steps });
    charts.forEach(function (el) {
      near.observe(el);
      seen.observe(el);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
