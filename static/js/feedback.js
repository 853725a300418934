// 「この回答は役に立ちましたか？」 in place: posts the same forms with fetch and
// shows the reason form under the vote instead of loading the reason page.
// Without this file (or when fetch fails) the forms post normally.
(function () {
  "use strict";
  if (!window.fetch || !window.FormData) return;

  function post(form, submitter) {
    var data = new FormData(form);
    if (submitter && submitter.name) data.append(submitter.name, submitter.value);
    return fetch(form.action, { method: "POST", body: data, credentials: "same-origin",
      headers: { "X-Requested-With": "fetch", "Accept": "application/json" } })
      .then(function (r) {
        return r.json().then(function (body) { return { ok: r.ok, body: body }; });
      });
  }

  function say(box, text) {
    var status = box.querySelector(".feedback-status");
    status.textContent = text;
    status.focus();
  }

  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    var box = form.closest && form.closest("[data-feedback]");
    if (!box) return;
    var vote = form.classList.contains("feedback-vote");
    var submitter = ev.submitter || form.querySelector("button[value=yes]");
    ev.preventDefault();
    form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
    post(form, vote ? submitter : null).then(function (res) {
      if (vote) {
        form.hidden = true;
        say(box, res.body.message);
        if (res.ok && res.body.ask_reason) {
          var reason = box.querySelector(".feedback-reason");
          reason.hidden = false;
        }
        return;
      }
      if (res.ok) {
        form.hidden = true;
        say(box, res.body.message);
      } else {
        form.querySelectorAll("button").forEach(function (b) { b.disabled = false; });
        say(box, res.body.message || "送信できませんでした。");
      }
    }).catch(function () {
      // the server could not be reached in the background: send the form the ordinary way
      form.querySelectorAll("button").forEach(function (b) { b.disabled = false; });
      if (vote && submitter) {
        var hidden = document.createElement("input");
        hidden.type = "hidden"; hidden.name = submitter.name; hidden.value = submitter.value;
        form.appendChild(hidden);
      }
      form.submit();
    });
  });
})();
