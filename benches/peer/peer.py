#!/usr/bin/env python3
"""Peer benchmark: gasdep's network simplex against LEMON's (C++), OR-tools'
min-cost flow and HiGHS on the same exported step problems, in one run;
then a numpy + OR-tools whole-pipeline peer against gasdep's end-to-end
CPU time per trial-step.

1. Exports consecutive monthly step problems of several trials with
   `gasdep inspect FILE --date D --trial K --json`.
2. Solves them, in rounds (every solver once per round, the per-problem
   median over rounds kept), with: gasdep (examples/solve_problems.rs: cold,
   and warm from the previous month's basis as the simulator does), LEMON
   (benches/peer/lemon: cold with the graph built per call, and run()
   alone), OR-tools SimpleMinCostFlow (building timed apart from solve()),
   HiGHS (cold: model passed, then run() timed alone; warm: one kept model
   per trial, bounds, costs and row bounds changed to the next month, run
   again from its basis).
3. Checks every objective exactly against the one in the export (HiGHS's
   column values rounded to integers, checked feasible, costed in integers).
4. Runs benches/peer/pipeline.py and `gasdep run` (N trials and 1 trial,
   one thread) and compares CPU per trial-step.

Run from the repository root:
    pip install -r benches/peer/requirements.txt && python3 benches/peer/peer.py
"""
import argparse, json, os, statistics, subprocess, sys, tempfile, time
from concurrent.futures import ThreadPoolExecutor

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
LEMON_DIR = os.path.join(HERE, "lemon")


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw).stdout


def load():
    return os.getloadavg()


def months(start, n):
    y, m = map(int, start.split("-"))
    out = []
    for _ in range(n):
        out.append(f"{y:04d}-{m:02d}")
        m += 1
        if m == 13:
            y, m = y + 1, 1
    return out


class P:
    """One exported problem as numpy arrays, with its key (trial) and objective."""

    def __init__(self, path):
        d = json.load(open(path))
        if d.get("format") != "gasdep-step-problem":
            raise ValueError(f"{path}: not a gasdep step problem")
        self.path, self.raw = path, d
        self.key = (d["scenario"], d["policy"], d["trial"])
        self.supply = np.array([n["supply"] for n in d["nodes"]], dtype=np.int64)
        self.tail = np.array([a["tail"] for a in d["arcs"]], dtype=np.int32)
        self.head = np.array([a["head"] for a in d["arcs"]], dtype=np.int32)
        self.cap = np.array([a["capacity"] for a in d["arcs"]], dtype=np.int64)
        self.cost = np.array([a["cost"] for a in d["arcs"]], dtype=np.int64)
        self.want = int(d["objective_str"])
        n, m = len(self.supply), len(self.cap)
        # Node-arc incidence in CSC (one column per arc: +1 tail, -1 head).
        self.start = np.arange(0, 2 * m + 1, 2, dtype=np.int32)
        self.index = np.empty(2 * m, dtype=np.int32)
        self.index[0::2], self.index[1::2] = self.tail, self.head
        self.value = np.tile(np.array([1.0, -1.0]), m)
        self.n, self.m = n, m

    def exact(self, x):
        """The integer objective of flows x, or None if x is not a feasible flow."""
        f = np.rint(x).astype(np.int64)
        if np.any(np.abs(x - f) > 1e-6 * np.maximum(1.0, np.abs(x))) or np.any(f < 0) or np.any(f > self.cap):
            return None
        net = np.zeros(self.n, dtype=np.int64)
        np.add.at(net, self.tail, f)
        np.subtract.at(net, self.head, f)
        if np.any(net != self.supply):
            return None
        return sum(int(a) * int(c) for a, c in zip(f, self.cost))


