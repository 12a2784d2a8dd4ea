// The graph explorer: a Cytoscape.js drawing of the graph around a focus
// entity, read from this server only. Neighbourhoods come from the
// Cytoscape.js export (/export?format=cytoscape, the elements ready to
// draw, with every attribute and citation); search, paths and the sources
// behind each citation from GraphQL (/graphql). The view's state lives in
// the query string (/explore?focus=wagner-group&asOf=2022), so a view can
// be shared and the browser's Back button works.
"use strict";

const config = JSON.parse(document.getElementById("config").textContent);
const $ = (id) => document.getElementById(id);

// ---- Presentation: kinds, relationship groups, certainties --------------

const kindStyle = {
  COUNTRY: { color: "#4e79a7", shape: "round-rectangle", size: 34, label: "Country" },
  ARMED_GROUP: { color: "#e15759", shape: "diamond", size: 30, label: "Armed group" },
  PERSON: { color: "#f28e2b", shape: "ellipse", size: 22, label: "Person" },
  ORGANIZATION: { color: "#76b7b2", shape: "round-rectangle", size: 26, label: "Organization" },
  MISSION: { color: "#59a14f", shape: "hexagon", size: 28, label: "Mission" },
  AID_PROGRAM: { color: "#c9a800", shape: "barrel", size: 26, label: "Aid program" },
  SANCTION: { color: "#b07aa1", shape: "octagon", size: 26, label: "Sanction" },
  COUP: { color: "#d64d8a", shape: "star", size: 30, label: "Coup" },
  EVENT: { color: "#9c755f", shape: "triangle", size: 24, label: "Event" },
  AGREEMENT: { color: "#7f7f7f", shape: "rhomboid", size: 26, label: "Agreement" },
  LEGISLATION: { color: "#3b8686", shape: "rectangle", size: 24, label: "Legislation" },
};

// Relationship types by what they mean for a reader, one colour each.
const typeGroups = [
  { name: "aid", color: "#2e8b57", types: ["FUNDED", "WAIVED", "DENIED", "PROHIBITED", "PLEDGED", "PROPOSED"] },
  { name: "violence", color: "#c0392b", types: ["FIGHTS", "ATTACKED", "PERPETRATED", "PARTICIPATED_IN", "TARGETED", "DETAINED", "EXPELLED", "RECRUITED_CHILDREN", "SEIZED_POWER"] },
  { name: "support", color: "#2c6fbb", types: ["SUPPORTS", "ALLIED_WITH", "COOPERATES_WITH", "TRAINED", "DEPLOYED_TO", "NEGOTIATED_WITH", "MEDIATED", "SIGNED"] },
  { name: "legal", color: "#8e44ad", types: ["SANCTIONED", "DESIGNATED", "LISTED_UNDER", "AUTHORIZED_BY", "ENACTED", "BANNED", "SUSPENDED_FROM"] },
  { name: "structure", color: "#7a7f87", types: ["MEMBER_OF", "PART_OF", "LED_BY", "FORMED_FROM", "FOUNDED_BY", "SPLINTER_OF", "AFFILIATED_WITH", "SUCCEEDED_BY", "ADMINISTERED_BY", "IMPLEMENTED_BY", "ESTABLISHED", "ENDED", "WITHDREW_FROM", "DIRECTOR_OF", "OWNS", "REPRESENTS", "FAMILY_OF", "ASSOCIATE_OF"] },
];
const placeColor = "#a0522d"; // OPERATES_IN, BASED_IN, OCCURRED_IN, CONTROLS and any other

const certaintyStyle = {
  STATED: { line: "solid", dash: [], text: "the source states it" },
  REPORTED: { line: "dashed", dash: [8, 4], text: "the source says \u201creportedly\u201d" },
  ALLEGED: { line: "dotted", dash: [2, 4], text: "alleged or accused" },
  CLAIMED: { line: "dashed", dash: [14, 4, 2, 4], text: "a party\u2019s own claim" },
};

const qualifierWords = { EXACT: "", AT_LEAST: "at least ", ABOUT: "about ", AT_MOST: "up to " };

// ---- State and URL -------------------------------------------------------

const thisYear = new Date().getFullYear();

// readState reads the view from the query string.
function readState() {
  const q = new URLSearchParams(location.search);
  const list = (s) => (s ? s.split(",").map((x) => x.trim()).filter(Boolean) : []);
  const int = (s, def, lo, hi) => {
    const n = Number.parseInt(s ?? "", 10);
    return Number.isInteger(n) && n >= lo && n <= hi ? n : def;
  };
  const asOf = q.get("asOf") ?? "";
  return {
    focus: q.get("focus") ?? "",
    depth: int(q.get("depth"), 1, 0, config.maxDepth),
    limit: int(q.get("limit"), config.maxLimit, 1, config.maxLimit),
    asOf: /^\d{4}(-\d{2}(-\d{2})?)?$/.test(asOf) ? asOf : "",
    types: list(q.get("types")).filter((t) => config.types.includes(t)),
    expanded: list(q.get("expand")),
    from: q.get("from") ?? "",
    to: q.get("to") ?? "",
  };
}

