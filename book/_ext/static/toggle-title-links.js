// A solution's title reads "Solution to Exercise N", and "Exercise N" is a link to the
// exercise. sphinx-togglebutton handles a click on the title only when it lands on the
// title itself, its button or icon: on the link it threw "button is not defined", or
// toggled the solution clicked before. Here a click on a link in a toggle's title just
// follows the link, and a click on other text in the title toggles this solution.
document.addEventListener(
  "click",
  function (event) {
    var title = event.target.closest && event.target.closest(".toggle > .admonition-title");
    if (!title || event.target === title || event.target.closest(".toggle-button")) return;
    event.stopPropagation(); // keep it from sphinx-togglebutton's handler on the title
    if (!event.target.closest("a")) title.querySelector(".toggle-button").click();
  },
  true, // capture: runs before the title's own handler
);
