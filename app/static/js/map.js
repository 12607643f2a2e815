/* A map of the results (or of a service's venues) drawn with Leaflet from data attributes
   the page already carries. The list stays the accessible, complete view: the map starts
   hidden and is only shown when Leaflet has loaded, and works without tiles too. */
(function () {
  "use strict";

  var container = document.getElementById("results-map");
  if (!container || typeof window.L === "undefined") { return; }
  var L = window.L;

  function number(value) {
    var parsed = parseFloat(value);
    return isFinite(parsed) ? parsed : null;
  }

  var source = container.getAttribute("data-marker-source") || ".listing[data-lat]";
  var places = Array.prototype.slice.call(document.querySelectorAll(source)).map(function (node) {
    return {
      lat: number(node.getAttribute("data-lat")),
      lon: number(node.getAttribute("data-lon")),
      name: node.getAttribute("data-name") || "",
      url: node.getAttribute("data-url")
    };
  }).filter(function (place) { return place.lat !== null && place.lon !== null; });
  if (!places.length) { return; }

  container.hidden = false;
  var map = L.map(container, { scrollWheelZoom: false });
  var tiles = container.getAttribute("data-tile-url");
  if (tiles) {
    var credit = document.createElement("span");
    credit.textContent = container.getAttribute("data-tile-attribution") || "";
    L.tileLayer(tiles, { maxZoom: 19, attribution: credit.innerHTML }).addTo(map);
  }

  var bounds = [];
  var hereLat = number(container.getAttribute("data-lat"));
  var hereLon = number(container.getAttribute("data-lon"));
  if (hereLat !== null && hereLon !== null) {
    L.circleMarker([hereLat, hereLon], {
      radius: 9, color: "#0b0c0c", weight: 3, fillColor: "#ffbf47", fillOpacity: 1, interactive: false
    }).addTo(map);
    bounds.push([hereLat, hereLon]);
  }

  places.forEach(function (place) {
    var marker = L.marker([place.lat, place.lon], { title: place.name, alt: place.name, keyboard: false });
    var content = document.createElement(place.url ? "a" : "span");
    content.textContent = place.name;
    if (place.url) { content.href = place.url; }
    marker.bindPopup(content).addTo(map);
    bounds.push([place.lat, place.lon]);
  });

  map.fitBounds(bounds, { padding: [30, 30], maxZoom: 15 });
})();
