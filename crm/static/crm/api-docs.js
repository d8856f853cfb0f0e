// Names for the controls Swagger UI draws without one (WCAG 4.1.2). Swagger UI draws the page again as the reader
// opens operations, so this runs again on every change.
"use strict";
(() => {
  function repair() {
    const servers = document.getElementById("servers");
    if (servers && !servers.hasAttribute("aria-label")) servers.setAttribute("aria-label", "Servers");
    // The authorisation dialog: its close button shows only an icon, and its other buttons carry a name that leaves
    // out the word they show (WCAG 2.5.3); the word they show names them.
    for (const close of document.querySelectorAll(".close-modal:not([aria-label])")) {
      close.setAttribute("aria-label", "Close");
    }
    for (const button of document.querySelectorAll(".auth-btn-wrapper button[aria-label]")) {
      button.removeAttribute("aria-label");
    }
    // A parameter's choices: named by the parameter, which its row shows beside them.
    for (const select of document.querySelectorAll("tr[data-param-name] select:not([aria-label])")) {
      select.setAttribute("aria-label", select.closest("tr").dataset.paramName);
    }
  }

  function start() {
    repair();
    new MutationObserver(repair).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
