/*
 * The evaluator's review screen (templates/assessments/review_item.html).
 *
 *  - Ctrl+Enter (⌘+Enter on a Mac): save and go to the next item;
 *  - Alt+← / Alt+→: previous / next item;
 *  - leaving the page with unsaved changes in the score form asks first;
 *  - "预览" on an evidence file shows it in the viewer (PDF in a frame, images inline);
 *  - on wide screens the three columns scroll on their own, filling the window.
 * No inline script (the CSP forbids it), no library.
 */
(function () {
  "use strict";

  var form = document.getElementById("review-form");
  var header = document.getElementById("review-header");
  var dirty = !!(form && form.dataset.dirty === "1");
  var submitting = false;

  // Unsaved changes ---------------------------------------------------------------------
  if (form) {
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("change", function () { dirty = true; });
    form.addEventListener("submit", function () { submitting = true; });
  }
  window.addEventListener("beforeunload", function (event) {
    if (dirty && !submitting) {
      event.preventDefault();
      event.returnValue = ""; // older browsers need a value to show the dialog
    }
  });
  // Back from the bfcache: the form may have been submitted already.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) submitting = false;
  });

  // Keyboard --------------------------------------------------------------------------------
  function go(url) {
    if (url) window.location.assign(url);
  }

  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && form) {
      event.preventDefault();
      var button = document.getElementById("review-save-next");
      if (typeof form.requestSubmit === "function") {
        form.requestSubmit(button);
      } else {
        button.click();
      }
      return;
    }
    if (event.altKey && !event.ctrlKey && !event.metaKey && !event.shiftKey && header) {
      if (event.key === "ArrowLeft" && header.dataset.prevUrl) {
        event.preventDefault();
        go(header.dataset.prevUrl);
      } else if (event.key === "ArrowRight" && header.dataset.nextUrl) {
        event.preventDefault();
        go(header.dataset.nextUrl);
      }
    }
  });

  // Evidence viewer ---------------------------------------------------------------------------
  var viewerBody = document.getElementById("evidence-viewer-body");
  var caption = document.getElementById("evidence-viewer-caption");
  var download = document.getElementById("evidence-viewer-download");
  var openLink = document.getElementById("evidence-viewer-open");
  var viewerHeight = 480; // set by layout() to fill the evidence pane

  function sizeViewer() {
    if (!viewerBody) return;
    viewerBody.querySelectorAll("iframe").forEach(function (frame) {
      frame.height = String(viewerHeight);
    });
    viewerBody.querySelectorAll("img").forEach(function (img) {
      img.style.maxHeight = viewerHeight + "px";
    });
  }

  function show(button) {
    if (!viewerBody) return;
    var node;
    if (button.dataset.kind === "pdf") {
      node = document.createElement("iframe");
      node.className = "w-100 border-0 d-block";
      node.title = button.dataset.caption || "";
    } else {
      node = document.createElement("img");
      node.className = "img-fluid d-block mx-auto";
      node.alt = button.dataset.caption || "";
    }
    node.src = button.dataset.url;
    viewerBody.replaceChildren(node);
    sizeViewer();
    if (caption) caption.textContent = button.dataset.caption || "";
    if (download) download.href = button.dataset.download;
    if (openLink) openLink.href = button.dataset.url;
    var pane = viewerBody.closest(".review-pane");
    if (pane) pane.scrollTop = 0;
  }

  document.querySelectorAll(".js-preview").forEach(function (button) {
    button.addEventListener("click", function () { show(button); });
  });

  // Layout: on wide screens the columns fill the window and scroll on their own; the right
  // column is split, evidence above and the score form (always in sight) below.
  var wide = window.matchMedia("(min-width: 992px)");
  var GAP = 8; // .mt-2 between the two panes of a column

  function fit(pane, height) {
    pane.style.maxHeight = height === null ? "" : height + "px";
    pane.style.overflowY = height === null ? "" : "auto";
  }

  function layout() {
    var columns = document.querySelectorAll("#review-screen > div");
    columns.forEach(function (column) {
      var panes = Array.prototype.filter.call(column.children, function (child) {
        return child.classList.contains("review-pane");
      });
      if (!panes.length) return;
      if (!wide.matches) {
        panes.forEach(function (pane) { fit(pane, null); });
        viewerHeight = 480;
        return;
      }
      var top = panes[0].getBoundingClientRect().top + window.scrollY;
      var available = Math.max(360, window.innerHeight - top - 12);
      if (panes.length === 1) {
        fit(panes[0], available);
        return;
      }
      fit(panes[0], null);
      fit(panes[1], null);
      var natural = panes[1].scrollHeight;
      var share = Math.max(Math.round(available * 0.45), 200);
      var below, above;
      if (viewerBody) {
        // The viewer takes whatever the form leaves.
        below = Math.min(natural, share);
        above = available - below - GAP;
      } else {
        var content = panes[0].scrollHeight;
        below = Math.min(natural, Math.max(share, available - content - GAP));
        above = Math.min(content, available - below - GAP);
      }
      fit(panes[0], above);
      fit(panes[1], below);
      var bar = document.getElementById("evidence-viewer-bar");
      var header = panes[0].querySelector(".card-header");
      var used = (bar ? bar.offsetHeight : 0) + (header ? header.offsetHeight : 0) + 4;
      viewerHeight = Math.max(200, above - used);
    });
    sizeViewer();
  }

  layout();
  window.addEventListener("resize", layout);
  if (wide.addEventListener) wide.addEventListener("change", layout);

  // Put the caret in the first score field, so typing can start at once.
  if (form && !document.querySelector("#review-errors")) {
    var first = form.querySelector("input[type=number], input[type=checkbox], textarea");
    if (first) first.focus({ preventScroll: true });
  }
  var error = form && form.querySelector(".is-invalid");
  if (error) {
    error.focus({ preventScroll: true });
    error.scrollIntoView({ block: "nearest" });
  }
})();
