/* DANA report charts: tooltips on hover, and every point readable from the keyboard.
   The charts and their data tables work without this script; it only adds to them. */
(function () {
  "use strict";
  var tip = document.createElement("div");
  tip.className = "chart-tip";
  tip.setAttribute("role", "status");
  tip.hidden = true;
  document.body.appendChild(tip);

  function show(point) {
    var box = point.getBoundingClientRect();
    tip.textContent = point.getAttribute("data-tip");
    tip.hidden = false;
    tip.style.left = window.scrollX + box.left + box.width / 2 + "px";
    tip.style.top = window.scrollY + box.top + "px";
    point.classList.add("pt-on");
  }
  function hide(point) {
    tip.hidden = true;
    if (point) { point.classList.remove("pt-on"); }
  }

  document.querySelectorAll(".chart-svg-wrap").forEach(function (wrap) {
    var points = Array.prototype.slice.call(wrap.querySelectorAll(".pt"));
    if (!points.length) { return; }
    points.forEach(function (point) {
      var title = point.querySelector("title");
      if (title) {  /* the native tooltip gives way to ours */
        point.setAttribute("data-tip", title.textContent);
        point.removeChild(title);
      }
      point.addEventListener("mouseenter", function () { show(point); });
      point.addEventListener("mouseleave", function () { hide(point); });
    });
    var across = wrap.getAttribute("data-order") === "across";
    var place = points.map(function (p) { var b = p.getBoundingClientRect(); return [b.left, b.top]; });
    var order = points.map(function (_, i) { return i; }).sort(function (a, b) {
      var d = across ? place[a][0] - place[b][0] : place[a][1] - place[b][1];
      return d || (across ? place[a][1] - place[b][1] : place[a][0] - place[b][0]);
    });
    var at = -1;
    var figure = wrap.closest("figure");
    var title = figure ? figure.querySelector("figcaption") : null;
    wrap.tabIndex = 0;
    wrap.setAttribute("role", "group");
    wrap.setAttribute("aria-label", (title ? title.textContent + ". " : "") +
      "Use the arrow keys to read each of " + points.length + " values.");
    wrap.addEventListener("keydown", function (event) {
      var last = order.length - 1;
      var next = {ArrowRight: at + 1, ArrowDown: at + 1, ArrowLeft: at - 1, ArrowUp: at - 1, Home: 0, End: last}[event.key];
      if (event.key === "Escape") { hide(points[order[at]]); return; }
      if (next === undefined) { return; }
      event.preventDefault();
      if (at >= 0) { points[order[at]].classList.remove("pt-on"); }
      at = Math.max(0, Math.min(last, next));
      show(points[order[at]]);
    });
    wrap.addEventListener("blur", function () { if (at >= 0) { hide(points[order[at]]); } });
  });
})();
