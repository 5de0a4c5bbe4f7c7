// Stocktake: a hand scanner types the lot code and Enter. Go on to the quantity instead of sending
// the form, so one scan and one number record a count.
(function () {
  var code = document.getElementById("id_code");
  var quantity = document.getElementById("id_quantity");
  if (!code || !quantity) return;
  code.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && code.value.trim()) {
      event.preventDefault();
      quantity.focus();
    }
  });
})();
