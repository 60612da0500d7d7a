/* Progressive enhancement only: every page works without this file. No external assets. */
(function () {
  "use strict";

  /* A filter box in front of each long <select data-filterable>: typing 张, zhang or zs (pinyin
     initials) narrows the options; with a single match left, it is chosen. */
  function filterable(select) {
    var box = document.createElement("input");
    box.type = "search";
    box.className = "selectfilter";
    box.placeholder = document.documentElement.lang === "en" ? "Filter: name or pinyin initials" : "筛选：姓名或拼音首字母";
    box.setAttribute("aria-label", box.placeholder);
    select.parentNode.insertBefore(box, select);
    box.addEventListener("input", function () {
      var q = box.value.trim().toLowerCase().replace(/\s+/g, "");
      var shown = [];
      Array.prototype.forEach.call(select.options, function (option) {
        if (!option.value) { return; }
        /* data-search is "name pinyin initials": the name matches anywhere, the pinyin from its start */
        var keys = (option.getAttribute("data-search") || option.text).toLowerCase().split(/\s+/);
        var match = !q || keys[0].indexOf(q) >= 0 || keys.slice(1).some(function (k) { return k.indexOf(q) === 0; });
        option.hidden = !match;
        if (match) { shown.push(option); }
      });
      if (shown.length === 1) { select.value = shown[0].value; }
    });
  }

  /* A header checkbox <input data-check-all="name"> ticks every enabled checkbox of that name in its form. */
  function checkAll(box) {
    box.addEventListener("change", function () {
      var scope = box.form || document;
      Array.prototype.forEach.call(scope.querySelectorAll('input[type="checkbox"][name="' + box.getAttribute("data-check-all") + '"]'),
        function (item) { if (!item.disabled) { item.checked = box.checked; } });
    });
  }

  /* <form data-confirm="…"> asks before an irreversible action; data-confirm-when="name=value" asks only when
     the form would send that value (a checked radio or checkbox, a chosen option). Cancelling keeps the page
     as it is. Without this file the form simply submits. */
  function confirmBeforeSubmit(event) {
    var form = event.target;
    if (!form || form.nodeName !== "FORM" || !form.hasAttribute("data-confirm")) { return; }
    var when = form.getAttribute("data-confirm-when");
    if (when) {
      var at = when.indexOf("=");
      var name = at < 0 ? when : when.slice(0, at);
      var value = at < 0 ? null : when.slice(at + 1);
      var sent = Array.prototype.filter.call(form.elements, function (field) {
        if (field.name !== name || field.disabled) { return false; }
        if (field.type === "checkbox" || field.type === "radio") { return field.checked; }
        return true;
      }).map(function (field) { return field.value; });
      if (value === null ? sent.length === 0 : sent.indexOf(value) < 0) { return; }
    }
    if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
  }

  document.addEventListener("submit", confirmBeforeSubmit);

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("select[data-filterable]"), filterable);
    Array.prototype.forEach.call(document.querySelectorAll("input[data-check-all]"), checkAll);
    /* A refused form is re-shown with its errors, perhaps far down the page: bring it into view. */
    var error = document.querySelector(".field.has-error, form .errors");
    if (error) {
      error.scrollIntoView({block: "center"});
      var input = error.querySelector("input, select, textarea");
      if (input) { input.focus({preventScroll: true}); }
    }
  });
})();