// writeState puts the view into the query string; push makes a history
// entry (a new focus), otherwise the current one is replaced.
function writeState(push) {
  const q = new URLSearchParams();
  if (state.focus) q.set("focus", state.focus);
  if (state.depth !== 1) q.set("depth", String(state.depth));
  if (state.limit !== config.maxLimit) q.set("limit", String(state.limit));
  if (state.asOf) q.set("asOf", state.asOf);
  if (state.types.length) q.set("types", state.types.join(","));
  if (state.expanded.length) q.set("expand", state.expanded.join(","));
  if (state.from && state.to) {
    q.set("from", state.from);
    q.set("to", state.to);
  }
  const url = `${location.pathname}${q.toString() ? "?" + q.toString().replaceAll("%2C", ",") : ""}`;
  if (url !== location.pathname + location.search) history[push ? "pushState" : "replaceState"](null, "", url);
}

let state = readState();

// ---- Talking to the server -----------------------------------------------

// authorization is the API key field's header, for a server that needs a
// key to read; none when the field is empty.
function authorization() {
  const key = document.getElementById("api-key")?.value.trim();
  return key ? { Authorization: `Bearer ${key}` } : {};
}

// graphql runs a query against this server's /graphql and returns its data,
// or throws with the first error's message.
async function graphql(query, variables) {
  const res = await fetch("/graphql", {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json", ...authorization() },
    body: JSON.stringify({ query, variables }),
  });
  let body;
  try {
    body = await res.json();
  } catch {
    throw new Error(`the server answered HTTP ${res.status}`);
  }
  if (body.errors?.length) throw new Error(body.errors[0].message);
  return body.data;
}

// neighbourhood reads the elements around id from the Cytoscape.js export,
// with the view's date and type filters.
async function neighbourhood(id, depth) {
  const q = new URLSearchParams({ format: "cytoscape", id, depth: String(depth), limit: String(state.limit) });
  if (state.asOf) q.set("asOf", state.asOf);
  if (state.types.length) q.set("types", state.types.join(","));
  const res = await fetch(`/export?${q}`, { headers: authorization() });
  const body = await res.json().catch(() => null);
  if (!res.ok) throw new Error(body?.error?.message ?? `the export answered HTTP ${res.status}`);
  return body;
}

const citationFields = "citations { quote locator source { id title publisher published url } }";
const amountFields = "amount { value currency qualifier fiscalYear period low high }";
const entityQuery = `query ExplorerEntity($id: ID!) { node(id: $id) { ... on Entity { id kind name aliases summary ${citationFields}
  figures { measure value low high unit qualifier period date certainty attribution ${citationFields} } } } }`;
const relationshipQuery = `query ExplorerRelationship($id: ID!) { node(id: $id) { ... on Relationship { id type certainty attribution validFrom validTo
  description count ${amountFields} from { id name kind } to { id name kind } ${citationFields} } } }`;
const searchQuery = `query ExplorerSearch($text: String!) { search(text: $text, first: 10) { id kind name aliases } }`;
const pathsQuery = `query ExplorerPaths($from: ID!, $to: ID!, $asOf: PartialDate, $types: [RelationType!]) {
  paths(from: $from, to: $to, first: 3, asOf: $asOf, types: $types) { length nodes { id kind name }
    relationships { id type certainty attribution validFrom validTo description count ${amountFields}
      from { id name } to { id name } ${citationFields} } } }`;

// ---- The drawing ---------------------------------------------------------

function edgeColor(type) {
  return typeGroups.find((g) => g.types.includes(type))?.color ?? placeColor;
}

function buildStyle() {
  const style = [
    {
      selector: "node",
      style: {
        label: "data(label)", "font-size": 10, "text-valign": "bottom", "text-margin-y": 3, "text-wrap": "ellipsis",
        "text-max-width": 120, "min-zoomed-font-size": 7, "background-color": "#999", width: 24, height: 24,
        "border-width": 1, "border-color": "#fff", "text-outline-color": "#fff", "text-outline-width": 2, color: "#222",
      },
    },
    {
      selector: "edge",
      style: {
        width: 1.6, "line-color": placeColor, "target-arrow-color": placeColor, "target-arrow-shape": "triangle",
        "arrow-scale": 0.9, "curve-style": "bezier", opacity: 0.85, "font-size": 8, "min-zoomed-font-size": 9,
        "text-rotation": "autorotate", color: "#444", "text-outline-color": "#fff", "text-outline-width": 2,
      },
    },
  ];
  for (const [kind, s] of Object.entries(kindStyle)) {
    style.push({ selector: `node[kind = "${kind}"]`, style: { "background-color": s.color, shape: s.shape, width: s.size, height: s.size } });
  }
  for (const g of typeGroups) {
    style.push({ selector: g.types.map((t) => `edge[type = "${t}"]`).join(", "), style: { "line-color": g.color, "target-arrow-color": g.color } });
  }
  for (const [c, s] of Object.entries(certaintyStyle)) {
    const st = { "line-style": s.line };
    if (s.dash.length) st["line-dash-pattern"] = s.dash;
    if (c === "CLAIMED" || c === "ALLEGED") st["target-arrow-fill"] = "hollow";
    style.push({ selector: `edge[certainty = "${c}"]`, style: st });
  }
  style.push(
    { selector: "edge:selected, edge.path", style: { label: "data(type)", width: 3.5, opacity: 1 } },
    { selector: "edge.path", style: { "line-color": "#ff8c00", "target-arrow-color": "#ff8c00", "z-index": 10 } },
    { selector: "node.path", style: { "border-width": 4, "border-color": "#ff8c00" } },
    { selector: "node.expanded", style: { "border-width": 3, "border-style": "double", "border-color": "#333" } },
    { selector: "node.focus", style: { "border-width": 4, "border-color": "#111", "font-weight": "bold", "font-size": 12 } },
    { selector: "node:selected", style: { "overlay-color": "#0b4fb3", "overlay-opacity": 0.25, "overlay-padding": 6 } },
    { selector: "edge.fast", style: { "curve-style": "haystack", "haystack-radius": 0, width: 1, opacity: 1, "target-arrow-shape": "none" } },
    { selector: "node.fast", style: { "text-outline-width": 0, "border-width": 0, "text-wrap": "none" } },
    { selector: "node.quiet", style: { label: "" } },
    { selector: "node.quiet.focus, node.quiet:selected, node.quiet.path", style: { label: "data(label)" } },
    { selector: "node.fast.focus", style: { "border-width": 4 } },
  );
  return style;
}

