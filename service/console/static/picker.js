/* The unit picker: while a person types, list matching units with their paths (from
   /admin/unor/cari.json) and let them pick one with the mouse or the keyboard. Without this
   script the same field still works: the form is sent with the typed text and the page offers
   the matches. No inline script, no external asset. */
(function () {
  "use strict";

  function setup(box) {
    var text = box.querySelector("[data-picker-text]");
    var value = box.querySelector("[data-picker-value]");
    var list = box.querySelector("[data-picker-list]");
    var endpoint = box.getAttribute("data-endpoint");
    var timer = null, active = -1, items = [], asked = 0, picked = text.value;

    function close() {
      list.hidden = true;
      text.setAttribute("aria-expanded", "false");
      text.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function choose(item) {
      value.value = item.id;
      text.value = item.jalur;
      picked = item.jalur;
      close();
      text.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function highlight(index) {
      var options = list.querySelectorAll("[role=option]");
      if (!options.length) { return; }
      active = (index + options.length) % options.length;
      options.forEach(function (o, i) { o.setAttribute("aria-selected", i === active ? "true" : "false"); });
      text.setAttribute("aria-activedescendant", options[active].id);
      options[active].scrollIntoView({ block: "nearest" });
    }

    function render(found) {
      list.textContent = "";
      items = found.items;
      items.forEach(function (item, i) {
        var li = document.createElement("li");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("data-unit", item.id);
        li.textContent = item.jalur;
        li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(item); });
        list.appendChild(li);
      });
      if (!items.length) {
        var none = document.createElement("li");
        none.className = "muted";
        none.textContent = list.getAttribute("data-none") || "\u2014";
        list.appendChild(none);
      } else if (found.total > items.length) {
        var more = document.createElement("li");
        more.className = "muted";
        more.textContent = items.length + " / " + found.total;
        list.appendChild(more);
      }
      list.hidden = false;
      text.setAttribute("aria-expanded", "true");
      active = -1;
    }

    function ask() {
      var mine = ++asked;
      fetch(endpoint + "?q=" + encodeURIComponent(text.value), { credentials: "same-origin",
        headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { items: [], total: 0 }; })
        .then(function (found) { if (mine === asked) { render(found); } })
        .catch(function () { close(); });
    }

    text.addEventListener("input", function () {
      if (text.value !== picked) { value.value = ""; }
      clearTimeout(timer);
      timer = setTimeout(ask, 120);
    });
    text.addEventListener("focus", function () { if (!text.value) { ask(); } });
    text.addEventListener("blur", function () { setTimeout(close, 150); });
    text.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown") { e.preventDefault(); if (list.hidden) { ask(); } else { highlight(active + 1); } }
      else if (e.key === "ArrowUp") { e.preventDefault(); highlight(active - 1); }
      else if (e.key === "Escape") { close(); }
      else if (e.key === "Enter" && !list.hidden && active >= 0 && items[active]) { e.preventDefault(); choose(items[active]); }
    });
  }

  document.querySelectorAll("[data-picker]").forEach(setup);
})();
