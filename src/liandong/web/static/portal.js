// The public portal's small enhancements; every page works without them.
// - focus the error summary or the thanks after a round trip, so screen readers hear it;
// - copy the tracking code;
// - check a chosen photo's type and size before it is sent;
// - the district map: clicking a district picks it in the #county list, and the list moves the map.
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

  var el = document.getElementById("place-map");
  var county = document.getElementById("county");
  var picked = document.getElementById("map-picked");
  if (!county || !picked) return;
  var say = function () {
    var option = county.options[county.selectedIndex];
    picked.textContent = county.value ? picked.dataset.prefix + option.textContent : "";
  };
  county.addEventListener("change", say);
  say();
  if (!el || !window.echarts || !el.dataset.parent) return;
  fetch("/geo/" + encodeURIComponent(el.dataset.parent) + ".json")
    .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
    .then(function (geo) {
      if (!geo.features || !geo.features.length) return;
      el.hidden = false;
      document.getElementById("map-caption").hidden = false;
      echarts.registerMap("portal-area", geo);
      var chart = echarts.init(el);
      var names = {};
      geo.features.forEach(function (f) { names[f.properties.code] = f.properties.name; });
      var draw = function () {
        chart.setOption({
          series: [{
            type: "map", map: "portal-area", nameProperty: "code", roam: false, selectedMode: "single",
            layoutCenter: ["50%", "50%"], layoutSize: "95%",
            label: { show: true, fontSize: 11, formatter: function (p) { return names[p.name] || ""; } },
            itemStyle: { areaColor: "#eef1f5", borderColor: "#8895a7" },
            emphasis: { itemStyle: { areaColor: "#f4c7c3" }, label: { show: true } },
            select: { itemStyle: { areaColor: "#b3261e" }, label: { color: "#fff" } },
            data: geo.features.map(function (f) {
              var code = f.properties.code;
              return { name: code, selected: code === county.value };
            })
          }]
        });
      };
      draw();
      chart.on("click", function (params) {
        var known = Array.prototype.some.call(county.options, function (o) { return o.value === params.name; });
        if (!known) return;
        county.value = county.value === params.name ? "" : params.name;
        county.dispatchEvent(new Event("change"));
      });
      county.addEventListener("change", draw);
      window.addEventListener("resize", function () { chart.resize(); });
    })
    .catch(function () { el.hidden = true; });
})();
