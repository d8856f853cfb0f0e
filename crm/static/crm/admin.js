// Names for the admin widgets whose markup Django admin's and its apps' scripts write (select2's autocomplete, the
// date and time pair, the filter of a two-list selector, import-export's "select all"), so that every control has an
// accessible name (WCAG 1.3.1, 4.1.2). Run again whenever the page changes: select2 draws its parts when it starts,
// when a row is added to an inline and when its list opens.
"use strict";
(() => {
  let labels = 0;

  function idOf(element) {
    if (!element.id) element.id = `admin-label-${++labels}`;
    return element.id;
  }

  function labelFor(control) {
    return control.id ? document.querySelector(`label[for="${CSS.escape(control.id)}"]`) : null;
  }

  function nameAutocompletes(root) {
    for (const select of root.querySelectorAll("select.select2-hidden-accessible")) {
      const label = labelFor(select);
      const container = select.nextElementSibling;
      if (!label || !container || !container.classList.contains("select2-container")) continue;
      const labelId = idOf(label);
      const selection = container.querySelector(".select2-selection");
      const rendered = container.querySelector(".select2-selection__rendered");
      if (rendered) {
        // Shown text, not a second field: a textbox role without a name is an unnamed input.
        rendered.removeAttribute("role");
        rendered.removeAttribute("aria-readonly");
      }
      if (selection && rendered && rendered.id && selection.classList.contains("select2-selection--single")) {
        selection.setAttribute("aria-labelledby", `${labelId} ${rendered.id}`);
      } else if (selection) {
        selection.setAttribute("aria-labelledby", labelId);
        // The chosen items and the clear button sit in one list, which then holds more than list items.
        if (rendered) rendered.setAttribute("role", "none");
      }
      // An open combobox names the list it controls (ARIA 1.2); select2 names it only with aria-owns.
      if (selection && selection.hasAttribute("aria-owns")) {
        selection.setAttribute("aria-controls", selection.getAttribute("aria-owns"));
      } else if (selection) {
        selection.removeAttribute("aria-controls");
      }
      const search = container.querySelector(".select2-search__field");
      if (search) search.setAttribute("aria-labelledby", labelId);
    }
    // The search box of an open list, drawn at the end of the page.
    const open = document.querySelector(".select2-container--open .select2-selection[aria-labelledby]");
    for (const search of document.querySelectorAll(".select2-dropdown .select2-search__field")) {
      if (open) search.setAttribute("aria-labelledby", open.getAttribute("aria-labelledby").split(" ")[0]);
    }
  }

  function nameDateTimePairs(root) {
    // The field's own label has no `for` (the pair has two inputs): each input is named by it and by its part.
    for (const pair of root.querySelectorAll("p.datetime")) {
      const cell = pair.closest(".flex-container, td");
      const fieldLabel = cell && [...cell.querySelectorAll("label")].find((label) => !pair.contains(label));
      if (!fieldLabel) continue;
      for (const partLabel of pair.querySelectorAll("label[for]")) {
        const input = document.getElementById(partLabel.htmlFor);
        if (input) input.setAttribute("aria-labelledby", `${idOf(fieldLabel)} ${idOf(partLabel)}`);
      }
    }
  }

  function nameFilterIcons(root) {
    // The two-list selector's search icon carries its text as aria-label, which a plain span may not have.
    for (const icon of root.querySelectorAll("span.help-tooltip[aria-label]:not([role])")) {
      icon.setAttribute("role", "img");
    }
  }

  function repairSelectAll(root) {
    // import-export's export page: its label points at an id the checkbox lacks, and its inline handler is refused
    // by the Content-Security-Policy.
    for (const toggle of root.querySelectorAll("input.select-toggle:not([id])")) {
      toggle.id = "select-all-toggle";
      toggle.addEventListener("change", (event) => window.onSelectToggleChange?.(event));
    }
  }

  function repair() {
    nameAutocompletes(document);
    nameDateTimePairs(document);
    nameFilterIcons(document);
    repairSelectAll(document);
  }

  function start() {
    repair();
    let pending = false;
    new MutationObserver(() => {
      if (pending) return;
      pending = true;
      queueMicrotask(() => {
        pending = false;
        repair();
      });
    }).observe(document.body, { childList: true, subtree: true });
  }

  // After jQuery's ready handlers, which start select2 and the two-list selectors.
  if (document.readyState === "complete") start();
  else window.addEventListener("load", start);
})();
