// Hasila live page: draws the governorate map from the shipped GeoJSON, polls the read-only API
// and updates the map, the table and the latest incidents in place (no reload, no libraries).
"use strict";

(function () {
  const SVG_NS = "http://www.w3.org/2000/svg";
  const params = new URLSearchParams(location.search);
  const POLL_MS = Math.max(500, Number(params.get("poll")) || 3000);
  const WIDTH = 640, HEIGHT = 560, PAD = 12;
  const COLORS = ["#fee5d9", "#fcbba1", "#fc9272", "#fb6a4a", "#de2d26", "#a50f15"];
  const ZERO = "#eef1f3";

  const state = { features: [], names: {}, region: null, query: "", timer: null, busy: false };
  const $ = (id) => document.getElementById(id);

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  // --- map --------------------------------------------------------------------------------------
  function rings(geometry) {
    return geometry.type === "Polygon" ? geometry.coordinates : geometry.coordinates.flat();
  }

  function projection(features) {
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (const f of features) for (const ring of rings(f.geometry)) for (const [x, y] of ring) {
      minX = Math.min(minX, x); maxX = Math.max(maxX, x); minY = Math.min(minY, y); maxY = Math.max(maxY, y);
    }
    const k = Math.cos(((minY + maxY) / 2) * Math.PI / 180); // equirectangular, true at mid-latitude
    const scale = Math.min((WIDTH - 2 * PAD) / ((maxX - minX) * k), (HEIGHT - 2 * PAD) / (maxY - minY));
    const offX = (WIDTH - (maxX - minX) * k * scale) / 2, offY = (HEIGHT - (maxY - minY) * scale) / 2;
    return ([x, y]) => [offX + (x - minX) * k * scale, offY + (maxY - y) * scale];
  }

  function centroid(ring, project) {
    let a = 0, cx = 0, cy = 0;
    const pts = ring.map(project);
    for (let i = 0; i < pts.length - 1; i++) {
      const [x0, y0] = pts[i], [x1, y1] = pts[i + 1];
      const c = x0 * y1 - x1 * y0;
      a += c; cx += (x0 + x1) * c; cy += (y0 + y1) * c;
    }
    return a ? [cx / (3 * a), cy / (3 * a)] : pts[0];
  }

  function drawMap(geojson) {
    const svg = $("map");
    svg.setAttribute("viewBox", `0 0 ${WIDTH} ${HEIGHT}`);
    const project = projection(geojson.features);
    const labels = [];
    for (const f of geojson.features) {
      const p = f.properties;
      state.names[p.pcode] = { en: p.name_en, ar: p.name_ar };
      const d = rings(f.geometry).map((ring) =>
        "M" + ring.map(project).map(([x, y]) => x.toFixed(1) + "," + y.toFixed(1)).join("L") + "Z").join("");
      const path = document.createElementNS(SVG_NS, "path");
      path.setAttribute("d", d);
      path.setAttribute("fill-rule", "evenodd");
      path.setAttribute("fill", ZERO);
      path.setAttribute("data-pcode", p.pcode);
      path.classList.add("governorate");
      const title = document.createElementNS(SVG_NS, "title");
      title.textContent = `${p.name_en} (${p.name_ar})`;
      path.appendChild(title);
      path.addEventListener("click", () => selectRegion(p.pcode));
      svg.appendChild(path);
      // label the largest ring
      const outer = rings(f.geometry).reduce((a, b) => (b.length > a.length ? b : a));
      labels.push([p.pcode, centroid(outer, project)]);
    }
    for (const [pcode, [x, y]] of labels) {
      const t = document.createElementNS(SVG_NS, "text");
      t.setAttribute("x", x.toFixed(1)); t.setAttribute("y", y.toFixed(1));
      t.setAttribute("text-anchor", "middle");
      t.setAttribute("data-label", pcode);
      svg.appendChild(t);
    }
    state.features = geojson.features;
  }

  function breaks(max) {
    // 6 classes over 1..max, roughly geometric so a few big numbers do not wash out the rest
    const out = [];
    for (let i = 1; i <= COLORS.length; i++) out.push(Math.max(1, Math.round(Math.pow(max, i / COLORS.length))));
    return out;
  }

  function colour(value, bounds) {
    if (!value) return ZERO;
    for (let i = 0; i < bounds.length; i++) if (value <= bounds[i]) return COLORS[i];
    return COLORS[COLORS.length - 1];
  }

  function shade(byRegion) {
    const max = Math.max(0, ...Object.values(byRegion).map((r) => r.killed));
    const bounds = breaks(max || 1);
    for (const path of document.querySelectorAll("#map path[data-pcode]")) {
      const pcode = path.getAttribute("data-pcode");
      const row = byRegion[pcode];
      const killed = row ? row.killed : 0;
      path.setAttribute("fill", colour(killed, bounds));
      path.setAttribute("data-killed", String(killed));
      path.firstChild.textContent =
        `${state.names[pcode].en} (${state.names[pcode].ar}): ${killed} killed, ${row ? row.injured : 0} injured`;
    }
    for (const t of document.querySelectorAll("#map text[data-label]")) {
      const row = byRegion[t.getAttribute("data-label")];
      t.textContent = row && row.killed ? String(row.killed) : "";
    }
    const legend = $("legend");
    legend.replaceChildren(el("span", {}, "killed:"));
    const swatch = el("i"); swatch.style.background = ZERO; legend.append(swatch, el("span", {}, "0"));
    let lo = 1;
    for (let i = 0; i < bounds.length; i++) {
      if (i > 0 && bounds[i] === bounds[i - 1]) continue;
      const s = el("i"); s.style.background = COLORS[i];
      legend.append(s, el("span", {}, lo === bounds[i] ? `${lo}` : `${lo}–${bounds[i]}`));
      lo = bounds[i] + 1;
      if (bounds[i] >= max) break;
    }
  }

  // --- table ------------------------------------------------------------------------------------
  function renderTable(byRegion, unplaced) {
    const rows = state.features.map((f) => {
      const p = f.properties.pcode;
      return byRegion[p] || { region: p, killed: 0, injured: 0, incidents: 0, unquantified: 0 };
    });
    rows.sort((a, b) => b.killed - a.killed || b.injured - a.injured || a.region.localeCompare(b.region));
    if (unplaced && (unplaced.incidents || unplaced.killed || unplaced.injured)) rows.push(unplaced);
    const body = document.querySelector("#regions tbody");
    const totals = { killed: 0, injured: 0, incidents: 0, unquantified: 0 };
    const trs = rows.map((r) => {
      const names = state.names[r.region] || { en: r.name_en || "(no place)", ar: r.name_ar || "" };
      const tr = el("tr", { "data-pcode": r.region });
      if (!r.killed && !r.injured && !r.incidents) tr.classList.add("zero");
      if (r.region === state.region) tr.classList.add("selected");
      tr.append(el("th", { scope: "row" }, names.en), el("td", { lang: "ar", dir: "rtl" }, names.ar));
      for (const k of ["killed", "injured", "incidents", "unquantified"]) {
        tr.append(el("td", { class: "num " + k }, r[k]));
        totals[k] += r[k];
      }
      tr.addEventListener("click", () => selectRegion(r.region));
      return tr;
    });
    body.replaceChildren(...trs);
    for (const k of Object.keys(totals)) $("total-" + k).textContent = String(totals[k]);
  }

  // --- incidents --------------------------------------------------------------------------------
  function safeUrl(url) {
    try {
      const u = new URL(url);
      return u.protocol === "https:" || u.protocol === "http:" ? u.href : null;
    } catch (e) { return null; }
  }

  function renderIncidents(data) {
    const list = $("incidents");
    if (!data.incidents.length) {
      list.replaceChildren(el("li", { class: "empty" }, "No incidents in this period."));
      return;
    }
    list.replaceChildren(...data.incidents.map((inc) => {
      const li = el("li", { "data-incident": inc.incident_id });
      const count = inc.count_best === null ? "an unknown number" : String(inc.count_best);
      const where = (inc.region && inc.region.place) ? inc.region.place : "";
      const region = inc.region_name ? `${inc.region_name.en} / ${inc.region_name.ar}` : "";
      const head = el("div", { class: "head" },
        `${inc.event_date || "undated"} · ${count} ${inc.kind} (${inc.victim}) · `);
      if (where) head.append(el("bdi", {}, where), " · ");
      head.append(el("bdi", {}, region));
      li.append(head);
      if (inc.evidence) li.append(el("blockquote", { class: "evidence", dir: "auto" }, inc.evidence));
      const src = el("div", { class: "sources" }, `${inc.source_count} source${inc.source_count === 1 ? "" : "s"}: `);
      inc.sources.forEach((s, i) => {
        if (i) src.append(", ");
        const label = `${s.source || s.article_id}${s.published_at ? " (" + s.published_at.slice(0, 10) + ")" : ""}`;
        const href = s.url ? safeUrl(s.url) : null;
        src.append(href ? el("a", { href, rel: "noopener noreferrer nofollow", target: "_blank" }, label)
                        : el("span", { dir: "auto" }, label));
      });
      li.append(src);
      return li;
    }));
  }

  // --- period, polling ---------------------------------------------------------------------------
  function isoDay(d) { return d.toISOString().slice(0, 10); }

  function periodQuery() {
    const choice = $("period-select").value;
    if (choice === "all") return { q: "", label: "(all time)" };
    if (choice === "custom") {
      const from = $("from").value, to = $("to").value;
      const q = new URLSearchParams();
      if (from) q.set("from", from);
      if (to) q.set("to", to);
      return { q: q.toString(), label: `(${from || "…"} to ${to || "…"})` };
    }
    const days = Number(choice);
    const to = new Date(), from = new Date(Date.now() - (days - 1) * 86400000);
    return { q: `from=${isoDay(from)}&to=${isoDay(to)}`, label: `(last ${days} days)` };
  }

  async function getJSON(url) {
    const resp = await fetch(url, { headers: { Accept: "application/json" }, cache: "no-store" });
    const body = await resp.json();
    if (!resp.ok) throw new Error(body.error || resp.statusText);
    return body;
  }

  async function refresh() {
    if (state.busy) return;
    state.busy = true;
    const { q, label } = periodQuery();
    $("period-label").textContent = label;
    try {
      const incQ = new URLSearchParams(q);
      incQ.set("limit", "20");
      if (state.region) incQ.set("region", state.region);
      const [regions, incidents] = await Promise.all([
        getJSON("/api/regions" + (q ? "?" + q : "")),
        getJSON("/api/incidents?" + incQ.toString()),
      ]);
      const byRegion = {};
      for (const r of regions.regions) byRegion[r.region] = r;
      shade(byRegion);
      renderTable(byRegion, regions.unplaced);
      renderIncidents(incidents);
      $("inc-filter").textContent = state.region ? `in ${state.names[state.region]?.en || state.region} (click again to clear)` : "";
      const status = $("status");
      status.classList.remove("error");
      status.textContent = "updated " + new Date().toLocaleTimeString();
      document.body.setAttribute("data-updated", String(Date.now()));
    } catch (err) {
      const status = $("status");
      status.classList.add("error");
      status.textContent = "update failed: " + err.message;
    } finally {
      state.busy = false;
    }
  }

  function selectRegion(pcode) {
    state.region = state.region === pcode ? null : pcode;
    for (const p of document.querySelectorAll("#map path[data-pcode]")) {
      p.classList.toggle("selected", p.getAttribute("data-pcode") === state.region);
    }
    refresh();
  }

  async function start() {
    $("period-select").addEventListener("change", () => {
      $("custom").hidden = $("period-select").value !== "custom";
      if ($("period-select").value !== "custom") refresh();
    });
    $("period").addEventListener("submit", (e) => { e.preventDefault(); refresh(); });
    try {
      drawMap(await getJSON("/static/syr_admin1.geojson"));
    } catch (err) {
      $("status").textContent = "map failed to load: " + err.message;
    }
    await refresh();
    state.timer = setInterval(refresh, POLL_MS);
  }

  start();
})();
