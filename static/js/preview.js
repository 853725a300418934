// helpcenter preview: reload the page once the working copy has been rebuilt
// (or a build failed), so the editor sees a saved change without reloading.
(function () {
  "use strict";
  var seen = null;
  function poll() {
    fetch("/preview/status.json", { cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        var key = s.builds + ":" + s.failed_at;
        if (seen !== null && key !== seen) { window.location.reload(); return; }
        seen = key;
        window.setTimeout(poll, 1500);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  poll();
})();
