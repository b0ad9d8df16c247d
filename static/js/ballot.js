// Live totals of a PB ballot: chosen projects, total cost, money left, points left.
// Progressive enhancement only: the form works without it and the server checks every rule;
// this shows the summary box (hidden without JavaScript) and keeps it current while choosing.
(function () {
  "use strict";

  function number(value) {
    var n = parseInt(value, 10);
    return isNaN(n) ? 0 : n;
  }

  function setup(form) {
    var box = form.querySelector("[data-ballot-summary]");
    if (!box) { return; }
    var rule = form.getAttribute("data-ballot-rule");
    var amount = number(form.getAttribute("data-amount"));
    var points = number(form.getAttribute("data-points"));
    var maxChoices = number(form.getAttribute("data-max-choices"));
    var digits = new Intl.NumberFormat(document.documentElement.lang || "es-MX", {
      maximumFractionDigits: 0
    });

    function pesos(n) {
      return (n < 0 ? "-$" : "$") + digits.format(Math.abs(n));
    }

    function measure() {
      var state = { count: 0, cost: 0, used: 0, positions: [] };
      form.querySelectorAll("[data-project]").forEach(function (row) {
        var cost = number(row.getAttribute("data-cost"));
        var tick = row.querySelector("input[type=checkbox]");
        var field = row.querySelector("input[type=number]");
        var select = row.querySelector("select");
        var chosen = false;
        if (tick) {
          chosen = tick.checked;
        } else if (field) {
          var given = number(field.value);
          chosen = given > 0;
          state.used += Math.max(given, 0);
        } else if (select && select.value) {
          chosen = true;
          state.positions.push(number(select.value));
        }
        row.classList.toggle("is-chosen", chosen);
        if (chosen) {
          state.count += 1;
          state.cost += cost;
        }
      });
      return state;
    }

    function show(name, text) {
      var el = box.querySelector('[data-total="' + name + '"]');
      if (el && el.textContent !== text) { el.textContent = text; }
    }

    function warn(name, on) {
      var el = box.querySelector('[data-warning="' + name + '"]');
      if (el) { el.hidden = !on; }
    }

    function gapless(positions) {
      var sorted = positions.slice().sort(function (a, b) { return a - b; });
      return sorted.every(function (p, i) { return p === i + 1; });
    }

    function update() {
      var state = measure();
      show("count", String(state.count));
      show("cost", pesos(state.cost));
      show("remaining", pesos(amount - state.cost));
      show("over", pesos(Math.max(state.cost - amount, 0)));
      show("points-used", String(state.used));
      show("points-left", String(points - state.used));
      var over = rule === "knapsack" && state.cost > amount;
      warn("over-amount", over);
      warn("too-many", maxChoices > 0 && state.count > maxChoices);
      warn("over-points", rule === "cumulative" && state.used > points);
      warn("positions", rule === "ranking" && !gapless(state.positions));
      box.classList.toggle("is-over", over || (rule === "cumulative" && state.used > points));
    }

    form.addEventListener("change", update);
    form.addEventListener("input", update);
    box.hidden = false;
    update();
  }

  function start() {
    document.querySelectorAll("form[data-ballot-rule]").forEach(setup);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
