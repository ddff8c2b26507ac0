/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The map of the report form: a click (or Enter on the focused map, at
 * its centre) sets the marker and writes the position into the latitude
 * and longitude fields, which stay the way to give a place without the
 * map.  Progressive enhancement: the server adds the map container only
 * when the tenant configured a tile source; without this script or
 * Leaflet the container stays hidden and the form works as before.
 */
(function () {
  "use strict";

  function text(s) {
    var d = document.createElement("div");

    d.textContent = s || "";
    return d.innerHTML;
  }

  function setup() {
    var box = document.getElementById("report-map-box");
    var lat = document.getElementById("breite");
    var lon = document.getElementById("laenge");
    var status = document.getElementById("report-map-status");
    var map, marker = null;

    if (!box || !lat || !lon || !window.L) {
      return;
    }
    box.hidden = false;
    map = window.L.map("report-map", {zoomControl: false}).setView(
      [parseFloat(box.getAttribute("data-lat")), parseFloat(box.getAttribute("data-lon"))],
      parseInt(box.getAttribute("data-zoom"), 10));
    // Leaflet writes the attribution as HTML: give it text only.
    window.L.tileLayer(box.getAttribute("data-tiles"), {
      attribution: text(box.getAttribute("data-attribution")),
      maxZoom: 19
    }).addTo(map);
    window.L.control.zoom({
      zoomInTitle: box.getAttribute("data-zoom-in"),
      zoomOutTitle: box.getAttribute("data-zoom-out")
    }).addTo(map);

    function place(ll, say) {
      if (marker) {
        marker.setLatLng(ll);
      } else {
        marker = window.L.marker(ll, {keyboard: false, alt: box.getAttribute("data-marker")})
          .addTo(map);
      }
      if (say) {
        lat.value = ll.lat.toFixed(6);
        lon.value = ll.lng.toFixed(6);
        status.textContent = lat.value + ", " + lon.value;
      }
    }
    function typed() {
      var a = parseFloat(lat.value.replace(",", ".")), b = parseFloat(lon.value.replace(",", "."));

      if (!isNaN(a) && !isNaN(b)) {
        place(window.L.latLng(a, b), false);
      }
    }
    map.on("click", function (e) { place(e.latlng, true); });
    map.getContainer().addEventListener("keydown", function (e) {
      if (e.key === "Enter") {
        e.preventDefault();
        place(map.getCenter(), true);
      }
    });
    lat.addEventListener("change", typed);
    lon.addEventListener("change", typed);
    typed();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
