// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Text size: switch in place and keep the cookie, instead of a full reload.
  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest && ev.target.closest(".text-size button[name=size]");
    if (!btn || !window.fetch) return;
    ev.preventDefault();
    var size = btn.value;
    var body = new URLSearchParams({ size: size, next: location.pathname });
    fetch("/text-size", { method: "POST", body: body, credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" } }).then(function (r) {
      if (!r.ok) throw new Error("text-size");
      var html = document.documentElement;
      html.className = html.className.replace(/\bfs-[SML]\b/, "") + " fs-" + size;
      document.querySelectorAll(".text-size button[name=size]").forEach(function (b) {
        b.setAttribute("aria-pressed", b.value === size ? "true" : "false");
      });
    }).catch(function () { btn.form.requestSubmit ? btn.form.requestSubmit(btn) : btn.form.submit(); });
  });
})();
