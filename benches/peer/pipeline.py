"""Whole-pipeline peer: what a numpy + OR-tools user would write to get
gasdep's kind of answer for one policy, timed per trial-step.

Per trial, over the exported consecutive step problems of the scenario
(trial 0's, taken as the base of every step):

1. Draws (numpy, per trial, vectorised over steps): correlated monthly
   weather (the scenario's `[uncertainty] weather` correlation between
   nodes and autocorrelation month to month; a demand elasticity to the
   weather index of 10 %, an assumption of this peer), a yearly lognormal
   price factor with the scenario's `price_sd` on LNG and contract costs,
   and the scenario's `[[disruption]]`s (Poisson onsets at their hazard,
   in their months, lognormal durations; capacity cut by severity times
   the part of the month the outage covers).
2. The step's problem: demand-node supplies, and their curtailment and
   demand-response capacities, scaled by the weather factor (the source
   node's supply rebalanced), disrupted pipeline capacities cut, LNG and
   contract costs scaled and rounded to integers.
3. OR-tools SimpleMinCostFlow built from numpy arrays and solved.
4. An origin trace: proportional mixing on the solved flows, one numpy
   linear solve per step (nodes x colours: each origin's supply, domestic
   production, and storage stock as one colour).
5. Statistics: every trial's origin shares per (step, node, colour) cell
   and curtailment per (step, node) kept, percentiles (5, 50, 95) over the
   trials with numpy at the end.

Before the timing, a self-check: with no perturbation each step's problem
is the exported one and OR-tools must find gasdep's objective on it.

Not done (gasdep does them): storage levels carried from step to step and
valued by SDP (the exported stock of each step is used as is), prices from
the duals, contract books, several policies, the yearly metrics and
exact mergeable accumulators, output files.
"""
import math, re, time, tomllib

import numpy as np

DEMAND_ELASTICITY = 0.10  # demand factor = 1 + 0.10 x weather index (assumption)


def _num(s):
    """The number at the start of a scenario quantity ("0.11 /y", "13 d", "30 %")."""
    if isinstance(s, (int, float)):
        return float(s)
    return float(re.match(r"\s*([-+0-9.eE]+)", s).group(1))


def _pct(s):
    return _num(s) / 100.0 if isinstance(s, str) and "%" in s else _num(s)


def _sanitize(s):
    return re.sub(r"[^a-z0-9_]", "_", s.lower())


