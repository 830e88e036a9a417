/* The relationship graph drawn with Cytoscape: nodes shaped and coloured by main category, typed
   and directed edges. Choosing a node focuses the graph on it; the list of entries beside the
   picture does the same by keyboard, and the table of relations is the text equivalent. Used on
   /graph/ and, smaller, on every entity page. */
(function () {
  "use strict";

  var SHAPES = { circle: "ellipse", square: "round-rectangle", diamond: "diamond", triangle: "triangle", hexagon: "hexagon",
    pentagon: "pentagon", star: "star" };

  // Steps from the focused node to every other node, ignoring the direction of relations.
  function distances(data) {
    var adjacent = {};
    data.edges.forEach(function (e) {
      var s = String(e.source), t = String(e.target);
      (adjacent[s] = adjacent[s] || []).push(t);
      (adjacent[t] = adjacent[t] || []).push(s);
    });
    var start = data.nodes.filter(function (n) { return n.focus; })[0];
    var steps = {};
    if (!start) { return steps; }
    var queue = [String(start.id)];
    steps[queue[0]] = 0;
    while (queue.length) {
      var id = queue.shift();
      (adjacent[id] || []).forEach(function (next) {
        if (steps[next] === undefined) { steps[next] = steps[id] + 1; queue.push(next); }
      });
    }
    return steps;
  }

  function draw(container) {
    if (!window.cytoscape) { return; }
    fetch(container.dataset.dataUrl, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var byIndex = data.categories;
        var elements = [];
        data.nodes.forEach(function (n) {
          var cat = byIndex[n.category_index] || byIndex[0] || { shape: "circle", colour: "#3d4a54" };
          elements.push({ group: "nodes", data: {
            id: String(n.id), label: n.name, slug: n.slug, url: n.url, colour: cat.colour, shape: SHAPES[cat.shape] || "ellipse",
            focus: n.focus ? 1 : 0,
          } });
        });
        data.edges.forEach(function (e) {
          elements.push({ group: "edges", data: { id: e.id, source: String(e.source), target: String(e.target), label: e.label, kind: e.kind } });
        });
        container.textContent = "";
        var focused = data.focus;
        var steps = focused ? distances(data) : {};
        var cy = cytoscape({
          container: container,
          elements: elements,
          style: [
            { selector: "node", style: {
              "background-color": "data(colour)", "shape": "data(shape)", "label": "data(label)", "font-size": 11,
              "color": "#1a1f24", "text-valign": "bottom", "text-margin-y": 4, "width": 22, "height": 22,
              "border-width": 2, "border-color": "#ffffff", "text-background-color": "#ffffff", "text-background-opacity": 0.8,
              "text-background-padding": 1,
            } },
            { selector: "node[focus = 1]", style: { "width": 34, "height": 34, "border-color": "#1a1f24", "border-width": 3, "font-weight": "bold" } },
            { selector: "node.highlight", style: { "border-color": "#ffbf47", "border-width": 5 } },
            { selector: "edge", style: {
              "width": 1.5, "line-color": "#8a98a3", "target-arrow-color": "#8a98a3", "target-arrow-shape": "triangle",
              "curve-style": "bezier", "label": "data(label)", "font-size": 8, "color": "#4a5560", "text-rotation": "autorotate",
              "text-background-color": "#ffffff", "text-background-opacity": 0.8,
            } },
          ],
          layout: focused ? {
            name: "concentric", concentric: function (node) { return 3 - (steps[node.id()] === undefined ? 2 : steps[node.id()]); },
            levelWidth: function () { return 1; }, minNodeSpacing: 22, animate: false,
          } : { name: "cose", animate: false, nodeRepulsion: function () { return 9000; }, idealEdgeLength: function () { return 70; } },
        });
        // A small neighbourhood fitted to the box would be drawn huge; keep text at a readable size.
        if (cy.zoom() > 1.4) { cy.zoom(1.4); cy.center(); }
        cy.on("tap", "node", function (evt) {
          var slug = evt.target.data("slug");
          if (container.dataset.nodeLink === "entity") {
            window.location.href = evt.target.data("url");
          } else {
            var params = new URLSearchParams(window.location.search);
            params.set("focus", slug);
            params.delete("q");
            params.delete("page");
            window.location.href = "?" + params.toString() + "#graph-h";
          }
        });
        // Moving through the list of entries by keyboard highlights the node in the picture.
        document.querySelectorAll("[data-node]").forEach(function (link) {
          function mark(on) {
            var node = cy.getElementById(link.dataset.node);
            if (node) { node.toggleClass("highlight", on); }
          }
          link.addEventListener("focus", function () { mark(true); });
          link.addEventListener("blur", function () { mark(false); });
          link.addEventListener("mouseenter", function () { mark(true); });
          link.addEventListener("mouseleave", function () { mark(false); });
        });
        container.dataset.ready = "true";
        container.dataset.nodes = String(data.nodes.length);
        window.atlasGraph = cy;
      });
  }

  document.querySelectorAll("[data-graph], #graph").forEach(draw);
})();