def ortools(p, reps):
    from ortools.graph.python import min_cost_flow
    build, solve = [], []
    for _ in range(reps):
        t0 = time.perf_counter()
        f = min_cost_flow.SimpleMinCostFlow()
        f.add_arcs_with_capacity_and_unit_cost(p.tail, p.head, p.cap, p.cost)
        f.set_nodes_supplies(np.arange(p.n, dtype=np.int32), p.supply)
        t1 = time.perf_counter()
        status = f.solve()
        t2 = time.perf_counter()
        build.append(t1 - t0)
        solve.append(t2 - t1)
    if status != f.OPTIMAL:
        raise RuntimeError(f"{p.path}: OR-tools status {status}")
    return int(f.optimal_cost()), statistics.median(build) * 1e6, statistics.median(solve) * 1e6


def highs_model(p):
    import highspy
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = p.m, p.n
    lp.col_cost_ = p.cost.astype(float)
    lp.col_lower_ = np.zeros(p.m)
    lp.col_upper_ = p.cap.astype(float)
    lp.row_lower_ = lp.row_upper_ = p.supply.astype(float)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = p.start, p.index, p.value
    return lp


def highs_cold(p, reps):
    import highspy
    build, solve = [], []
    for _ in range(reps):
        t0 = time.perf_counter()
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.passModel(highs_model(p))
        t1 = time.perf_counter()
        h.run()
        t2 = time.perf_counter()
        build.append(t1 - t0)
        solve.append(t2 - t1)
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        raise RuntimeError(f"{p.path}: HiGHS status {h.modelStatusToString(h.getModelStatus())}")
    return p.exact(np.array(h.getSolution().col_value)), statistics.median(build) * 1e6, statistics.median(solve) * 1e6


class HighsWarm:
    """One kept HiGHS model per trial: the next month's bounds, costs and row
    bounds written into it, run again from the basis it kept."""

    def __init__(self):
        self.models = {}

    def solve(self, p):
        import highspy
        h = self.models.get(p.key)
        if h is None:
            h = highspy.Highs()
            h.setOptionValue("output_flag", False)
            h.passModel(highs_model(p))
            h.run()
            self.models[p.key] = h
            return None, None, None
        cols, rows = np.arange(p.m, dtype=np.int32), np.arange(p.n, dtype=np.int32)
        t0 = time.perf_counter()
        h.changeColsBounds(p.m, cols, np.zeros(p.m), p.cap.astype(float))
        h.changeColsCost(p.m, cols, p.cost.astype(float))
        s = p.supply.astype(float)
        h.changeRowsBounds(p.n, rows, s, s)
        t1 = time.perf_counter()
        h.run()
        t2 = time.perf_counter()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"{p.path}: HiGHS warm status {h.modelStatusToString(h.getModelStatus())}")
        return p.exact(np.array(h.getSolution().col_value)), (t2 - t0) * 1e6, (t2 - t1) * 1e6


def export(gasdep, scenario, tmp, trials, dates, jobs):
    jobs_list = [(k, d) for k in range(trials) for d in dates]

    def one(kd):
        k, d = kd
        path = os.path.join(tmp, f"t{k}-{d}.json")
        if os.path.exists(path):
            return path
        cmd = [gasdep, "inspect"] + ([scenario] if scenario else []) + ["--date", d, "--trial", str(k), "--json"]
        with open(path, "w") as f:
            f.write(sh(cmd))
        return path

    with ThreadPoolExecutor(jobs) as ex:
        return list(ex.map(one, jobs_list))


def callgrind(cmd, out):
    subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}"] + cmd,
                   check=True, capture_output=True, text=True)
    text = sh(["callgrind_annotate", "--inclusive=yes", out])
    incl = {}
    for line in text.splitlines():
        parts = line.split(None, 2)
        if len(parts) == 3 and parts[0].replace(",", "").isdigit():
            name = parts[2].split(":", 1)[-1].rsplit(" [", 1)[0].strip()
            incl[name] = max(incl.get(name, 0), int(parts[0].replace(",", "")))
    return incl


