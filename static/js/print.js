// Show the "print" buttons (they need JavaScript) and print the page when one is pressed.
document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
