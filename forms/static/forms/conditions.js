// Show and hide form fields by their condition, as the server decides it.
//
// Each field with a condition carries the rule parsed on the server (forms/rules.py, Rule.to_json)
// in data-condition, and every field its kind in data-kind. Answers given on earlier steps of
// a multi-step page come from <script id="form-known-answers">. The rules are evaluated here
// with the same semantics as in Python: a missing name is null, unlike kinds are never equal and
// never ordered, ISO strings compared with dates are read as dates. A hidden field's inputs are
// disabled, so they are neither required nor sent; the server checks the same rules on posting.
(function () {
  "use strict";

  const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
  const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/;

  function dateValue(text) {
    return { $date: text };
  }

  function datetimeValue(text) {
    const hasZone = /(Z|[+-]\d{2}:?\d{2})$/.test(text);
    const millis = Date.parse(text.replace(" ", "T") + (hasZone ? "" : "Z"));
    return Number.isNaN(millis) ? text : { $datetime: millis };
  }

  function kindOf(value) {
    if (value === null || value === undefined) return "null";
    if (typeof value === "boolean") return "boolean";
    if (typeof value === "number") return "decimal";
    if (typeof value === "string") return "string";
    if (Array.isArray(value)) return "list";
    if ("$date" in value) return "date";
    if ("$datetime" in value) return "datetime";
    return "other";
  }

  function coerce(value, otherKind) {
    if (typeof value === "string") {
      if (otherKind === "date" && ISO_DATE.test(value)) return dateValue(value);
      if (otherKind === "datetime" && ISO_DATETIME.test(value)) return datetimeValue(value);
    }
    return value;
  }

  function pair(left, right) {
    const a = coerce(left, kindOf(right));
    const b = coerce(right, kindOf(left));
    return [a, b, kindOf(a) === kindOf(b)];
  }

  function plain(value) {
    const kind = kindOf(value);
    if (kind === "date") return value.$date;
    if (kind === "datetime") return value.$datetime;
    return value;
  }

  function equal(left, right) {
    const [a, b, alike] = pair(left, right);
    if (!alike) return false;
    if (kindOf(a) === "list") {
      return a.length === b.length && a.every((item, index) => equal(item, b[index]));
    }
    if (kindOf(a) === "other") return JSON.stringify(a) === JSON.stringify(b);
    return plain(a) === plain(b);
  }

  function order(op, left, right) {
    const [a, b, alike] = pair(left, right);
    if (!alike || !["decimal", "string", "date", "datetime"].includes(kindOf(a))) return false;
    const x = plain(a);
    const y = plain(b);
    if (op === "<") return x < y;
    if (op === "<=") return x <= y;
    if (op === ">") return x > y;
    return x >= y;
  }

  function contains(collection, item) {
    return Array.isArray(collection) && collection.some((member) => equal(item, member));
  }

  function truth(value) {
    const kind = kindOf(value);
    if (kind === "null") return false;
    if (kind === "list") return value.length > 0;
    if (kind === "other") return Object.keys(value).length > 0;
    if (kind === "date" || kind === "datetime") return true;
    return Boolean(value);
  }

  function today() {
    const now = new Date();
    const pad = (number) => String(number).padStart(2, "0");
    return dateValue(`${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`);
  }

  function resolve(node, context) {
    switch (node.op) {
      case "literal":
        if (node.type === "decimal") return Number(node.value);
        if (node.type === "date") return dateValue(node.value);
        if (node.type === "datetime") return datetimeValue(node.value);
        return node.value;
      case "name": {
        let current = context;
        for (const segment of node.path) {
          if (current === null || typeof current !== "object" || !(segment in current)) return null;
          current = current[segment];
        }
        return current === undefined ? null : current;
      }
      case "today":
        return today();
      case "list":
        return node.items.map((item) => resolve(item, context));
      case "not":
        return !truth(resolve(node.operand, context));
      case "and":
        return node.operands.every((operand) => truth(resolve(operand, context)));
      case "or":
        return node.operands.some((operand) => truth(resolve(operand, context)));
      default: {
        const left = resolve(node.left, context);
        const right = resolve(node.right, context);
        switch (node.op) {
          case "==":
            return equal(left, right);
          case "!=":
            return !equal(left, right);
          case "in":
            return contains(right, left);
          case "not in":
            return !contains(right, left);
          default:
            return order(node.op, left, right);
        }
      }
    }
  }

  // What a field's inputs hold, in the shape the server's cleaned data has.
  function answer(container, kind) {
    const inputs = Array.from(container.querySelectorAll("input, select, textarea"));
    if (inputs.length === 0) return null;
    if (kind === "file") {
      const given = inputs.some((element) =>
        element.type === "file" ? element.files.length > 0 : element.value !== "",
      );
      return given ? "file" : null;
    }
    if (kind === "money") {
      const amount = inputs.find((element) => element.name.endsWith("_amount"));
      const currency = inputs.find((element) => element.name.endsWith("_currency"));
      const text = amount ? amount.value.trim() : "";
      if (text === "" || !Number.isFinite(Number(text))) return null;
      return { amount: Number(text), currency: currency ? currency.value : "" };
    }
    const first = inputs[0];
    if (first.type === "radio") {
      const checked = inputs.find((element) => element.checked);
      return checked ? checked.value : "";
    }
    if (kind === "boolean") return first.checked;
    if (kind === "list") {
      if (first.tagName === "SELECT") {
        return Array.from(first.selectedOptions).map((option) => option.value);
      }
      return inputs.filter((element) => element.checked).map((element) => element.value);
    }
    const text = first.value.trim();
    if (kind === "decimal") {
      return text === "" || !Number.isFinite(Number(text)) ? null : Number(text);
    }
    if (kind === "date") return ISO_DATE.test(text) ? dateValue(text) : null;
    if (kind === "datetime") return text === "" ? null : datetimeValue(text);
    if (kind === "string") return first.value;
    return null; // line items and the like: not something a rule reads in the browser
  }

  // Dates from the server travel tagged: {"$date": "2026-01-31"}, {"$datetime": "…"}.
  function revive(key, value) {
    if (value && typeof value === "object" && !Array.isArray(value)) {
      if (typeof value.$datetime === "string") return datetimeValue(value.$datetime);
    }
    return value;
  }

  function setShown(container, shown) {
    container.hidden = !shown;
    container.querySelectorAll("input, select, textarea, button").forEach((element) => {
      element.disabled = !shown;
    });
  }

  function update(form, known) {
    const context = Object.assign({}, known);
    form.querySelectorAll("[data-field]").forEach((container) => {
      const name = container.dataset.field;
      const rule = container.dataset.condition;
      if (rule) {
        const shown = truth(resolve(JSON.parse(rule), context));
        setShown(container, shown);
        if (!shown) {
          delete context[name];
          return;
        }
      }
      context[name] = answer(container, container.dataset.kind || "string");
    });
  }

  function init(form) {
    if (form.dataset.conditionsReady) return;
    form.dataset.conditionsReady = "true";
    const blob = form.querySelector("script#form-known-answers");
    const known = blob ? JSON.parse(blob.textContent, revive) : {};
    const refresh = () => update(form, known);
    form.addEventListener("input", refresh);
    form.addEventListener("change", refresh);
    refresh();
  }

  function initAll() {
    document.querySelectorAll("[data-condition]").forEach((element) => {
      const form = element.closest("form");
      if (form) init(form);
    });
  }

  // evaluate(rule, context): context as the server sends it (see revive).
  function evaluate(rule, context) {
    return truth(resolve(rule, JSON.parse(JSON.stringify(context), revive)));
  }

  window.AtelierConditions = { evaluate, initAll };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", initAll);
  } else {
    initAll();
  }
})();
