// caseapp scripts: progressive enhancement only; every page works without them.

// Referral form: choosing a service reloads the provider list for it.
document.addEventListener("change", function (event) {
  var select = event.target;
  if (select && select.id === "service_type_id" && select.closest(".js-autosubmit")) {
    var button = select.form && select.form.querySelector("button[name=choose]");
    if (button) { button.click(); }
  }
});
