// The report form's map and helpers (the form works without them: address and district list).
// - the map (Leaflet from npm, served locally): the districts from the platform's boundaries,
//   tiles only when configured; a pin dropped by a tap or from "use my location" (WGS-84 from the
//   browser, converted to the map's datum, GCJ-02 for most Chinese tiles);
// - the place check: the pin gives the district, the address the township, a disagreement is shown;
// - the matter: suggestions from the text as it is typed, and a category narrowing the list;
// - "already reported?": open reports of the same matter nearby, each with a "me too" button.
(function () {
  "use strict";

  var form = document.getElementById("report-form");
  if (!form) return;
  var lang = new URL(form.action, window.location.href).searchParams.get("lang") || "";
  var field = function (id) { return document.getElementById(id); };
  var lat = field("lat"), lng = field("lng"), crs = field("crs"), address = field("address");
  var matter = field("matter"), description = field("description");
  var status = field("pin-status");
  var placed = null; // the last answer of /portal/place.json

  var later = function (fn, ms) {
    var timer = null;
    return function () { clearTimeout(timer); timer = setTimeout(fn, ms); };
  };
  var query = function (params) {
    var q = new URLSearchParams(params);
    q.set("lang", lang);
    return q.toString();
  };
  var getJSON = function (path, params) {
    return fetch(path + "?" + query(params), { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); });
  };
  var fill = function (template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) { return values[key] === undefined ? "" : values[key]; });
  };
  var pinned = function () { return lat.value !== "" && lng.value !== ""; };

  // WGS-84 → the map's datum (GCJ-02 for most Chinese tiles): datum.js
  var toMap = function (la, lo) { return window.liandongDatum.toMap(crs.value, la, lo); };

  // -- "already reported?" ------------------------------------------------------------------
  var nearby = field("nearby"), list = field("nearby-list"), nearbyStatus = field("nearby-status");
  var words = nearby ? nearby.dataset : {};
  var element = function (tag, className, text) {
    var el = document.createElement(tag);
    if (className) el.className = className;
    if (text !== undefined) el.textContent = text;
    return el;
  };
  var refreshNearby = later(function () {
    if (!nearby) return;
    nearby.hidden = !matter.value;
    list.textContent = "";
    if (!matter.value || (!pinned() && !address.value.trim())) {
      nearbyStatus.textContent = words.wait;
      return;
    }
    getJSON("/portal/nearby.json", { matter: matter.value, lat: lat.value, lng: lng.value, crs: crs.value,
                                     address: address.value.trim() })
      .then(function (answer) {
        if (!answer.ok) { // a half-typed address is no news; a refused pin is said by the pin's status too
          nearbyStatus.textContent = pinned() ? answer.body.message || words.wait : words.wait;
          return;
        }
        var reports = answer.body.reports || [];
        nearbyStatus.textContent = reports.length ? "" : words.none;
        reports.forEach(function (r) {
          var item = element("li", "nearby-item");
          item.appendChild(element("p", "nearby-head", [r.matter, r.place, r.received, r.status].join(" · ")));
          item.appendChild(element("p", "nearby-text", r.description || words["private"]));
          var facts = [fill(words.ref, { ref: r.ref })];
          if (r.supporters) facts.push(fill(words.supporters, { n: r.supporters }));
          if (r.distance_m !== null) facts.push(fill(words.distance, { m: r.distance_m }));
          item.appendChild(element("p", "hint", facts.join(" · ")));
          var button = element("button", "metoo", words.metoo);
          button.type = "button"; // the report form's submit stays its only one
          button.dataset.ref = r.ref;
          button.setAttribute("aria-label", fill(words.label, { ref: r.ref }));
          button.addEventListener("click", function () {
            var metoo = field("metoo-form");
            metoo.elements.ref.value = r.ref;
            if (metoo.requestSubmit) metoo.requestSubmit(); else metoo.submit();
          });
          item.appendChild(button);
          list.appendChild(item);
        });
      })
      .catch(function () { nearbyStatus.textContent = words.wait; });
  }, 250);

  // -- the place: pin and address ----------------------------------------------------------
  var showPlace = function (message, refused) {
    if (!status) return;
    status.textContent = message;
    status.classList.toggle("field-error", !!refused);
  };
  var checkPlace = later(function () {
    if (!pinned()) { placed = null; refreshNearby(); return; }
    showPlace(status.dataset.checking, false);
    getJSON("/portal/place.json", { lat: lat.value, lng: lng.value, crs: crs.value, address: address.value.trim() })
      .then(function (answer) {
        placed = answer.ok ? answer.body : null;
        if (!answer.ok) { showPlace(answer.body.message, true); refreshNearby(); return; }
        var text = fill(status.dataset.at, { county: placed.county ? placed.county.name : "" });
        if (placed.named) text += fill(status.dataset.named, { named: placed.named.name });
        showPlace(text, false);
        refreshNearby();
      })
      .catch(function () { showPlace(status.dataset.none, false); });
  }, 300);
  if (address) address.addEventListener("input", checkPlace);

  var el = field("place-map");
  if (el && window.L) {
    field("map-block").hidden = false;
    var map = L.map(el, { attributionControl: !!el.dataset.tiles, zoomSnap: 0.5 });
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, { attribution: el.dataset.attribution, maxZoom: 18,
                                      subdomains: "01234567" }).addTo(map);
    }
    map.setView(toMap(31.57, 120.3), 9);
    var marker = null;
    var clear = field("pin-clear");
    var setPin = function (latlng) {
      if (!marker) {
        marker = L.marker(latlng, { draggable: true, keyboard: true, title: status.dataset.none,
                                    icon: L.divIcon({ className: "pin-icon", iconSize: [26, 26], iconAnchor: [13, 26] }) })
          .addTo(map);
        marker.on("dragend", function () { setPin(marker.getLatLng()); });
      } else {
        marker.setLatLng(latlng);
      }
      lat.value = latlng.lat.toFixed(6);
      lng.value = latlng.lng.toFixed(6);
      var icon = marker.getElement();
      if (icon) icon.setAttribute("aria-label", el.getAttribute("aria-label"));
      clear.hidden = false;
      showPlace(status.dataset.checking, false);
      checkPlace();
    };
    map.on("click", function (event) { setPin(event.latlng); });
    clear.addEventListener("click", function () {
      if (marker) { map.removeLayer(marker); marker = null; }
      lat.value = lng.value = "";
      clear.hidden = true;
      showPlace(status.dataset.none, false);
      checkPlace();
    });
    if (el.dataset.parent) {
      window.liandongDatum.boundaries(map, el.dataset.parent, crs.value)
        .then(function (layer) {
          if (!layer) return;
          map.fitBounds(layer.getBounds());
          if (pinned()) setPin(L.latLng(Number(lat.value), Number(lng.value)));
        })
        .catch(function () { /* the map still takes a pin */ });
    } else if (pinned()) {
      setPin(L.latLng(Number(lat.value), Number(lng.value)));
    }
    field("use-location").addEventListener("click", function () {
      if (!navigator.geolocation) { showPlace(status.dataset.denied, true); return; }
      showPlace(status.dataset.locating, false);
      navigator.geolocation.getCurrentPosition(function (position) {
        var p = toMap(position.coords.latitude, position.coords.longitude); // WGS-84 → the map's datum
        var here = L.latLng(p[0], p[1]);
        map.setView(here, 14);
        setPin(here);
      }, function () { showPlace(status.dataset.denied, true); }, { enableHighAccuracy: true, timeout: 15000 });
    });
    window.addEventListener("resize", function () { map.invalidateSize(); });
  }

  // -- the matter: a category narrows the list; the text suggests ----------------------------
  var category = field("category");
  var groups = Array.prototype.map.call(matter.querySelectorAll("optgroup"), function (g) { return g; });
  var showGroups = function () {
    var chosen = category.value, keep = matter.value;
    groups.forEach(function (g) {
      if (g.parentNode) g.parentNode.removeChild(g);
      if (chosen === "" || g.dataset.group === chosen) matter.appendChild(g);
    });
    matter.value = keep;
    if (matter.value !== keep) matter.value = "";
  };
  if (category) {
    field("category-row").hidden = false;
    category.addEventListener("change", function () { showGroups(); refreshNearby(); });
  }
  matter.addEventListener("change", refreshNearby);

  var box = field("suggestions");
  var suggest = later(function () {
    var text = description.value.trim();
    if (text.length < 4) { box.hidden = true; box.textContent = ""; return; }
    getJSON("/portal/suggest.json", { text: text.slice(0, 4000) }).then(function (answer) {
      var found = answer.ok ? answer.body.suggestions || [] : [];
      box.textContent = "";
      box.hidden = !found.length;
      if (!found.length) return;
      box.appendChild(element("p", "hint", box.dataset.title));
      found.forEach(function (s) {
        var button = element("button", "suggestion", s.name + " · " + s.category);
        button.type = "button";
        button.dataset.matter = s.matter;
        button.setAttribute("aria-pressed", String(matter.value === s.matter));
        button.addEventListener("click", function () {
          if (category) { category.value = ""; showGroups(); }
          matter.value = s.matter;
          Array.prototype.forEach.call(box.querySelectorAll("button"), function (b) {
            b.setAttribute("aria-pressed", String(b === button));
          });
          matter.dispatchEvent(new Event("change"));
        });
        box.appendChild(button);
      });
    }).catch(function () { box.hidden = true; });
  }, 400);
  description.addEventListener("input", suggest);
  if (description.value.trim()) suggest();
  if (matter.value) refreshNearby();
})();
