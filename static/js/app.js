// EcoProd: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";

  // Request form: add and remove lines in place instead of reloading the page.
  function setupLines(form) {
    var container = form.querySelector("[data-lines]");
    var template = document.getElementById("line-template");
    var addButton = form.querySelector("[data-add-line]");
    if (!container || !template || !addButton) return;

    function renumber() {
      var lines = container.querySelectorAll("[data-line]");
      lines.forEach(function (line, i) {
        var label = line.querySelector("[data-line-number]");
        if (label) label.textContent = String(i + 1);
        var remove = line.querySelector("[data-remove-line]");
        if (remove) remove.hidden = lines.length < 2;
      });
    }

    function nextIndex() {
      var max = -1;
      container.querySelectorAll("[name^='lines-']").forEach(function (input) {
        var match = /^lines-(\d+)-/.exec(input.name);
        if (match) max = Math.max(max, parseInt(match[1], 10));
      });
      return max + 1;
    }

    addButton.addEventListener("click", function (event) {
      event.preventDefault();
      var html = template.innerHTML.replace(/__index__/g, String(nextIndex()));
      container.insertAdjacentHTML("beforeend", html);
      renumber();
      var added = container.lastElementChild;
      var first = added && added.querySelector("input, textarea, select");
      if (first) first.focus();
    });

    container.addEventListener("click", function (event) {
      var button = event.target.closest("[data-remove-line]");
      if (!button) return;
      var line = button.closest("[data-line]");
      if (line && container.querySelectorAll("[data-line]").length > 1) {
        line.remove();
        renumber();
        addButton.focus();
      }
    });
    renumber();
  }

  // Quote builder: choosing a workshop on a labour line prices it at the workshop's hourly rate.
  function setupWorkshopRates(form) {
    var decimalComma = (document.documentElement.lang || "fr").indexOf("fr") === 0;
    form.addEventListener("change", function (event) {
      var select = event.target;
      if (!select.name || !/-workshop_id$/.test(select.name)) return;
      var option = select.options[select.selectedIndex];
      var rate = option && option.getAttribute("data-rate");
      var prefix = select.name.replace(/workshop_id$/, "");
      var kind = form.querySelector("[name='" + prefix + "kind']");
      var price = form.querySelector("[name='" + prefix + "unit_price']");
      var unit = form.querySelector("[name='" + prefix + "unit']");
      if (!rate || !price || !kind || kind.value.indexOf("labour") !== 0) return;
      price.value = decimalComma ? rate.replace(".", ",") : rate;
      if (unit) unit.value = "h";
      price.dispatchEvent(new Event("input", { bubbles: true }));
    });
  }

  // A large upload shows its progress, then the page the server answers (a redirect
  // followed, or the form again with its messages).
  function setupUploadProgress(form) {
    var bar = form.querySelector("progress.upload-progress");
    if (!bar || !window.FormData) return;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      bar.hidden = false;
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) bar.value = Math.round((100 * e.loaded) / e.total);
      });
      xhr.addEventListener("load", function () {
        if (xhr.responseURL && xhr.responseURL !== form.action) {
          window.location.assign(xhr.responseURL);
          return;
        }
        var answer = new DOMParser().parseFromString(xhr.responseText, "text/html");
        document.title = answer.title;
        document.body.replaceWith(answer.body);
        document.querySelectorAll("form[data-upload-progress]").forEach(setupUploadProgress);
        var summary = document.querySelector(".form-summary");
        if (summary) summary.focus();
      });
      xhr.addEventListener("error", function () { form.submit(); });
      xhr.send(new FormData(form));
    });
  }

  // A form whose work takes a while shows that it is under way and is not sent twice.
  function setupBusy(form) {
    form.addEventListener("submit", function () {
      var bar = form.querySelector("progress.busy-progress");
      if (bar) bar.hidden = false;
      form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
    });
  }

  // A preview being made: the page looks again every few seconds (for two minutes at most).
  function awaitPreview() {
    if (!document.querySelector("[data-preview=pending]")) {
      sessionStorage.removeItem("preview-tries:" + location.pathname);
      return;
    }
    var key = "preview-tries:" + location.pathname;
    var tries = parseInt(sessionStorage.getItem(key) || "0", 10);
    if (tries >= 30) return;
    sessionStorage.setItem(key, String(tries + 1));
    setTimeout(function () { location.reload(); }, 4000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    awaitPreview();
    document.querySelectorAll("form[data-upload-progress]").forEach(setupUploadProgress);
    document.querySelectorAll("form[data-busy]").forEach(setupBusy);
    document.querySelectorAll("form.quote-form").forEach(setupWorkshopRates);
    document.querySelectorAll("form.rows-form").forEach(setupLines);
    var summary = document.querySelector(".form-summary");
    if (summary) summary.focus();
  });

  // "/" focuses the search box of the header (as on most sites), unless one is typing.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    var box = document.getElementById("site-search");
    if (!box) return;
    event.preventDefault();
    box.focus();
  });
})();
