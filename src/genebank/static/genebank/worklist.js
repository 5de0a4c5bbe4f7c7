// Work lists: the header tick box ticks or unticks every row of the page; it shows "some" when
// only part of the page is ticked. Only the options of the chosen bulk action are shown.
(function () {
  document.querySelectorAll("input[data-select-all]").forEach(function (all) {
    var form = all.form || document;
    var name = all.getAttribute("data-select-all");
    function rows() {
      return Array.prototype.slice.call(
        form.querySelectorAll('input[type="checkbox"][name="' + name + '"]')
      );
    }
    function update() {
      var ticked = rows().filter(function (box) { return box.checked; }).length;
      all.checked = ticked > 0 && ticked === rows().length;
      all.indeterminate = ticked > 0 && ticked < rows().length;
    }
    all.addEventListener("change", function () {
      rows().forEach(function (box) { box.checked = all.checked; });
    });
    rows().forEach(function (box) { box.addEventListener("change", update); });
    update();
  });
  var action = document.getElementById("worklist-action");
  if (!action) return;
  function showOptions() {
    document.querySelectorAll("[data-action-option]").forEach(function (option) {
      option.hidden = option.getAttribute("data-action-option") !== action.value;
    });
  }
  action.addEventListener("change", showOptions);
  showOptions();
})();
