// caseapp scripts: progressive enhancement only; every page works without them.
(function () {
  "use strict";

  // dd/mm/yyyy text fields get a calendar button using the browser's own date picker;
  // typing the date stays possible (and is what screen-reader and keyboard users may prefer).
  function enhanceDateField(input) {
    var picker = document.createElement("input");
    picker.type = "date";
    picker.className = "date-picker-proxy";
    picker.tabIndex = -1;
    picker.setAttribute("aria-hidden", "true");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "date-picker-button";
    button.textContent = "📅";
    button.setAttribute("aria-label", input.getAttribute("data-picker-label") || "Calendar");
    button.addEventListener("click", function () {
      var m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(input.value.trim());
      picker.value = m ? m[3] + "-" + m[2] + "-" + m[1] : "";
      if (typeof picker.showPicker === "function") {
        try { picker.showPicker(); return; } catch (e) { /* fall through */ }
      }
      picker.focus();
      picker.click();
    });
    picker.addEventListener("change", function () {
      var p = picker.value.split("-");
      if (p.length === 3) {
        input.value = p[2] + "/" + p[1] + "/" + p[0];
        input.dispatchEvent(new Event("change", { bubbles: true }));
        input.focus();
      }
    });
    input.insertAdjacentElement("afterend", button);
    button.insertAdjacentElement("afterend", picker);
  }

  // Buttons that need confirmation carry data-confirm with the question.
  function enhanceConfirm(el) {
    el.addEventListener("click", function (ev) {
      if (!window.confirm(el.getAttribute("data-confirm"))) { ev.preventDefault(); }
    });
  }

  // A table wider than the screen scrolls inside its wrapper; keyboard users can scroll it
  // only if the wrapper takes focus. Only wrappers that actually overflow become tab stops,
  // named after their table's caption or their section's heading, plus a word that it
  // scrolls, so a screen reader says what they hold and no two regions share a name.
  function tableName(wrap) {
    var generic = document.documentElement.getAttribute("data-scroll-table-label") || "";
    var caption = wrap.querySelector("caption");
    var section = wrap.closest("section");
    var heading = section && section.querySelector("h2, h3");
    var what = (caption && caption.textContent) || (heading && heading.textContent) || "";
    what = what.trim().replace(/\s+/g, " ");
    return what ? what + ": " + generic : generic;
  }

  function updateScrollableTables() {
    document.querySelectorAll(".table-wrap").forEach(function (wrap) {
      if (wrap.scrollWidth > wrap.clientWidth) {
        wrap.tabIndex = 0;
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", tableName(wrap));
      } else if (wrap.hasAttribute("tabindex")) {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
      }
    });
  }

  // The main menu folds behind a button on narrow screens (the CSS hides a folded menu only
  // there), so a phone shows the page first, not a screenful of links.
  function enhanceNavToggle(button) {
    var nav = document.getElementById(button.getAttribute("aria-controls"));
    if (!nav) { return; }
    function set(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      nav.classList.toggle("folded", !open);
    }
    button.hidden = false;
    set(false);
    button.addEventListener("click", function () {
      set(button.getAttribute("aria-expanded") !== "true");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".nav-toggle").forEach(enhanceNavToggle);
    document.querySelectorAll("input[data-datepicker]").forEach(enhanceDateField);
    document.querySelectorAll("[data-confirm]").forEach(enhanceConfirm);
    updateScrollableTables();
    window.addEventListener("resize", updateScrollableTables);
  });
})();

// Referral form: choosing a service reloads the provider list for it.
document.addEventListener("change", function (event) {
  var select = event.target;
  if (select && select.id === "service_type_id" && select.closest(".js-autosubmit")) {
    var button = select.form && select.form.querySelector("button[name=choose]");
    if (button) { button.click(); }
  }
});
