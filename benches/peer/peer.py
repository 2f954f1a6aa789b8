#!/usr/bin/env python3
"""Peer benchmark: gasdep's network simplex against OR-tools' min-cost flow
and HiGHS on the same step problems, in the same run.

1. Exports step problems of a scenario with `gasdep inspect --date D
   --trial K --json` (consecutive months of several trials).
2. Solves them with gasdep (examples/solve_problems.rs: cold, and warm
   from the previous month as the simulator does), with OR-tools'
   SimpleMinCostFlow, and with HiGHS (highspy) as an LP.
3. Checks every objective against gasdep's and prints µs per step.

Run from the repository root:
    pip install -r benches/peer/requirements.txt
    python3 benches/peer/peer.py [--scenario FILE] [--trials 4] [--months 24]
"""
import argparse, json, os, statistics, subprocess, sys, tempfile, time


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw).stdout


def months(start, n):
    y, m = map(int, start.split("-"))
    out = []
    for _ in range(n):
        out.append(f"{y:04d}-{m:02d}")
        m += 1
        if m == 13:
            y, m = y + 1, 1
    return out


def solve_ortools(p):
    from ortools.graph.python import min_cost_flow
    t0 = time.perf_counter()
    f = min_cost_flow.SimpleMinCostFlow()
    for a in p["arcs"]:
        f.add_arc_with_capacity_and_unit_cost(a["tail"], a["head"], a["capacity"], a["cost"])
    for i, n in enumerate(p["nodes"]):
        f.set_node_supply(i, n["supply"])
    status = f.solve()
    dt = time.perf_counter() - t0
    if status != f.OPTIMAL:
        raise RuntimeError(f"OR-tools status {status}")
    return int(f.optimal_cost()), dt


def solve_highs(p):
    import highspy, numpy as np
    t0 = time.perf_counter()
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    arcs, nodes = p["arcs"], p["nodes"]
    n = len(arcs)
    cost = np.array([a["cost"] for a in arcs], dtype=float)
    cap = np.array([a["capacity"] for a in arcs], dtype=float)
    h.addVars(n, np.zeros(n), cap)
    h.changeColsCost(n, np.arange(n, dtype=np.int32), cost)
    out_arcs = [[] for _ in nodes]
    in_arcs = [[] for _ in nodes]
    for j, a in enumerate(arcs):
        out_arcs[a["tail"]].append(j)
        in_arcs[a["head"]].append(j)
    for i, nd in enumerate(nodes):
        idx = out_arcs[i] + in_arcs[i]
        val = [1.0] * len(out_arcs[i]) + [-1.0] * len(in_arcs[i])
        h.addRow(nd["supply"], nd["supply"], len(idx), np.array(idx, dtype=np.int32), np.array(val))
    h.run()
    dt = time.perf_counter() - t0
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        raise RuntimeError(f"HiGHS status {h.modelStatusToString(h.getModelStatus())}")
    return h.getInfo().objective_function_value, dt


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scenario", default="scenarios/franco-russian-2010.toml")
    ap.add_argument("--start", default="2015-01")
    ap.add_argument("--months", type=int, default=24)
    ap.add_argument("--trials", type=int, default=4)
    args = ap.parse_args()

    sh(["cargo", "build", "--release", "--quiet", "--bin", "gasdep", "--example", "solve_problems"])
    gasdep = os.path.join("target", "release", "gasdep")
    tmp = tempfile.mkdtemp(prefix="gasdep-peer-")
    files = []
    for k in range(args.trials):
        for d in months(args.start, args.months):
            path = os.path.join(tmp, f"t{k}-{d}.json")
            with open(path, "w") as f:
                f.write(sh([gasdep, "inspect", args.scenario, "--date", d, "--trial", str(k), "--json"]))
            files.append(path)
    problems = {f: json.load(open(f)) for f in files}
    ours = {}
    for line in sh([os.path.join("target", "release", "examples", "solve_problems")] + files).splitlines():
        r = json.loads(line)
        ours[r["file"]] = r

    rows = {"gasdep cold": [], "gasdep warm": [], "OR-tools min-cost flow": [], "HiGHS LP": []}
    mismatches = 0
    for f in files:
        p = problems[f]
        want = int(p["objective_str"]) if "objective_str" in p else int(p["objective"])
        got = int(ours[f]["objective"])
        rows["gasdep cold"].append(ours[f]["cold_us"])
        if ours[f]["warm_us"] is not None:
            rows["gasdep warm"].append(ours[f]["warm_us"])
        ort, t_ort = solve_ortools(p)
        hig, t_hig = solve_highs(p)
        rows["OR-tools min-cost flow"].append(t_ort * 1e6)
        rows["HiGHS LP"].append(t_hig * 1e6)
        for name, val in [("gasdep", got), ("OR-tools", ort)]:
            if val != want:
                mismatches += 1
                print(f"MISMATCH {name} {f}: {val} != {want}")
        if abs(hig - want) > 1e-6 * max(1.0, abs(want)):
            mismatches += 1
            print(f"MISMATCH HiGHS {f}: {hig} != {want}")

    p0 = problems[files[0]]
    print(f"\n{len(files)} step problems of {args.scenario} ({len(p0['nodes'])} nodes, {len(p0['arcs'])} arcs); "
          f"objectives: {'all equal' if mismatches == 0 else f'{mismatches} MISMATCHES'}")
    base = statistics.median(rows["gasdep warm"] or rows["gasdep cold"])
    print(f"{'solver':<26} {'median µs/step':>15} {'vs gasdep warm':>15}")
    for name, v in rows.items():
        if v:
            m = statistics.median(v)
            print(f"{name:<26} {m:>15.1f} {m / base:>14.1f}x")
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
