#!/usr/bin/env python3
"""Load a gasdep output folder the way analysts do, with no options:
`pandas.read_csv` for results.csv and results_iamc.csv, `pyam.IamDataFrame`
for results_iamc.csv, and check what they get against summary.json.

Usage: check_outputs.py OUTPUT_DIR

Run by tests/python_outputs.rs on a short run of the default scenario.
Fails (exit status 1, with the reason) on a pandas DtypeWarning, on columns
or dtypes other than docs/results.md documents, on values that differ from
summary.json, or on a unit that pyam cannot convert.
"""

import json
import math
import sys
import warnings
from pathlib import Path

import pandas as pd

# A DtypeWarning (a column whose type pandas guessed differently in two
# chunks of the file) is the failure this script exists to catch.
warnings.simplefilter("error", pd.errors.DtypeWarning)

# pyam's own imports (ixmp4 and its web stack) warn about their
# dependencies; that is not what is checked here.
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import pyam  # noqa: E402

TIDY_COLUMNS = [
    "policy", "baseline", "node", "metric", "unit", "resolution",
    "year", "month", "statistic", "value",
]
STATISTICS = ["mean", "sd", "min", "p5", "p25", "p50", "p75", "p95", "max"]
IAMC_STATISTICS = {
    "Mean": "mean", "5th Percentile": "p5", "25th Percentile": "p25",
    "50th Percentile": "p50", "75th Percentile": "p75", "95th Percentile": "p95",
}
IAMC_UNITS = {"TWh": ("TWh/yr", 1.0), "EUR m": ("million EUR/yr", 1.0),
              "share": ("%", 100.0), "index": ("dimensionless", 1.0),
              "%": ("%", 1.0), "EUR/MWh": ("EUR/MWh", 1.0)}


def fail(msg):
    print(f"check_outputs: {msg}", file=sys.stderr)
    sys.exit(1)


def close(a, b, rel=1e-9, abs_=1e-9):
    return math.isclose(a, b, rel_tol=rel, abs_tol=abs_)


