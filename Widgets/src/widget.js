/* Shared code of the AWS IAM case-wall widgets: reading the result, building DOM safely, theme,
   dates, a sortable table. Every value reaches the page through text nodes and attributes set
   from script, never through HTML strings, so a name such as "<script>" is shown as text. */
"use strict";

const W = (() => {
  const DAY_MS = 24 * 60 * 60 * 1000;
  const PLACEHOLDER_MARK = "{stepInstanceName}";

  /** el("td", {className: "mono", title: arn}, "text", otherNode, [more]) */
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "className") node.className = value;
      else if (key === "onClick") node.addEventListener("click", value);
      else if (key === "onInput") node.addEventListener("input", value);
      else node.setAttribute(key, String(value));
    }
    append(node, children);
    return node;
  }

  function append(node, children) {
    for (const child of children) {
      if (child === undefined || child === null || child === false) continue;
      if (Array.isArray(child)) append(node, child);
      else node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function badge(text, kind) {
    return el("span", {className: "badge" + (kind ? " " + kind : "")}, text);
  }

  function empty(text) {
    return el("div", {className: "empty"}, text);
  }

  /** The step's JSON result, or undefined when the platform has not substituted it. */
  function readResult() {
    const holder = document.getElementById("result");
    const text = holder ? holder.textContent.trim() : "";
    if (!text || text.includes(PLACEHOLDER_MARK)) return undefined;
    return JSON.parse(text);
  }

  /** [{Entity, EntityResult}] whatever the result's outer shape. */
  function entityResults(result) {
    const items = Array.isArray(result) ? result : result ? [result] : [];
    return items.filter((item) => item && typeof item === "object")
      .map((item) => ({entity: item.Entity, result: item.EntityResult || {}}));
  }

  function plural(count, one, many) {
    return count + " " + (count === 1 ? one : many || one + "s");
  }

  // ------------------------------------------------------------------ dates

  /** IAM dates are UTC; the integration writes them without a zone suffix. */
  function parseDate(value) {
    if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}/.test(value)) return null;
    const iso = /[zZ]|[+-]\d{2}:?\d{2}$/.test(value) || value.length <= 10 ? value : value + "Z";
    const date = new Date(iso);
    return isNaN(date.getTime()) ? null : date;
  }

  function formatDate(value) {
    const date = parseDate(value);
    if (!date) return value ? String(value) : "";
    return date.toISOString().slice(0, 16).replace("T", " ") + " UTC";
  }

  function daysSince(value, now) {
    const date = parseDate(value);
    return date ? Math.floor(((now || Date.now()) - date.getTime()) / DAY_MS) : null;
  }

  function dateCell(value) {
    return value ? el("span", {title: String(value)}, formatDate(value)) : el("span", {className: "muted"}, "\u2014");
  }

  // ------------------------------------------------------------------ sortable table

  /**
   * columns: [{label, value: row => sortable value, cell: row => node or text, className}]
   * Clicking a header sorts by it; clicking again reverses. Empty values sort last.
   */
  function sortableTable(columns, rows, options) {
    const opts = options || {};
    const state = {column: -1, descending: false};
    const tbody = el("tbody");
    const headers = columns.map((column, index) => el("th", {scope: "col", "aria-sort": "none"},
      el("button", {type: "button", onClick: () => sortBy(index)}, column.label)));

    const blank = (v) => v === undefined || v === null || v === "";

    function compare(a, b) {
      if (typeof a === "number" && typeof b === "number") return a - b;
      return String(a).localeCompare(String(b), undefined, {numeric: true, sensitivity: "base"});
    }

    function sortBy(index) {
      state.descending = state.column === index ? !state.descending : false;
      state.column = index;
      headers.forEach((th, i) => th.setAttribute("aria-sort",
        i !== index ? "none" : state.descending ? "descending" : "ascending"));
      render();
    }

    function render() {
      let shown = rows.slice();
      if (state.column >= 0) {
        const value = columns[state.column].value;
        const sign = state.descending ? -1 : 1;
        shown.sort((a, b) => {
          const va = value(a), vb = value(b);
          if (blank(va) || blank(vb)) return blank(va) - blank(vb);
          return sign * compare(va, vb);
        });
      }
      if (opts.filter) shown = shown.filter(opts.filter);
      tbody.replaceChildren(...shown.map((row) => el("tr", {className: opts.rowClass ? opts.rowClass(row) : null},
        columns.map((column) => el("td", {className: column.className}, column.cell(row))))));
    }

    render();
    const table = el("table", {}, el("thead", {}, el("tr", {}, headers)), tbody);
    return {node: el("div", {className: "table-wrap"}, table), refresh: render, sortBy};
  }

  // ------------------------------------------------------------------ theme

  const probe = () => document.getElementById("w-colour-probe") ||
    document.documentElement.appendChild(el("span", {id: "w-colour-probe", hidden: "hidden"}));

  /** [r, g, b] of any CSS colour the browser understands, or null. */
  function rgbOf(colour) {
    if (typeof colour !== "string" || !colour.trim()) return null;
    const span = probe();
    span.style.color = "";
    span.style.color = colour.trim();
    if (!span.style.color) return null;
    const match = getComputedStyle(span).color.match(/[\d.]+/g);
    return match ? match.slice(0, 3).map(Number) : null;
  }

  function isDark([r, g, b]) {
    const lin = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b) < 0.35;
  }

  function setTheme(dark, background) {
    const root = document.documentElement;
    root.setAttribute("data-theme", dark ? "dark" : "light");
    if (background) root.style.setProperty("--bg", background);
    else root.style.removeProperty("--bg");
  }

  /** What the platform posts: a colour, "dark"/"light", or an object carrying either. */
  function themeFrom(data) {
    if (typeof data === "string") {
      const word = data.trim().toLowerCase();
      if (word === "dark" || word === "light") return {dark: word === "dark"};
      try { return themeFrom(JSON.parse(data)); } catch (_) { /* not JSON: maybe a colour */ }
      const rgb = rgbOf(data);
      return rgb ? {dark: isDark(rgb), background: data.trim()} : null;
    }
    if (data && typeof data === "object") {
      for (const key of ["backgroundColor", "background", "bgColor", "backgroundColour", "color", "colour"]) {
        if (typeof data[key] === "string" && rgbOf(data[key])) return themeFrom(data[key]);
      }
      for (const key of ["theme", "mode", "colorScheme"]) {
        if (typeof data[key] === "string") return themeFrom(data[key]);
      }
    }
    return null;
  }

  let themePosted = false;

  function watchTheme() {
    const media = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
    setTheme(media ? media.matches : false);
    if (media && media.addEventListener) {
      media.addEventListener("change", (event) => { if (!themePosted) setTheme(event.matches); });
    }
    window.addEventListener("message", (event) => {
      if (event.source !== window.parent) return;
      const theme = themeFrom(event.data);
      if (!theme) return;
      themePosted = true;
      setTheme(theme.dark, theme.background);
    });
  }

  // ------------------------------------------------------------------ start

  /** Render the result into #root once the page is parsed (the result is the last thing in it). */
  function mount(render) {
    watchTheme();
    document.addEventListener("DOMContentLoaded", () => {
      const root = document.getElementById("root");
      let result;
      try {
        result = readResult();
      } catch (err) {
        root.replaceChildren(el("div", {className: "w-error"}, "The action's JSON result could not be read: " + err.message));
        return;
      }
      if (result === undefined) {
        root.replaceChildren(empty("No result yet: this view fills in once the action has run."));
        return;
      }
      try {
        root.replaceChildren(render(result));
      } catch (err) {
        root.replaceChildren(el("div", {className: "w-error"}, "This result could not be shown: " + err.message));
        console.error(err);
      }
    });
  }

  // ------------------------------------------------------------------ profile cards

  /** The items of a JSON list that are there; anything that is not a list is no items. */
  const list = (value) => Array.isArray(value) ? value.filter((item) => item !== null && item !== undefined) : [];
  /** A JSON value as text; null and missing are empty, never "null". */
  const text = (value) => value === undefined || value === null ? "" : String(value);
  /** A muted word for a fact that has no value. */
  const none = (what) => el("span", {className: "muted"}, what || "none");
  /** A definition-list row of a profile card. */
  const fact = (label, value) => [el("dt", {}, label), el("dd", {}, value)];

  /** The card of an entity that was not enriched: what it was, its status and why. */
  function missingCard(entity, result) {
    return el("section", {className: "card", "data-entity": text(entity)},
      el("div", {className: "card-head"}, el("h2", {}, text(entity)),
        badge(text(result.Status || "not enriched").replace(/_/g, " "), "warn")),
      result.Reason ? el("p", {className: "muted"}, text(result.Reason)) : null);
  }

  return {el, append, badge, empty, entityResults, plural, parseDate, formatDate, daysSince, dateCell,
          sortableTable, themeFrom, setTheme, mount, DAY_MS, list, text, none, fact, missingCard};
})();
