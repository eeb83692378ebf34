// Keeps a builtin channel page current and handles thread replies, without
// a framework: the server renders the message list; this swaps it in.
(function () {
  "use strict";
  var log = document.getElementById("log");
  var params = new URLSearchParams(location.search);
  var thread = document.getElementById("thread");
  var replying = document.getElementById("replying");
  if (thread && params.get("reply")) {
    thread.value = params.get("reply");
    replying.hidden = false;
    document.getElementById("cancel-reply").addEventListener("click", function () {
      thread.value = "";
      replying.hidden = true;
    });
  }
  if (!log || !log.dataset.room) return;
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
      if (fresh && current && fresh.innerHTML !== current.innerHTML) current.replaceWith(fresh);
    }).catch(function () {});
  }
  setInterval(refresh, 3000);
})();
