/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Autocomplete for search boxes with a data-suggest attribute (the URL of
 * /api/v1/suggest).  Progressive enhancement: without this script the form
 * submits to the search page as before.  Follows the WAI-ARIA 1.2 combobox
 * pattern with a listbox popup: Down/Up move through the suggestions, Enter
 * opens the chosen one (or submits the form), Escape closes the list, and a
 * live region tells screen-reader users how many suggestions there are.
 */
(function () {
  "use strict";

  function setup(input, n) {
    var url = input.getAttribute("data-suggest");
    var list = document.createElement("ul");
    var status = document.createElement("div");
    var items = [];
    var active = -1;
    var timer = null;
    var seq = 0;

    list.id = "suggest-list-" + n;
    list.className = "suggest-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", input.getAttribute("data-suggest-label") || "");
    list.hidden = true;
    status.className = "suggest-status";
    status.setAttribute("role", "status");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("autocomplete", "off");
    input.parentNode.appendChild(list);
    input.parentNode.appendChild(status);

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function select(i) {
      var opts = list.children;
      for (var k = 0; k < opts.length; k++) {
        opts[k].setAttribute("aria-selected", k === i ? "true" : "false");
      }
      active = i;
      if (i >= 0) {
        input.setAttribute("aria-activedescendant", opts[i].id);
        opts[i].scrollIntoView({block: "nearest"});
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function show(data) {
      items = data.items || [];
      while (list.firstChild) {
        list.removeChild(list.firstChild);
      }
      items.forEach(function (it, i) {
        var li = document.createElement("li");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.textContent = it.title;
        li.addEventListener("mousedown", function (ev) {
          ev.preventDefault();
          window.location.href = it.url;
        });
        list.appendChild(li);
      });
      active = -1;
      if (items.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      } else {
        close();
      }
      status.textContent = (input.getAttribute("data-suggest-count") || "{0}")
        .replace("{0}", String(items.length));
    }

    function fetchSuggestions() {
      var q = input.value.trim();
      var mine = ++seq;
      if (q.length < 2) {
        close();
        return;
      }
      fetch(url + "?q=" + encodeURIComponent(q), {headers: {Accept: "application/json"}})
        .then(function (r) { return r.ok ? r.json() : {items: []}; })
        .then(function (data) { if (mine === seq) { show(data); } })
        .catch(close);
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, 150);
    });
    input.addEventListener("keydown", function (ev) {
      var open = !list.hidden && items.length > 0;
      if (ev.key === "ArrowDown") {
        if (!open) {
          fetchSuggestions();
        } else {
          select(active + 1 < items.length ? active + 1 : 0);
        }
        ev.preventDefault();
      } else if (ev.key === "ArrowUp" && open) {
        select(active > 0 ? active - 1 : items.length - 1);
        ev.preventDefault();
      } else if (ev.key === "Enter" && open && active >= 0) {
        ev.preventDefault();
        window.location.href = items[active].url;
      } else if (ev.key === "Escape") {
        if (open) {
          close();
        } else {
          input.value = "";
        }
        ev.preventDefault();
      }
    });
    input.addEventListener("blur", close);
  }

  var inputs = document.querySelectorAll("input[data-suggest]");
  for (var i = 0; i < inputs.length; i++) {
    setup(inputs[i], i);
  }
})();
