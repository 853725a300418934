// Find-as-you-type for the header search box (templates/_search_box.html).
// Progressive enhancement: without this file the form simply submits to /search.
// ARIA 1.2 combobox pattern: the input owns the listbox #q-suggest, the active
// option is announced through aria-activedescendant, and a polite status says
// how many suggestions there are.
(function () {
  "use strict";
  var DELAY = 150; // ms of quiet typing before asking the server
  var input = document.getElementById("q");
  var list = document.getElementById("q-suggest");
  if (!input || !list || !window.fetch) return;

  var status = document.createElement("div");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  list.parentNode.insertBefore(status, list.nextSibling);

  var timer = null, controller = null, items = [], active = -1, lastQuery = "";

  function close() {
    list.hidden = true;
    list.innerHTML = "";
    items = [];
    active = -1;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function setActive(i) {
    if (!items.length) return;
    if (i < -1) i = items.length - 1;
    if (i >= items.length) i = -1;
    active = i;
    Array.prototype.forEach.call(list.children, function (li, n) {
      li.setAttribute("aria-selected", n === active ? "true" : "false");
    });
    if (active >= 0) {
      input.setAttribute("aria-activedescendant", list.children[active].id);
      list.children[active].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function render(query, suggestions) {
    list.innerHTML = "";
    items = suggestions;
    active = -1;
    input.removeAttribute("aria-activedescendant");
    if (!suggestions.length) {
      close();
      status.textContent = query ? "候補はありません" : "";
      return;
    }
    suggestions.forEach(function (s, n) {
      var li = document.createElement("li");
      li.id = "q-suggest-" + n;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.textContent = s.title;
      li.addEventListener("mousedown", function (ev) {
        ev.preventDefault(); // keep focus in the input until we navigate
        go(n);
      });
      list.appendChild(li);
    });
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    status.textContent = suggestions.length + "件の候補があります。上下キーで選べます。";
  }

  function go(n) {
    var s = items[n];
    if (s && /^\/faq\/\d+$/.test(s.url)) window.location.assign(s.url);
  }

  function request() {
    var query = input.value.trim();
    if (query === lastQuery && !list.hidden) return;
    lastQuery = query;
    if (!query) { close(); status.textContent = ""; return; }
    if (controller) controller.abort();
    controller = window.AbortController ? new AbortController() : null;
    fetch("/api/suggest?q=" + encodeURIComponent(query), {
      credentials: "same-origin", signal: controller ? controller.signal : undefined,
      headers: { "Accept": "application/json" }
    }).then(function (r) {
      if (!r.ok) throw new Error("suggest " + r.status);
      return r.json();
    }).then(function (data) {
      if (input.value.trim() !== query) return; // typed on meanwhile
      render(query, data.suggestions || []);
    }).catch(function () { /* the form still works; say nothing */ });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(request, DELAY);
  });

  input.addEventListener("keydown", function (ev) {
    var open = !list.hidden && items.length > 0;
    if (ev.key === "ArrowDown") {
      if (!open) { lastQuery = ""; request(); return; }
      ev.preventDefault();
      setActive(active + 1);
    } else if (ev.key === "ArrowUp") {
      if (!open) return;
      ev.preventDefault();
      setActive(active - 1);
    } else if (ev.key === "Enter") {
      if (open && active >= 0) {
        ev.preventDefault();
        go(active);
      } // otherwise the form submits to /search as usual
    } else if (ev.key === "Escape") {
      if (open) {
        ev.preventDefault();
        close();
      }
    } else if (ev.key === "Tab") {
      close();
    }
  });

  input.addEventListener("blur", function () {
    setTimeout(close, 150);
  });

  document.addEventListener("click", function (ev) {
    if (ev.target !== input && !list.contains(ev.target)) close();
  });
})();
