// A form with data-confirm="…" asks before it is sent. This replaces inline
// onsubmit="return confirm(…)" handlers, which the Content-Security-Policy refuses.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
}, true);
