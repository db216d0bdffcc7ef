// ProverNet's own small SVG charts: lines over time, and a job timeline. No library, nothing fetched.
// Every label is set with textContent, never as markup.
"use strict";

const ProverNetCharts = (() => {
  const SVG = "http://www.w3.org/2000/svg";
  const palette = ["#2f6fde", "#1f8a4c", "#c23a3a", "#b7791f", "#7a4fd0", "#138a94", "#a4457a"];

  function node(name, attributes, text) {
    const element = document.createElementNS(SVG, name);
    for (const [key, value] of Object.entries(attributes || {})) element.setAttribute(key, String(value));
    if (text !== undefined) element.textContent = String(text);
    return element;
  }

  function niceMax(value) {
    if (!(value > 0)) return 1;
    const power = Math.pow(10, Math.floor(Math.log10(value)));
    for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= value) return step * power;
    return 10 * power;
  }

  function clock(millis) {
    return new Date(millis).toTimeString().slice(0, 8);
  }

  // series: [{name, points: [{x: millis, y: number}]}]; draws them over a shared time axis.
  function lineChart(container, series, options) {
    const width = 720, height = 220, left = 56, right = 12, top = 10, bottom = 26;
    const svg = node("svg", { viewBox: `0 0 ${width} ${height}`, role: "img" });
    const all = series.flatMap((s) => s.points);
    const title = node("title", {}, (options && options.title) || "chart");
    svg.appendChild(title);
    if (all.length === 0) {
      svg.appendChild(node("text", { x: width / 2, y: height / 2, "text-anchor": "middle" }, "no data yet"));
      container.replaceChildren(svg);
      return;
    }
    let minX = Math.min(...all.map((p) => p.x)), maxX = Math.max(...all.map((p) => p.x));
    if (maxX === minX) { minX -= 30000; maxX += 30000; }
    const maxY = niceMax(Math.max(...all.map((p) => p.y)));
    const x = (v) => left + ((v - minX) / (maxX - minX)) * (width - left - right);
    const y = (v) => top + (1 - v / maxY) * (height - top - bottom);
    for (let i = 0; i <= 4; i++) {
      const value = (maxY * i) / 4;
      svg.appendChild(node("line", { class: "grid", x1: left, x2: width - right, y1: y(value), y2: y(value) }));
      svg.appendChild(node("text", { x: left - 6, y: y(value) + 4, "text-anchor": "end" }, +value.toFixed(6)));
    }
    svg.appendChild(node("line", { class: "axis", x1: left, x2: width - right, y1: y(0), y2: y(0) }));
    for (let i = 0; i <= 3; i++) {
      const value = minX + ((maxX - minX) * i) / 3;
      svg.appendChild(node("text", { x: x(value), y: height - 8, "text-anchor": "middle" }, clock(value)));
    }
    series.forEach((s, index) => {
      const color = palette[index % palette.length];
      const points = s.points.slice().sort((a, b) => a.x - b.x);
      const path = points.map((p, i) => `${i ? "L" : "M"}${x(p.x).toFixed(1)},${y(p.y).toFixed(1)}`).join(" ");
      svg.appendChild(node("path", { class: "line", d: path, stroke: color }));
      for (const p of points.length <= 60 ? points : []) {
        svg.appendChild(node("circle", { cx: x(p.x), cy: y(p.y), r: 2.5, fill: color }));
      }
      svg.appendChild(node("text", { x: left + 8 + index * 170, y: top + 12, fill: color }, s.name));
    });
    container.replaceChildren(svg);
  }

  // rows: [{label, start, marks: [{at, name}], end, state}], times in millis; origin: the request's creation.
  function timeline(rows, origin, now) {
    const width = 720, rowHeight = 18, left = 150, right = 60;
    const height = rows.length * rowHeight + 22;
    const svg = node("svg", { viewBox: `0 0 ${width} ${height}`, role: "img" });
    svg.appendChild(node("title", {}, "jobs' timeline"));
    const end = Math.max(origin + 1000, ...rows.map((r) => r.end || now));
    const x = (v) => left + ((v - origin) / (end - origin)) * (width - left - right);
    const colors = { verified: "#1f8a4c", proving: "#2f6fde", assigned: "#2f6fde", pending: "#b7791f", failed: "#c23a3a", cancelled: "#c23a3a" };
    rows.forEach((row, i) => {
      const yy = i * rowHeight + 4;
      svg.appendChild(node("text", { x: 0, y: yy + 11 }, row.label));
      const from = x(row.start), to = x(row.end || now);
      svg.appendChild(node("rect", { x: from, y: yy + 3, width: Math.max(2, to - from), height: 10, rx: 2, fill: "#e6e9ef" }));
      if (row.granted) {
        const g = x(row.granted);
        svg.appendChild(node("rect", { x: g, y: yy + 3, width: Math.max(2, to - g), height: 10, rx: 2, fill: colors[row.state] || "#667085" }));
      }
      svg.appendChild(node("text", { x: Math.min(width - right + 4, to + 4), y: yy + 11 }, row.state));
    });
    svg.appendChild(node("text", { x: left, y: height - 4 }, "0 s"));
    svg.appendChild(node("text", { x: width - right, y: height - 4, "text-anchor": "end" }, `${((end - origin) / 1000).toFixed(1)} s`));
    return svg;
  }

  return { lineChart, timeline };
})();
