// The two whole grids — the responsibility matrix (zones/matrix.html) and the completeness grid
// (evidence/completeness.html) — have units × items cells, thousands at province scale, so the
// server sends each cell as a few bytes and what is the same along a row or a column is read here
// from the row and the column's header instead of being repeated in every cell:
// - each cell's tooltip: "1 · 商务局" in the matrix, "商务局：已采纳 1，待审核 1" in the completeness
//   grid (the labels are on the table, data-tip-*);
// - the matrix's clicks, for the office (data-cell-url on the table): one listener for the table
//   posts the row's item, the column's unit and the next state, and swaps in the <td> returned.
// A file, not an inline script (Content-Security-Policy script-src 'self').
(() => {
  "use strict";

  const NEXT = { none: "responsible", responsible: "lead", lead: "none" };
  const STATES = ["accepted", "submitted", "returned", "draft"]; // evidence.completeness.TIP_ORDER
  const LETTER = { a: "accepted", s: "submitted", r: "returned", d: "draft" };

  const unitName = (table, cell) => {
    const th = table.tHead.rows[0].cells[cell.cellIndex];
    return th ? th.textContent.trim() : "";
  };

  const matrixState = (cell) => {
    if (cell.classList.contains("l")) return "lead";
    if (cell.classList.contains("r")) return "responsible";
    return "none";
  };

  const matrixTip = (table, cell) => `${cell.parentElement.dataset.code} · ${unitName(table, cell)}`;

  const completenessTip = (table, cell) => {
    const labels = table.dataset;
    let counts;
    if (cell.dataset.n) {
      counts = cell.dataset.n.split(" ").map(Number);
    } else {
      const total = Number(cell.textContent) || 0;
      const state = LETTER[Array.from(cell.classList).find((c) => c in LETTER)];
      counts = STATES.map((s) => (s === state ? total : 0));
    }
    const parts = STATES.map((s, i) => (counts[i] ? `${labels["tip" + s[0].toUpperCase() + s.slice(1)]} ${counts[i]}` : ""))
      .filter(Boolean);
    return `${unitName(table, cell)}：${parts.join("，") || labels.tipNone}`;
  };

  // Tooltips for the cells under root: the page, or a cell htmx has just swapped in.
  const label = (root) => {
    const own = root.closest ? root.closest("table[data-grid-tips]") : null;
    for (const table of own ? [own] : root.querySelectorAll("table[data-grid-tips]")) {
      const cells = own ? (root.matches("td") ? [root] : root.querySelectorAll("td")) : table.querySelectorAll("tbody td");
      for (const cell of cells) {
        if (table.dataset.gridTips === "matrix") {
          (cell.querySelector("button") || cell).title = matrixTip(table, cell);
        } else if (cell.className && cell.cellIndex > 1) {
          cell.title = completenessTip(table, cell); // a unit's cell with a state (not the name or figures)
        }
      }
    }
  };

  document.addEventListener("click", (event) => {
    const button = event.target.closest("table[data-cell-url] td > button");
    if (!button) return;
    const cell = button.parentElement;
    const table = cell.closest("table");
    const th = table.tHead.rows[0].cells[cell.cellIndex];
    if (button.getAttribute("aria-busy") === "true") return; // the previous click is still on its way
    button.setAttribute("aria-busy", "true");
    htmx
      .ajax("POST", table.dataset.cellUrl, {
        source: button,
        target: cell,
        swap: "outerHTML",
        values: { indicator: cell.parentElement.dataset.indicator, unit: th.dataset.unit, state: NEXT[matrixState(cell)] },
      })
      .finally(() => button.removeAttribute("aria-busy"));
  });

  // htmx.onLoad runs for the page once it is loaded and for each piece of content swapped in.
  htmx.onLoad((element) => label(element));
})();