def instructions(ours_bin, lemon, files):
    """Instructions per call (inclusive, callgrind), from the known call counts:
    solve_problems builds a solver and solves cold 2 x reps times per file
    (reps alone, reps with the building timed) plus once per sequence for
    the warm basis; the LEMON peer calls each of its entries reps times."""
    tmp = tempfile.mkdtemp(prefix="gasdep-peer-cg-")
    reps = json.loads(sh([ours_bin, files[0]]).splitlines()[0])["reps"]
    a = callgrind([ours_bin] + files, os.path.join(tmp, "ours"))
    b = callgrind([lemon] + files, os.path.join(tmp, "lemon"))
    nf = len(files)
    calls = 2 * reps * nf + 1
    got = {
        "gasdep NetworkSimplex::solve (cold)": a.get("gasdep::solver::NetworkSimplex::solve", 0) / calls,
        "gasdep NetworkSimplex::new": a.get("gasdep::solver::NetworkSimplex::new", 0) / calls,
        "LEMON cold (mcmf entry: graph built, solved)": b.get("network_simplex_mcmf_i64", 0) / (reps * nf),
        "LEMON run() alone": b.get("gasdep_peer_lemon_run", 0) / (reps * nf),
        "LEMON graph building (shim)": b.get("gasdep_peer_lemon_new", 0) / (reps * nf),
    }
    print(f"\ninstructions per call (callgrind, inclusive, {nf} problems of trial 0):")
    for k, v in got.items():
        print(f"  {k:<46} {v:>12,.0f}")
    return got


