// The public portal's small enhancements; every page works without them.
// - focus the error summary or the thanks after a round trip, so screen readers hear it;
// - copy the tracking code;
// - check a chosen photo's type and size before it is sent;
// (the map, the suggestions and "already reported?" are portal_map.js)
(function () {
  "use strict";

  var notice = document.getElementById("form-errors") || document.getElementById("track-error") ||
    document.getElementById("thanks") || document.querySelector("main [aria-invalid=true]");
  if (notice) notice.focus();

  var copy = document.getElementById("copy-code");
  if (copy) {
    var status = document.getElementById("copy-status");
    var code = document.getElementById(copy.dataset.target);
    copy.hidden = false;
    copy.addEventListener("click", function () {
      var text = code.textContent.trim();
      var done = function () { status.textContent = copy.dataset.copied; };
      var failed = function () {
        var range = document.createRange();
        range.selectNodeContents(code);
        var selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        status.textContent = copy.dataset.failed;
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, failed);
      } else {
        failed();
      }
    });
  }

  var photo = document.getElementById("photo");
  if (photo) {
    var check = document.getElementById("photo-check");
    photo.addEventListener("change", function () {
      var file = photo.files && photo.files[0];
      var problem = "";
      var types = (photo.dataset.types || "").split(" ");
      // the server decides by the file's first bytes; this only spares a round trip
      if (file && file.type && types.indexOf(file.type) < 0) problem = photo.dataset.notImage;
      else if (file && file.size > Number(photo.dataset.limit)) problem = photo.dataset.tooLarge;
      check.textContent = problem;
      check.hidden = !problem;
      if (problem) {
        photo.setAttribute("aria-invalid", "true");
        photo.setAttribute("aria-describedby", "photo-hint photo-check");
      } else {
        photo.removeAttribute("aria-invalid");
        photo.setAttribute("aria-describedby", "photo-hint");
      }
    });
    photo.form.addEventListener("submit", function (event) {
      if (!check.hidden) { event.preventDefault(); photo.focus(); }
    });
  }
})();
