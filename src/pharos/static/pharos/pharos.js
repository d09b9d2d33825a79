/* Pharos: the only page script besides the vendored libraries. Loaded with `defer`.
 *
 * Everything here is a progressive enhancement: every page works without it, except
 * htmx requests, which need the CSRF header set below. No inline scripts, no eval
 * (the Content-Security-Policy forbids both). */
(function () {
  "use strict";

  /* htmx: send Django's CSRF token with every request htmx makes. The token is read
   * from <meta name="csrf-token"> at request time, so a page that rotated it (after
   * sign-in) still sends the current one. Only same-origin requests carry it;
   * htmx.config.selfRequestsOnly (the htmx 2 default) refuses the others anyway. */
  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function sameOrigin(path) {
    try {
      return new URL(path, window.location.href).origin === window.location.origin;
    } catch (error) {
      return false;
    }
  }

  document.addEventListener("htmx:configRequest", function (event) {
    var token = csrfToken();
    if (token && sameOrigin(event.detail.path)) {
      event.detail.headers["X-CSRFToken"] = token;
    }
  });

  /* A form's error summary takes focus when the page (or an htmx fragment) shows it,
   * so keyboard and screen-reader users land on the list of problems. */
  function focusErrorSummary(root) {
    var summary = root.querySelector("[data-pharos-error-summary]");
    if (summary) {
      summary.focus();
    }
  }

  /* Error-summary links move focus to the field, not only scroll to it. */
  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-pharos-error-summary] a[href^='#']");
    if (!link) {
      return;
    }
    var field = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
    if (field) {
      event.preventDefault();
      field.focus();
      field.scrollIntoView({ block: "center" });
    }
  });

  /* Copy buttons: <button type="button" hidden data-pharos-copy="text"> appear only
   * when the clipboard is available, and say so in a live region when they worked. */
  function enableCopyButtons(root) {
    if (!navigator.clipboard || !window.isSecureContext) {
      return;
    }
    root.querySelectorAll("[data-pharos-copy]").forEach(function (button) {
      button.hidden = false;
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-pharos-copy]");
    if (!button) {
      return;
    }
    navigator.clipboard.writeText(button.getAttribute("data-pharos-copy")).then(function () {
      var status = document.getElementById(button.getAttribute("aria-controls") || "");
      if (status) {
        status.textContent = button.getAttribute("data-pharos-copied") || "";
      }
    });
  });

  function enhance(root) {
    enableCopyButtons(root);
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    enhance(event.detail.target);
    focusErrorSummary(event.detail.target);
  });

  enhance(document);
  focusErrorSummary(document);
})();
