// warroom's pages without a framework: the server renders every page and
// works without this script; the script shows times in the reader's zone,
// keeps a builtin channel current, and sends the channel's forms in place
// so that warroom's reply appears in the log after what was typed.
(function () {
  "use strict";

  // Times: the server writes UTC; show the reader's local time, the UTC
  // time on hover, and how long ago.
  function ago(ms) {
    var s = Math.round((Date.now() - ms) / 1000), future = s < 0;
    if (future) s = -s;
    var text;
    if (s < 60) return future ? "in a moment" : "just now";
    if (s < 3600) text = Math.floor(s / 60) + " min";
    else if (s < 86400) text = Math.floor(s / 3600) + "h " + String(Math.floor(s % 3600 / 60)).padStart(2, "0") + "m";
    else text = Math.floor(s / 86400) + "d " + Math.floor(s % 86400 / 3600) + "h";
    return future ? "in " + text : text + " ago";
  }
  var fmt = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "short", day: "numeric",
    hour: "2-digit", minute: "2-digit", second: "2-digit", timeZoneName: "short" });
  function localTimes(root) {
    root.querySelectorAll("time[datetime]").forEach(function (t) {
      var ms = Date.parse(t.getAttribute("datetime"));
      if (isNaN(ms)) return;
      if (!t.dataset.utc) t.dataset.utc = t.textContent;
      t.textContent = fmt.format(new Date(ms));
      t.title = t.dataset.utc;
      var next = t.nextElementSibling;
      if (next && next.classList.contains("ago")) next.textContent = "(" + ago(ms) + ")";
    });
  }
  localTimes(document);
  setInterval(function () { localTimes(document); }, 30000);

  var params = new URLSearchParams(location.search);

  // A refused postmortem edit: the page comes back with the problem above
  // the box that still holds the text; show it, and put the reader there.
  var pmProblem = document.getElementById("pm-problem");
  if (pmProblem) {
    pmProblem.scrollIntoView({ block: "center" });
    pmProblem.focus();
  }
  var thread = document.getElementById("thread");
  var replying = document.getElementById("replying");
  var compose = document.getElementById("compose");
  var box = document.querySelector("#compose textarea");
  function cancelReply() {
    if (!thread) return;
    thread.value = "";
    replying.hidden = true;
  }
  if (thread && params.get("reply")) {
    thread.value = params.get("reply");
    replying.hidden = false;
    document.getElementById("cancel-reply").addEventListener("click", cancelReply);
  }
  // Browsers skip autofocus when the URL has a fragment, and a page sent
  // back without this script comes to #compose; the browser then focuses
  // the form (it has a tabindex for this): pass the focus on to the box.
  if (box) {
    compose.addEventListener("focus", function () { box.focus(); });
    if (location.hash === "#compose") box.focus();
  }
  var log = document.getElementById("log");
  if (!log || !log.dataset.room) return;

  // showReply scrolls the log so that a reply is in view: its end when it
  // fits, else its start.
  function showReply(li) {
    var l = document.getElementById("log");
    var top = li.getBoundingClientRect().top - l.getBoundingClientRect().top + l.scrollTop;
    var tall = li.offsetHeight > l.clientHeight;
    l.scrollTop = tall ? top : l.scrollHeight;
    var r = li.getBoundingClientRect();
    // In the window too: a reply taller than the window (help, on a
    // phone) or than the log shows its start, not its end (aligning its
    // end would scroll the log past its start again).
    if (r.top < 0 || r.bottom > window.innerHeight) {
      var start = r.top < 0 || r.height > window.innerHeight || li.offsetHeight > l.clientHeight;
      li.scrollIntoView({ block: start ? "start" : "end" });
    }
  }

  // The log scrolls on its own: show the newest messages, the reply, or
  // the message being replied to, rather than the oldest.
  var target = params.get("reply") && document.getElementById("m-" + params.get("reply"));
  var first = document.getElementById("reply");
  if (target) {
    log.scrollTop += target.getBoundingClientRect().top - log.getBoundingClientRect().top;
  } else if (first) {
    showReply(first);
  } else {
    log.scrollTop = log.scrollHeight;
  }
  function atBottom(el) {
    return el.scrollHeight - el.scrollTop - el.clientHeight < 40;
  }
  // busy: the reader is filling in a form of the log (Close's reason), which
  // a refresh would throw away.
  function busy(current) {
    return !!current.querySelector("details[open]") ||
      (current.contains(document.activeElement) && document.activeElement.matches("input, textarea, select"));
  }
  // lineTime is when a line of the log was written, for placing replies.
  function lineTime(li) {
    var t = li.querySelector("time[datetime]");
    return t ? Date.parse(t.getAttribute("datetime")) : 0;
  }
  // keepReplies puts the replies shown in the old log into the new one at
  // their time: they live in this page only, as in Mattermost.
  function keepReplies(from, to) {
    from.querySelectorAll("li.ephemeral").forEach(function (old) {
      var e = old.cloneNode(true), at = Number(e.dataset.at), before = null;
      to.querySelectorAll("li.msg:not(.ephemeral)").forEach(function (li) {
        if (!before && lineTime(li) > at) before = li;
      });
      to.insertBefore(e, before);
    });
  }

  var url = "/channels/" + encodeURIComponent(log.dataset.room) + "/log", last = null;
  function refresh() {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (r.status === 404) { location.reload(); return null; }
      return r.ok ? r.text() : null;
    }).then(function (html) {
      if (html === null || html === last) return;
      var current = document.getElementById("log"), head = document.getElementById("room-head");
      if (!current || busy(current)) return;
      last = html;
      var tmp = document.createElement("div");
      tmp.innerHTML = html;
      var fresh = tmp.querySelector("#log"), freshHead = tmp.querySelector("#room-head");
      if (head && freshHead && freshHead.innerHTML !== head.innerHTML) {
        localTimes(freshHead);
        head.replaceWith(freshHead);
      }
      if (!fresh) return;
      keepReplies(current, fresh);
      // Follow new messages when the reader is at the end; otherwise keep
      // their place.
      var follow = atBottom(current), top = current.scrollTop;
      localTimes(fresh);
      current.replaceWith(fresh);
      fresh.scrollTop = follow ? fresh.scrollHeight : top;
    }).catch(function () {});
  }
  setInterval(refresh, 3000);

  // addReply shows warroom's answer at the end of the log.
  function addReply(html) {
    var l = document.getElementById("log");
    var tmp = document.createElement("ol");
    tmp.innerHTML = html;
    var li = tmp.firstElementChild;
    if (!li) return;
    var old = document.getElementById("reply");
    if (old) old.removeAttribute("id");
    l.appendChild(li);
    showReply(li);
  }
  // problem shows an error that came as JSON (a refused token, warroom
  // down) the same way, built as text.
  function problem(message) {
    var li = document.createElement("li");
    li.className = "msg ephemeral failed";
    li.dataset.at = String(Date.now());
    li.setAttribute("role", "alert");
    var meta = document.createElement("div");
    meta.className = "meta";
    meta.innerHTML = '<b class="author">warroom</b> <span class="only">only you can see this</span>';
    var text = document.createElement("div");
    text.className = "text";
    text.textContent = "Refused: " + message;
    li.append(meta, text);
    var old = document.getElementById("reply");
    if (old) old.removeAttribute("id");
    li.id = "reply";
    document.getElementById("log").appendChild(li);
    showReply(li);
  }

  // Send the channel's forms (compose, card buttons, pins) in place.
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!(form === compose || form.closest("#live"))) return;
    ev.preventDefault();
    var data = new FormData(form);
    var sending = form.querySelector("button");
    if (sending) sending.disabled = true;
    fetch(form.getAttribute("action"), { method: "POST", body: data, credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) {
        return r.json().then(function (body) { return { ok: r.ok, body: body }; }, function () {
          return { ok: false, body: { error: { message: "warroom answered HTTP " + r.status + "; your text is still in the box" } } };
        });
      })
      .then(function (a) {
        if (!a.ok) {
          problem((a.body.error && a.body.error.message) || "warroom could not do that; try again");
          return;
        }
        if (a.body.redirect) { location.assign(a.body.redirect); return; }
        var failed = a.body.reply && a.body.reply.failed;
        if (form === compose && !failed) {
          box.value = "";
          form.querySelectorAll('input[type="file"]').forEach(function (f) { f.value = ""; });
          cancelReply();
        }
        var d = form.closest("details");
        if (d && !failed) d.open = false;
        return refresh().then(function () {
          if (a.body.html) addReply(a.body.html);
          else { var l = document.getElementById("log"); l.scrollTop = l.scrollHeight; }
        });
      })
      .catch(function () { problem("warroom did not answer; your text is still in the box: send it again"); })
      .finally(function () {
        if (sending) sending.disabled = false;
        if (form === compose) box.focus();
      });
  });
})();
