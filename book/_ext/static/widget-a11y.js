// What the widget manager leaves out for readers of assistive technology (axe-core rules
// aria-input-field-name and image-alt): a slider's handle (noUiSlider, role="slider") has
// no name, though its label sits beside it; and the plot an interactive widget drew when
// the book was built is an <img> without alt text. The manager draws after the page has
// loaded, so this fixes each widget as it appears.
(function () {
  "use strict";
  var count = 0;

  // A label's text without TeX delimiters: "$\sigma$" -> "sigma" (before MathJax runs).
  function plain(node) {
    return node ? node.textContent.replace(/\\[()]|[$\\]/g, "").trim() : "";
  }

  // The slider's label names its handle; aria-labelledby follows MathJax's typesetting.
  function nameSlider(handle) {
    var label = handle.closest(".widget-slider") && handle.closest(".widget-slider").querySelector(".widget-label");
    if (!label || !plain(label)) return;
    label.id = label.id || "widget-label-" + ++count;
    handle.setAttribute("aria-labelledby", label.id);
  }

  // "w1 = 1.00, activation = sigmoid": the settings of the controls beside an output.
  function settings(output) {
    var parts = [];
    Array.prototype.forEach.call(output.parentElement.children, function (control) {
      var label = control.querySelector(":scope > .widget-label");
      var value = control.querySelector(":scope .widget-readout, :scope select");
      if (label && value) parts.push(plain(label) + " = " + (value.value || value.textContent).trim());
    });
    return parts.join(", ");
  }

  function describeImage(img) {
    var output = img.closest(".widget-output");
    var shown = output ? settings(output) : "";
    img.alt = /^zh/.test(document.documentElement.lang)  // the Chinese edition
      ? "构建本书时计算出的图" + (shown ? "，参数为 " + shown : "") + "；没有运行中的笔记本时，拖动控件不会重绘它。"
      : "Plot computed when the book was built" + (shown ? ", for " + shown : "") +
        "; without a running notebook, moving the controls does not redraw it.";
  }

  function fix(root) {
    root.querySelectorAll(".noUi-handle[role=slider]:not([aria-labelledby]):not([aria-label])").forEach(nameSlider);
    root.querySelectorAll(".widget-output img:not([alt])").forEach(describeImage);
  }

  new MutationObserver(function () {
    fix(document);
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
