// Fold a list's filters on a phone so the results come first; open them on a wide screen.
// Without this script the filters stay open (the <details> is open in the HTML).
(function () {
  "use strict";
  var narrow = window.matchMedia("(max-width: 39.99rem)");

  function fit() {
    document.querySelectorAll("details[data-filters]").forEach(function (box) {
      box.open = !narrow.matches;
    });
  }

  fit();
  if (narrow.addEventListener) { narrow.addEventListener("change", fit); }
})();
