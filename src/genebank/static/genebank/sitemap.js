// Offline map of collecting sites: the country outline (shipped with the app) and the site markers,
// drawn with Leaflet and no tile server, so it works without internet.
(function () {
  // Labels are what people typed or imported (COLLSITE): Leaflet puts a string content in with
  // innerHTML, so '<img onerror=...>' would run. Hand it an element holding the text as text.
  function textNode(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span;
  }
  var holder = document.getElementById("site-map");
  var dataNode = document.getElementById("map-data");
  if (!holder || !dataNode || typeof L === "undefined") return;
  var data = JSON.parse(dataNode.textContent);
  var map = L.map(holder, { attributionControl: false, zoomSnap: 0.25 }).setView([20, 20], 2);
  var points = [];
  if (data.outline) {
    var outline = L.geoJSON(data.outline, {
      style: { color: "#198754", weight: 1.5, fillColor: "#e9f5ec", fillOpacity: 1 }
    }).addTo(map);
    var ob = outline.getBounds();
    if (ob.isValid()) points.push(ob.getSouthWest(), ob.getNorthEast());
  }
  var sites = data.sites || (data.site ? [data.site] : []);
  sites.forEach(function (s) {
    var m = L.circleMarker([s.lat, s.lon], { radius: 6, color: "#b02a37", weight: 2, fillOpacity: 0.8 }).addTo(map);
    if (s.label) m.bindTooltip(textNode(s.label));
    points.push(L.latLng(s.lat, s.lon));
  });
  if (points.length) {
    map.fitBounds(L.latLngBounds(points).pad(0.1), { maxZoom: 9 });
  } else {
    map.setView([20, 20], 2);
  }
  holder.dataset.ready = "1";
})();