def check_tidy(out, summary):
    df = pd.read_csv(out / "results.csv")
    if list(df.columns) != TIDY_COLUMNS:
        fail(f"results.csv columns {list(df.columns)}")
    if df["year"].dtype.kind != "i":
        fail(f"year is read as {df['year'].dtype}, not integers")
    for col in ["month", "value"]:
        if df[col].dtype.kind != "f":
            fail(f"{col} is read as {df[col].dtype}, not numbers")
    for col in ["policy", "baseline", "node", "metric", "unit", "resolution", "statistic"]:
        if df[col].dtype != object or df[col].isna().any():
            fail(f"{col} has missing or non-text values")

    if set(df["resolution"]) != {"year", "month"}:
        fail(f"resolutions {set(df['resolution'])}")
    yearly = df["resolution"] == "year"
    if df.loc[yearly, "month"].notna().any():
        fail("a yearly row has a month")
    months = df.loc[~yearly, "month"]
    if months.isna().any() or not months.between(1, 12).all():
        fail("a monthly row has no month in 1..12")
    base = summary["scenario"]["baseline"]
    if df["metric"].str.endswith("_minus_" + base).any() or df["metric"].str.endswith("_monthly").any():
        fail("a difference or a resolution is still coded in a metric name")
    if set(df["baseline"]) != {summary["scenario"]["baseline"]}:
        fail(f"baseline column {set(df['baseline'])}")

    # One row per statistic of every summary entry, nothing else.
    expected = (
        sum(len(s["periods"]) for s in summary["series"]) * len(STATISTICS)
        + 3 * sum(1 for e in summary["events"] if e["period"] != "any")
        + 3 * len(summary["differences"])
        + 2 * len(summary["flows"])
    )
    if len(df) != expected:
        fail(f"results.csv has {len(df)} rows, summary.json implies {expected}")

    # Every series value as in summary.json, row by row.
    want = pd.DataFrame(
        [(sr["policy"], sr["node"], sr["metric"], sr["resolution"],
          int(per[:4]), float(per[5:]) if len(per) > 4 else math.nan, name, st[name])
         for sr in summary["series"] for per, st in zip(sr["periods"], sr["stats"])
         for name in STATISTICS],
        columns=["policy", "node", "metric", "resolution", "year", "month", "statistic", "want"])
    key = ["policy", "node", "metric", "resolution", "year", "month", "statistic"]
    # Pipeline rows are keyed by pipeline id (checked against the flows
    # below); every key is unique, pipelines with the same endpoints too.
    pipes = df["metric"].isin(["pipeline_flow", "pipeline_dependency_share"])
    if df.duplicated(key).any():
        fail("two rows share policy, node, metric, period and statistic")
    both = want.merge(df[~pipes], on=key, how="left", indicator=True)
    if (both["_merge"] != "both").any():
        r = both[both["_merge"] != "both"].iloc[0]
        fail(f"no row for {tuple(r[key])}")
    # pandas' default parser is within ~1e-15 of the written shortest text.
    bad = ~(((both["value"] - both["want"]).abs() <= 2e-15 * both["want"].abs())
            | (both["value"].isna() & both["want"].isna()))
    if bad.any():
        r = both[bad].iloc[0]
        fail(f"{tuple(r[key])}: csv {r['value']!r}, summary {r['want']!r}")
    checked = len(both)
    # One pipeline_flow row per entry of summary.json's flows, keyed by its
    # pipeline id.
    flows = pd.DataFrame(
        [(f["policy"], f["pipeline"], int(f["period"]), f["median_twh"]) for f in summary["flows"]],
        columns=["policy", "node", "year", "want"])
    rows = df[df["metric"] == "pipeline_flow"].merge(flows, on=["policy", "node", "year"])
    if len(rows) != len(flows) or len(flows) != pipes.sum() // 2:
        fail("pipeline rows do not match summary.json's flows one to one")
    if not ((rows["value"] - rows["want"]).abs() <= 2e-15 * rows["want"].abs()).all():
        fail("a pipeline_flow row differs from its flow in summary.json")

    # Differences are rows of the metric itself; over common random numbers
    # their mean is the difference of the two policies' means, up to the
    # grid every value is quantised to (src/sim/metrics/catalog.rs): 1e-3 EUR m and
    # EUR/MWh, 1e-4 TWh, 1e-5 for shares and indices. Each mean is off by at most
    # half a step, so 2 steps is a safe bound; a difference against the
    # wrong policy or period is off by far more.
    grid = {"EUR m": 1e-3, "TWh": 1e-4, "share": 1e-5, "index": 1e-5, "EUR/MWh": 1e-3}
    diffs = df[df["statistic"] == "diff_mean"]
    if len(diffs) != len(summary["differences"]):
        fail("not one diff_mean row per paired difference")
    means = df[(df["statistic"] == "mean") & yearly][["policy", "node", "metric", "year", "value"]]
    d = (diffs.merge(means.rename(columns={"value": "pol"}), on=["policy", "node", "metric", "year"])
              .merge(means.rename(columns={"policy": "baseline", "value": "base"}),
                     on=["baseline", "node", "metric", "year"]))
    if len(d) != len(diffs):
        fail("a difference has no series means to compare with")
    off = (d["pol"] - d["base"] - d["value"]).abs() > 2 * d["unit"].map(grid).fillna(1e-5)
    if off.any():
        r = d[off].iloc[0]
        fail(f"{r.policy} {r.node} {r.metric} {r.year}: diff_mean {r.value}, "
             f"difference of means {r.pol - r.base}")

    # The pandas recipes of docs/results.md.
    dep = (df.query("node == 'EUROPE' and metric == 'dependency_share' and resolution == 'year'")
             .pivot_table(index=["policy", "year"], columns="statistic", values="value")
             [["p5", "p50", "p95"]])
    if dep.empty or not (dep["p5"] <= dep["p95"]).all():
        fail("yearly dependency band is empty or inverted")
    print(f"results.csv: {len(df)} rows, {checked} series values and "
          f"{len(diffs)} differences match summary.json")


def iamc_expected(summary):
    """(scenario, region, variable) -> (unit, {year: value}) from summary.json."""
    name = summary["scenario"]["name"]
    out = {}
    for s in summary["series"]:
        if s["resolution"] != "year" or s["unit"] not in IAMC_UNITS:
            continue
        unit, scale = IAMC_UNITS[s["unit"]]
        region = "Europe" if s["node"] == "EUROPE" else s["node"]
        for label, stat in IAMC_STATISTICS.items():
            vals = {int(p): st[stat] * scale for p, st in zip(s["periods"], s["stats"])
                    if st[stat] is not None}
            out[(f"{name}/{s['policy']}", region, s["metric"], label)] = (unit, vals)
    return out


