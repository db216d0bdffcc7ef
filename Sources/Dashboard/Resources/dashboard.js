// ProverNet's dashboard: draws the gateway's snapshot (GET /dashboard/api/snapshot) and keeps it live with
// server-sent events (GET /dashboard/events). Everything shown is set as text (textContent, createElement):
// circuit names and reasons come from strangers and are never parsed as markup.
"use strict";

(() => {
  const history = []; // [{at, proofs}] for proofs per second
  let last = null;

  function el(tag, attributes, ...children) {
    const element = document.createElement(tag);
    for (const [key, value] of Object.entries(attributes || {})) {
      if (value === undefined || value === null) continue;
      if (key === "class") element.className = String(value);
      else element.setAttribute(key, String(value));
    }
    for (const child of children) {
      if (child === undefined || child === null) continue;
      element.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return element;
  }

  const state = (text) => el("span", { class: `state ${String(text).replace(/[^a-z_]/g, "")}`, "data-state": text }, text);
  const short = (id) => (id ? String(id).slice(0, 12) : "");
  const seconds = (value) => (value === null || value === undefined ? "—" : `${Number(value).toFixed(2)} s`);
  const bytes = (value) => (value ? `${(value / 1073741824).toFixed(1)} GiB` : "—");
  // The market's own values and payments (its JSON), shown to six decimals like the ledger's amounts.
  const credits = (value) => (typeof value === "number" && isFinite(value) ? value.toFixed(6) : "—");
  const time = (millis) => (millis ? new Date(millis).toLocaleTimeString() : "—");

  function showPage() {
    const page = (location.hash || "#network").slice(1);
    for (const section of document.querySelectorAll(".page")) {
      section.classList.toggle("active", section.id === `page-${page}`);
    }
    for (const link of document.querySelectorAll("nav a")) {
      link.classList.toggle("active", link.dataset.page === page);
    }
  }

  function renderTiles(snapshot) {
    const n = snapshot.network;
    const rate = history.length >= 2 ? rateNow() : 0;
    const tiles = [
      ["provers online", n.provers_online, "provers-online"],
      ["free slots", `${n.free_slots} / ${n.slots}`, "free-slots"],
      ["open requests", n.open_requests, "open-requests"],
      ["queued jobs", n.pending_jobs, "pending-jobs"],
      ["running jobs", n.leased_jobs, "leased-jobs"],
      ["proofs verified", n.proofs_verified, "proofs-verified"],
      ["proofs / s", rate.toFixed(2), "proofs-rate"],
      ["latency p50", seconds(n.latency_p50_seconds), "latency-p50"],
      ["latency p95", seconds(n.latency_p95_seconds), "latency-p95"],
      ["latency p99", seconds(n.latency_p99_seconds), "latency-p99"],
      ["clients paid", n.client_charges, "client-charges"],
      ["provers earned", n.prover_payments, "prover-payments"],
      ["network fees", n.network_fees, "network-fees"],
      ["database", n.database_ok ? "ok" : "UNAVAILABLE", "database"],
    ];
    document.getElementById("tiles").replaceChildren(
      ...tiles.map(([label, value, id]) => el("div", { class: "tile", "data-tile": id }, el("div", { class: "label" }, label), el("div", { class: "value" }, value))));
  }

  function rateNow() {
    const a = history[Math.max(0, history.length - 6)], b = history[history.length - 1];
    return b.at > a.at ? ((b.proofs - a.proofs) * 1000) / (b.at - a.at) : 0;
  }

  function renderCharts(snapshot) {
    const byClass = new Map();
    for (const trade of snapshot.trades) {
      if (!byClass.has(trade.job_class)) byClass.set(trade.job_class, []);
      // Exact integer units on the wire; a credit as a number only to place the point.
      byClass.get(trade.job_class).push({ x: trade.at_millis, y: trade.price_units / 1e6 });
    }
    ProverNetCharts.lineChart(document.getElementById("price-chart"),
      [...byClass.entries()].map(([name, points]) => ({ name, points })), { title: "clearing price per job" });
    const rates = [];
    for (let i = 1; i < history.length; i++) {
      const a = history[i - 1], b = history[i];
      if (b.at > a.at) rates.push({ x: b.at, y: ((b.proofs - a.proofs) * 1000) / (b.at - a.at) });
    }
    ProverNetCharts.lineChart(document.getElementById("rate-chart"), [{ name: "proofs / s", points: rates }], { title: "proofs per second" });
    document.querySelector("#queues tbody").replaceChildren(
      ...(snapshot.queues.length ? snapshot.queues.map((q) => el("tr", {}, el("td", {}, q.job_class), el("td", { class: "num" }, q.pending), el("td", { class: "num" }, q.oldest_pending_seconds.toFixed(1))))
        : [el("tr", {}, el("td", { colspan: 3, class: "muted" }, "no job waits"))]));
  }

  function renderProvers(snapshot) {
    document.querySelector("#provers tbody").replaceChildren(...snapshot.provers.map((p) => el("tr", { "data-prover": p.id, "data-prover-state": p.state },
      el("td", {}, p.name), el("td", { class: "mono", title: p.id }, short(p.id)), el("td", {}, state(p.state)),
      el("td", { class: "num" }, p.slots ? `${p.slots - p.free_slots} / ${p.slots}` : "—"),
      el("td", { class: "num" }, p.cpu_load === null || p.cpu_load === undefined ? "—" : `${Math.round(p.cpu_load * 100)}%`),
      el("td", { class: "num" }, bytes(p.memory_used_bytes)),
      el("td", { class: "num" }, p.max_constraints || "—"),
      el("td", { class: "num" }, p.verified), el("td", { class: "num" }, p.rejected), el("td", { class: "num" }, p.failed),
      el("td", { class: "num" }, p.lost), el("td", { class: "num" }, `${Math.round(p.success_rate * 100)}%`),
      el("td", { class: "num" }, p.earned),
      el("td", { class: "verdicts" }, ...(p.recent_verdicts.length ? p.recent_verdicts.map((v) =>
        el("span", { class: `verdict ${v.accepted ? "accepted" : "rejected"}`, title: `${time(v.at_millis)} ${v.job}${v.reason ? `: ${v.reason}` : ""}` },
          v.accepted ? "✓" : "✗")) : ["—"])))));
  }

  function renderRequests(snapshot) {
    const names = new Map(snapshot.provers.map((p) => [p.id, p.name]));
    const blocks = snapshot.requests.map((r) => {
      const rows = r.jobs.map((j) => ({
        label: `${j.kind === "aggregate" ? "aggregate" : `job ${j.index}${j.replica ? `/${j.replica}` : ""}`} ${names.get(j.prover) || short(j.prover)}`,
        start: r.created_millis, granted: j.granted_millis, end: j.verified_millis || null, state: j.state,
      }));
      const end = r.finished_millis;
      return el("div", { class: "request", "data-request-id": r.id, "data-request-state": r.state },
        el("div", { class: "title" },
          el("span", { class: "circuit", "data-circuit-name": "" }, r.circuit_name || short(r.circuit)),
          el("span", { class: "mono muted" }, r.id), state(r.state),
          el("span", {}, `${r.verified} / ${r.inputs} proofs`),
          el("span", { class: "muted" }, `${time(r.created_millis)}${end ? ` → ${time(end)} (${((end - r.created_millis) / 1000).toFixed(1)} s)` : ""}`),
          r.reason ? el("span", { class: "muted" }, r.reason) : null),
        el("div", { class: "timeline" }, ProverNetCharts.timeline(rows, r.created_millis, end || snapshot.at_millis)));
    });
    document.getElementById("requests").replaceChildren(...(blocks.length ? blocks : [el("p", { class: "muted" }, "no request in the last hour")]));
  }

  function parse(text) {
    try { return JSON.parse(text); } catch (error) { return null; }
  }

  function renderRounds(snapshot) {
    const blocks = snapshot.rounds.map((round) => {
      const market = parse(round.round_json) || { bids: [], asks: [] };
      const outcome = parse(round.outcome_json) || {};
      const bids = (market.bids || []).map((b) => el("tr", {}, el("td", { class: "mono" }, short(b.id)), el("td", { class: "num" }, b.jobs), el("td", { class: "num" }, credits(b.value)), el("td", { class: "num" }, credits((outcome.bid_payments || outcome.bidPayments || {})[b.id]))));
      const asks = (market.asks || []).map((a) => el("tr", {}, el("td", { class: "mono" }, a.id === "~reserve" ? "reserve" : short(a.id)), el("td", { class: "num" }, a.slots), el("td", { class: "num" }, credits(a.cost)), el("td", { class: "num" }, credits((outcome.ask_payments || outcome.askPayments || {})[a.id]))));
      return el("div", { class: "round", "data-round": round.at_millis },
        el("div", { class: "title" }, el("strong", {}, round.job_class), " ", el("span", { class: "muted" }, time(round.at_millis)),
          ` — ${round.bids} bids, ${round.asks} asks, ${round.jobs_matched} jobs matched`, round.price ? `, price ${round.price} per job` : ""),
        el("div", { class: "orders" },
          el("table", {}, el("thead", {}, el("tr", {}, el("th", {}, "bid (request)"), el("th", {}, "jobs"), el("th", {}, "value"), el("th", {}, "pays"))), el("tbody", {}, ...bids)),
          el("table", {}, el("thead", {}, el("tr", {}, el("th", {}, "ask (prover)"), el("th", {}, "slots"), el("th", {}, "cost"), el("th", {}, "paid"))), el("tbody", {}, ...asks))));
    });
    document.getElementById("rounds").replaceChildren(...(blocks.length ? blocks : [el("p", { class: "muted" }, "no round yet")]));
  }

  function render(snapshot) {
    if (!snapshot || !snapshot.network) return;
    if (!last || snapshot.at_millis > last.at_millis) {
      history.push({ at: snapshot.at_millis, proofs: snapshot.network.proofs_verified });
      while (history.length > 300) history.shift();
    }
    last = snapshot;
    renderTiles(snapshot);
    renderCharts(snapshot);
    renderProvers(snapshot);
    renderRequests(snapshot);
    renderRounds(snapshot);
    document.getElementById("updated").textContent = `ProverNet ${snapshot.version} — updated ${time(snapshot.at_millis)}`;
    document.body.dataset.updatedAt = String(snapshot.at_millis);
  }

  function connect() {
    const badge = document.getElementById("connection");
    const events = new EventSource("/dashboard/events");
    events.addEventListener("snapshot", (event) => {
      badge.textContent = "live";
      badge.className = "badge live";
      render(parse(event.data));
    });
    events.addEventListener("error", () => {
      // The server ends each stream after a while; the browser reconnects by itself.
      badge.textContent = "reconnecting…";
      badge.className = "badge";
    });
  }

  window.addEventListener("hashchange", showPage);
  showPage();
  fetch("/dashboard/api/snapshot").then((response) => response.json()).then(render).catch(() => {});
  connect();
})();
