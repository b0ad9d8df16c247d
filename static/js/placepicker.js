// Place picker: a map that fills a form's latitude and longitude fields.
// The fields stay visible and editable (the accessible path, and the only one without
// JavaScript); the map, the draggable marker and "Use my location" only help fill them.
// After a point is set, the colonia there is suggested when the page offers the lookup
// (data-colonia-url) and the person has not chosen one. Messages go to a live region.
(function () {
  "use strict";
  if (!window.L) return;

  var baseMap = window.participaMaps.baseMap;

  function parse(input) {
    var value = input.value.trim().replace(",", ".");
    return value === "" || isNaN(Number(value)) ? null : Number(value);
  }

  function setUp(picker) {
    var data = picker.dataset;
    var box = picker.querySelector("[data-map]");
    var lat = document.getElementById(data.latField);
    var lon = document.getElementById(data.lonField);
    var status = picker.querySelector("[data-map-status]");
    var locate = picker.querySelector("[data-locate]");
    var colonia = data.coloniaField ? document.getElementById(data.coloniaField) : null;
    // The colonia is suggested until the person picks one in the select themselves (a value
    // the page came with, such as their home colonia, is only a default). A zone wider than a
    // colonia (a whole delegación, "d<id>" on zone selects) is a choice: a point never narrows it.
    var chosen = false;
    var lastSaid = "";  // the point's message, said again with the colonia's
    if (!box || !lat || !lon) return;
    box.hidden = false;
    var made = baseMap(box, box.dataset);
    var map = made.map;
    var marker = null;

    function wider(value) {
      return Boolean(data.coloniaPrefix) && Boolean(value) && value.indexOf(data.coloniaPrefix) !== 0;
    }

    function say(text) {
      status.textContent = "";
      window.setTimeout(function () { status.textContent = text; }, 50);
    }

    function suggestColonia(point) {
      if (!data.coloniaUrl || !colonia) return;
      if (chosen || wider(colonia.value)) return;
      var url = data.coloniaUrl + "?lat=" + point.lat.toFixed(6) + "&lon=" + point.lng.toFixed(6);
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (found) {
          if (!found || found.id === undefined) return;
          if (chosen || wider(colonia.value)) return;
          var value = (data.coloniaPrefix || "") + found.id;
          var option = Array.prototype.find.call(colonia.options, function (o) { return o.value === value; });
          if (!option) return;
          colonia.value = value;
          // Both at once: the point just marked, then the colonia it lies in.
          say((lastSaid ? lastSaid + " " : "") + data.msgColonia.replace("%s", found.label));
        })
        .catch(function () { /* no suggestion: the select stays as it is */ });
    }

    function place(point, announce) {
      if (!made.bounds.contains(point)) {
        say(data.msgOutside);
        return;
      }
      if (marker) {
        marker.setLatLng(point);
      } else {
        marker = L.marker(point, { draggable: true, keyboard: false, alt: data.markerLabel, title: data.markerLabel }).addTo(map);
        marker.on("dragend", function () { fill(marker.getLatLng(), true); });
      }
      if (announce) fill(point, true);
    }

    function fill(point, announce) {
      if (!made.bounds.contains(point)) {
        say(data.msgOutside);
        var typed = current();
        if (typed) marker.setLatLng(typed);
        return;
      }
      lat.value = point.lat.toFixed(6);
      lon.value = point.lng.toFixed(6);
      lastSaid = announce ? data.msgSet.replace("%s", lat.value + ", " + lon.value) : "";
      if (announce) say(lastSaid);
      suggestColonia(point);
    }

    function current() {
      var a = parse(lat), b = parse(lon);
      return a === null || b === null ? null : L.latLng(a, b);
    }

    var start = current();
    if (start && made.bounds.contains(start)) {
      place(start, false);
      map.setView(start, Math.max(map.getZoom(), 16));
    }

    map.on("click", function (event) { place(event.latlng, true); });
    // Keyboard: arrows move the map (Leaflet), Enter puts the point at its centre.
    box.addEventListener("keydown", function (event) {
      if (event.target === box && event.key === "Enter") {
        event.preventDefault();
        place(map.getCenter(), true);
      }
    });
    [lat, lon].forEach(function (input) {
      input.addEventListener("change", function () {
        var typed = current();
        if (typed && made.bounds.contains(typed)) {
          place(typed, false);
          map.panTo(typed);
        }
      });
    });
    if (colonia) {
      colonia.addEventListener("change", function () { chosen = true; });
    }

    if (locate && navigator.geolocation) {
      locate.hidden = false;
      locate.addEventListener("click", function () {
        say(data.msgLocating);
        navigator.geolocation.getCurrentPosition(
          function (position) {
            var point = L.latLng(position.coords.latitude, position.coords.longitude);
            if (!made.bounds.contains(point)) { say(data.msgOutside); return; }
            map.setView(point, Math.max(map.getZoom(), 16));
            place(point, true);
          },
          function (error) {
            say(error.code === 1 ? data.msgDenied : data.msgUnavailable);
          },
          { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
        );
      });
    }
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-place-picker]"), setUp);
})();