const cy = cytoscape({
  container: $("cy"),
  style: buildStyle(),
  wheelSensitivity: 0.3,
  minZoom: 0.02,
  maxZoom: 4,
  boxSelectionEnabled: false,
});

// stats describe the last full drawing, for the status line and for tests:
// the time from asking for the view to its first painted frame
// (firstDrawMs) and to the list beside it being ready (readyMs).
const stats = { nodes: 0, edges: 0, fetchMs: 0, addMs: 0, layoutMs: 0, paintMs: 0, firstDrawMs: 0, readyMs: 0, draws: 0, asOf: "" };

function setStatus(text, kind = "ready") {
  const s = $("status");
  s.textContent = text;
  s.dataset.state = kind;
  s.setAttribute("role", kind === "error" ? "alert" : "status");
}

// Large views are drawn the cheap way: straight edges without arrows
// (Cytoscape.js's haystack edges), nodes without outlines, and positions
// computed here in one pass (rings of hops around the focus) instead of a
// layout that moves every element after it is added. Measured on 5,000
// entities, bezier edges cost ten times as much to lay out and paint.
const largeView = 300;

// ringPositions places the nodes on rings by hops from the focus (the
// focus at the centre), each ring wide enough for its nodes.
function ringPositions(elements, focus) {
  const adj = new Map();
  for (const e of elements) {
    if (e.group !== "edges") continue;
    for (const [a, b] of [[e.data.source, e.data.target], [e.data.target, e.data.source]]) {
      if (!adj.has(a)) adj.set(a, []);
      adj.get(a).push(b);
    }
  }
  const nodes = elements.filter((e) => e.group === "nodes");
  const start = nodes.some((n) => n.data.id === focus) ? focus : nodes[0]?.data.id;
  const level = new Map([[start, 0]]);
  let frontier = [start];
  while (frontier.length) {
    const next = [];
    for (const id of frontier) {
      for (const n of adj.get(id) ?? []) {
        if (!level.has(n)) {
          level.set(n, level.get(id) + 1);
          next.push(n);
        }
      }
    }
    frontier = next;
  }
  const rings = [];
  for (const n of nodes) {
    const l = level.get(n.data.id) ?? rings.length + 1; // unreached: an outer ring
    (rings[l] ??= []).push(n);
  }
  const spacing = 28;
  let radius = 0;
  let outer = 0;
  for (const ring of rings) {
    if (!ring) continue;
    ring.sort((a, b) => (a.data.kind < b.data.kind ? -1 : a.data.kind > b.data.kind ? 1 : 0));
    radius = ring.length === 1 && radius === 0 ? 0 : Math.max(radius + 160, (ring.length * spacing) / (2 * Math.PI));
    outer = radius;
    ring.forEach((n, i) => {
      const a = (2 * Math.PI * i) / ring.length;
      n.position = { x: radius * Math.cos(a), y: radius * Math.sin(a) };
    });
  }
  return outer;
}

// viewRings points the camera at rings of the given outer radius around the
// origin, without measuring every element as cy.fit would.
function viewRings(outer) {
  const w = cy.width();
  const h = cy.height();
  const zoom = Math.min(cy.maxZoom(), Math.max(cy.minZoom(), Math.min(w, h) / (2 * outer + 80)));
  cy.viewport({ zoom, pan: { x: w / 2, y: h / 2 } });
}

function layoutOptions() {
  return { name: "cose", animate: false, randomize: true, nodeRepulsion: () => 400000, nodeOverlap: 20, idealEdgeLength: () => 110,
    edgeElasticity: () => 100, gravity: 60, numIter: 1500, nodeDimensionsIncludeLabels: true, fit: true, padding: 40 };
}

// In a large view the names show once the user zooms in far enough to
// read them; drawing 5,000 names that overlap costs as much as the rest of
// the drawing.
let quiet = false;
const readableZoom = 0.55;
cy.on("zoom", () => {
  if (cy.nodes().length <= largeView) return;
  const want = cy.zoom() < readableZoom;
  if (want === quiet) return;
  quiet = want;
  cy.batch(() => (want ? cy.nodes().addClass("quiet") : cy.nodes().removeClass("quiet")));
});

