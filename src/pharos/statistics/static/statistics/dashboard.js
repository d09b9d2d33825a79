// Renders each dashboard chart from its Vega-Lite spec (a json_script block). Expressions run
// through vega-interpreter: the Content-Security-Policy allows no eval. The chart is decoration
// over the data table beside it, which carries the same figures.
(function () {
  "use strict";
  function render() {
    if (!window.vegaEmbed || !window.vegaInterpreter) return;
    document.querySelectorAll("[data-spec]").forEach(function (element) {
      var source = document.getElementById(element.dataset.spec);
      if (!source) return;
      var spec = JSON.parse(source.textContent);
      window
        .vegaEmbed(element, spec, {
          renderer: "svg",
          actions: false,
          tooltip: false,
          defaultStyle: false,
          ast: true,
          expr: window.vegaInterpreter.expressionInterpreter,
        })
        .then(function () {
          element.querySelectorAll("svg").forEach(function (svg) {
            svg.setAttribute("aria-hidden", "true");
            svg.setAttribute("focusable", "false");
          });
        })
        .catch(function (error) {
          element.textContent = "";
          console.error(error);
        });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", render);
  else render();
})();
