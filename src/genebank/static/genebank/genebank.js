// Behaviour shared by every page. The Content-Security-Policy allows scripts from our own static
// files only (no inline <script>, no onclick= or style= attributes), so templates say what they
// want with data-* attributes and this file does it.
(function () {
  // <form data-confirm="question">: ask before sending (discarding an import file, ...).
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });

  // <select data-autosubmit>: choosing a value sends its form (the language menu). The form keeps
  // a <noscript> button for browsers without JavaScript.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () {
      if (select.form) select.form.submit();
    });
  });

  // Sizes computed on the server (bars, progress, tree depth) come as numbers in data-*
  // attributes and are set through the CSSOM, which the policy allows, unlike style= attributes.
  document.querySelectorAll("[data-bar-width]").forEach(function (el) {
    var percent = parseFloat(el.dataset.barWidth);
    if (isNaN(percent)) return;
    el.style.width = Math.max(0, Math.min(100, percent)) + "%";
  });
  document.querySelectorAll("[data-depth]").forEach(function (el) {
    var depth = parseInt(el.dataset.depth, 10);
    if (depth > 0) el.style.paddingInlineStart = depth * 1.2 + "rem";
  });
})();