// tuneRendering makes panning and zooming a large view cheap: edges are
// hidden and the drawing is moved as one picture while the viewport moves.
function tuneRendering() {
  const big = cy.nodes().length > largeView;
  const r = cy.renderer();
  if (r) {
    r.hideEdgesOnViewport = big;
    r.textureOnViewport = big;
  }
}

// draw replaces the drawing with elements, lays it out and resolves once
// the browser has painted it; t0 is when the view was asked for.
async function draw(elements, t0, fetched) {
  stats.fetchMs = Math.round(fetched - t0);
  const big = elements.filter((e) => e.group === "nodes").length > largeView;
  const tl = performance.now();
  let outer = 0;
  if (big) {
    outer = ringPositions(elements, state.focus);
    for (const e of elements) e.classes = e.group === "nodes" ? "fast quiet" : "fast";
  }
  quiet = big;
  stats.layoutMs = Math.round(performance.now() - tl);
  const painted = new Promise((resolve) => cy.one("render", resolve));
  const ta = performance.now();
  cy.batch(() => {
    cy.elements().remove();
    cy.add(elements);
    markClasses();
  });
  tuneRendering();
  const tb = performance.now();
  stats.addMs = Math.round(tb - ta);
  if (big) viewRings(outer);
  else cy.layout(layoutOptions()).run();
  const tp = performance.now();
  stats.layoutMs += Math.round(tp - tb);
  await painted;
  stats.paintMs = Math.round(performance.now() - tp);
  stats.firstDrawMs = Math.round(performance.now() - t0);
  stats.nodes = cy.nodes().length;
  stats.edges = cy.edges().length;
  stats.draws++;
}

function markClasses() {
  cy.nodes().removeClass("focus expanded");
  if (state.focus) cy.getElementById(state.focus).addClass("focus");
  for (const id of state.expanded) cy.getElementById(id).addClass("expanded");
}

// merge adds a Cytoscape.js elements document to an id-keyed collection,
// keeping the first copy of each element.
function merge(into, doc) {
  for (const group of ["nodes", "edges"]) {
    for (const el of doc.elements[group]) {
      if (!into.has(el.data.id)) into.set(el.data.id, { group, data: el.data });
    }
  }
  return doc.truncated;
}

// loads counts the views asked for: a load whose answers arrive after a
// newer one was asked for (the as-of slider dragged on, say) draws nothing.
let loads = 0;

// load draws the whole view from the state: the focus's neighbourhood, the
// neighbourhood of each expanded entity, and the paths asked for.
async function load() {
  const mine = ++loads;
  const stale = () => mine !== loads;
  if (!state.focus && !(state.from && state.to)) {
    cy.elements().remove();
    renderList();
    setStatus("Search for an entity to start.", "idle");
    return;
  }
  setStatus("Loading\u2026", "loading");
  const t0 = performance.now();
  try {
    const els = new Map();
    let truncated = false;
    if (state.focus) {
      const docs = await Promise.all([state.focus, ...state.expanded].map((id, i) => neighbourhood(id, i === 0 ? state.depth : 1)));
      for (const d of docs) truncated = merge(els, d) || truncated;
    }
    let paths = null;
    if (state.from && state.to) {
      paths = await findPaths(state.from, state.to);
      await addPathElements(els, paths);
    }
    if (stale()) return;
    const fetched = performance.now();
    await draw([...els.values()], t0, fetched);
    stats.asOf = state.asOf ?? ""; // the date the view on screen is for
    if (paths) showPaths(paths);
    renderList();
    stats.readyMs = Math.round(performance.now() - t0);
    const cut = truncated ? ` \u00b7 cut at ${state.limit} entities (the closest are kept)` : "";
    setStatus(`${stats.nodes.toLocaleString("en")} entities, ${stats.edges.toLocaleString("en")} links${state.asOf ? ` as of ${state.asOf}` : ""} \u00b7 drawn in ${stats.firstDrawMs} ms${cut}`);
    console.info(`explorer: ${stats.nodes} nodes, ${stats.edges} edges; fetch ${stats.fetchMs} ms, layout ${stats.layoutMs} ms, first draw ${stats.firstDrawMs} ms`);
    if (selected && cy.getElementById(selected).nonempty()) cy.getElementById(selected).select();
  } catch (err) {
    if (!stale()) setStatus(`Could not load the view: ${err.message}`, "error");
  }
}

// expand adds an entity's neighbourhood to the view without redrawing the
// rest: the new entities are placed in a ring around it.
async function expand(id) {
  if (state.expanded.includes(id) || id === state.focus) {
    setStatus(`${nameOf(id)} is already expanded.`);
    return;
  }
  setStatus(`Expanding ${nameOf(id)}\u2026`, "loading");
  try {
    const doc = await neighbourhood(id, 1);
    const els = new Map();
    merge(els, doc);
    const fresh0 = [...els.values()].filter((e) => cy.getElementById(e.data.id).empty());
    if (cy.nodes().length + fresh0.length > largeView) {
      for (const e of fresh0) e.classes = e.group === "nodes" && quiet ? "fast quiet" : "fast";
    }
    const added = cy.add(fresh0);
    state.expanded.push(id);
    writeState(false);
    markClasses();
    tuneRendering();
    const fresh = added.nodes();
    if (fresh.nonempty()) {
      const c = cy.getElementById(id).position();
      const r = 60 + 8 * Math.sqrt(fresh.length) * 6;
      fresh.layout({ name: "circle", animate: false, fit: false, boundingBox: { x1: c.x - r, y1: c.y - r, w: 2 * r, h: 2 * r } }).run();
    }
    cy.fit(undefined, 30);
    renderList();
    setStatus(`Added ${fresh.length} entities and ${added.edges().length} links around ${nameOf(id)}.`);
  } catch (err) {
    setStatus(`Could not expand ${nameOf(id)}: ${err.message}`, "error");
  }
}

