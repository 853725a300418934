// The contact page: shows the matching FAQs and wizards as the member types.
// Without this file the form submits to /contact?q=… and the server shows the
// same list. The list is our own escaped template (/contact/matches); what the
// member typed also goes into the 受付番号 form, so the code carries it.
(function () {
  "use strict";
  var input = document.getElementById("contact-q");
  var region = document.getElementById("contact-matches");
  var status = document.getElementById("contact-status");
  if (!input || !region || !window.fetch || !window.DOMParser) return;
  var codeQuery = document.querySelector("#contact-code-form input[name=q]");
  var timer = null;
  var shown = input.value.trim();
  var seq = 0;

  function update() {
    var q = input.value.trim();
    if (codeQuery) codeQuery.value = q;
    if (q === shown) return;
    shown = q;
    var mine = ++seq;
    fetch("/contact/matches?q=" + encodeURIComponent(q), { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error("matches"); return r.text(); })
      .then(function (html) {
        if (mine !== seq) return;  // an older answer arriving late
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.getElementById("contact-matches");
        if (!fresh) return;
        region.replaceWith(fresh);
        region = fresh;
        status.textContent = fresh.getAttribute("data-summary") || "";
        if (window.history && history.replaceState) {
          history.replaceState(null, "", q ? "/contact?q=" + encodeURIComponent(q) : "/contact");
        }
      })
      .catch(function () { /* the form still works: submitting shows the same list */ });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(update, 250);
  });
  var form = input.form;
  if (form) {
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      clearTimeout(timer);
      shown = null;
      update();
    });
  }
})();
