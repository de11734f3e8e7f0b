/* Edit mode: arrange components by drag and drop (SortableJS) or with the arrow buttons;
   width and height selects resize the tile at once. "Save layout" posts the order. */
(function () {
  function start() {
    var grid = document.getElementById("layout-grid");
    if (!grid) return;
    var status = document.getElementById("layout-status");
    function announce(tile) {
      var tiles = Array.prototype.slice.call(grid.children);
      var msg = grid.dataset.msgMoved || "";
      status.textContent = msg.replace("%(n)s", tiles.indexOf(tile) + 1).replace("%(total)s", tiles.length);
    }
    if (window.Sortable) {
      Sortable.create(grid, {
        animation: 150,
        draggable: ".dash-tile",
        filter: "select, button, a, input",
        preventOnFilter: false,
        onEnd: function (evt) { announce(evt.item); },
      });
    }
    grid.addEventListener("click", function (event) {
      var button = event.target.closest(".move-back, .move-forward");
      if (!button) return;
      var tile = button.closest(".dash-tile");
      if (button.classList.contains("move-back") && tile.previousElementSibling) {
        grid.insertBefore(tile, tile.previousElementSibling);
      } else if (button.classList.contains("move-forward") && tile.nextElementSibling) {
        grid.insertBefore(tile.nextElementSibling, tile);
      }
      button.focus();
      announce(tile);
    });
    grid.addEventListener("change", function (event) {
      var select = event.target;
      var tile = select.closest(".dash-tile");
      if (!tile) return;
      var prefix = select.classList.contains("tile-width") ? "dash-w-" : select.classList.contains("tile-height") ? "dash-h-" : null;
      if (!prefix) return;
      tile.className = tile.className.split(" ").filter(function (c) { return c.indexOf(prefix) !== 0; }).join(" ") + " " + prefix + select.value;
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