function nameOf(id) {
  const n = cy.getElementById(id);
  return n.nonempty() ? n.data("name") : id;
}

// ---- Selection and details -----------------------------------------------

let selected = "";
let clickedOnce = "";

cy.on("tap", "node", (evt) => activate(evt.target.id()));
cy.on("tap", "edge", (evt) => {
  clickedOnce = "";
  selected = evt.target.id();
  showRelationship(selected);
  markListSelection();
});
cy.on("tap", (evt) => {
  if (evt.target === cy) {
    clickedOnce = "";
    selected = "";
    markListSelection();
  }
});

// activate is a click on an entity, in the drawing or the list: the first
// shows its details, a second on the same entity expands it.
function activate(id) {
  if (clickedOnce === id) {
    expand(id);
    return;
  }
  clickedOnce = id;
  selected = id;
  cy.elements().unselect();
  cy.getElementById(id).select();
  showEntity(id);
  markListSelection();
}

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  e.append(...children.filter((c) => c !== null && c !== undefined && c !== false));
  return e;
}

function citationList(citations) {
  return el(
    "div",
    { class: "citations" },
    el("h3", {}, citations.length === 1 ? "Source" : `Sources (${citations.length})`),
    ...citations.map((c) => {
      const s = c.source;
      const title = s.url ? el("a", { href: s.url, target: "_blank", rel: "noopener noreferrer" }, s.title) : s.title;
      return el("div", { class: "citation" }, el("blockquote", { class: "quote" }, c.quote),
        el("cite", {}, title, ` \u2014 ${s.publisher}${s.published ? `, ${s.published}` : ""}${c.locator ? ` (${c.locator})` : ""}`));
    }),
  );
}

function details(...children) {
  const box = $("details");
  box.replaceChildren(el("h2", { id: "details-heading" }, "Details"), ...children.filter((c) => c !== null && c !== undefined && c !== false));
}

function definitionList(pairs) {
  const dl = el("dl");
  for (const [k, v] of pairs) if (v !== undefined && v !== null && v !== "") dl.append(el("dt", {}, k), el("dd", {}, String(v)));
  return dl;
}

const attributeLabels = {
  category: "Category", iso3: "ISO code", role: "Role", date: "Date", started: "Started", ended: "Ended", place: "Place",
  killed: "Killed", injured: "Injured", program: "Program", authority: "Authority", agency: "Agency",
};

async function showEntity(id) {
  const data = cy.getElementById(id).data() ?? {};
  details(el("p", {}, `Loading ${data.name ?? id}\u2026`));
  try {
    const { node } = await graphql(entityQuery, { id });
    if (!node) throw new Error(`no entity has id "${id}"`);
    const attrs = Object.entries(attributeLabels).map(([k, label]) => [label, data[k]]);
    details(
      el("h3", { class: "entity-name" }, node.name),
      el("p", { class: "kind" }, `${kindStyle[node.kind]?.label ?? node.kind} \u00b7 id ${node.id}`),
      node.aliases.length ? el("p", {}, `Also: ${node.aliases.join("; ")}`) : null,
      node.summary ? el("p", {}, node.summary) : null,
      definitionList(attrs),
      node.figures.length
        ? el("div", {}, el("h3", {}, "Figures"), ...node.figures.map((f) => el("div", { class: "figure" },
          el("p", {}, figureText(f)),
          citationList(f.citations))))
        : null,
      citationList(node.citations),
      el("div", { class: "row" },
        el("button", { type: "button", onclick: () => focusOn(id) }, "Focus here"),
        el("button", { type: "button", onclick: () => expand(id) }, "Expand"),
        el("button", { type: "button", onclick: () => { $("path-from").value = id; } }, "Path from here"),
        el("button", { type: "button", onclick: () => { $("path-to").value = id; } }, "Path to here")),
    );
  } catch (err) {
    details(el("p", { role: "alert" }, `Could not load the details: ${err.message}`));
  }
}

// periodWords reads a rate's period; a total has none.
const periodWords = { PER_DAY: " per day", PER_WEEK: " per week", PER_MONTH: " per month", PER_YEAR: " per year" };

function amountText(a) {
  if (!a) return "";
  const money = (value) => {
    const n = Number(value);
    try {
      return new Intl.NumberFormat("en", { style: "currency", currency: a.currency, minimumFractionDigits: 0, maximumFractionDigits: 2 }).format(n);
    } catch {
      return `${n.toLocaleString("en")} ${a.currency}`;
    }
  };
  const range = a.low || a.high ? ` (range ${a.low ? money(a.low) : "?"}–${a.high ? money(a.high) : "?"})` : "";
  return `${qualifierWords[a.qualifier] ?? ""}${money(a.value)}${periodWords[a.period] ?? ""}${range}${a.fiscalYear ? ` (FY${a.fiscalYear})` : ""}`;
}

