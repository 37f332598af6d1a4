// Warns a signed-in user before an idle session ends, but only when a form on
// the page has unsaved typing: otherwise the server signs them out on their
// next request and the sign-in page says why (accounts.middleware).
(function () {
  "use strict";

  var body = document.body;
  var idleSeconds = parseFloat(body.getAttribute("data-idle-seconds"));
  var stillHereUrl = body.getAttribute("data-still-here-url");
  if (!idleSeconds || !stillHereUrl) {
    return;
  }
  // Two minutes' warning, or half the idle time when that is shorter.
  var warnAfter = (idleSeconds - Math.min(120, idleSeconds / 2)) * 1000;
  var typed = false;
  var timer = null;
  var warning = null;
  var focusBefore = null;

  function isSignOutForm(form) {
    return form && form.getAttribute("action") === body.getAttribute("data-sign-out-url");
  }

  function noteTyping(event) {
    var form = event.target && event.target.form;
    if (form && !isSignOutForm(form)) {
      typed = true;
    }
  }

  function csrfToken() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function minutesLeft() {
    return Math.max(1, Math.round((idleSeconds * 1000 - warnAfter) / 60000));
  }

  function build() {
    warning = document.createElement("div");
    warning.className = "alert alert-warning idle-warning";
    warning.setAttribute("role", "alertdialog");
    warning.setAttribute("aria-labelledby", "idle-warning-title");
    warning.setAttribute("aria-describedby", "idle-warning-text");
    warning.tabIndex = -1;

    var title = document.createElement("h2");
    title.id = "idle-warning-title";
    title.className = "h5";
    title.textContent = "You are about to be signed out";
    var text = document.createElement("p");
    text.id = "idle-warning-text";
    var left = minutesLeft();
    text.textContent =
      "You will be signed out in about " + left + (left === 1 ? " minute" : " minutes") +
      " because nothing has been saved. What you have typed on this page is not saved yet.";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-primary";
    button.textContent = "Stay signed in";
    button.addEventListener("click", stayed);

    warning.appendChild(title);
    warning.appendChild(text);
    warning.appendChild(button);
    document.body.appendChild(warning);
  }

  function show() {
    if (!typed) {
      return;
    }
    if (!warning) {
      build();
    }
    focusBefore = document.activeElement;
    warning.hidden = false;
    warning.focus();
  }

  function hide() {
    warning.hidden = true;
    if (focusBefore && focusBefore.focus) {
      focusBefore.focus();
    }
  }

  function signedOut() {
    var text = document.getElementById("idle-warning-text");
    text.textContent =
      "You have been signed out. Copy what you typed somewhere safe, then sign in again.";
    warning.querySelector("button").hidden = true;
    warning.focus();
  }

  function stayed() {
    fetch(stillHereUrl, {
      method: "POST",
      credentials: "same-origin",
      redirect: "manual",
      headers: { "X-CSRFToken": csrfToken() },
    }).then(function (response) {
      if (response.status === 204) {
        hide();
        start();
      } else {
        signedOut();
      }
    }, signedOut);
  }

  function start() {
    window.clearTimeout(timer);
    timer = window.setTimeout(show, warnAfter);
  }

  document.addEventListener("input", noteTyping, true);
  document.addEventListener("change", noteTyping, true);
  start();
})();
