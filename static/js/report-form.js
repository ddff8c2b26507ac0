/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The report form shows only the questions of the chosen category.
 * Progressive enhancement: without this script every category's
 * questions are shown, each group saying which category it belongs to,
 * and the server reads only the chosen one's answers.
 */
(function () {
  "use strict";

  function setup() {
    var select = document.getElementById("kategorie");
    var groups = document.querySelectorAll("fieldset[data-category]");

    if (!select || groups.length === 0) {
      return;
    }
    function show() {
      for (var i = 0; i < groups.length; i++) {
        groups[i].hidden = groups[i].getAttribute("data-category") !== select.value;
      }
    }
    select.addEventListener("change", show);
    show();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
