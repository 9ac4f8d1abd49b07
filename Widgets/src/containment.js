/* The view shared by Disable and Enable User Access and their Identity Center twins: one row per
   User entity with what happened to it, what changed (access keys, permission sets), and why a
   user was not changed. */
"use strict";

/**
 * statuses: {status: {label, kind}} in the order the summary lists them.
 * keys: {field, label}: the EntityResult list the action changed (access key IDs, permission sets).
 * user: {label, id}: the user column's heading, and the EntityResult field shown under the name.
 * policyNote(policy): a note under the table when the results name a PolicyName; note: one always shown.
 */
function containmentView(result, {title, statuses, keys, policyNote, note, user = {label: "IAM user", id: "Arn"}}) {
  const {el, badge, empty, plural, entityResults} = W;
  const rows = entityResults(result);
  if (!rows.length) return empty("No User entities were in the scope of the action.");

  const statusOf = (row) => String(row.result.Status || "unknown");
  const counts = {};
  rows.forEach((row) => { counts[statusOf(row)] = (counts[statusOf(row)] || 0) + 1; });
  const known = (status) => statuses[status] || {label: status.replace(/_/g, " "), kind: ""};
  const order = [...Object.keys(statuses), ...Object.keys(counts).filter((s) => !(s in statuses))];
  const summary = el("div", {className: "chips", id: "summary"},
    order.filter((status) => counts[status])
      .map((status) => badge(counts[status] + " " + known(status).label, known(status).kind)));

  const keyCell = (row) => {
    const list = row.result[keys.field];
    if (!Array.isArray(list)) return el("span", {className: "muted"}, "\u2014");
    if (!list.length) return el("span", {className: "muted"}, "none");
    return el("div", {className: "keys"}, list.map((id) => el("span", {className: "mono"}, id)));
  };
  const userCell = (row) => {
    const name = row.result.UserName, id = row.result[user.id];
    if (!name && !id) return el("span", {className: "muted"}, "\u2014");
    return el("div", {}, el("strong", {}, name || ""), id ? el("div", {className: "mono muted small wrap"}, String(id)) : null);
  };

  const policy = rows.map((row) => row.result.PolicyName).find(Boolean);
  const table = el("div", {className: "table-wrap"}, el("table", {},
    el("thead", {}, el("tr", {}, ["Entity", user.label, "Status", keys.label, "Reason"].map((h) => el("th", {scope: "col"}, h)))),
    el("tbody", {}, rows.map((row) => el("tr", {"data-status": statusOf(row)},
      el("td", {className: "mono"}, row.entity === undefined ? "" : String(row.entity)),
      el("td", {}, userCell(row)),
      el("td", {}, badge(known(statusOf(row)).label, known(statusOf(row)).kind)),
      el("td", {}, keyCell(row)),
      el("td", {className: statusOf(row) === "failed" ? "reason" : "reason muted"}, row.result.Reason || ""))))));

  return el("div", {},
    el("div", {className: "toolbar"}, el("h1", {}, title), el("span", {className: "muted"}, plural(rows.length, "entity", "entities")), summary),
    table,
    policy && policyNote ? el("p", {className: "muted small"}, policyNote(policy)) : null,
    note ? el("p", {className: "muted small"}, note) : null);
}