class Base:
    """The exported problems of consecutive steps, as numpy arrays."""

    def __init__(self, problems, scenario):
        p0 = problems[0]
        names = [n["name"] for n in p0["nodes"]]
        self.n, self.m = len(names), len(p0["arcs"])
        idx = {s: i for i, s in enumerate(names)}
        self.source = idx["source"]
        self.tail = np.array([a["tail"] for a in p0["arcs"]], dtype=np.int32)
        self.head = np.array([a["head"] for a in p0["arcs"]], dtype=np.int32)
        kind = [a["kind"] for a in p0["arcs"]]
        arcnames = [a["name"] for a in p0["arcs"]]
        for p in problems:
            if [a["tail"] for a in p["arcs"]] != list(self.tail) or [a["head"] for a in p["arcs"]] != list(self.head):
                raise ValueError(f"{p['date']}: the network differs from {p0['date']}'s")
        self.months = [int(p["date"][5:7]) for p in problems]
        self.years = [int(p["date"][:4]) for p in problems]
        self.days = np.array([_days(p["date"]) for p in problems], dtype=float)
        self.cap = np.array([[a["capacity"] for a in p["arcs"]] for p in problems], dtype=np.int64)
        self.cost = np.array([[a["cost"] for a in p["arcs"]] for p in problems], dtype=np.int64)
        self.supply = np.array([[nd["supply"] for nd in p["nodes"]] for p in problems], dtype=np.int64)
        # Demand nodes and the source-side arcs that scale with their demand.
        self.demand_nodes = np.array([i for i, s in enumerate(names) if s.startswith("node_")], dtype=np.int64)
        self.scaled_arcs = [np.array([j for j in range(self.m) if self.head[j] == i and kind[j] in ("curtailment", "demand_response")], dtype=np.int64) for i in self.demand_nodes]
        self.scaled_idx = np.concatenate(self.scaled_arcs)
        self.scaled_owner = np.concatenate([np.full(len(a), k) for k, a in enumerate(self.scaled_arcs)])
        self.curtail_arcs = np.array([j for j in range(self.m) if kind[j] == "curtailment"], dtype=np.int64)
        self.priced = np.array([j for j in range(self.m) if kind[j] in ("lng_supply", "contract", "contract_take_or_pay")], dtype=np.int64)
        # Disruptions of the scenario, matched to pipeline arcs by name.
        self.disruptions = []
        for d in scenario.get("disruption", []):
            suffix = "_pipeline_" + _sanitize(d["target"])
            arcs = [j for j in range(self.m) if kind[j] == "pipeline" and arcnames[j].endswith(suffix)]
            if not arcs:
                continue
            dur = d.get("duration", {})
            self.disruptions.append(dict(
                arcs=np.array(arcs, dtype=np.int64), hazard=_num(d["hazard"]),
                median_days=_num(dur.get("median", "1 d")), sigma=float(dur.get("sigma", 0.0)),
                severity=_pct(d.get("severity", "100 %")), months=set(d.get("months", range(1, 13)))))
        unc = scenario.get("uncertainty", {})
        w = unc.get("weather", {})
        self.rho = float(w.get("correlation", 0.0))
        self.ar = float(w.get("autocorrelation", 0.0))
        self.price_sd = _pct(unc.get("price_sd", "0 %"))
        k = len(self.demand_nodes)
        corr = np.full((k, k), self.rho) + (1.0 - self.rho) * np.eye(k)
        self.chol = np.linalg.cholesky(corr)
        # The trace: nodes that carry gas, and the colours injected.
        traced = [i for i, s in enumerate(names) if s not in ("source", "sink", "competing", "storage_pool") and not s.startswith("cap_gate")]
        self.traced = np.array(traced, dtype=np.int64)
        pos = -np.ones(self.n, dtype=np.int64)
        pos[self.traced] = np.arange(len(traced))
        self.pos = pos
        origins = [i for i, s in enumerate(names) if s.startswith("origin_")]
        self.colours = [names[i][7:] for i in origins] + ["domestic", "storage"]
        self.colour_of_origin = {i: c for c, i in enumerate(origins)}
        inner = (pos[self.tail] >= 0) & (pos[self.head] >= 0)
        self.inner = np.flatnonzero(inner)
        self.origin_in = np.array([j for j in range(self.m) if kind[j] == "origin_supply"], dtype=np.int64)
        self.origin_in_colour = np.array([self.colour_of_origin[self.head[j]] for j in self.origin_in], dtype=np.int64)
        self.production = np.array([j for j in range(self.m) if kind[j] == "production"], dtype=np.int64)
        self.storage_nodes = np.array([i for i, s in enumerate(names) if s.startswith("storage_") and s != "storage_pool"], dtype=np.int64)
        nt, nc = len(traced), len(self.colours)
        self.origin_cell = pos[self.head[self.origin_in]] * nc + self.origin_in_colour
        self.production_row = pos[self.head[self.production]]
        self.inner_cell = pos[self.head[self.inner]] * nt + pos[self.tail[self.inner]]


def _days(date):
    y, m = int(date[:4]), int(date[5:7])
    nxt = (y + (m == 12), m % 12 + 1)
    return (np.datetime64(f"{nxt[0]:04d}-{nxt[1]:02d}-01") - np.datetime64(f"{y:04d}-{m:02d}-01")).astype(int)


def draws(b, rng):
    """One trial's random factors for every step."""
    t, k = len(b.months), len(b.demand_nodes)
    eps = rng.standard_normal((t, k)) @ b.chol.T
    w = np.empty((t, k))
    w[0] = eps[0]
    for s in range(1, t):
        w[s] = b.ar * w[s - 1] + math.sqrt(1.0 - b.ar * b.ar) * eps[s]
    demand = np.maximum(0.0, 1.0 + DEMAND_ELASTICITY * w)
    years = sorted(set(b.years))
    yf = dict(zip(years, np.exp(b.price_sd * rng.standard_normal(len(years)) - 0.5 * b.price_sd ** 2)))
    price = np.array([yf[y] for y in b.years])
    cut = np.ones((t, b.m))
    for d in b.disruptions:
        on = np.array([m in d["months"] for m in b.months])
        n_events = rng.poisson(d["hazard"] * b.days / 365.25) * on
        for s in np.flatnonzero(n_events):
            dur = d["median_days"] * np.exp(d["sigma"] * rng.standard_normal(n_events[s]))
            covered = min(1.0, float(dur.sum()) / b.days[s])
            cut[s, d["arcs"]] *= 1.0 - d["severity"] * covered
    return demand, price, cut