def check_iamc(out, summary):
    path = out / "results_iamc.csv"
    raw = pd.read_csv(path)
    head = list(raw.columns[:5])
    if head != ["Model", "Scenario", "Region", "Variable", "Unit"]:
        fail(f"results_iamc.csv starts with {head}")
    if not all(c.isdigit() for c in raw.columns[5:]):
        fail("results_iamc.csv has a non-year column")

    df = pyam.IamDataFrame(path)
    name = summary["scenario"]["name"]
    if df.model != [f"gasdep {summary['gasdep_version']}"]:
        fail(f"models {df.model}")
    want_scen = sorted(f"{name}/{p['id']}" for p in summary["scenario"]["policies"])
    if sorted(df.scenario) != want_scen:
        fail(f"scenarios {df.scenario}, want {want_scen}")
    if "Europe" not in df.region or "EUROPE" in df.region:
        fail(f"regions {df.region}")
    allowed = {"TWh/yr", "million EUR/yr", "%", "dimensionless", "EUR/MWh"}
    if not set(df.unit) <= allowed:
        fail(f"units {set(df.unit) - allowed} are not in {allowed}")
    for v in df.variable:
        parts = v.split("|")
        if parts[0] != "Gas" or len(parts) < 3 or parts[-1] not in IAMC_STATISTICS or "_" in v:
            fail(f"variable {v!r} is not Gas|<name>|<statistic>")

    # Every value as in summary.json (shares in percent).
    expected = iamc_expected(summary)
    data = df.data
    got = {(r.scenario, r.region, r.variable, r.year): (r.unit, r.value)
           for r in data.itertuples()}
    seen = 0
    for (scen, region, metric, label), (unit, vals) in expected.items():
        if metric not in IAMC_NAMES:
            fail(f"metric {metric} has no IAMC name in this check")
        variable = f"{IAMC_NAMES[metric]}|{label}"
        for year, want in vals.items():
            if (scen, region, variable, year) not in got:
                fail(f"{scen} {region} {variable} {year} missing")
            u, v = got[(scen, region, variable, year)]
            if u != unit or not close(v, want, 1e-12, 1e-12):
                fail(f"{scen} {region} {variable} {year}: {v} {u}, summary {want} {unit}")
            seen += 1
    if seen != len(data):
        fail(f"{len(data)} data points in the file, {seen} expected from summary.json")

    # Unit conversions pyam does with its registry (iam-units on pint).
    sel = dict(scenario=want_scen[0], region="Europe")
    for variable, frm, to, factor in [
        ("Gas|Demand|Mean", "TWh/yr", "EJ/yr", 0.0036),
        ("Gas|Supply Cost|Mean", "million EUR/yr", "billion EUR/yr", 0.001),
        ("Gas|Dependency|Share|50th Percentile", "%", "dimensionless", 0.01),
    ]:
        before = df.filter(variable=variable, **sel)
        if before.empty:
            fail(f"{variable} missing for {sel}")
        after = before.convert_unit(frm, to)
        if list(after.unit) != [to]:
            fail(f"{variable}: converted unit {after.unit}")
        a = before.data.set_index("year")["value"]
        b = after.data.set_index("year")["value"]
        if not all(close(b[y], a[y] * factor, 1e-9, 1e-12) for y in a.index):
            fail(f"{variable}: {frm} -> {to} is not x{factor}")
        print(f"pyam converted {variable} {frm} -> {to}: "
              f"{a.iloc[-1]:.6g} -> {b.iloc[-1]:.6g}")
    print(f"results_iamc.csv: all {seen} data points match summary.json")


IAMC_NAMES = {
    "demand": "Gas|Demand", "curtailment": "Gas|Curtailment",
    "curtailment_share": "Gas|Curtailment|Share",
    "curtailment_protected": "Gas|Curtailment|Protected Customers",
    "dependency_twh": "Gas|Dependency", "dependency_share": "Gas|Dependency|Share",
    "direct_import_share": "Gas|Dependency|Direct Import Share",
    "import_dependency": "Gas|Import Dependency", "hhi": "Gas|Supply Concentration|HHI",
    "storage_fill_nov1": "Gas|Storage|Fill|1 November",
    "storage_fill_feb1": "Gas|Storage|Fill|1 February", "cost": "Gas|Supply Cost",
    "exposure_volume": "Gas|Ownership Exposure|Volume",
    "exposure_revenue": "Gas|Ownership Exposure|Tariff Revenue",
    "exposure_loss": "Gas|Ownership Exposure|Revenue Below Plan",
    "take_or_pay": "Gas|Take-or-Pay Liability", "n_minus_1": "Gas|N-1 Indicator",
    "consumption": "Gas|Consumption", "demand_response": "Gas|Demand Response",
    "lng_imports": "Gas|Imports|LNG", "price": "Gas|Price", "bill": "Gas|Consumer Bill",
}


def main():
    if len(sys.argv) != 2:
        fail("usage: check_outputs.py OUTPUT_DIR")
    out = Path(sys.argv[1])
    summary = json.loads((out / "summary.json").read_text())
    check_tidy(out, summary)
    check_iamc(out, summary)
    print("check_outputs: ok")


if __name__ == "__main__":
    main()
