// Map view: the markers of a filtered list (a JSON block on the page), clustered, each
// popup linking to the item's page. The same items are listed as links below the map,
// which is what people without JavaScript (or who prefer a list) use.
(function () {
  "use strict";
  if (!window.L) return;

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
    var made = window.participaMaps.baseMap(box, data);
    var map = made.map;
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
      map.fitBounds(made.bounds);
    }
  }

  // After the page's first paint: drawing the map (tiles, markers, clusters) takes a slow
  // phone a few hundred milliseconds, which the text above and below need not wait for.
  // The box holds its room from the start (.map-view's height), so nothing moves then.
  requestAnimationFrame(function () {
    setTimeout(function () {
      Array.prototype.forEach.call(document.querySelectorAll("[data-map-view]"), setUp);
    }, 0);
  });
})();
