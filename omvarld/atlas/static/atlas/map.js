/* The world map: a Natural Earth basemap shipped with the site (no tile server), places as
   keyboard-focusable markers clustered when zoomed out, an optional events layer, and a card for
   the chosen place. Everything it shows is also in the list under the map. */
(function () {
  "use strict";

  var el = document.getElementById("map");
  if (!el || !window.L) { return; }
  var config = JSON.parse(document.getElementById("atlas-config").textContent);
  var strings = document.getElementById("atlas-strings").dataset;
  var card = document.getElementById("place-card");
  var params = new URLSearchParams(config.params || {});

  el.textContent = "";
  el.setAttribute("aria-label", strings.map);
  el.setAttribute("role", "region");

  var map = L.map(el, {
    center: [30, 10], zoom: 2, minZoom: 1, maxZoom: 11, worldCopyJump: true, attributionControl: true,
  });
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("Natural Earth · Leaflet");

  // Rings that touch both sides of the 180° meridian (Russia, Fiji) would be drawn with an edge
  // across the whole world; moving their western points east by 360° keeps them in one piece.
  function unwrapAntimeridian(geometry) {
    if (!geometry) { return; }
    var polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.type === "MultiPolygon" ? geometry.coordinates : [];
    polygons.forEach(function (polygon) {
      polygon.forEach(function (ring) {
        var west = ring.some(function (p) { return p[0] < -170; });
        var east = ring.some(function (p) { return p[0] > 170; });
        if (west && east) {
          ring.forEach(function (p) { if (p[0] < 0) { p[0] += 360; } });
        }
      });
    });
  }

  function loadBasemap() {
    return fetch(el.dataset.basemapUrl, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (topo) {
        var land = topojson.feature(topo, topo.objects.countries);
        land.features.forEach(function (f) { unwrapAntimeridian(f.geometry); });
        L.geoJSON(land, {
          interactive: false, renderer: L.canvas({ padding: 0.5 }),
          style: { color: "#7d8b96", weight: 0.7, fillColor: "#f6f3ea", fillOpacity: 1 },
        }).addTo(map);
      });
  }

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function isActivation(e) {
    var key = e.originalEvent && e.originalEvent.key;
    return key === "Enter" || key === " ";
  }

  function showCard(html) {
    card.innerHTML = html;
    var heading = card.querySelector("h2");
    if (heading) { heading.focus(); }
  }

  function openCard(slug) {
    card.setAttribute("aria-busy", "true");
    var url = el.dataset.cardUrl.replace("SLUG", encodeURIComponent(slug)) + "?days=" + encodeURIComponent(params.get("days") || "");
    fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.text(); })
      .then(showCard)
      .catch(function () { showCard("<p class=\"error\">" + escapeHtml(strings.failed) + "</p>"); })
      .then(function () { card.removeAttribute("aria-busy"); });
  }

  function placeMarker(row, categories, cols) {
    var slug = row[cols.slug], name = row[cols.name], cat = categories[row[cols.category]] || categories[0];
    var size = row[cols.size], isNew = row[cols.new] === 1;
    var html = '<span class="marker-shape shape-' + cat.shape + " cat-" + row[cols.category] + (isNew ? " marker-new" : "") +
      '" aria-hidden="true">' + escapeHtml(cat.letter) + '</span><span class="visually-hidden">' +
      escapeHtml(strings.place + " " + name + " (" + cat.name + ")") + "</span>";
    var marker = L.marker([row[cols.lat], row[cols.lon]], {
      icon: L.divIcon({ className: "atlas-marker", html: html, iconSize: [size, size] }),
      title: name, keyboard: true, riseOnHover: true,
    });
    marker.slug = slug;
    marker.on("click", function () { openCard(slug); });
    marker.on("keydown", function (e) { if (isActivation(e)) { L.DomEvent.preventDefault(e.originalEvent); openCard(slug); } });
    return marker;
  }

  function eventMarker(ev) {
    var html = '<span class="event-shape" aria-hidden="true"></span><span class="visually-hidden">' +
      escapeHtml(strings.event + ": " + ev.title) + "</span>";
    var marker = L.marker([ev.lat, ev.lon], {
      icon: L.divIcon({ className: "atlas-event", html: html, iconSize: [14, 14], iconAnchor: [-4, 18] }), title: ev.title, keyboard: true,
      zIndexOffset: 1000,
    });
    function show() {
      showCard('<article class="card place" aria-labelledby="card-h"><h2 id="card-h" tabindex="-1">' + escapeHtml(ev.title) +
        '</h2><p class="meta">' + escapeHtml(strings.event) + (ev.starts ? " · " + escapeHtml(ev.starts) : "") +
        (ev.place ? " · " + escapeHtml(ev.place) : "") + '</p><p><a class="button" href="' + escapeHtml(ev.url) + '">' +
        escapeHtml(ev.title) + "</a></p></article>");
    }
    marker.on("click", show);
    marker.on("keydown", function (e) { if (isActivation(e)) { L.DomEvent.preventDefault(e.originalEvent); show(); } });
    return marker;
  }

  function clusterIcon(cluster) {
    var n = cluster.getChildCount();
    var size = n < 10 ? 34 : n < 100 ? 42 : 50;
    return L.divIcon({
      className: "atlas-cluster",
      html: '<span class="cluster-count" aria-hidden="true">' + n + '</span><span class="visually-hidden">' + n + " " +
        escapeHtml(strings.cluster) + "</span>",
      iconSize: [size, size],
    });
  }

  function loadPlaces() {
    var query = params.toString();
    return fetch(el.dataset.dataUrl + (query ? "?" + query : ""), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var cols = {};
        data.columns.forEach(function (c, i) { cols[c] = i; });
        var loaded;
        var allPlaced = new Promise(function (resolve) { loaded = resolve; });
        var group = L.markerClusterGroup({
          iconCreateFunction: clusterIcon, showCoverageOnHover: false, maxClusterRadius: 45, spiderfyOnMaxZoom: true,
          // Thousands of markers are added in slices so the page keeps answering meanwhile.
          chunkedLoading: true, chunkDelay: 10, chunkProgress: function (done, total) { if (done >= total) { loaded(); } },
        });
        var markers = data.places.map(function (row) { return placeMarker(row, data.categories, cols); });
        // The view is set before the markers are added and without animation, so they are
        // clustered once, at the zoom they are shown at, and stand still when the map is ready.
        var filtered = ["theme", "category", "region", "new"].some(function (k) { return params.get(k); });
        if (filtered && markers.length) {
          var bounds = L.latLngBounds(markers.map(function (m) { return m.getLatLng(); }));
          map.fitBounds(bounds, { padding: [30, 30], maxZoom: 6, animate: false });
        }
        map.addLayer(group);
        group.addLayers(markers);
        if (!markers.length) { loaded(); }
        group.on("clusterkeydown", function (e) {
          if (isActivation(e)) {
            L.DomEvent.preventDefault(e.originalEvent);
            e.layer.zoomToBounds({ padding: [30, 30] });
            map.once("zoomend", function () { el.focus(); });
          }
        });
        var overlays = {};
        overlays[strings.placesLayer] = group;
        if (data.events) {
          var events = L.layerGroup(data.events.map(eventMarker)).addTo(map);
          overlays[strings.eventsLayer] = events;
        }
        L.control.layers(null, overlays, { collapsed: false }).addTo(map);
        el.dataset.places = String(markers.length);
        return allPlaced;
      });
  }

  Promise.all([loadBasemap(), loadPlaces()]).then(function () {
    el.dataset.ready = "true";
    document.dispatchEvent(new CustomEvent("atlas:map-ready"));
  });
})();
