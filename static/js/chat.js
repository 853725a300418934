// The chat widget: progressive enhancement of templates/_chat_widget.html.
// Without this file the launcher is a plain link to /chat (which works without
// JavaScript). Member and server text is only ever set with textContent.
(function () {
  "use strict";
  var launcher = document.getElementById("chat-launcher");
  var panel = document.getElementById("chat-panel");
  if (!launcher || !panel || !window.fetch || !window.JSON) return;
  var log = panel.querySelector(".chat-log");
  var form = panel.querySelector(".chat-form");
  var input = panel.querySelector("input[name=message]");
  var sendButton = form.querySelector("button[type=submit]");
  var status = panel.querySelector(".chat-status");
  var closeButton = panel.querySelector(".chat-close");
  var STORE = "hc-chat";
  var MAX_TURNS = 10;
  var convo = load();
  var busy = false;

  launcher.setAttribute("role", "button");
  launcher.setAttribute("aria-haspopup", "dialog");
  launcher.setAttribute("aria-controls", "chat-panel");
  launcher.setAttribute("aria-expanded", "false");

  function load() {
    try {
      var raw = window.sessionStorage && sessionStorage.getItem(STORE);
      var data = raw ? JSON.parse(raw) : null;
      if (data && Array.isArray(data.turns)) return data;
    } catch (e) { /* storage off or junk: start fresh */ }
    return { state: null, turns: [] };
  }

  function save() {
    try { sessionStorage.setItem(STORE, JSON.stringify(convo)); } catch (e) { /* ignore */ }
  }

  function safeHref(url) {
    return typeof url === "string" && (/^\/(?!\/)/.test(url) || /^https?:\/\//.test(url)) ? url : null;
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text != null) node.textContent = text;
    return node;
  }

  function link(url, text) {
    var href = safeHref(url);
    if (!href) return el("span", null, text);
    var a = el("a", null, text);
    a.href = href;
    return a;
  }

  // Readings (ruby) from the server's segments [[text, reading|null], …], shown
  // while the page itself shows furigana; built with textContent only.
  function furiganaOn() { return /\bfurigana-on\b/.test(document.documentElement.className); }

  function rubyInto(node, segments, fallback) {
    if (!furiganaOn() || !Array.isArray(segments)) { node.textContent = fallback; return node; }
    segments.forEach(function (seg) {
      if (!Array.isArray(seg) || typeof seg[0] !== "string") return;
      if (typeof seg[1] === "string" && seg[1]) {
        var ruby = el("ruby", null, seg[0]);
        ruby.appendChild(el("rt", null, seg[1]));
        node.appendChild(ruby);
      } else {
        node.appendChild(document.createTextNode(seg[0]));
      }
    });
    return node;
  }

  function userBubble(text) {
    var b = el("div", "chat-bubble chat-user");
    b.appendChild(el("p", "chat-who visually-hidden", "あなた："));
    b.appendChild(el("p", null, text));
    return b;
  }

  // 受付番号 from the bot's fallback: the conversation's last messages go with it.
  function codeOffer() {
    var box = el("div", "chat-code");
    var p = el("p", "chat-contact-link");
    p.appendChild(link("/contact", "お問い合わせページを開く"));
    box.appendChild(p);
    var btn = el("button", "secondary chat-code-button", "問い合わせ番号を発行する");
    btn.type = "button";
    btn.addEventListener("click", function () {
      btn.disabled = true;
      var messages = convo.turns.map(function (t) { return String(t.user || ""); }).slice(-5);
      fetch("/api/contact-code", {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "Accept": "application/json" },
        body: JSON.stringify({ messages: messages })
      }).then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (body) { return { ok: r.ok, body: body }; });
      }).then(function (res) {
        if (!res.ok || !res.body.code) {
          btn.disabled = false;
          say(res.body && res.body.message ? res.body.message : "受付番号を発行できませんでした。時間をおいてお試しください。");
          return;
        }
        var shown = el("p", "chat-code-value");
        shown.appendChild(document.createTextNode("受付番号："));
        shown.appendChild(el("strong", null, res.body.code));
        box.replaceChild(shown, btn);
        box.appendChild(el("p", null, "お問い合わせの際に、この番号をお伝えください。"));
        scrollDown();
      }).catch(function () {
        btn.disabled = false;
        say("通信できませんでした。接続を確認して、もう一度お試しください。");
      });
    });
    box.appendChild(btn);
    return box;
  }

  function botBubble(reply, withOptions, local) {
    var b = el("div", "chat-bubble chat-bot chat-" + (reply.type || "answer"));
    b.appendChild(el("p", "chat-who visually-hidden", "チャットボット："));
    var ruby = reply.ruby || {};
    String(reply.text || "").split("\n").forEach(function (line, i) {
      if (line.trim()) b.appendChild(rubyInto(el("p"), (ruby.lines || [])[i], line));
    });
    if (reply.faqs && reply.faqs.length) {
      var ul = el("ul", "chat-faqs");
      ul.setAttribute("role", "list");
      reply.faqs.forEach(function (f, i) {
        var li = el("li");
        var a = link(f.url, "");
        li.appendChild(rubyInto(a, (ruby.faqs || [])[i], f.title));
        ul.appendChild(li);
      });
      b.appendChild(ul);
    }
    if (reply.wizard) {
      var p = el("p", "chat-wizard-link");
      p.appendChild(link(reply.wizard.url, "質問ガイド「" + reply.wizard.title + "」をページで開く"));
      b.appendChild(p);
    }
    (reply.contacts || []).forEach(function (c) {
      if (!c.url) return;
      var p = el("p", "chat-contact-link");
      p.appendChild(link(c.url, c.title + "を開く"));
      b.appendChild(p);
    });
    if (reply.type === "fallback" && !local) b.appendChild(codeOffer());
    if (withOptions && reply.options && reply.options.length) {
      var group = el("div", "chat-options");
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", "選んでください");
      var list = el("ul");
      list.setAttribute("role", "list");
      reply.options.forEach(function (o) {
        var li = el("li");
        var btn = el("button", "secondary chat-choice", o.label);
        btn.type = "button";
        btn.addEventListener("click", function () { send(o.value, o.label); });
        li.appendChild(btn);
        list.appendChild(li);
      });
      group.appendChild(list);
      b.appendChild(group);
    }
    return b;
  }

  function clearOptions() {
    log.querySelectorAll(".chat-options").forEach(function (g) { g.remove(); });
  }

  function scrollDown() { log.scrollTop = log.scrollHeight; }

  function renderStored() {
    if (convo.turns.length) clearOptions();  // the starter questions are for a new conversation
    convo.turns.forEach(function (t, i) {
      log.appendChild(userBubble(t.user));
      log.appendChild(botBubble(t.reply, i === convo.turns.length - 1));
    });
    scrollDown();
  }

  function say(text) {
    log.appendChild(botBubble({ type: "fallback", text: text }, false, true));
    scrollDown();
  }

  function send(message, shown) {
    if (busy) return;
    message = String(message || "");
    if (!message.trim()) { input.focus(); return; }
    if (message.length > 1000) { say("メッセージは1000文字以内で入力してください。"); return; }
    busy = true;
    sendButton.disabled = true;
    clearOptions();
    var echo = shown || message;
    log.appendChild(userBubble(echo));
    scrollDown();
    status.textContent = "回答を準備しています";
    fetch("/api/chat", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify({ message: message, state: convo.state })
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (body) { return { status: r.status, body: body }; });
    }).then(function (res) {
      if (res.status === 429) { say("短い時間にたくさんのメッセージが送られました。しばらく待ってからお試しください。"); return; }
      if (res.status !== 200 || !res.body || !res.body.type) { say("エラーが発生しました。時間をおいて、もう一度お試しください。"); return; }
      var reply = res.body;
      convo.state = reply.state;
      convo.turns.push({ user: echo, reply: reply });
      convo.turns = convo.turns.slice(-MAX_TURNS);
      save();
      log.appendChild(botBubble(reply, true));
      scrollDown();
    }).catch(function () {
      say("通信できませんでした。接続を確認して、もう一度お試しください。");
    }).then(function () {
      busy = false;
      sendButton.disabled = false;
      status.textContent = "";
    });
  }

  function open() {
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    launcher.hidden = true;
    scrollDown();
    input.focus();
  }

  function close() {
    panel.hidden = true;
    launcher.hidden = false;
    launcher.setAttribute("aria-expanded", "false");
    launcher.focus();
  }

  launcher.addEventListener("click", function (ev) { ev.preventDefault(); open(); });
  launcher.addEventListener("keydown", function (ev) {
    if (ev.key === " ") { ev.preventDefault(); open(); }  // a link with role=button answers Space too
  });
  closeButton.addEventListener("click", close);
  panel.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape") { ev.preventDefault(); close(); }
  });
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var text = input.value;
    if (!text.trim()) { input.focus(); return; }
    input.value = "";
    send(text);
  });
  panel.querySelectorAll(".chat-starters button[data-message]").forEach(function (btn) {
    btn.addEventListener("click", function () { send(btn.getAttribute("data-message")); });
  });
  renderStored();
})();
