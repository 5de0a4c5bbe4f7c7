// Registration form: propose the next accession number when the holding institute changes.
(function () {
  var form = document.getElementById("accession-form");
  var institute = document.getElementById("id_institute");
  var number = document.getElementById("id_number");
  if (!form || !institute || !number || institute.disabled) return;
  institute.addEventListener("change", function () {
    if (!institute.value) return;
    fetch(form.dataset.nextNumberUrl + "?institute=" + encodeURIComponent(institute.value), {
      credentials: "same-origin"
    })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) number.value = data.number; });
  });
})();
