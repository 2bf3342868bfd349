// Accessibility fixes for mkdocs-material pages, applied once the page has loaded.
(function () {
  "use strict";
  function fix() {
    // The search overlay is a dialog without a name.
    var search = document.querySelector(".md-search");
    if (search && !search.getAttribute("aria-label")) {
      search.setAttribute("aria-label", "Search");
    }
    // Checklist boxes (observer cards) are for print: name each by its item's text.
    document.querySelectorAll(".task-list-item input[type=checkbox]").forEach(function (box) {
      var item = box.closest(".task-list-item");
      if (item && !box.getAttribute("aria-label")) {
        box.setAttribute("aria-label", item.textContent.trim());
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", fix);
  } else {
    fix();
  }
})();
