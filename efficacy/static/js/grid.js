// The score grid: Enter moves down to the next student in the same column
// (Shift+Enter moves up), like a spreadsheet. Leaving a cell fires "change",
// which htmx posts; on the last row, Enter saves the cell without moving.
(function () {
  "use strict";

  function cellAt(grid, row, col) {
    return grid.querySelector(
      'input[data-grid-row="' + row + '"][data-grid-col="' + col + '"]:not([readonly])'
    );
  }

  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (event.key !== "Enter" || event.isComposing) return;
    if (!(input instanceof HTMLInputElement) || !input.hasAttribute("data-grid-row")) return;
    var grid = input.closest("[data-grid]");
    if (!grid) return;
    // Never let Enter submit the whole "Save all" form from a cell.
    event.preventDefault();
    var step = event.shiftKey ? -1 : 1;
    var next = cellAt(grid, Number(input.dataset.gridRow) + step, input.dataset.gridCol);
    if (next) {
      next.focus();
      next.select();
    } else {
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }
  });

  // After "Save all" with errors, take keyboard users to the summary.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("grid-errors");
    if (summary) summary.focus();
  });
})();
