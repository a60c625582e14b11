/* Evidence uploads: drag and drop, one XMLHttpRequest per file, a progress bar each.
 *
 * Markup: templates/evidence/_upload_widget.html. Each file is posted on its own (in turn) to
 * data-upload-url with the fields of the enclosing form[data-evidence-fields]; the
 * server answers JSON {ok, error?, warning?, url?, version?}. No libraries, no CDN.
 */
(function () {
  "use strict";

  function formatSize(bytes) {
    if (bytes >= 1024 * 1024) return (bytes / 1024 / 1024).toFixed(1) + " MB";
    if (bytes >= 1024) return (bytes / 1024).toFixed(0) + " KB";
    return bytes + " B";
  }

  function setProgress(item, percent) {
    var bar = item.querySelector(".progress-bar");
    item.querySelector(".progress").setAttribute("aria-valuenow", String(percent));
    bar.style.width = percent + "%";
    bar.textContent = percent + "%";
  }

  function finish(item, ok, message, link, linkText) {
    var bar = item.querySelector(".progress-bar");
    var text = item.querySelector(".evidence-upload-message");
    bar.classList.remove("progress-bar-striped", "progress-bar-animated");
    bar.classList.add(ok ? "bg-success" : "bg-danger");
    item.classList.add(ok ? "evidence-upload-ok" : "evidence-upload-failed");
    text.className = "evidence-upload-message small mt-1 " + (ok ? "text-success" : "text-danger");
    text.textContent = message;
    if (link) {
      var a = document.createElement("a");
      a.href = link;
      a.className = "ms-2";
      a.textContent = linkText;
      text.appendChild(a);
    }
  }

  function init(root) {
    var input = root.querySelector(".evidence-file-input");
    var drop = root.querySelector(".evidence-drop");
    var list = root.querySelector(".evidence-upload-list");
    var start = root.querySelector("[data-upload-start]");
    var error = root.querySelector(".evidence-upload-error");
    var fieldsForm = root.closest("form[data-evidence-fields]");
    var single = root.hasAttribute("data-single");
    var maxBytes = parseInt(root.dataset.maxBytes || "0", 10);
    var queue = [];

    function add(files) {
      error.textContent = "";
      if (single) {
        queue = [];
        list.innerHTML = "";
      }
      Array.prototype.forEach.call(files, function (file) {
        if (single && queue.length) return;
        var item = document.createElement("li");
        item.className = "list-group-item evidence-upload-item";
        item.innerHTML =
          '<div class="d-flex justify-content-between gap-2"><span class="evidence-upload-name text-break"></span>' +
          '<span class="text-secondary small text-nowrap evidence-upload-size"></span></div>' +
          '<div class="progress mt-1" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow="0">' +
          '<div class="progress-bar" style="width: 0%">0%</div></div>' +
          '<div class="evidence-upload-message small mt-1 text-secondary"></div>';
        item.querySelector(".evidence-upload-name").textContent = file.name;
        item.querySelector(".evidence-upload-size").textContent = formatSize(file.size);
        item.querySelector(".progress").setAttribute("aria-label", file.name);
        item.querySelector(".evidence-upload-message").textContent = root.dataset.msgPending;
        list.appendChild(item);
        queue.push({ file: file, item: item, started: false });
      });
    }

    // One file at a time: the bars fill one after another and a slow link is not split
    // between several large files. ``done`` starts the next one.
    function send(entry, done) {
      entry.started = true;
      var item = entry.item;
      if (maxBytes && entry.file.size > maxBytes) {
        // Saves sending what the server would refuse; the server checks again.
        finish(item, false, root.dataset.msgTooLarge);
        done();
        return;
      }
      var data = fieldsForm ? new FormData(fieldsForm) : new FormData();
      data.delete("file");
      data.append("file", entry.file, entry.file.name);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", root.dataset.uploadUrl);
      xhr.setRequestHeader("X-CSRFToken", root.dataset.csrf);
      xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      xhr.setRequestHeader("Accept", "application/json");
      item.querySelector(".progress-bar").classList.add("progress-bar-striped", "progress-bar-animated");
      xhr.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable) {
          // 99% at most until the server has answered: the file is checked and stored only then.
          setProgress(item, Math.min(99, Math.floor((event.loaded / event.total) * 100)));
        }
      });
      xhr.addEventListener("load", function () {
        var body = null;
        try {
          body = JSON.parse(xhr.responseText);
        } catch (e) {
          body = null;
        }
        if (xhr.status >= 200 && xhr.status < 300 && body && body.ok) {
          setProgress(item, 100);
          var message = root.dataset.msgDone + (body.version ? "(v" + body.version + ")" : "");
          if (body.warning) message += " " + body.warning;
          finish(item, true, message, body.url, root.dataset.msgView);
          if (body.warning) item.classList.add("evidence-upload-duplicate");
        } else {
          finish(item, false, (body && body.error) || root.dataset.msgServer + "(HTTP " + xhr.status + ")");
        }
        done();
      });
      xhr.addEventListener("error", function () {
        finish(item, false, root.dataset.msgNetwork);
        done();
      });
      xhr.send(data);
    }

    var sending = false;
    function sendNext() {
      var next = queue.filter(function (entry) {
        return !entry.started;
      })[0];
      sending = Boolean(next);
      if (next) send(next, sendNext);
    }

    input.addEventListener("change", function () {
      add(input.files);
      input.value = "";
    });
    // The phone's camera (templates/evidence/_upload_widget.html): a photo joins the same queue.
    var camera = root.querySelector(".evidence-camera-input");
    if (camera) {
      camera.addEventListener("change", function () {
        add(camera.files);
        camera.value = "";
      });
    }
    ["dragenter", "dragover"].forEach(function (name) {
      drop.addEventListener(name, function (event) {
        event.preventDefault();
        drop.classList.add("bg-light", "border-primary");
      });
    });
    ["dragleave", "drop"].forEach(function (name) {
      drop.addEventListener(name, function (event) {
        event.preventDefault();
        drop.classList.remove("bg-light", "border-primary");
      });
    });
    drop.addEventListener("drop", function (event) {
      if (event.dataTransfer && event.dataTransfer.files) add(event.dataTransfer.files);
    });
    start.addEventListener("click", function () {
      // Files chosen before this script ran never fired "change" here.
      if (input.files && input.files.length) {
        add(input.files);
        input.value = "";
      }
      var pending = queue.filter(function (entry) {
        return !entry.started;
      });
      if (!pending.length) {
        error.textContent = root.dataset.msgNone;
        return;
      }
      if (!sending) sendNext();
    });
    if (fieldsForm) {
      fieldsForm.addEventListener("submit", function (event) {
        event.preventDefault();
      });
    }
  }

  document.querySelectorAll("[data-evidence-upload]").forEach(init);

  // The indicator picker reloads the page with the chosen indicator.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () {
      if (select.value) select.form.submit();
    });
  });

  // Show the full label of the chosen sub-criterion beside the form.
  document.querySelectorAll("select[data-label-target]").forEach(function (select) {
    var target = document.querySelector(select.dataset.labelTarget);
    function show() {
      var option = select.options[select.selectedIndex];
      target.textContent = option ? option.dataset.label || "" : "";
    }
    select.addEventListener("change", show);
    show();
  });
})();
