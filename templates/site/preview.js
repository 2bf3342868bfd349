// `build.py serve` only: a banner on every page that says which PDFs are being rebuilt and shows
// the problems of a rebuild that failed. It polls _preview/status.json, which serve rewrites as
// each PDF finishes; a built site never carries this script.
(function () {
  "use strict";
  var script = document.currentScript;
  var statusUrl = new URL("../_preview/status.json", script.src);
  var POLL_MS = 1000;
  var shown = "";

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text; // text, never HTML: messages quote the profile
    return node;
  }

  function problemsBlock(title, lines) {
    var block = element("div", "trainkit-preview__problems");
    block.appendChild(element("p", "trainkit-preview__title", title));
    block.appendChild(element("pre", "", lines.join("\n")));
    return block;
  }

  function render(status) {
    var banner = document.getElementById("trainkit-preview");
    if (!banner) {
      banner = element("aside", "trainkit-preview");
      banner.id = "trainkit-preview";
      banner.setAttribute("role", "status");
      banner.setAttribute("aria-label", "Preview status");
      document.body.appendChild(banner);
    }
    banner.textContent = "";
    var busy = status.pdfs.filter(function (pdf) { return pdf.state === "rendering" || pdf.state === "waiting"; });
    var failed = status.pdfs.filter(function (pdf) { return pdf.state === "failed"; });
    banner.classList.toggle("trainkit-preview--error", status.problems.length > 0 || failed.length > 0);
    if (status.problems.length) {
      banner.appendChild(problemsBlock("The last save could not be built; this is the last good site.", status.problems));
    }
    // PDFs that failed for the same reason (a print template) share one list of problems.
    var reasons = {};
    failed.forEach(function (pdf) {
      var reason = pdf.problems.join("\n");
      (reasons[reason] = reasons[reason] || []).push(pdf.title);
    });
    Object.keys(reasons).forEach(function (reason) {
      var titles = reasons[reason];
      var what = titles.join(", ") + (titles.length > 1 ? " (PDFs) could not be rebuilt:" : " (PDF) could not be rebuilt:");
      banner.appendChild(problemsBlock(what, reason.split("\n")));
    });
    var line = element("p", "trainkit-preview__pdfs");
    var ready = status.pdfs.length - busy.length - failed.length;
    if (busy.length) {
      line.appendChild(document.createTextNode("Rebuilding PDFs (" + ready + " of " + status.pdfs.length + " up to date): "));
      busy.forEach(function (pdf, index) {
        if (index) line.appendChild(document.createTextNode(", "));
        line.appendChild(element("span", "trainkit-preview__" + pdf.state, pdf.title + " (" + pdf.state + ")"));
      });
    } else {
      line.appendChild(document.createTextNode(ready + " of " + status.pdfs.length + " PDFs up to date. "));
    }
    var links = element("details", "trainkit-preview__links");
    links.appendChild(element("summary", "", "Open a PDF"));
    var list = element("ul");
    status.pdfs.forEach(function (pdf) {
      if (!pdf.href) return;
      var item = element("li");
      var link = element("a", "", pdf.title + (pdf.learner ? "" : " (staff)"));
      link.href = new URL("../" + pdf.href, statusUrl).href;
      item.appendChild(link);
      list.appendChild(item);
    });
    links.appendChild(list);
    banner.appendChild(line);
    if (list.children.length) banner.appendChild(links);
  }

  function poll() {
    fetch(statusUrl, { cache: "no-store" })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (text) {
        if (text !== shown) {
          shown = text;
          render(JSON.parse(text));
        }
      })
      .catch(function () { /* serve stopped, or is swapping the site: try again */ })
      .then(function () { setTimeout(poll, POLL_MS); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", poll);
  } else {
    poll();
  }
})();
