// Map view: the markers of a filtered list (a JSON block on the page), clustered, each
// popup linking to the item's page. The same items are listed as links below the map,
// which is what people without JavaScript (or who prefer a list) use.
(function () {
  "use strict";
  if (!window.L) return;

  function numbers(text) {
    return text.split(",").map(Number);
  }

  function popup(item) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = item.url;
    link.textContent = item.title; // text, never HTML: titles are written by residents
    box.appendChild(link);
    if (item.status) {
      var status = document.createElement("p");
      status.className = "map-popup-status";
      status.textContent = item.status;
      box.appendChild(status);
    }
    return box;
  }

  function setUp(box) {
    var data = box.dataset;
    var source = document.getElementById(data.markers);
    var items = source ? JSON.parse(source.textContent) : [];
    box.hidden = false;
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
    var group = L.markerClusterGroup ? L.markerClusterGroup({ showCoverageOnHover: false }) : L.featureGroup();
    items.forEach(function (item) {
      var marker = L.marker([item.lat, item.lon], { title: item.title, alt: item.title });
      marker.bindPopup(popup(item));
      group.addLayer(marker);
    });
    map.addLayer(group);
    if (items.length) {
      map.fitBounds(group.getBounds(), { padding: [40, 40], maxZoom: 16 });
    } else {
      map.fitBounds(L.latLngBounds([b[0], b[1]], [b[2], b[3]]));
    }
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-map-view]"), setUp);
})();
