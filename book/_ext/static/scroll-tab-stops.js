// A reader without a mouse scrolls a wide code block or output with the arrow keys once it
// has focus, so each region that scrolls needs a tab stop (axe-core rule
// scrollable-region-focusable). The theme gives one to code blocks and outputs as the page
// loads, but a block inside a closed solution does not scroll then (it is hidden), and a
// widget's box, such as a progress bar wider than the column, is not among the theme's
// selectors. This looks again whenever something is clicked (a solution opened, by mouse
// or by Enter) and whenever the widget manager draws.
(function () {
  "use strict";
  var SELECTOR = ".solution pre, .cell_output .jupyter-widgets.widget-box, .widget-output .jp-OutputArea";

  function update() {
    document.querySelectorAll(SELECTOR).forEach(function (element) {
      var scrolls = element.scrollWidth > element.clientWidth || element.scrollHeight > element.clientHeight;
      if (scrolls && element.tabIndex < 0) element.tabIndex = 0;
    });
  }

  var pending = null;
  function soon() {
    clearTimeout(pending);
    pending = setTimeout(update, 100);
  }

  document.addEventListener("click", update); // bubbles here after the toggle has opened
  window.addEventListener("load", function () {
    update();
    new MutationObserver(soon).observe(document.body, { childList: true, subtree: true });
  });
  window.addEventListener("resize", soon);
})();