// figureText reads a figure as its source gives it: the value with its
// qualifier, period and range, when it held, whose figure it is, and how
// firmly the source states it.
function figureText(f) {
  const n = (v) => Number(v).toLocaleString("en");
  const range = f.low !== null || f.high !== null ? ` (range ${f.low !== null ? n(f.low) : "?"}–${f.high !== null ? n(f.high) : "?"})` : "";
  const said = f.certainty && f.certainty !== "STATED" ? ` · ${f.certainty.toLowerCase()}` : "";
  return `${f.measure}: ${qualifierWords[f.qualifier] ?? ""}${n(f.value)} ${f.unit}${periodWords[f.period] ?? ""}${range}` +
    `${f.date ? ` (${f.date})` : ""}${f.attribution ? `, per ${f.attribution}` : ""}${said}`;
}

async function showRelationship(id) {
  details(el("p", {}, "Loading the link\u2026"));
  try {
    const { node: r } = await graphql(relationshipQuery, { id });
    if (!r) throw new Error(`no relationship has id "${id}"`);
    details(
      el("h3", { class: "link" }, `${r.from.name} \u2014${r.type}\u2192 ${r.to.name}`),
      el("p", { class: "help" }, config.typeDocs[r.type] ?? ""),
      definitionList([
        ["Certainty", `${r.certainty}: ${certaintyStyle[r.certainty]?.text ?? ""}`],
        ["Attributed to", r.attribution],
        ["From", r.validFrom], ["Until", r.validTo], ["Amount", amountText(r.amount)], ["Count", r.count],
        ["Description", r.description], ["Id", r.id],
      ]),
      citationList(r.citations),
    );
  } catch (err) {
    details(el("p", { role: "alert" }, `Could not load the details: ${err.message}`));
  }
}

// ---- Entities in view (the accessible list) ------------------------------

function renderList() {
  const nodes = cy.nodes().map((n) => n.data()).sort((a, b) => a.name.localeCompare(b.name, "en"));
  const frag = document.createDocumentFragment();
  for (const d of nodes) {
    const li = el("li", { "data-id": d.id },
      el("button", { type: "button", onclick: () => activate(d.id) }, d.name), " ",
      el("span", { class: "kind" }, kindStyle[d.kind]?.label ?? d.kind));
    frag.append(li);
  }
  $("entity-list").replaceChildren(frag);
  $("list-count").textContent = `(${nodes.length.toLocaleString("en")})`;
  markListSelection();
}

function markListSelection() {
  for (const li of $("entity-list").children) {
    li.classList.toggle("selected", li.dataset.id === selected);
    li.classList.toggle("focus", li.dataset.id === state.focus);
  }
}

// ---- Search --------------------------------------------------------------

$("search-form").addEventListener("submit", async (evt) => {
  evt.preventDefault();
  const text = $("search").value.trim();
  if (!text) return;
  const out = $("search-results");
  try {
    const { search } = await graphql(searchQuery, { text });
    out.replaceChildren(...(search.length
      ? search.map((e) => el("li", {}, el("button", { type: "button", "data-id": e.id, onclick: () => focusOn(e.id) }, e.name), " ",
        el("span", { class: "kind" }, kindStyle[e.kind]?.label ?? e.kind)))
      : [el("li", {}, `Nothing matches \u201c${text}\u201d.`)]));
  } catch (err) {
    out.replaceChildren(el("li", { role: "alert" }, err.message));
  }
});

// focusOn opens an entity's neighbourhood as a new view.
function focusOn(id) {
  state.focus = id;
  state.expanded = [];
  selected = id;
  clickedOnce = id;
  writeState(true);
  load().then(() => showEntity(id));
}

// ---- Paths ---------------------------------------------------------------

// resolve turns what the user typed (an id or a name) into an entity id:
// search ranks an exact id or name first.
async function resolve(text) {
  if (cy.getElementById(text).isNode?.()) return text;
  const { search } = await graphql(searchQuery, { text });
  if (!search.length) throw new Error(`no entity matches \u201c${text}\u201d`);
  return search[0].id;
}

async function findPaths(fromText, toText) {
  const [from, to] = await Promise.all([resolve(fromText), resolve(toText)]);
  const vars = { from, to };
  if (state.asOf) vars.asOf = state.asOf;
  if (state.types.length) vars.types = state.types;
  const { paths } = await graphql(pathsQuery, vars);
  return { from, to, paths };
}

