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

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.rows-form").forEach(setupLines);
    var summary = document.querySelector(".form-summary");
    if (summary) summary.focus();
  });
})();
