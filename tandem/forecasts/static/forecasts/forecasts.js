// Expand and collapse forecast rows: expanding fetches the next level below a person,
// collapsing removes it and everything opened under it.
(function () {
  "use strict";

  function collapse(userId) {
    document.querySelectorAll('tr[data-parent="' + userId + '"]').forEach(function (row) {
      collapse(row.dataset.user);
      row.remove();
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest(".forecast-toggle");
    if (!button) return;
    var row = button.closest("tr");
    var icon = button.querySelector(".bi");
    if (button.getAttribute("aria-expanded") === "true") {
      collapse(row.dataset.user);
      button.setAttribute("aria-expanded", "false");
      icon.classList.replace("bi-chevron-down", "bi-chevron-right");
      return;
    }
    button.disabled = true;
    htmx
      .ajax("GET", button.dataset.rowsUrl, { target: row, swap: "afterend" })
      .then(function () {
        button.setAttribute("aria-expanded", "true");
        icon.classList.replace("bi-chevron-right", "bi-chevron-down");
      })
      .catch(function () {
        var status = document.getElementById("forecast-status");
        var body = document.getElementById("forecast-rows");
        if (status && body) status.textContent = body.dataset.msgFailed;
      })
      .finally(function () {
        button.disabled = false;
      });
  });
})();
