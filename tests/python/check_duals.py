"""Re-solve exported gasdep step problems with HiGHS and check the engine.

Input: a JSON-lines file, one `gasdep-step-problem` per line (see
src/network/export.rs) with the engine's objective, and per graph node the
interval [dual_left, dual_right] of dual prices relative to the super source
(`source`), in cents per MWh. For every problem:

- HiGHS's optimum must equal the engine's exact optimum;
- HiGHS's row duals y, as d_v = y_source - y_v (the change of the optimum
  when node v takes one more MWh from the source), must lie within the
  engine's interval for every node, and equal it where the interval is a
  point (the dual is unique there).

The sign of HiGHS's row duals is read off a one-arc problem first, so the
check does not rest on a convention remembered from documentation.
Prints "problems: N unique: U interval: I" and exits 1 on the first failure.
"""
import json
import sys

import highspy
import numpy as np

INF = 9223372036854775807  # the engine's UNREACHABLE (i64::MAX)


def solve(n_nodes, arcs, supply):
    """arcs: (tail, head, capacity, cost). Returns (objective, row duals)."""
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("presolve", "off")
    lp = highspy.HighsLp()
    m = len(arcs)
    lp.num_col_ = m
    lp.num_row_ = n_nodes
    lp.col_cost_ = np.array([a[3] for a in arcs], dtype=float)
    lp.col_lower_ = np.zeros(m)
    lp.col_upper_ = np.array([a[2] for a in arcs], dtype=float)
    lp.row_lower_ = np.array(supply, dtype=float)
    lp.row_upper_ = np.array(supply, dtype=float)
    # Column-wise matrix: +1 at the tail (out), -1 at the head (in).
    starts, index, value = [0], [], []
    for (t, hd, _, _) in arcs:
        index += [t, hd]
        value += [1.0, -1.0]
        starts.append(len(index))
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
    lp.a_matrix_.index_ = np.array(index, dtype=np.int32)
    lp.a_matrix_.value_ = np.array(value, dtype=float)
    lp.a_matrix_.num_col_ = m
    lp.a_matrix_.num_row_ = n_nodes
    h.passModel(lp)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        raise SystemExit(f"check_duals: HiGHS status {h.getModelStatus()}")
    info = h.getInfo()
    return info.objective_function_value, list(h.getSolution().row_dual)


def sign_of_duals():
    # Source 0 sends 1 unit to node 1 over an arc costing 7: one more unit
    # demanded at node 1 raises the optimum by 7.
    _, y = solve(2, [(0, 1, 10, 7.0)], [1, -1])
    d = y[0] - y[1]
    if abs(abs(d) - 7.0) > 1e-9:
        raise SystemExit(f"check_duals: calibration gave {d}")
    return 1.0 if d > 0 else -1.0


def main():
    sign = sign_of_duals()
    problems = unique = interval = 0
    with open(sys.argv[1]) as f:
        for line in f:
            p = json.loads(line)
            nodes, arcs = p["nodes"], p["arcs"]
            supply = [nd["supply"] for nd in nodes]
            a = [(x["tail"], x["head"], x["capacity"], float(x["cost"])) for x in arcs]
            obj, y = solve(len(nodes), a, supply)
            ours = int(p["objective_str"])
            scale = sum(abs(x[3]) * x[2] for x in a if x[2] < 1e15) + 1.0
            where = f'{p["scenario"]} {p["policy"]} {p["date"]}'
            if abs(obj - ours) > 1e-9 * scale + 1.0:
                raise SystemExit(f"check_duals: {where}: HiGHS {obj}, engine {ours}")
            s = p["source"]
            for v in range(len(nodes)):
                lo, hi = p["dual_left"][v], p["dual_right"][v]
                d = sign * (y[s] - y[v])
                tol = 1e-6 * max(1.0, abs(d)) + 1e-6
                lo_ok = lo <= -INF + 1 or d >= lo - tol
                hi_ok = hi >= INF - 1 or d <= hi + tol
                if not (lo_ok and hi_ok):
                    raise SystemExit(
                        f"check_duals: {where}: node {nodes[v]['name']}: HiGHS dual {d} "
                        f"outside the engine's interval [{lo}, {hi}]")
                if lo == hi:
                    unique += 1
                else:
                    interval += 1
            problems += 1
    print(f"check_duals: ok problems: {problems} unique: {unique} interval: {interval}")


if __name__ == "__main__":
    main()
