/* Line items table of the forms engine (forms/widgets.py LineItemsWidget).
 *
 * Shows the "Add row" and "Remove" buttons (the table works without them: it comes with blank
 * rows) and running totals. The totals shown here are a convenience only: the server computes
 * every line total and the total again from the posted rows.
 */
(function () {
  "use strict";

  var NUMBER = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)\s*$/;

  function parse(text) {
    return NUMBER.test(text || "") ? parseFloat(text) : null;
  }

  function setUp(root) {
    if (root.getAttribute("data-line-items-ready")) {
      return;
    }
    root.setAttribute("data-line-items-ready", "1");
    var body = root.querySelector("[data-line-items-body]");
    var template = root.querySelector("[data-line-items-template]");
    var add = root.querySelector("[data-line-items-add]");
    var grandTotal = root.querySelector("[data-line-items-total]");
    var maxRows = parseInt(root.getAttribute("data-max-rows"), 10) || 0;
    var decimals = parseInt(root.getAttribute("data-decimals"), 10);
    if (isNaN(decimals)) {
      decimals = 2;
    }

    function rows() {
      return body.querySelectorAll("[data-line-items-row]");
    }

    function nextIndex() {
      var highest = -1;
      var inputs = body.querySelectorAll("input[name]");
      for (var i = 0; i < inputs.length; i++) {
        var match = /-(\d+)-[a-z_]+$/.exec(inputs[i].name);
        if (match) {
          highest = Math.max(highest, parseInt(match[1], 10));
        }
      }
      return highest + 1;
    }

    function refresh() {
      var all = rows();
      var sum = 0;
      var any = false;
      for (var i = 0; i < all.length; i++) {
        var row = all[i];
        var quantity = parse(row.querySelector('[data-line-items-column="quantity"]').value);
        var price = parse(row.querySelector('[data-line-items-column="unit_price"]').value);
        var output = row.querySelector("[data-line-items-row-total]");
        if (quantity !== null && price !== null) {
          var total = quantity * price;
          output.textContent = total.toFixed(decimals);
          sum += total;
          any = true;
        } else {
          output.textContent = "";
        }
        row.querySelector("[data-line-items-number]").textContent = String(i + 1);
        var remove = row.querySelector("[data-line-items-remove]");
        remove.hidden = false;
      }
      grandTotal.textContent = any ? sum.toFixed(decimals) : "";
      add.hidden = false;
      add.disabled = maxRows > 0 && all.length >= maxRows;
    }

    function addRow() {
      if (maxRows > 0 && rows().length >= maxRows) {
        return;
      }
      var index = nextIndex();
      var html = template.innerHTML
        .replace(/__index__/g, String(index))
        .replace(/__number__/g, String(rows().length + 1));
      body.insertAdjacentHTML("beforeend", html);
      refresh();
      var added = rows();
      var first = added[added.length - 1].querySelector("input");
      if (first) {
        first.focus();
      }
    }

    body.addEventListener("click", function (event) {
      var button = event.target.closest("[data-line-items-remove]");
      if (!button) {
        return;
      }
      var row = button.closest("[data-line-items-row]");
      row.parentNode.removeChild(row);
      refresh();
      add.focus();
    });
    body.addEventListener("input", refresh);
    add.addEventListener("click", addRow);
    refresh();
  }

  function setUpAll() {
    var roots = document.querySelectorAll("[data-line-items]");
    for (var i = 0; i < roots.length; i++) {
      setUp(roots[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpAll);
  } else {
    setUpAll();
  }
})();
