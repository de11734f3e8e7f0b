/* The pipeline board: drag a card (SortableJS) or use its stage select to move it.
   Every move is a POST to the card's move URL; a refused move puts the card back and says why.
   Moving to a lost stage first asks for the loss reason and competitor. */
(function () {
  "use strict";

  function csrfToken() {
    var input = document.querySelector("#pipeline-board [name=csrfmiddlewaretoken]");
    if (input) return input.value;
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (e) { return ""; }
  }

  function announce(text, ok) {
    document.getElementById("pipeline-status").textContent = text;
    var box = document.getElementById("pipeline-alert");
    box.innerHTML = "";
    var div = document.createElement("div");
    div.className = "alert alert-dismissible alert-" + (ok ? "success" : "danger");
    div.setAttribute("role", ok ? "status" : "alert");
    div.textContent = text;
    var close = document.createElement("button");
    close.type = "button"; close.className = "btn-close"; close.setAttribute("data-bs-dismiss", "alert");
    close.setAttribute("aria-label", "Close");
    div.appendChild(close);
    box.appendChild(div);
  }

  function init() {
    var board = document.getElementById("pipeline-board");
    if (!board) return;
    var lost = (board.dataset.lostStages || "").split("|").filter(Boolean);
    var currency = board.dataset.currency || "";
    var modalEl = document.getElementById("loss-modal");
    var modal = window.bootstrap ? bootstrap.Modal.getOrCreateInstance(modalEl) : null;
    var pendingLoss = null;

    function column(stage) {
      return board.querySelector('.pipeline-cards[data-stage="' + CSS.escape(stage) + '"]');
    }

    function adjust(container, card, sign) {
      var section = container && container.closest(".pipeline-column");
      if (!section) return;
      var count = section.querySelector(".col-count");
      var total = section.querySelector(".col-total");
      if (!count || !total) return;
      var n = parseInt(count.dataset.count, 10) + sign;
      var t = parseFloat(total.dataset.total) + sign * parseFloat(card.dataset.amount || "0");
      count.dataset.count = n; count.textContent = n;
      total.dataset.total = t.toFixed(2);
      total.textContent = (currency + " " + t.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })).trim();
    }

    function putBack(card, from, index) {
      var ref = from.children[index] || null;
      from.insertBefore(card, ref === card ? card.nextSibling : ref);
    }

    /* Post a move; `from`/`index` say where the card was, to put it back if refused. */
    function move(card, stage, from, index, extra) {
      var body = new FormData();
      body.append("stage", stage);
      Object.keys(extra || {}).forEach(function (k) { body.append(k, extra[k]); });
      card.setAttribute("aria-busy", "true");
      return fetch(card.dataset.moveUrl, {
        method: "POST", body: body, credentials: "same-origin",
        headers: { "Accept": "application/json", "X-CSRFToken": csrfToken() }
      }).then(function (resp) {
        if (resp.status === 404) return { ok: false, message: board.dataset.msgGone };
        return resp.json().catch(function () { return { ok: false, message: resp.statusText }; });
      }).then(function (data) {
        card.removeAttribute("aria-busy");
        if (!data.ok) {
          putBack(card, from, index);
          announce(data.message || board.dataset.msgRefused, false);
          return data;
        }
        var target = column(stage);
        if (target && card.parentNode !== target) target.appendChild(card);
        adjust(from, card, -1);
        adjust(target, card, +1);
        var select = card.querySelector("select[name=stage]");
        if (select) select.value = stage;
        if (data.closed) card.classList.add("opacity-50");
        announce(data.message, true);
        return data;
      }).catch(function () {
        card.removeAttribute("aria-busy");
        putBack(card, from, index);
        announce(board.dataset.msgOffline, false);
      });
    }

    function request(card, stage, from, index) {
      if (lost.indexOf(stage) === -1 || !modal) return move(card, stage, from, index);
      pendingLoss = { card: card, stage: stage, from: from, index: index, done: false };
      document.getElementById("loss-modal-name").textContent = card.dataset.name;
      document.getElementById("loss-reason").value = "";
      document.getElementById("loss-reason").classList.remove("is-invalid");
      document.getElementById("loss-competitor").value = "";
      modal.show();
    }

    document.getElementById("loss-form").addEventListener("submit", function (event) {
      event.preventDefault();
      if (!pendingLoss) return;
      var p = pendingLoss;
      var reason = document.getElementById("loss-reason");
      move(p.card, p.stage, p.from, p.index, {
        loss_reason: reason.value,
        competitor: document.getElementById("loss-competitor").value
      }).then(function (data) {
        if (data && !data.ok && data.errors && data.errors.loss_reason) {
          // Keep the dialog open on the field that needs fixing; the card already went back.
          reason.classList.add("is-invalid");
          document.getElementById("loss-reason-error").textContent = data.errors.loss_reason.join(" ");
          reason.focus();
          return;
        }
        p.done = true;
        modal.hide();
      });
    });
    modalEl.addEventListener("hidden.bs.modal", function () {
      var p = pendingLoss;
      pendingLoss = null;
      if (p && !p.done && p.card.parentNode !== p.from) {
        putBack(p.card, p.from, p.index);
        announce(board.dataset.msgNoReason, false);
      }
    });

    board.querySelectorAll(".pipeline-cards").forEach(function (el) {
      Sortable.create(el, {
        group: "pipeline",
        draggable: ".pipeline-card:not(.is-readonly)",
        filter: "select, button, a, input",
        preventOnFilter: false,
        sort: false,
        delay: 200,
        delayOnTouchOnly: true, // on phones a swipe scrolls the board; a long press picks a card up
        animation: 120,
        onEnd: function (evt) {
          if (evt.from === evt.to) return;
          request(evt.item, evt.to.dataset.stage, evt.from, evt.oldIndex);
        }
      });
    });

    board.addEventListener("submit", function (event) {
      var form = event.target.closest(".move-form");
      if (!form) return;
      event.preventDefault();
      var card = form.closest(".pipeline-card");
      var stage = form.querySelector("select[name=stage]").value;
      var from = card.parentNode;
      if (from.dataset.stage === stage) return;
      var index = Array.prototype.indexOf.call(from.children, card);
      var target = column(stage);
      if (target) target.appendChild(card);
      request(card, stage, from, index);
      var select = card.querySelector("select[name=stage]");
      if (select) select.focus();
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
