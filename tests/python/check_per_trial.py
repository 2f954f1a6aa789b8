#!/usr/bin/env python3
"""Read a run's per-trial files with pandas (and polars when installed),
as analysts do, with no options, and check them against summary.json.

Usage: check_per_trial.py OUTPUT_DIR

Run by tests/python_outputs.rs on a short run with
`--per-trial dependency_share,curtailment,price:step,storage_level:step`.
Fails (exit status 1) on a pandas DtypeWarning, on columns or dtypes other
than docs/results.md documents, on rows out of trial order, or on a mean
over trials that differs from the summary's.
"""

import json
import sys
import warnings
from pathlib import Path

import pandas as pd

warnings.simplefilter("error", pd.errors.DtypeWarning)


def fail(msg):
    print(f"check_per_trial: {msg}", file=sys.stderr)
    sys.exit(1)


def main(out):
    summary = json.loads((out / "summary.json").read_text())
    trials = summary["run"]["trials"]
    policies = [p["id"] for p in summary["scenario"]["policies"]]
    nodes = [n["id"] for n in summary["nodes"]] + ["EUROPE"]

    df = pd.read_csv(out / "per_trial.csv")
    want = ["trial", "policy", "node", "year", "dependency_share", "curtailment"]
    if list(df.columns) != want:
        fail(f"per_trial.csv columns {list(df.columns)}")
    for col, kind in [("trial", "i"), ("year", "i"), ("dependency_share", "f"), ("curtailment", "f")]:
        if df[col].dtype.kind != kind:
            fail(f"{col} is read as {df[col].dtype}")
    years = sorted(df["year"].unique())
    if len(df) != trials * len(policies) * len(nodes) * len(years):
        fail(f"{len(df)} rows for {trials} trials")
    if not df["trial"].is_monotonic_increasing:
        fail("rows are not in trial order")
    if sorted(df["policy"].unique()) != sorted(policies) or sorted(df["node"].unique()) != sorted(nodes):
        fail("policies or nodes differ from the summary's")
    # The summary's yearly means are the means of these values (kept on a
    # grid of 1e-5 for shares, 1e-4 TWh).
    means = df.groupby(["policy", "node", "year"])[["dependency_share", "curtailment"]].mean()
    checked = 0
    for s in summary["series"]:
        if s["resolution"] != "year" or s["metric"] not in ("dependency_share", "curtailment"):
            continue
        tol = 1e-5 if s["metric"] == "dependency_share" else 1e-4
        for period, st in zip(s["periods"], s["stats"]):
            got = means.loc[(s["policy"], s["node"], int(period)), s["metric"]]
            if abs(got - st["mean"]) > tol:
                fail(f"{s['policy']} {s['node']} {s['metric']} {period}: mean {got} vs {st['mean']}")
            checked += 1
    if checked == 0:
        fail("no series checked")

    steps = pd.read_csv(out / "per_trial_steps.csv", parse_dates=["date"])
    if list(steps.columns) != ["trial", "policy", "node", "date", "price", "storage_level"]:
        fail(f"per_trial_steps.csv columns {list(steps.columns)}")
    if steps["date"].dtype.kind != "M" or steps["price"].dtype.kind != "f":
        fail(f"dates read as {steps['date'].dtype}, price as {steps['price'].dtype}")
    # A joint event per trial: the worst monthly price of Europe.
    peak = steps[steps.node == "EUROPE"].groupby(["policy", "trial"])["price"].max()
    if len(peak) != trials * len(policies) or not (peak > 0).all():
        fail("per-trial peak prices")

    try:
        import polars as pl
    except ImportError:
        print("check_per_trial: polars not installed, pandas only")
    else:
        p = pl.read_csv(out / "per_trial.csv")
        if p.height != len(df) or p.columns != want:
            fail("polars reads another table")
    print(f"check_per_trial: ok ({len(df)} yearly rows, {len(steps)} step rows, {checked} means)")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
