// ipywidgets typesets math in widget labels through the MathJax 2 API,
// MathJax.Hub.Queue(["Typeset", MathJax.Hub, element]); the book loads MathJax 3, which
// has no Hub, so every widget page threw "Cannot read properties of undefined (reading
// 'Queue')". This maps that call onto MathJax 3. Loaded with `defer` after MathJax's own
// deferred script, so window.MathJax is MathJax 3 here, and before the widget manager
// draws (it waits for the page to load).
(function () {
  "use strict";
  var mathjax = window.MathJax;
  if (!mathjax || mathjax.Hub || !mathjax.startup) return;
  // Jupyter writes inline math in widget labels as $...$; the book's MathJax is set up
  // (by MyST) to look only for \(...\). Rewrite the text nodes, leaving any markup alone.
  function dollarsToParens(element) {
    var walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (var node = walker.nextNode(); node; node = walker.nextNode()) {
      node.nodeValue = node.nodeValue.replace(/\$([^$]+)\$/g, "\\($1\\)");
    }
  }
  mathjax.Hub = {
    Queue: function () {
      Array.prototype.forEach.call(arguments, function (job) {
        if (Array.isArray(job) && job[0] === "Typeset" && job[2]) {
          dollarsToParens(job[2]);
          mathjax.startup.promise = mathjax.startup.promise.then(function () {
            return mathjax.typesetPromise([job[2]]);
          });
        }
      });
    },
  };
})();
