#!/usr/bin/env python3
"""Draw docs/img/scaling.svg from the measured figures in docs/img/scaling.csv.

Two log-log panels: solver time per step against network size (cold and
warm), and peak memory of a whole run against the number of trials. Pure
Python, no dependencies:

    python3 benches/plot_scaling.py
"""

import csv
import math
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
DATA = ROOT / "docs" / "img" / "scaling.csv"
OUT = ROOT / "docs" / "img" / "scaling.svg"

COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728"]
W, H = 1060, 480
PANEL_W, PANEL_H = 400, 290
MARGIN_LEFT, MARGIN_TOP = 80, 70


def read():
    series = {}
    with open(DATA, newline="") as f:
        rows = (line for line in f if line.strip() and not line.startswith("#"))
        for kind, name, x, y in csv.reader(rows):
            series.setdefault(kind, {}).setdefault(name, []).append((float(x), float(y)))
    return series


def decades(lo, hi):
    return list(range(math.floor(math.log10(lo)), math.ceil(math.log10(hi)) + 1))


def label(v):
    if v >= 1:
        return f"{v:,.0f}"
    return f"{v:g}"


def panel(x0, title, xlabel, ylabel, series):
    xs = [x for pts in series.values() for x, _ in pts]
    ys = [y for pts in series.values() for _, y in pts]
    dx, dy = decades(min(xs), max(xs)), decades(min(ys), max(ys))

    def px(x):
        t = (math.log10(x) - dx[0]) / (dx[-1] - dx[0])
        return x0 + t * PANEL_W

    def py(y):
        t = (math.log10(y) - dy[0]) / (dy[-1] - dy[0])
        return MARGIN_TOP + PANEL_H - t * PANEL_H

    out = [f'<text x="{x0}" y="{MARGIN_TOP - 22}" class="t">{title}</text>']
    out.append(
        f'<rect x="{x0}" y="{MARGIN_TOP}" width="{PANEL_W}" height="{PANEL_H}" fill="none" stroke="#999"/>'
    )
    for d in dx:
        x = px(10**d)
        out.append(f'<line x1="{x:.1f}" y1="{MARGIN_TOP}" x2="{x:.1f}" y2="{MARGIN_TOP + PANEL_H}" stroke="#e5e5e5"/>')
        out.append(f'<text x="{x:.1f}" y="{MARGIN_TOP + PANEL_H + 18}" text-anchor="middle">{label(10**d)}</text>')
    for d in dy:
        y = py(10**d)
        out.append(f'<line x1="{x0}" y1="{y:.1f}" x2="{x0 + PANEL_W}" y2="{y:.1f}" stroke="#e5e5e5"/>')
        out.append(f'<text x="{x0 - 8}" y="{y + 4:.1f}" text-anchor="end">{label(10**d)}</text>')
    out.append(
        f'<text x="{x0 + PANEL_W / 2}" y="{MARGIN_TOP + PANEL_H + 42}" text-anchor="middle">{xlabel}</text>'
    )
    cy = MARGIN_TOP + PANEL_H / 2
    out.append(
        f'<text x="{x0 - 58}" y="{cy}" text-anchor="middle" transform="rotate(-90 {x0 - 58} {cy})">{ylabel}</text>'
    )
    for i, (name, pts) in enumerate(series.items()):
        c = COLOURS[i % len(COLOURS)]
        path = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in sorted(pts))
        out.append(f'<polyline points="{path}" fill="none" stroke="{c}" stroke-width="2.5"/>')
        for x, y in pts:
            out.append(f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="4" fill="{c}"/>')
        # Legend below the panel, one row, so it never covers a line.
        lx, ly = x0 + 150 * i, MARGIN_TOP + PANEL_H + 70
        out.append(f'<line x1="{lx}" y1="{ly - 4}" x2="{lx + 24}" y2="{ly - 4}" stroke="{c}" stroke-width="3"/>')
        out.append(f'<text x="{lx + 30}" y="{ly}">{name}</text>')
    return out


def main():
    s = read()
    body = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" '
        'font-family="DejaVu Sans, Verdana, sans-serif" font-size="13">',
        '<style>.t{font-size:16px;font-weight:bold}</style>',
        f'<rect width="{W}" height="{H}" fill="white"/>',
    ]
    body += panel(
        MARGIN_LEFT,
        "Solver time per step by network size",
        "nodes (arcs = 3.75 × nodes)",
        "µs per solve",
        s["solver"],
    )
    body += panel(
        MARGIN_LEFT + PANEL_W + 110,
        "Peak memory of a run by trial count",
        "trials (2 threads)",
        "peak RSS, MB",
        s["memory"],
    )
    body.append(
        f'<text x="{MARGIN_LEFT}" y="{H - 12}" fill="#666" font-size="11">'
        "Measured on a 2-core AMD EPYC; data in docs/img/scaling.csv, drawn by benches/plot_scaling.py.</text>"
    )
    body.append("</svg>")
    OUT.write_text("\n".join(body) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
