// What every map of the site shares: a Leaflet map in a box whose data attributes carry the
// settings (templates/macros/maps.html map_data): centre, zoom, tiles and their attribution,
// and the municipality's bounds. Loaded before placepicker.js or mapview.js.
(function () {
  "use strict";
  if (!window.L) {
    // Leaflet did not load: no empty box where a map view would be (its list stays).
    Array.prototype.forEach.call(document.querySelectorAll("[data-map-view]"), function (box) {
      box.hidden = true;
    });
    return;
  }

  function numbers(text) {
    return text.split(",").map(Number);
  }

  // {map, bounds}: the map in `box`, with zoom buttons named in the page's language.
  function baseMap(box, data) {
    var b = numbers(data.bounds);
    var map = L.map(box, {
      center: numbers(data.center),
      zoom: Number(data.zoom),
      maxZoom: Number(data.maxZoom),
      zoomControl: false
    });
    L.control.zoom({ zoomInTitle: data.zoomIn, zoomOutTitle: data.zoomOut }).addTo(map);
    L.tileLayer(data.tiles, {
      attribution: data.attribution,
      maxZoom: Number(data.maxZoom),
      // The page's policy is same-origin; tile servers (OpenStreetMap's usage policy) want to
      // know which site asks, so tiles carry the origin.
      referrerPolicy: "strict-origin-when-cross-origin"
    }).addTo(map);
    return { map: map, bounds: L.latLngBounds([b[0], b[1]], [b[2], b[3]]) };
  }

  window.participaMaps = { baseMap: baseMap };
})();