def step_problem(b, s, demand, price, cut):
    supply = b.supply[s].copy()
    old = supply[b.demand_nodes]
    new = np.rint(old * demand[s]).astype(np.int64)
    supply[b.demand_nodes] = new
    supply[b.source] += int((old - new).sum())
    factor = cut[s].copy()
    factor[b.scaled_idx] = demand[s, b.scaled_owner]
    cap = np.floor(b.cap[s] * factor).astype(np.int64)
    cost = b.cost[s].copy()
    cost[b.priced] = np.round(cost[b.priced] * price[s]).astype(np.int64)
    return supply, cap, cost


def solve(b, supply, cap, cost):
    from ortools.graph.python import min_cost_flow
    f = min_cost_flow.SimpleMinCostFlow()
    f.add_arcs_with_capacity_and_unit_cost(b.tail, b.head, cap, cost)
    f.set_nodes_supplies(np.arange(b.n, dtype=np.int32), supply)
    status = f.solve()
    if status != f.OPTIMAL:
        return None
    return np.asarray(f.flows(np.arange(b.m, dtype=np.int32)), dtype=float)


def trace(b, supply, flow):
    """Origin shares of every traced node: (diag(T) - F^T) X = S."""
    nt, nc = len(b.traced), len(b.colours)
    S = np.bincount(b.origin_cell, weights=flow[b.origin_in], minlength=nt * nc).reshape(nt, nc)
    S[:, nc - 2] += np.bincount(b.production_row, weights=flow[b.production], minlength=nt)
    S[b.pos[b.storage_nodes], nc - 1] += np.maximum(supply[b.storage_nodes], 0)
    F = np.bincount(b.inner_cell, weights=flow[b.inner], minlength=nt * nt).reshape(nt, nt)
    T = F.sum(axis=1) + S.sum(axis=1)
    A = np.diag(np.where(T > 0, T, 1.0)) - F
    return np.linalg.solve(A, S)


def run(problems, scenario_path, trials, seed=1):
    """Run the pipeline; CPU and wall seconds per trial-step and phase."""
    with open(scenario_path, "rb") as fh:
        scenario = tomllib.load(fh)
    b = Base(problems, scenario)
    # Self-check (untimed): with no perturbation every step's problem is the
    # exported one, and OR-tools must find gasdep's objective on it.
    t, nd = len(problems), len(b.demand_nodes)
    for s, p in enumerate(problems):
        sp, cp, co = step_problem(b, s, np.ones((t, nd)), np.ones(t), np.ones((t, b.m)))
        f = solve(b, sp, cp, co)
        if f is None or sum(int(x) * int(c) for x, c in zip(f, co)) != int(p["objective_str"]):
            raise RuntimeError(f"pipeline peer: step {p['date']} does not reproduce gasdep's objective")
    rng = np.random.default_rng(seed)
    dn = b.pos[b.demand_nodes]
    shares = np.zeros((trials, t, len(b.demand_nodes), len(b.colours)))
    curtailed = np.zeros((trials, t, b.n))
    phase = dict(draws=0.0, problem=0.0, solve=0.0, trace=0.0, stats=0.0)
    failed = 0
    cpu0, wall0 = time.process_time(), time.perf_counter()
    for k in range(trials):
        c0 = time.perf_counter()
        demand, price, cut = draws(b, rng)
        phase["draws"] += time.perf_counter() - c0
        for s in range(t):
            c0 = time.perf_counter()
            supply, cap, cost = step_problem(b, s, demand, price, cut)
            c1 = time.perf_counter()
            flow = solve(b, supply, cap, cost)
            c2 = time.perf_counter()
            phase["problem"] += c1 - c0
            phase["solve"] += c2 - c1
            if flow is None:
                failed += 1
                continue
            x = trace(b, supply, flow)
            c3 = time.perf_counter()
            shares[k, s] = x[dn]
            np.add.at(curtailed[k, s], b.head[b.curtail_arcs], flow[b.curtail_arcs])
            phase["trace"] += c3 - c2
            phase["stats"] += time.perf_counter() - c3
    c0 = time.perf_counter()
    pct = np.percentile(shares, [5, 50, 95], axis=0)
    cpct = np.percentile(curtailed[:, :, b.demand_nodes], [5, 50, 95], axis=0)
    phase["stats"] += time.perf_counter() - c0
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    n = trials * t
    return dict(trials=trials, steps=t, trial_steps=n, failed=failed,
                cpu_us=cpu / n * 1e6, wall_us=wall / n * 1e6,
                phase_us={p: v / n * 1e6 for p, v in phase.items()},
                cells=int(pct[0].size + cpct[0].size),
                check=float(pct[1].sum()))