// addPathElements adds the paths' entities (with every attribute, from the
// export at depth 0) and their links to the view.
async function addPathElements(els, { paths }) {
  const ids = [...new Set(paths.flatMap((p) => p.nodes.map((n) => n.id)))].filter((id) => !els.has(id) && cy.getElementById(id).empty());
  const docs = await Promise.all(ids.map((id) => neighbourhood(id, 0)));
  for (const d of docs) merge(els, d);
  for (const id of new Set(paths.flatMap((p) => p.nodes.map((n) => n.id)))) {
    const n = cy.getElementById(id);
    if (!els.has(id) && n.nonempty()) els.set(id, { group: "nodes", data: n.data() });
  }
  for (const p of paths) {
    for (const r of p.relationships) {
      if (els.has(r.id)) continue;
      const data = { id: r.id, source: r.from.id, target: r.to.id, type: r.type, certainty: r.certainty, citations: r.citations.map((c) => (c.locator ? { quote: c.quote, source: c.source.id, locator: c.locator } : { quote: c.quote, source: c.source.id })) };
      for (const k of ["attribution", "validFrom", "validTo", "description", "count"]) if (r[k] !== null && r[k] !== undefined) data[k] = r[k];
      if (r.amount) {
        data.amount = { value: r.amount.value, currency: r.amount.currency, qualifier: r.amount.qualifier };
        for (const k of ["fiscalYear", "period", "low", "high"]) if (r.amount[k] !== null) data.amount[k] = r.amount[k];
      }
      els.set(r.id, { group: "edges", data });
    }
  }
}

function showPaths({ from, to, paths }) {
  cy.elements().removeClass("path");
  const box = $("paths");
  box.hidden = false;
  const list = $("path-results");
  if (!paths.length) {
    list.replaceChildren(el("li", {}, `No path links ${nameOf(from)} and ${nameOf(to)} within 4 hops${state.asOf ? ` as of ${state.asOf}` : ""}.`));
    return;
  }
  list.replaceChildren(...paths.map((p, i) => {
    for (const n of p.nodes) cy.getElementById(n.id).addClass("path");
    for (const r of p.relationships) cy.getElementById(r.id).addClass("path");
    return el("li", { class: "path-item" },
      el("h3", {}, `Path ${i + 1}: ${p.length} ${p.length === 1 ? "hop" : "hops"}, ${p.nodes.map((n) => n.name).join(" \u2192 ")}`),
      el("ol", { class: "hops" }, ...p.relationships.map((r) => el("li", { class: "hop-item" },
        el("span", { class: "hop" }, `${r.from.name} \u2014${r.type}\u2192 ${r.to.name}`), " ",
        el("span", { class: `certainty-${r.certainty}` }, `(${r.certainty.toLowerCase()})`),
        ...r.citations.map((c) => el("div", {}, el("blockquote", { class: "quote" }, c.quote), el("cite", {}, c.source.title)))))));
  }));
}

$("path-form").addEventListener("submit", async (evt) => {
  evt.preventDefault();
  const from = $("path-from").value.trim();
  const to = $("path-to").value.trim();
  if (!from || !to) return;
  setStatus("Finding paths\u2026", "loading");
  try {
    const found = await findPaths(from, to);
    state.from = found.from;
    state.to = found.to;
    $("path-from").value = found.from;
    $("path-to").value = found.to;
    writeState(false);
    const t0 = performance.now();
    if (!state.focus) {
      await load();
      return;
    }
    const els = new Map();
    await addPathElements(els, found);
    cy.add([...els.values()].filter((e) => cy.getElementById(e.data.id).empty()));
    markClasses();
    if (cy.nodes().length <= largeView) cy.layout({ ...layoutOptions(), randomize: false }).run();
    showPaths(found);
    renderList();
    setStatus(`${found.paths.length} ${found.paths.length === 1 ? "path" : "paths"} from ${nameOf(found.from)} to ${nameOf(found.to)} (${Math.round(performance.now() - t0)} ms).`);
  } catch (err) {
    setStatus(`Could not find paths: ${err.message}`, "error");
  }
});

$("path-clear").addEventListener("click", () => {
  state.from = state.to = "";
  $("path-from").value = $("path-to").value = "";
  $("paths").hidden = true;
  cy.elements().removeClass("path");
  writeState(false);
});

// ---- Filters -------------------------------------------------------------

function initControls() {
  const depth = $("depth");
  for (let d = 0; d <= config.maxDepth; d++) depth.append(el("option", { value: String(d) }, `${d} ${d === 1 ? "hop" : "hops"}`));
  depth.addEventListener("change", () => {
    state.depth = Number(depth.value);
    writeState(false);
    load();
  });

  const asof = $("asof");
  const any = $("asof-any");
  asof.max = String(thisYear);
  let timer;
  const apply = () => {
    state.asOf = any.checked ? "" : asof.value;
    $("asof-value").textContent = state.asOf || "any time";
    asof.disabled = any.checked;
    writeState(false);
    load();
  };
  asof.addEventListener("input", () => {
    $("asof-value").textContent = asof.value;
    clearTimeout(timer);
    timer = setTimeout(apply, 250);
  });
  asof.addEventListener("change", () => {
    clearTimeout(timer);
    apply();
  });
  any.addEventListener("change", apply);

  const box = $("types");
  for (const t of config.types) {
    box.append(el("label", { title: config.typeDocs[t] ?? "" },
      el("input", { type: "checkbox", value: t }),
      " ", el("span", { class: "swatch", style: `background:${edgeColor(t)}` }), t));
  }
  const boxes = () => [...box.querySelectorAll("input")];
  $("types-all").addEventListener("click", () => boxes().forEach((b) => { b.checked = true; }));
  $("types-none").addEventListener("click", () => boxes().forEach((b) => { b.checked = false; }));
  $("types-apply").addEventListener("click", () => {
    const on = boxes().filter((b) => b.checked).map((b) => b.value);
    if (!on.length) {
      setStatus("Choose at least one relationship type.", "error");
      return;
    }
    state.types = on.length === config.types.length ? [] : on;
    writeState(false);
    load();
  });


  const kinds = $("legend-kinds");
  for (const k of config.kinds) kinds.append(el("li", {}, el("span", { class: "swatch", style: `background:${kindStyle[k]?.color ?? "#999"}` }), kindStyle[k]?.label ?? k));
  const certainty = $("legend-certainty");
  for (const c of config.certainties) {
    const dash = (certaintyStyle[c]?.dash ?? []).join(" ");
    const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("width", "40");
    svg.setAttribute("height", "8");
    svg.setAttribute("aria-hidden", "true");
    const line = document.createElementNS("http://www.w3.org/2000/svg", "line");
    for (const [k, v] of Object.entries({ x1: 0, y1: 4, x2: 40, y2: 4, stroke: "#333", "stroke-width": 2, "stroke-dasharray": dash })) line.setAttribute(k, String(v));
    svg.append(line);
    certainty.append(el("li", {}, svg, ` ${c.toLowerCase()}: ${certaintyStyle[c]?.text ?? ""}`));
  }
}

