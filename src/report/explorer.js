// The explorer of a gasdep report: pick a country, a metric, policies and
// a year; the fan chart, the difference chart and the table are redrawn
// from the data embedded in the page (script#gasdep-data). No request
// leaves the page. Written for gasdep; no library.
(function () {
  "use strict";
  var SVGNS = "http://www.w3.org/2000/svg";
  var host = document.getElementById("explorer");
  var dataEl = document.getElementById("gasdep-data");
  if (!host || !dataEl) return;
  var D = JSON.parse(dataEl.textContent);

  var series = {};
  D.series.forEach(function (s) { series[s.p + "|" + s.n + "|" + s.m + "|" + s.r] = s; });
  var diffs = {};
  D.diffs.forEach(function (d) { diffs[d.p + "|" + d.n + "|" + d.m] = d; });
  var events = {};
  D.events.forEach(function (e) { events[e.p + "|" + e.n + "|" + e.e] = e; });
  var metricInfo = {};
  D.metrics.forEach(function (m) { metricInfo[m.id] = m; });
  var nodeInfo = {};
  D.nodes.forEach(function (n) { nodeInfo[n.id] = n; });
  var baseIx = D.policies.findIndex(function (p) { return p.id === D.baseline; });
  var SHORTFALL = "curtailment_gt_1pct_annual_demand";

  var state = {
    node: D.questions[0],
    metric: "dependency_share",
    res: "year",
    year: null,
    policies: D.policies.map(function (_, i) { return i; })
  };
  var rows = [];

  // ---- helpers -----------------------------------------------------------
  function el(tag, attrs, parent) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") e.textContent = attrs[k]; else e.setAttribute(k, attrs[k]);
    });
    if (parent) parent.appendChild(e);
    return e;
  }
  function svgEl(tag, attrs, parent) {
    var e = document.createElementNS(SVGNS, tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") e.textContent = attrs[k]; else e.setAttribute(k, attrs[k]);
    });
    if (parent) parent.appendChild(e);
    return e;
  }
  function fmt(v) {
    if (v === null || v === undefined || !isFinite(v)) return "n/a";
    var a = Math.abs(v);
    if (a >= 100) return v.toFixed(0);
    if (a >= 0.1 || a === 0) return v.toFixed(1);
    if (a >= 0.001) return v.toFixed(3);
    return v.toExponential(1);
  }
  function signed(v) {
    var s = fmt(v);
    return v > 0 ? "+" + s : s.replace("-", "\u2212");
  }
  // A yearly level taken on one day (storage on 1 November, 1 February)
  // sits on that day, as in the PNG charts; other years mid-year.
  var SNAPSHOT_MONTH = { storage_fill_nov1: 10, storage_fill_feb1: 1 };
  function periodX(p) {
    var parts = p.split("-");
    var y = parseInt(parts[0], 10);
    if (isNaN(y)) return null;
    if (parts.length > 1) return y * 12 + parseInt(parts[1], 10) - 1 + 0.5;
    var m = SNAPSHOT_MONTH[state.metric];
    return y * 12 + (m === undefined ? 6 : m);
  }
  function niceStep(span, n) {
    var raw = Math.abs(span / Math.max(n, 1));
    if (!(raw > 0) || !isFinite(raw)) return 1;
    var mag = Math.pow(10, Math.floor(Math.log10(raw)));
    var ks = [1, 2, 2.5, 5, 10];
    for (var i = 0; i < ks.length; i++) if (ks[i] * mag >= raw * (1 - 1e-9)) return ks[i] * mag;
    return 10 * mag;
  }
  // A value axis fitted to the data, as the static charts fit theirs.
  function fitAxis(vals, alwaysZero, percent) {
    var v = vals.filter(function (x) { return x !== null && isFinite(x); });
    var lo = Math.min.apply(null, v.length ? v : [0]);
    var hi = Math.max.apply(null, v.length ? v : [1]);
    if (alwaysZero) { lo = Math.min(lo, 0); hi = Math.max(hi, 0); }
    else { if (lo > 0 && lo < hi / 3) lo = 0; if (hi < 0 && hi > lo / 3) hi = 0; }
    if (hi - lo <= 1e-12 * Math.max(Math.abs(lo), Math.abs(hi), 1e-300)) {
      var d = lo === 0 ? 1 : 0.1 * Math.abs(lo); lo -= d; hi += d;
    }
    var pad = 0.04 * (hi - lo);
    if (lo !== 0) lo -= pad;
    if (hi !== 0) hi += pad;
    if (percent) { lo = Math.max(lo, 0); if (hi <= 100) hi = Math.min(hi, 100); }
    var step = niceStep(hi - lo, 5);
    lo = Math.floor(lo / step + 1e-9) * step;
    hi = Math.ceil(hi / step - 1e-9) * step;
    if (percent) { lo = Math.max(lo, 0); }
    var ticks = [];
    for (var t = Math.ceil(lo / step - 1e-9); t <= Math.floor(hi / step + 1e-9); t++) ticks.push(t * step);
    var dec = 0;
    while (dec < 6 && Math.abs(step * Math.pow(10, dec) - Math.round(step * Math.pow(10, dec))) > 1e-6) dec++;
    return { lo: lo, hi: hi, ticks: ticks, dec: dec, zeroOff: !(lo <= 0 && hi >= 0) };
  }
  function metricsFor(node) {
    var ok = {};
    D.series.forEach(function (s) { if (s.n === node) ok[s.m] = true; });
    var demand = !nodeInfo[node] || nodeInfo[node].demand;
    return D.metrics.filter(function (m) { return ok[m.id] && (demand || !m.dependency); });
  }
  function nodeLabel(id) {
    var n = nodeInfo[id];
    if (!n) return id;
    return id === "EUROPE" || n.name === id ? n.name : n.name + " (" + id + ")";
  }

  // ---- controls ----------------------------------------------------------
  host.textContent = "";
  var bar = el("div", { "class": "ex-controls" }, host);
  function labelled(text, control) {
    var l = el("label", {}, bar);
    el("span", { text: text }, l);
    l.appendChild(control);
    return control;
  }
  var nodeSel = labelled("Country", el("select", { id: "ex-node" }));
  var metricSel = labelled("Metric", el("select", { id: "ex-metric" }));
  var yearSel = labelled("Year (table)", el("select", { id: "ex-year" }));
  var resSel = labelled("Resolution", el("select", { id: "ex-res" }));
  [["year", "yearly"], ["month", "monthly"]].forEach(function (o) {
    el("option", { value: o[0], text: o[1] }, resSel);
  });
  var polBox = el("div", { "class": "ex-policies", id: "ex-policies" }, host);
  D.policies.forEach(function (p, i) {
    var l = el("label", {}, polBox);
    var c = el("input", { type: "checkbox", value: String(i) }, l);
    c.checked = true;
    var sw = el("span", { "class": "sw" }, l);
    sw.style.background = p.color;
    el("span", { text: p.label + (i === baseIx ? " (baseline)" : "") }, l);
    c.addEventListener("change", function () {
      state.policies = Array.prototype.filter.call(polBox.querySelectorAll("input"), function (x) { return x.checked; })
        .map(function (x) { return parseInt(x.value, 10); });
      render();
    });
  });
  var order = D.questions.slice();
  D.nodes.filter(function (n) { return order.indexOf(n.id) < 0; })
    .sort(function (a, b) { return (b.demand - a.demand) || a.name.localeCompare(b.name); })
    .forEach(function (n) { order.push(n.id); });
  order.forEach(function (id) {
    if (!metricsFor(id).length) return;
    var n = nodeInfo[id];
    el("option", { value: id, text: nodeLabel(id) + (n && !n.demand ? " — no demand" : "") }, nodeSel);
  });

  var caption = el("p", { "class": "ex-caption", id: "ex-caption" }, host);
  var fanBox = el("div", { "class": "ex-chart", id: "ex-fan" }, host);
  var diffBox = el("div", { "class": "ex-chart", id: "ex-diff" }, host);
  var tools = el("div", { "class": "ex-tools" }, host);
  var dl = el("button", { type: "button", id: "ex-csv", text: "Download this table (CSV)" }, tools);
  var tableBox = el("div", { id: "ex-table-box" }, host);
  var tip = el("div", { "class": "ex-tip", id: "ex-tip" }, document.body);
  tip.style.display = "none";

  function fillMetrics() {
    var ms = metricsFor(state.node);
    if (!ms.some(function (m) { return m.id === state.metric; })) state.metric = ms.length ? ms[0].id : null;
    metricSel.textContent = "";
    ms.forEach(function (m) {
      el("option", { value: m.id, text: m.label + (m.unit ? " (" + m.unit + ")" : "") }, metricSel);
    });
    metricSel.value = state.metric;
  }
  function fillYears() {
    var ys = {};
    D.policies.forEach(function (_, p) {
      var s = series[p + "|" + state.node + "|" + state.metric + "|year"];
      if (s) s.t.forEach(function (t) { ys[t] = true; });
    });
    var list = Object.keys(ys).sort();
    if (list.indexOf(state.year) < 0) state.year = list.length ? list[list.length - 1] : null;
    yearSel.textContent = "";
    list.forEach(function (y) { el("option", { value: y, text: y }, yearSel); });
    if (state.year) yearSel.value = state.year;
    var monthly = D.policies.some(function (_, p) { return series[p + "|" + state.node + "|" + state.metric + "|month"]; });
    resSel.disabled = !monthly;
    if (!monthly) state.res = "year";
    resSel.value = state.res;
  }
  nodeSel.addEventListener("change", function () { state.node = nodeSel.value; fillMetrics(); fillYears(); render(); });
  metricSel.addEventListener("change", function () { state.metric = metricSel.value; fillYears(); render(); });
  yearSel.addEventListener("change", function () { state.year = yearSel.value; render(); });
  resSel.addEventListener("change", function () { state.res = resSel.value; render(); });

  // ---- charts ------------------------------------------------------------
  var W = 1000, H = 300, M = { l: 70, r: 16, t: 16, b: 34 };
  function timeTicks(lo, hi) {
    var span = hi - lo, out = [], i;
    if (span >= 24) {
      var years = span / 12, steps = [1, 2, 5, 10, 20, 50], step = 50;
      for (i = 0; i < steps.length; i++) if (years / steps[i] <= 11) { step = steps[i]; break; }
      for (i = Math.ceil(lo); i <= Math.floor(hi); i++) {
        if (i % 12 === 0 && (i / 12) % step === 0) out.push([i, String(i / 12)]);
      }
    } else {
      var ms = [1, 2, 3, 6], st = 6;
      for (i = 0; i < ms.length; i++) if (span / ms[i] <= 8) { st = ms[i]; break; }
      for (i = Math.ceil(lo); i <= Math.floor(hi); i++) {
        if (i % st === 0) out.push([i, Math.floor(i / 12) + "-" + String(i % 12 + 1).padStart(2, "0")]);
      }
    }
    return out;
  }
  function frame(box, title, xs, ax, suffix, height) {
    H = height;
    box.textContent = "";
    el("div", { "class": "ex-title", text: title }, box);
    var svg = svgEl("svg", { viewBox: "0 0 " + W + " " + H, role: "img" }, box);
    var xlo = Math.min.apply(null, xs), xhi = Math.max.apply(null, xs);
    if (xhi - xlo < 6) { xlo -= 6; xhi += 6; } else { xlo -= 0.5; xhi += 0.5; }
    var sx = function (x) { return M.l + (W - M.l - M.r) * (x - xlo) / (xhi - xlo); };
    var sy = function (y) {
      var t = (y - ax.lo) / (ax.hi - ax.lo);
      return H - M.b - (H - M.t - M.b) * Math.max(0, Math.min(1, t));
    };
    ax.ticks.forEach(function (t) {
      svgEl("line", { x1: M.l, x2: W - M.r, y1: sy(t), y2: sy(t), "class": "grid" }, svg);
      svgEl("text", { x: M.l - 6, y: sy(t) + 4, "text-anchor": "end", text: t.toFixed(ax.dec).replace("-", "\u2212") + suffix }, svg);
    });
    timeTicks(xlo, xhi).forEach(function (t) {
      svgEl("line", { x1: sx(t[0]), x2: sx(t[0]), y1: M.t, y2: H - M.b, "class": "grid" }, svg);
      svgEl("text", { x: sx(t[0]), y: H - M.b + 18, "text-anchor": "middle", text: t[1] }, svg);
    });
    svgEl("path", { d: "M" + M.l + "," + M.t + "V" + (H - M.b) + "H" + (W - M.r), "class": "axis" }, svg);
    if (ax.zeroOff) {
      svgEl("path", { d: "M" + (M.l - 6) + "," + (H - M.b - 8) + "l12,-4M" + (M.l - 6) + "," + (H - M.b - 13) + "l12,-4", "class": "break" }, svg);
    }
    return { svg: svg, sx: sx, sy: sy };
  }
  function pathOf(pts) {
    return pts.map(function (p, i) { return (i ? "L" : "M") + p[0].toFixed(1) + "," + p[1].toFixed(1); }).join("");
  }
  function hover(f, xs, lines) {
    var guide = svgEl("line", { y1: M.t, y2: H - M.b, "class": "guide", visibility: "hidden" }, f.svg);
    var pad = svgEl("rect", { x: M.l, y: M.t, width: W - M.l - M.r, height: H - M.t - M.b, fill: "transparent", "class": "hit" }, f.svg);
    function at(ev) {
      var r = f.svg.getBoundingClientRect();
      var x = (ev.clientX - r.left) * W / r.width;
      var best = null;
      xs.forEach(function (v) { if (best === null || Math.abs(f.sx(v) - x) < Math.abs(f.sx(best) - x)) best = v; });
      if (best === null) return;
      guide.setAttribute("x1", f.sx(best)); guide.setAttribute("x2", f.sx(best));
      guide.setAttribute("visibility", "visible");
      var body = lines(best);
      tip.textContent = "";
      body.forEach(function (l, i) {
        var d = el("div", { text: l[0] }, tip);
        if (i === 0) d.className = "ex-tip-head";
        if (l[1]) { var s = el("span", { "class": "sw" }); s.style.background = l[1]; d.insertBefore(s, d.firstChild); }
      });
      tip.style.display = "block";
      tip.style.left = (window.scrollX + ev.clientX + 14) + "px";
      tip.style.top = (window.scrollY + ev.clientY + 14) + "px";
    }
    pad.addEventListener("mousemove", at);
    pad.addEventListener("mouseleave", function () { tip.style.display = "none"; guide.setAttribute("visibility", "hidden"); });
  }
  function periodLabel(x, monthly) {
    var i = Math.floor(x), y = Math.floor(i / 12);
    return monthly ? y + "-" + String(i % 12 + 1).padStart(2, "0") : String(y);
  }
  function drawFan() {
    var m = metricInfo[state.metric] || { unit: "", label: state.metric };
    var pct = m.unit === "%", suffix = pct ? " %" : "";
    var fans = state.policies.map(function (p) {
      var s = series[p + "|" + state.node + "|" + state.metric + "|" + state.res];
      return s ? { p: p, s: s, xs: s.t.map(periodX) } : null;
    }).filter(Boolean);
    var title = m.label + (m.unit ? " (" + m.unit + ")" : "") + ", " + nodeLabel(state.node) + ": median, 25–75 % and 5–95 % of trials";
    if (!fans.length) { fanBox.textContent = ""; el("div", { "class": "ex-title", text: title }, fanBox); el("p", { "class": "ex-empty", text: "No data for this choice." }, fanBox); return; }
    var vals = [], xs = [];
    fans.forEach(function (f) { f.s.v.forEach(function (v, i) { vals.push(v[0], v[2], v[4]); xs.push(f.xs[i]); }); });
    var ax = fitAxis(vals, false, pct);
    var f = frame(fanBox, title, xs, ax, suffix, 300);
    fans.forEach(function (fan) {
      var col = D.policies[fan.p].color;
      [[0, 4, 0.12], [1, 3, 0.26]].forEach(function (b) {
        var up = [], dn = [];
        fan.s.v.forEach(function (v, i) {
          if (v[b[0]] === null || v[b[1]] === null) return;
          up.push([f.sx(fan.xs[i]), f.sy(v[b[1]])]); dn.unshift([f.sx(fan.xs[i]), f.sy(v[b[0]])]);
        });
        if (up.length) svgEl("path", { d: pathOf(up.concat(dn)) + "Z", fill: col, "fill-opacity": b[2], stroke: "none" }, f.svg);
      });
    });
    fans.forEach(function (fan) {
      var col = D.policies[fan.p].color;
      var pts = [];
      fan.s.v.forEach(function (v, i) { if (v[2] !== null) pts.push([f.sx(fan.xs[i]), f.sy(v[2])]); });
      svgEl("path", { d: pathOf(pts), stroke: col, "stroke-width": 2.5, fill: "none", "class": "median", "data-policy": D.policies[fan.p].id }, f.svg);
      if (pts.length <= 40) pts.forEach(function (p) { svgEl("circle", { cx: p[0], cy: p[1], r: 3, fill: col }, f.svg); });
    });
    var allX = xs.filter(function (x, i) { return xs.indexOf(x) === i; });
    hover(f, allX, function (x) {
      var out = [[periodLabel(x, state.res === "month") + " · " + m.label]];
      fans.forEach(function (fan) {
        var i = fan.xs.indexOf(x);
        if (i < 0) return;
        var v = fan.s.v[i];
        out.push([D.policies[fan.p].label + ": " + fmt(v[2]) + suffix + " (25–75 %: " + fmt(v[1]) + "–" + fmt(v[3]) + ")", D.policies[fan.p].color]);
      });
      return out;
    });
  }
  function diffPoints(p) {
    var d = diffs[p + "|" + state.node + "|" + state.metric];
    if (d) return { ci: true, t: d.t, v: d.v };
    var s = series[p + "|" + state.node + "|" + state.metric + "|year"];
    var b = series[baseIx + "|" + state.node + "|" + state.metric + "|year"];
    if (!s || !b) return null;
    var t = [], v = [];
    s.t.forEach(function (per, i) {
      var j = b.t.indexOf(per);
      if (j >= 0 && s.v[i][5] !== null && b.v[j][5] !== null) { t.push(per); v.push([s.v[i][5] - b.v[j][5], null, null]); }
    });
    return t.length ? { ci: false, t: t, v: v } : null;
  }
  function drawDiff() {
    var m = metricInfo[state.metric] || { diff_unit: "", label: state.metric };
    var base = D.policies[baseIx] ? D.policies[baseIx].label : D.baseline;
    var title = "Difference from " + base + " (" + m.diff_unit + "): mean over paired trials, band 95 % CI";
    var lines = state.policies.filter(function (p) { return p !== baseIx; }).map(function (p) {
      var d = diffPoints(p);
      return d ? { p: p, d: d, xs: d.t.map(periodX) } : null;
    }).filter(Boolean);
    if (!lines.length) {
      diffBox.textContent = ""; el("div", { "class": "ex-title", text: title }, diffBox);
      el("p", { "class": "ex-empty", text: "No differences for this choice (pick a policy other than the baseline)." }, diffBox);
      return;
    }
    var vals = [], xs = [];
    lines.forEach(function (l) { l.d.v.forEach(function (v, i) { vals.push(v[0], v[1], v[2]); xs.push(l.xs[i]); }); });
    var ax = fitAxis(vals, true, false);
    var f = frame(diffBox, title, xs, ax, "", 230);
    svgEl("line", { x1: M.l, x2: W - M.r, y1: f.sy(0), y2: f.sy(0), "class": "zero" }, f.svg);
    lines.forEach(function (l) {
      var col = D.policies[l.p].color, up = [], dn = [], mid = [];
      l.d.v.forEach(function (v, i) {
        var x = f.sx(l.xs[i]);
        if (v[0] !== null) mid.push([x, f.sy(v[0])]);
        if (v[1] !== null && v[2] !== null) { up.push([x, f.sy(v[2])]); dn.unshift([x, f.sy(v[1])]); }
      });
      if (up.length > 1) svgEl("path", { d: pathOf(up.concat(dn)) + "Z", fill: col, "fill-opacity": 0.16, stroke: "none" }, f.svg);
      var attrs = { d: pathOf(mid), stroke: col, "stroke-width": 2.5, fill: "none", "class": "mean" };
      if (!l.d.ci) attrs["stroke-dasharray"] = "7 5";
      svgEl("path", attrs, f.svg);
      mid.forEach(function (p) { svgEl("circle", { cx: p[0], cy: p[1], r: 3, fill: col }, f.svg); });
    });
    var allX = xs.filter(function (x, i) { return xs.indexOf(x) === i; });
    hover(f, allX, function (x) {
      var out = [[periodLabel(x, false) + " · difference from " + base]];
      lines.forEach(function (l) {
        var i = l.xs.indexOf(x);
        if (i < 0) return;
        var v = l.d.v[i];
        out.push([D.policies[l.p].label + ": " + signed(v[0]) + " " + m.diff_unit + (l.d.ci ? " [" + signed(v[1]) + ", " + signed(v[2]) + "]" : " (no interval)"), D.policies[l.p].color]);
      });
      return out;
    });
  }

  // ---- table -------------------------------------------------------------
  var COLS = ["Policy", "Median", "5 %", "25 %", "75 %", "95 %", "Mean", "Δ vs baseline", "95 % CI of Δ", "P(curtailment > 1 % of demand)"];
  function buildRows() {
    var m = metricInfo[state.metric] || { unit: "" };
    rows = [];
    state.policies.forEach(function (p) {
      var s = series[p + "|" + state.node + "|" + state.metric + "|year"];
      var i = s ? s.t.indexOf(state.year) : -1;
      var v = i >= 0 ? s.v[i] : [null, null, null, null, null, null];
      var d = diffs[p + "|" + state.node + "|" + state.metric];
      var j = d ? d.t.indexOf(state.year) : -1;
      var e = events[p + "|" + state.node + "|" + SHORTFALL];
      var k = e ? e.t.indexOf(state.year) : -1;
      rows.push({
        policy: D.policies[p].id, label: D.policies[p].label, color: D.policies[p].color,
        p50: v[2], p5: v[0], p25: v[1], p75: v[3], p95: v[4], mean: v[5],
        diff: p === baseIx ? null : (j >= 0 ? d.v[j][0] : null),
        ci: p === baseIx || j < 0 ? null : [d.v[j][1], d.v[j][2]],
        event: k >= 0 ? e.v[k][0] : null,
        unit: m.unit
      });
    });
    return rows;
  }
  function drawTable() {
    buildRows();
    tableBox.textContent = "";
    var m = metricInfo[state.metric] || { label: state.metric, unit: "" };
    el("p", { "class": "read", text: m.label + (m.unit ? " (" + m.unit + ")" : "") + ", " + nodeLabel(state.node) + ", " + (state.year || "—") + ": over trials, per policy." }, tableBox);
    var t = el("table", { id: "ex-table" }, tableBox);
    var hr = el("tr", {}, t);
    COLS.forEach(function (c) { el("th", { text: c }, hr); });
    rows.forEach(function (r) {
      var tr = el("tr", { "data-policy": r.policy }, t);
      var td = el("td", {}, tr);
      var sw = el("span", { "class": "sw" }, td); sw.style.background = r.color;
      td.appendChild(document.createTextNode(r.label));
      [["p50", fmt(r.p50)], ["p5", fmt(r.p5)], ["p25", fmt(r.p25)], ["p75", fmt(r.p75)], ["p95", fmt(r.p95)], ["mean", fmt(r.mean)],
       ["diff", r.policy === D.baseline ? "baseline" : (r.diff === null ? "—" : signed(r.diff))],
       ["ci", r.ci ? "[" + signed(r.ci[0]) + ", " + signed(r.ci[1]) + "]" : "—"],
       ["event", r.event === null ? "—" : fmt(r.event) + " %"]].forEach(function (c) {
        el("td", { "data-col": c[0], text: c[1] }, tr);
      });
    });
  }
  function csvText() {
    var q = function (s) { s = String(s); return /[",\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s; };
    var out = [["node", "metric", "unit", "year", "policy", "p50", "p5", "p25", "p75", "p95", "mean", "diff_vs_baseline", "diff_ci_low", "diff_ci_high", "p_curtailment_gt_1pct"].join(",")];
    rows.forEach(function (r) {
      var n = function (v) { return v === null || v === undefined ? "" : String(v); };
      out.push([state.node, state.metric, r.unit, state.year, r.policy, n(r.p50), n(r.p5), n(r.p25), n(r.p75), n(r.p95), n(r.mean),
        n(r.diff), r.ci ? n(r.ci[0]) : "", r.ci ? n(r.ci[1]) : "", n(r.event)].map(q).join(","));
    });
    return out.join("\n") + "\n";
  }
  dl.addEventListener("click", function () {
    var blob = new Blob([csvText()], { type: "text/csv" });
    var a = el("a", { href: URL.createObjectURL(blob), download: "gasdep-" + state.node + "-" + state.metric + "-" + state.year + ".csv" }, document.body);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  });

  function render() {
    var m = metricInfo[state.metric];
    caption.textContent = nodeLabel(state.node) + " · " + (m ? m.label : "—") + " · " + state.policies.length + " of " + D.policies.length + " policies";
    drawFan();
    drawDiff();
    drawTable();
  }

  fillMetrics();
  nodeSel.value = state.node;
  fillYears();
  render();
  window.gasdepExplorer = {
    state: state,
    rows: function () { return rows; },
    csv: csvText,
    choose: function (node, metric) {
      if (node) { nodeSel.value = node; nodeSel.dispatchEvent(new Event("change")); }
      if (metric) { metricSel.value = metric; metricSel.dispatchEvent(new Event("change")); }
    }
  };
})();
