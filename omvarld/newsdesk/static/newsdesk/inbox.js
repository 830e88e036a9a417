// Keyboard triage for the editors' inbox: j/k move, o opens, p picks, d discards, x selects.
// The page works without it: every action is a plain form button.
(function () {
  "use strict";
  function rows() { return Array.prototype.slice.call(document.querySelectorAll("li.entry")); }
  function current() { return document.activeElement && document.activeElement.closest ? document.activeElement.closest("li.entry") : null; }
  function focus(row) { if (row) { row.focus(); row.scrollIntoView({block: "nearest"}); } }
  function move(step) {
    var all = rows(), at = all.indexOf(current());
    focus(all[Math.max(0, Math.min(all.length - 1, at + step))] || all[0]);
  }
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (target.matches && target.matches("input[type=text], input[type=number], input[type=date], input:not([type]), select, textarea")) return;
    var row = current();
    switch (event.key) {
      case "j": move(row ? 1 : 0); break;
      case "k": move(row ? -1 : 0); break;
      case "o": if (row && row.dataset.url) window.open(row.dataset.url, "_blank", "noopener"); break;
      case "p": if (row) row.querySelector("button.pick").click(); break;
      case "d": if (row) row.querySelector("button.discard").click(); break;
      case "x": if (row) { var box = row.querySelector("input[type=checkbox]"); box.checked = !box.checked; } break;
      default: return;
    }
    event.preventDefault();
  });
  document.addEventListener("DOMContentLoaded", function () { focus(rows()[0]); });
})();
