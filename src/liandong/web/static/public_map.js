// The public feed's map (公开问题地图): the reports the list beside it shows, as markers at their
// public points (rounded to about 100 m by the server), over the districts' boundaries from the
// platform (/geo/{code}.json, WGS-84). Tiles only when configured (as the portal's: their datum,
// GCJ-02 for most Chinese providers, is what points and boundaries are drawn in, datum.js);
// without, nothing leaves the server. The list stays the page's content; without this script (or
// Leaflet) the map block stays hidden.
(function () {
  "use strict";

  var el = document.getElementById("public-map");
  var data = document.getElementById("public-points");
  if (!el || !data || !window.L) return;
  var points = [];
  try { points = JSON.parse(data.textContent || "[]"); } catch (e) { return; }
  document.getElementById("map-block").hidden = false;

  var crs = el.dataset.crs || "wgs84";
  var toMap = function (la, lo) {
    var p = window.liandongDatum ? window.liandongDatum.toMap(crs, la, lo) : [la, lo];
    return L.latLng(p[0], p[1]);
  };
  var map = L.map(el, { attributionControl: !!el.dataset.tiles, zoomSnap: 0.5 });
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { attribution: el.dataset.attribution, maxZoom: 18,
                                    subdomains: "01234567" }).addTo(map);
  }
  map.setView(toMap(31.57, 120.3), 9);
  var bounds = L.latLngBounds([]);
  points.forEach(function (p) {
    var at = toMap(p.lat, p.lng);
    bounds.extend(at);
    var marker = L.marker(at, {
      keyboard: true, title: p.label,
      icon: L.divIcon({ className: "public-dot" + (p.open ? "" : " closed"), iconSize: [16, 16], iconAnchor: [8, 8] })
    }).addTo(map);
    var link = document.createElement("a");
    link.href = p.url;
    link.textContent = p.label;
    marker.bindPopup(link);
    var icon = marker.getElement();
    if (icon) { icon.setAttribute("aria-label", p.label); icon.setAttribute("role", "button"); }
  });
  var fit = function (extra) {
    var all = L.latLngBounds([]);
    if (bounds.isValid()) all.extend(bounds);
    if (extra && extra.isValid()) all.extend(extra);
    if (all.isValid()) map.fitBounds(all, { padding: [12, 12], maxZoom: 15 });
  };
  fit(null);
  if (el.dataset.parent) {
    window.liandongDatum.boundaries(map, el.dataset.parent, crs)
      .then(function (layer) {
        if (!layer) return;
        layer.bringToBack();
        fit(bounds.isValid() ? null : layer.getBounds());
      })
      .catch(function () { /* the markers stand without the boundaries */ });
  }
  window.addEventListener("resize", function () { map.invalidateSize(); });
})();
