/* @mention autocomplete for feed posts and comments.
 * Typing "@" and a name asks the server (HTMX) for people who can see the record; choosing
 * one writes "@Full Name" into the text and keeps the person's id in a hidden "mention" field.
 * Listeners sit on the document, so panels swapped in by HTMX work without re-binding. */
(function () {
  "use strict";
  if (window.tandemFeedMentions) return;
  window.tandemFeedMentions = true;

  var SELECTOR = "textarea[data-mention-url]";
  var timer = null;

  function typed(area) {
    var before = area.value.slice(0, area.selectionStart);
    var match = before.match(/(^|\s)@([^@\n]{0,40})$/);
    if (!match || match[2].split(" ").length > 2) return null;
    return { text: match[2], start: before.length - match[2].length - 1 };
  }

  function menuOf(area) {
    return area.parentElement.querySelector(".feed-mentions");
  }

  function close(area) {
    var menu = menuOf(area);
    if (menu) menu.innerHTML = "";
  }

  function options(menu) {
    return Array.prototype.slice.call(menu.querySelectorAll("[data-mention-id]"));
  }

  function choose(button) {
    var menu = button.closest(".feed-mentions");
    var area = menu.parentElement.querySelector(SELECTOR);
    var found = typed(area);
    var start = found ? found.start : area.value.length;
    var end = area.selectionStart;
    var name = button.dataset.mentionName;
    area.value = area.value.slice(0, start) + "@" + name + " " + area.value.slice(end);
    var caret = start + name.length + 2;
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = "mention";
    input.value = button.dataset.mentionId;
    area.closest("form").appendChild(input);
    menu.innerHTML = "";
    area.focus();
    area.setSelectionRange(caret, caret);
  }

  document.addEventListener("input", function (event) {
    var area = event.target;
    if (!area.matches || !area.matches(SELECTOR)) return;
    var found = typed(area);
    clearTimeout(timer);
    if (!found) {
      close(area);
      return;
    }
    timer = setTimeout(function () {
      var url = area.dataset.mentionUrl + "?q=" + encodeURIComponent(found.text);
      htmx.ajax("GET", url, { target: menuOf(area), swap: "innerHTML" });
    }, 150);
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-mention-id]");
    if (button) {
      event.preventDefault();
      choose(button);
    }
  });

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (target.matches && target.matches(SELECTOR)) {
      var menu = menuOf(target);
      var list = menu ? options(menu) : [];
      if (event.key === "ArrowDown" && list.length) {
        event.preventDefault();
        list[0].focus();
      } else if (event.key === "Escape") {
        close(target);
      }
      return;
    }
    if (!(target.closest && target.closest(".feed-mentions"))) return;
    var all = options(target.closest(".feed-mentions"));
    var at = all.indexOf(target);
    var area = target.closest(".feed-mentions").parentElement.querySelector(SELECTOR);
    if (event.key === "ArrowDown" && at < all.length - 1) {
      event.preventDefault();
      all[at + 1].focus();
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      if (at > 0) all[at - 1].focus();
      else area.focus();
    } else if (event.key === "Escape") {
      event.preventDefault();
      close(area);
      area.focus();
    }
  });
})();