// ---- Downloads -----------------------------------------------------------

function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = el("a", { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

function viewName() {
  return `conflictgraph${state.focus ? "-" + state.focus : ""}${state.asOf ? "-" + state.asOf : ""}`;
}

$("export-png").addEventListener("click", async () => {
  const blob = await cy.png({ output: "blob-promise", full: true, scale: cy.nodes().length > largeView ? 1 : 2, bg: "#ffffff" });
  download(blob, `${viewName()}.png`);
});

// graphml writes the elements in view as GraphML with the attributes the
// server's own GraphML export declares (config.nodeAttributes and
// edgeAttributes, in its order), read from the export's Cytoscape.js data:
// lists as JSON, an amount split into amount, currency, qualifier,
// fiscalYear, period, amountLow and amountHigh.
function graphml() {
  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c]);
  const value = (data, name) => {
    const amountParts = { amount: "value", currency: "currency", qualifier: "qualifier", fiscalYear: "fiscalYear", period: "period", amountLow: "low", amountHigh: "high" };
    if (name in amountParts) {
      const a = data.amount;
      if (!a) return undefined;
      return a[amountParts[name]];
    }
    const v = data[name];
    if (v === undefined || v === null) return undefined;
    return typeof v === "object" ? JSON.stringify(v) : v;
  };
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>',
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">',
    ' <key id="graph.truncated" for="graph" attr.name="truncated" attr.type="boolean"/>'];
  for (const a of config.nodeAttributes) lines.push(` <key id="node.${a.name}" for="node" attr.name="${a.name}" attr.type="${a.type}"/>`);
  for (const a of config.edgeAttributes) lines.push(` <key id="edge.${a.name}" for="edge" attr.name="${a.name}" attr.type="${a.type}"/>`);
  lines.push(' <graph id="conflictgraph" edgedefault="directed">', '  <data key="graph.truncated">false</data>');
  const sorted = (c) => c.map((e) => e.data()).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const d of sorted(cy.nodes())) {
    lines.push(`  <node id="${esc(d.id)}">`);
    for (const a of config.nodeAttributes) {
      const v = value(d, a.name);
      if (v !== undefined) lines.push(`   <data key="node.${a.name}">${esc(v)}</data>`);
    }
    lines.push("  </node>");
  }
  for (const d of sorted(cy.edges())) {
    lines.push(`  <edge id="${esc(d.id)}" source="${esc(d.source)}" target="${esc(d.target)}">`);
    for (const a of config.edgeAttributes) {
      const v = value(d, a.name);
      if (v !== undefined) lines.push(`   <data key="edge.${a.name}">${esc(v)}</data>`);
    }
    lines.push("  </edge>");
  }
  lines.push(" </graph>", "</graphml>", "");
  return lines.join("\n");
}

$("export-graphml").addEventListener("click", () => {
  download(new Blob([graphml()], { type: "application/graphml+xml" }), `${viewName()}.graphml`);
});

// ---- Start ---------------------------------------------------------------

// syncControls shows the state in the controls: on start, and when Back
// or Forward brings another view.
function syncControls() {
  $("depth").value = String(state.depth);
  $("asof").value = String(state.asOf ? Number(state.asOf.slice(0, 4)) : thisYear);
  $("asof-any").checked = !state.asOf;
  $("asof").disabled = !state.asOf;
  $("asof-value").textContent = state.asOf || "any time";
  for (const b of $("types").querySelectorAll("input")) b.checked = state.types.length === 0 || state.types.includes(b.value);
  $("path-from").value = state.from;
  $("path-to").value = state.to;
}

window.addEventListener("popstate", () => {
  state = readState();
  syncControls();
  load();
});

initControls();
syncControls();
window.explorer = { cy, stats, get state() { return state; } };
load().then(() => {
  if (state.focus && cy.getElementById(state.focus).nonempty()) {
    selected = clickedOnce = state.focus;
    showEntity(state.focus);
    markListSelection();
  }
});
