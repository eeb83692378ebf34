// Keeps a builtin channel page current and handles thread replies, without
// a framework: the server renders the message list; this swaps it in.
(function () {
  "use strict";
  var log = document.getElementById("log");
  var params = new URLSearchParams(location.search);
  var thread = document.getElementById("thread");
  var replying = document.getElementById("replying");
  var box = document.querySelector("#compose textarea");
  if (thread && params.get("reply")) {
    thread.value = params.get("reply");
    replying.hidden = false;
    document.getElementById("cancel-reply").addEventListener("click", function () {
      thread.value = "";
      replying.hidden = true;
    });
  }
  // Browsers skip autofocus when the URL has a fragment, and every send
  // comes back to #compose; the browser then focuses the form (it has a
  // tabindex for this): pass the focus on to the box, so the next message
  // can be typed at once.
  if (box) {
    document.getElementById("compose").addEventListener("focus", function () { box.focus(); });
    if (location.hash === "#compose") box.focus();
  }
  if (!log || !log.dataset.room) return;

  // The log scrolls on its own: show the newest messages, or the message
  // being replied to, rather than the oldest.
  var target = params.get("reply") && document.getElementById("m-" + params.get("reply"));
  if (target) {
    log.scrollTop += target.getBoundingClientRect().top - log.getBoundingClientRect().top;
  } else {
    log.scrollTop = log.scrollHeight;
  }
  function atBottom(el) {
    return el.scrollHeight - el.scrollTop - el.clientHeight < 40;
  }

  var url = "/channels/" + encodeURIComponent(log.dataset.room) + "/log";
  function refresh() {
    fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (r.status === 404) { location.reload(); return null; }
      return r.ok ? r.text() : null;
    }).then(function (html) {
      if (html === null) return;
      var current = document.getElementById("log");
      var tmp = document.createElement("div");
      tmp.innerHTML = html;
      var fresh = tmp.querySelector("#log");
      if (!fresh || !current || fresh.innerHTML === current.innerHTML) return;
      // Follow new messages when the reader is at the end; otherwise keep
      // their place.
      var follow = atBottom(current), top = current.scrollTop;
      current.replaceWith(fresh);
      fresh.scrollTop = follow ? fresh.scrollHeight : top;
    }).catch(function () {});
  }
  setInterval(refresh, 3000);
})();