def pct(v, q):
    return float(np.percentile(np.array(v), q))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scenario", default="scenarios/franco-russian-2010.toml")
    ap.add_argument("--start", default="2015-01")
    ap.add_argument("--months", type=int, default=24)
    ap.add_argument("--trials", type=int, default=4, help="trials whose steps are exported")
    ap.add_argument("--rounds", type=int, default=3, help="every solver once per round")
    ap.add_argument("--reps", type=int, default=5, help="cold repetitions per problem for the Python peers")
    ap.add_argument("--pipeline-trials", type=int, default=50)
    ap.add_argument("--gasdep-trials", type=int, default=200, help="trials of the end-to-end `gasdep run`; 0 skips it")
    ap.add_argument("--jobs", type=int, default=2, help="parallel exports")
    ap.add_argument("--json", help="also write the figures to this file")
    ap.add_argument("--instructions", action="store_true",
                    help="also count instructions per solve with valgrind's callgrind (trial 0's problems; does not depend on load)")
    ap.add_argument("--dir", help="keep the exported problems here and reuse those already there "
                    "(only with the same gasdep build and scenario)")
    args = ap.parse_args()

    sh(["cargo", "build", "--release", "--quiet", "--bin", "gasdep", "--example", "solve_problems"])
    sh(["cargo", "build", "--release", "--quiet", "--manifest-path", os.path.join(LEMON_DIR, "Cargo.toml")])
    gasdep = os.path.join("target", "release", "gasdep")
    lemon = os.path.join(LEMON_DIR, "target", "release", "gasdep-peer-lemon")
    ours_bin = os.path.join("target", "release", "examples", "solve_problems")
    tmp = args.dir or tempfile.mkdtemp(prefix="gasdep-peer-")
    os.makedirs(tmp, exist_ok=True)
    t0 = time.perf_counter()
    files = export(gasdep, args.scenario, tmp, args.trials, months(args.start, args.months), args.jobs)
    print(f"exported {len(files)} step problems in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    probs = [P(f) for f in files]
    loads = [load()]

    rows = {k: [[] for _ in probs] for k in (
        "gasdep cold", "gasdep new + cold", "gasdep warm", "LEMON cold (graph built per call)", "LEMON run() alone",
        "LEMON graph building", "OR-tools build + solve()", "OR-tools solve() alone", "OR-tools model building",
        "HiGHS build + run()", "HiGHS run() alone, cold", "HiGHS model building",
        "HiGHS warm (changes + run())", "HiGHS warm run() alone")}
    mismatches = []
    pivots = dict(cold=[], warm=[], fell_back=0)
    hw = None
    for r in range(args.rounds):
        ours = [json.loads(x) for x in sh([ours_bin] + files).splitlines()]
        lem = [json.loads(x) for x in sh([lemon] + files).splitlines()]
        hw = HighsWarm()
        for i, p in enumerate(probs):
            o, l = ours[i], lem[i]
            rows["gasdep cold"][i].append(o["cold_us"])
            rows["gasdep new + cold"][i].append(o["cold_new_us"])
            if o["warm_us"] is not None:
                rows["gasdep warm"][i].append(o["warm_us"])
            rows["LEMON cold (graph built per call)"][i].append(l["cold_us"])
            rows["LEMON run() alone"][i].append(l["solve_us"])
            rows["LEMON graph building"][i].append(l["build_us"])
            ort, ob, os_ = ortools(p, args.reps)
            rows["OR-tools build + solve()"][i].append(ob + os_)
            rows["OR-tools solve() alone"][i].append(os_)
            rows["OR-tools model building"][i].append(ob)
            hig, hb, hs = highs_cold(p, args.reps)
            rows["HiGHS build + run()"][i].append(hb + hs)
            rows["HiGHS run() alone, cold"][i].append(hs)
            rows["HiGHS model building"][i].append(hb)
            hwo, hwt, hwr = hw.solve(p)
            if hwt is not None:
                rows["HiGHS warm (changes + run())"][i].append(hwt)
                rows["HiGHS warm run() alone"][i].append(hwr)
            if r == 0:
                pivots["cold"].append(o["cold_pivots"])
                if o["warm_pivots"] is not None:
                    pivots["warm"].append(o["warm_pivots"])
                    pivots["fell_back"] += bool(o["warm_fell_back"])
                got = [("gasdep", int(o["objective"])), ("LEMON", int(l["objective"])), ("OR-tools", ort), ("HiGHS", hig)]
                if hwt is not None:
                    got.append(("HiGHS warm", hwo))
                for name, val in got:
                    if val != p.want:
                        mismatches.append(f"{name} {p.path}: {val} != {p.want}")
        loads.append(load())

    # Per problem: the median over rounds; then median and p10-p90 over problems.
    per = {k: [statistics.median(x) for x in v if x] for k, v in rows.items()}
    idx_warm = [i for i, x in enumerate(rows["gasdep warm"]) if x]

    def ratio(a, b, only=None):
        ii = only if only is not None else range(len(probs))
        v = [statistics.median(rows[a][i]) / statistics.median(rows[b][i]) for i in ii]
        return statistics.median(v), pct(v, 10), pct(v, 90)

    p0 = probs[0]
    print(f"\n{len(probs)} step problems ({args.trials} trials x {args.months} months from {args.start}) of {args.scenario}: "
          f"{p0.n} nodes, {p0.m} arcs; objectives: {'all equal (exact integers)' if not mismatches else f'{len(mismatches)} MISMATCHES'}")
    for mm in mismatches[:10]:
        print("  MISMATCH", mm)
    print(f"load average (1 min) over the solver rounds: {min(l[0] for l in loads):.2f}-{max(l[0] for l in loads):.2f}")
    print(f"gasdep pivots per solve, median: cold {statistics.median(pivots['cold'])}, warm {statistics.median(pivots['warm'])}"
          f" ({pivots['fell_back']} of {len(pivots['warm'])} warm solves fell back to cold)")
    lemon_cold = statistics.median(per["LEMON cold (graph built per call)"])
    print(f"\n{'solver':<36} {'median µs':>10} {'p10':>9} {'p90':>9} {'vs LEMON cold':>14}")
    for name, v in per.items():
        m = statistics.median(v)
        print(f"{name:<36} {m:>10.1f} {pct(v, 10):>9.1f} {pct(v, 90):>9.1f} {lemon_cold / m:>13.2f}x")
    targets = {
        "LEMON cold / gasdep cold (per problem)": ratio("LEMON cold (graph built per call)", "gasdep cold"),
        "LEMON cold / gasdep new + cold (per problem)": ratio("LEMON cold (graph built per call)", "gasdep new + cold"),
        "LEMON run() alone / gasdep cold (per problem)": ratio("LEMON run() alone", "gasdep cold"),
        "LEMON cold / gasdep warm (per problem)": ratio("LEMON cold (graph built per call)", "gasdep warm", idx_warm),
        "HiGHS warm run() / gasdep warm (per problem)": ratio("HiGHS warm run() alone", "gasdep warm", idx_warm),
        "OR-tools solve() / gasdep warm (per problem)": ratio("OR-tools solve() alone", "gasdep warm", idx_warm),
    }
    print(f"\n{'ratio':<48} {'median':>7} {'p10':>7} {'p90':>7}")
    for k, (m, a, b) in targets.items():
        print(f"{k:<48} {m:>7.2f} {a:>7.2f} {b:>7.2f}")
    out = dict(problems=len(probs), nodes=p0.n, arcs=p0.m, mismatches=len(mismatches), loads=loads, pivots=pivots,
               solvers={k: dict(median=statistics.median(v), p10=pct(v, 10), p90=pct(v, 90)) for k, v in per.items()},
               ratios={k: dict(median=m, p10=a, p90=b) for k, (m, a, b) in targets.items()})

    if args.instructions:
        out["instructions"] = instructions(ours_bin, lemon, [pr.path for pr in probs if pr.raw["trial"] == 0])

    # The whole pipeline: numpy + OR-tools against gasdep end to end.
    if args.pipeline_trials > 0:
        sys.path.insert(0, HERE)
        import pipeline
        base = [pr.raw for pr in probs if pr.raw["trial"] == 0]
        l0 = load()
        pr = pipeline.run(base, args.scenario, args.pipeline_trials)
        print(f"\npipeline peer (numpy + OR-tools): {pr['trials']} trials x {pr['steps']} steps, {pr['failed']} steps not optimal, "
              f"{pr['cpu_us']:.0f} µs CPU / {pr['wall_us']:.0f} µs wall per trial-step (load {l0[0]:.2f}); "
              "by phase (wall µs): " + ", ".join(f"{k} {v:.0f}" for k, v in pr["phase_us"].items()))
        out["pipeline"] = pr
    if args.gasdep_trials > 0:
        runs = {}
        for n in (1, args.gasdep_trials):
            d = os.path.join(tmp, f"run-{n}")
            cmd = [gasdep, "run"] + ([args.scenario] if args.scenario else []) + [
                "--trials", str(n), "--threads", "1", "--charts", "none", "--quiet", "--out", d]
            l0 = load()
            sh(cmd)
            runs[n] = json.load(open(os.path.join(d, "run.json")))
            runs[n]["load"] = l0[0]
        a, b = runs[1], runs[args.gasdep_trials]
        us = (b["cpu_seconds"] - a["cpu_seconds"]) / (b["trial_steps"] - a["trial_steps"]) * 1e6
        print(f"gasdep run, one thread: {b['trials']} trials {b['cpu_seconds']:.2f} CPU s ({b['trial_steps']} trial-steps, load {b['load']:.2f}) "
              f"minus 1 trial {a['cpu_seconds']:.2f} CPU s ({a['trial_steps']}, load {a['load']:.2f}) = {us:.1f} µs CPU per trial-step")
        out["gasdep_run"] = dict(us_per_trial_step=us, runs={n: {k: r[k] for k in ("trials", "trial_steps", "cpu_seconds", "wall_seconds", "load")} for n, r in runs.items()})
        if "pipeline" in out:
            print(f"pipeline peer / gasdep per trial-step (CPU): {out['pipeline']['cpu_us'] / us:.1f}x")
            out["pipeline_ratio"] = out["pipeline"]["cpu_us"] / us
    if args.json:
        with open(args.json, "w") as f:
            json.dump(out, f, indent=1)
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
