/* A map of the results (or of a service's venues) drawn with Leaflet from data attributes
   the page already carries. The list stays the accessible, complete view: the map starts
   hidden and is only shown when Leaflet has loaded, and works without tiles too. Each
   marker carries its result's number, as the list does. On a narrow screen the map is
   behind a "Show the map" button above the results, not after all of them. */
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
      url: node.getAttribute("data-url"),
      number: node.getAttribute("data-number")
    };
  }).filter(function (place) { return place.lat !== null && place.lon !== null; });
  if (!places.length) { return; }

  var map = null;
  function draw() {
    if (map) { map.invalidateSize(); return; }
    map = L.map(container, { scrollWheelZoom: false });
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
      var title = (place.number ? place.number + ". " : "") + place.name;
      var options = { title: title, alt: title, keyboard: false };
      if (place.number) {
        var label = document.createElement("span");
        label.textContent = place.number;
        options.icon = L.divIcon({ className: "map-number", html: label.outerHTML, iconSize: [28, 28], iconAnchor: [14, 14], popupAnchor: [0, -14] });
      }
      var marker = L.marker([place.lat, place.lon], options);
      var content = document.createElement(place.url ? "a" : "span");
      content.textContent = title;
      if (place.url) { content.href = place.url; }
      marker.bindPopup(content).addTo(map);
      bounds.push([place.lat, place.lon]);
    });

    map.fitBounds(bounds, { padding: [30, 30], maxZoom: 15 });
  }

  var lists = document.querySelector(".results-lists");
  var narrow = window.matchMedia && window.matchMedia("(max-width: 63.99rem)").matches;
  if (narrow && lists && container.closest(".results-layout")) {
    var toggle = document.createElement("button");
    toggle.type = "button";
    toggle.className = "secondary map-toggle";
    toggle.setAttribute("aria-controls", "results-map");
    toggle.setAttribute("aria-expanded", "false");
    toggle.textContent = "Show the map";
    lists.parentNode.insertBefore(toggle, lists);
    lists.parentNode.insertBefore(container, lists);
    toggle.addEventListener("click", function () {
      var opening = container.hidden;
      container.hidden = !opening;
      toggle.setAttribute("aria-expanded", String(opening));
      toggle.textContent = opening ? "Hide the map" : "Show the map";
      if (opening) { draw(); }
    });
    return;
  }
  container.hidden = false;
  draw();
})();
