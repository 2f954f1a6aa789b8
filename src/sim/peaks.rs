//! Peak-day metrics of a trial (docs/model.md and docs/results.md, "Peak
//! days"): per node, the region, and year, the highest demand over one, 7
//! and 30 consecutive days, protected demand cut during those peaks, the
//! worst day's shortfall, the days with protected demand cut, and the
//! margin on the peak day.
//!
//! Days: a step of `L` days counts as `L` days of its daily average, so
//! the metrics are exact with daily steps and a smoothed bound with longer
//! ones. A year has peak metrics only if it has at least one daily step
//! (months of whole-month steps average their peaks away); windows of 7 and
//! 30 days belong to the year of their last day and start once that many
//! days of the horizon have passed.
//!
//! The margin of a node on its peak day is what more gas the network could
//! have delivered to it that day without cutting anyone else, minus what
//! it was cut: the maximum flow from the super source to the node in the
//! residual network of the day's optimum, with the arcs that would cut
//! someone's demand (curtailment and demand-response arcs) left out, in
//! GWh/d. Taking gas the competing LNG market would otherwise buy counts as
//! available (Europe can outbid it up to the price cap). The region's margin
//! is the same flow into all nodes together. The peak day of the margin is
//! the daily step with the highest demand at the reference price before the
//! long-run adjustment (known from the trial's draws before the solve);
//! years whose peak day is not a daily step have no margin.

use super::engine::{Draws, Engine, WEATHER_WEIGHT};
use crate::network::{ArcKind, Network};
use crate::scenario::Model;
use std::collections::VecDeque;

/// The peak metrics in the order of their entries at the end of
/// `metrics::YEARLY`.
pub const COUNT: usize = 8;
/// Lengths of the rolling windows, days (Regulation (EU) 2017/1938,
/// Art. 6(1)(a) and (b): 7-day peak, 30 days of high demand).
pub const WINDOWS: [usize; 2] = [7, 30];
/// A day has protected demand cut when more than this is cut, GWh (1 MWh,
/// the solver's unit).
pub const CUT_THRESHOLD: f64 = 1e-3;

/// Per node (and the region last) and year.
#[derive(Debug, Clone)]
struct Year {
    daily: bool,
    peak_day: f64,
    peak: [f64; 2],
    peak_cut: [f64; 2],
    worst_day: f64,
    cut_days: f64,
    margin: f64,
}

impl Default for Year {
    fn default() -> Self {
        Year {
            daily: false,
            peak_day: 0.0,
            peak: [f64::NEG_INFINITY; 2],
            peak_cut: [0.0; 2],
            worst_day: 0.0,
            cut_days: 0.0,
            margin: f64::NAN,
        }
    }
}

/// Rolling sums over the last `k` days of demand and protected cuts. The
/// days are kept as runs of equal days, `(demand, cut, days)`: a monthly
/// step is one run, not 30 entries.
#[derive(Debug, Clone, Default)]
struct Window {
    runs: VecDeque<(f64, f64, usize)>,
    len: usize,
    demand: f64,
    cut: f64,
}

impl Window {
    /// The window after `len` more days of `(d, p)` when no peak in between
    /// is looked at: a step at least as long as the window fills it alone.
    fn skip(&mut self, d: f64, p: f64, len: usize, k: usize) {
        if len >= k {
            self.runs.clear();
            self.runs.push_back((d, p, k));
            self.len = k;
            self.demand = d * k as f64;
            self.cut = p * k as f64;
        } else {
            for _ in 0..len {
                self.push_day(d, p, k);
            }
        }
    }

    /// One more day; the oldest leaves once the window holds `k` days.
    fn push_day(&mut self, d: f64, p: f64, k: usize) {
        match self.runs.back_mut() {
            Some(last) if last.0 == d && last.1 == p => last.2 += 1,
            _ => self.runs.push_back((d, p, 1)),
        }
        self.len += 1;
        self.demand += d;
        self.cut += p;
        if self.len > k {
            let first = self.runs.front_mut().expect("window is not empty");
            self.demand -= first.0;
            self.cut -= first.1;
            first.2 -= 1;
            if first.2 == 0 {
                self.runs.pop_front();
            }
            self.len -= 1;
        }
    }
}

/// Records one trial of one policy.
pub struct Peaks {
    nn: usize,
    ny: usize,
    years: Vec<Year>,
    windows: Vec<[Window; 2]>,
    /// Per year: whether it has a daily step (only those report peaks, so
    /// only their steps need the peak of every window position).
    daily_year: Vec<bool>,
    /// Per step: (node or region, year) whose margin is read after it.
    margin_at: Vec<Vec<usize>>,
    graph: MarginGraph,
}

impl Peaks {
    pub fn new(model: &Model, net: &Network, years: usize) -> Peaks {
        let nn = model.nodes.len();
        Peaks {
            nn,
            ny: years,
            years: vec![Year::default(); (nn + 1) * years],
            windows: vec![Default::default(); nn + 1],
            daily_year: vec![false; years],
            margin_at: vec![Vec::new(); net.steps.len()],
            graph: MarginGraph::new(net, nn),
        }
    }

    pub fn reset(&mut self) {
        self.years.iter_mut().for_each(|y| *y = Year::default());
        for w in self.windows.iter_mut().flatten() {
            *w = Window::default();
        }
        self.margin_at.iter_mut().for_each(Vec::clear);
    }

    /// Choose each node's and the region's peak day of every year from the
    /// trial's draws (`year_of[t]`: year index of step `t`).
    pub fn plan(&mut self, model: &Model, net: &Network, draws: &[Draws], year_of: &[usize]) {
        let nn = self.nn;
        let mut best: Vec<(f64, Option<usize>)> =
            vec![(f64::NEG_INFINITY, None); (nn + 1) * self.ny];
        self.daily_year.iter_mut().for_each(|d| *d = false);
        for (t, (plan, d)) in net.steps.iter().zip(draws).enumerate() {
            if plan.days != 1.0 {
                continue;
            }
            let y = year_of[t];
            self.daily_year[y] = true;
            let mut total = 0.0;
            for n in 0..nn {
                let z = d.weather[n] * model.nodes[n].weather_sensitivity + d.daily[n];
                let x: f64 = (0..3)
                    .map(|s| (plan.demand[n][s] * (1.0 + z * WEATHER_WEIGHT[s])).max(0.0))
                    .sum();
                total += x;
                let b = &mut best[n * self.ny + y];
                if x > b.0 {
                    *b = (x, Some(t));
                }
            }
            let b = &mut best[nn * self.ny + y];
            if total > b.0 {
                *b = (total, Some(t));
            }
        }
        for (i, (_, t)) in best.into_iter().enumerate() {
            if let Some(t) = t {
                self.margin_at[t].push(i);
            }
        }
    }

    /// Book step `t` (year index `y`, `days` long) from its results.
    /// Nothing to do in a trial without daily steps: [`Peaks::values`] is
    /// NaN for every year then.
    pub fn add(&mut self, y: usize, days: f64, demand: &[[f64; 3]], cut: &[[f64; 3]]) {
        if !self.daily_year.contains(&true) {
            return;
        }
        let nn = self.nn;
        let daily = days == 1.0;
        let len = days.round().max(1.0) as usize;
        let (mut rd, mut rc, mut rp, mut any) = (0.0, 0.0, 0.0, false);
        for n in 0..=nn {
            let (d, c, p) = if n < nn {
                let (d, c) = (demand[n].iter().sum::<f64>(), cut[n].iter().sum::<f64>());
                rd += d;
                rc += c;
                rp += cut[n][0];
                any |= cut[n][0] / days > CUT_THRESHOLD;
                (d, c, cut[n][0])
            } else {
                (rd, rc, rp)
            };
            let (d, c, p) = (d / days, c / days, p / days);
            let cut_day = if n < nn { p > CUT_THRESHOLD } else { any };
            let yr = &mut self.years[n * self.ny + y];
            yr.daily |= daily;
            yr.peak_day = yr.peak_day.max(d);
            yr.worst_day = yr.worst_day.max(c);
            if cut_day {
                yr.cut_days += days;
            }
            let watched = self.daily_year[y];
            for (k, w) in self.windows[n].iter_mut().enumerate() {
                let size = WINDOWS[k];
                if !watched {
                    w.skip(d, p, len, size);
                    continue;
                }
                for _ in 0..len {
                    w.push_day(d, p, size);
                    if w.len == size {
                        let mean = w.demand / size as f64;
                        if mean > yr.peak[k] {
                            yr.peak[k] = mean;
                            yr.peak_cut[k] = (w.cut / size as f64).max(0.0);
                        }
                    }
                }
            }
        }
    }

    /// After step `t` was solved and booked: the margins of the nodes whose
    /// peak day it is.
    pub fn after_solve(&mut self, t: usize, y: usize, engine: &Engine<'_>) {
        if self.margin_at[t].is_empty() {
            return;
        }
        let days = engine.network().steps[t].days;
        let out = &engine.out;
        let (_, cap, _) = engine.problem();
        let flows = engine.int_flows();
        for k in 0..self.margin_at[t].len() {
            let i = self.margin_at[t][k];
            let n = i / self.ny;
            let spare = self.graph.spare(cap, flows, (n < self.nn).then_some(n));
            let cut: f64 = if n < self.nn {
                out.curtailment[n].iter().sum()
            } else {
                out.curtailment.iter().flatten().sum()
            };
            self.years[n * self.ny + y].margin = (spare as f64 / 1e3 - cut) / days;
        }
    }

    /// The peak metrics of node `n` (the region at `n = nodes`) in year
    /// `y`, in the order of `metrics::YEARLY`'s last entries; NaN for a
    /// year without daily steps.
    pub fn values(&self, n: usize, y: usize) -> [f64; COUNT] {
        let yr = &self.years[n * self.ny + y];
        if !yr.daily {
            return [f64::NAN; COUNT];
        }
        let finite = |x: f64| if x.is_finite() { x } else { f64::NAN };
        [
            yr.peak_day,
            finite(yr.peak[0]),
            finite(yr.peak[1]),
            yr.worst_day,
            yr.cut_days,
            if yr.peak[0].is_finite() {
                yr.peak_cut[0]
            } else {
                f64::NAN
            },
            if yr.peak[1].is_finite() {
                yr.peak_cut[1]
            } else {
                f64::NAN
            },
            yr.margin,
        ]
    }
}

/// The residual network of a solved step, for maximum flows into nodes
/// (Dinic's algorithm; buffers kept between calls).
struct MarginGraph {
    source: usize,
    /// Graph node of each model node, and the extra sink after them all.
    node: Vec<usize>,
    sink: usize,
    /// Per network arc: whether gas may be added on it (not an arc that
    /// stands for someone's demand not served).
    open: Vec<bool>,
    /// Edge lists: head, residual capacity; edge `e ^ 1` is the reverse of `e`.
    head: Vec<usize>,
    res: Vec<i64>,
    adj: Vec<Vec<usize>>,
    level: Vec<i32>,
    next: Vec<usize>,
    queue: VecDeque<usize>,
    path: Vec<usize>,
}

impl MarginGraph {
    fn new(net: &Network, nn: usize) -> MarginGraph {
        let nodes = net.topology.num_nodes();
        let sink = nodes;
        let mut g = MarginGraph {
            source: net.source,
            node: (0..nn).map(|n| net.node(n)).collect(),
            sink,
            open: net
                .arcs
                .iter()
                .map(|a| !matches!(a.kind, ArcKind::Curtail { .. } | ArcKind::Demand { .. }))
                .collect(),
            head: Vec::new(),
            res: Vec::new(),
            adj: vec![Vec::new(); nodes + 1],
            level: vec![0; nodes + 1],
            next: vec![0; nodes + 1],
            queue: VecDeque::new(),
            path: Vec::new(),
        };
        for a in &net.arcs {
            g.edge(a.tail, a.head);
        }
        for n in 0..nn {
            g.edge(net.node(n), sink);
        }
        g
    }

    fn edge(&mut self, a: usize, b: usize) {
        self.adj[a].push(self.head.len());
        self.head.push(b);
        self.res.push(0);
        self.adj[b].push(self.head.len());
        self.head.push(a);
        self.res.push(0);
    }

    /// Maximum extra flow (MWh) from the source into `target` (all nodes
    /// when `None`) on top of `flows` within `cap`.
    fn spare(&mut self, cap: &[i64], flows: &[i64], target: Option<usize>) -> i64 {
        for (a, (&c, &f)) in cap.iter().zip(flows).enumerate() {
            self.res[2 * a] = if self.open[a] { (c - f).max(0) } else { 0 };
            self.res[2 * a + 1] = f.max(0);
        }
        let base = 2 * cap.len();
        for n in 0..self.node.len() {
            let on = target.is_none_or(|t| t == n);
            self.res[base + 2 * n] = if on { i64::MAX / 4 } else { 0 };
            self.res[base + 2 * n + 1] = 0;
        }
        let mut total: i64 = 0;
        while self.bfs() {
            self.next.iter_mut().for_each(|x| *x = 0);
            loop {
                let f = self.push(self.source, i64::MAX / 4);
                if f == 0 {
                    break;
                }
                total = total.saturating_add(f);
            }
        }
        total
    }

    fn bfs(&mut self) -> bool {
        self.level.iter_mut().for_each(|l| *l = -1);
        self.level[self.source] = 0;
        self.queue.clear();
        self.queue.push_back(self.source);
        while let Some(v) = self.queue.pop_front() {
            for &e in &self.adj[v] {
                let w = self.head[e];
                if self.res[e] > 0 && self.level[w] < 0 {
                    self.level[w] = self.level[v] + 1;
                    self.queue.push_back(w);
                }
            }
        }
        self.level[self.sink] >= 0
    }

    /// One augmenting path of the level graph (iterative, no recursion).
    fn push(&mut self, s: usize, limit: i64) -> i64 {
        let mut path = std::mem::take(&mut self.path);
        path.clear();
        let f = self.augment(s, limit, &mut path);
        self.path = path;
        f
    }

    fn augment(&mut self, s: usize, limit: i64, path: &mut Vec<usize>) -> i64 {
        let mut v = s;
        loop {
            if v == self.sink {
                let f = path.iter().map(|&e| self.res[e]).fold(limit, i64::min);
                for &e in path.iter() {
                    self.res[e] -= f;
                    self.res[e ^ 1] += f;
                }
                return f;
            }
            let mut advanced = false;
            while self.next[v] < self.adj[v].len() {
                let e = self.adj[v][self.next[v]];
                let w = self.head[e];
                if self.res[e] > 0 && self.level[w] == self.level[v] + 1 {
                    path.push(e);
                    v = w;
                    advanced = true;
                    break;
                }
                self.next[v] += 1;
            }
            if !advanced {
                // Dead end: retreat and skip the edge that led here.
                match path.pop() {
                    None => return 0,
                    Some(e) => {
                        self.level[v] = -1;
                        v = self.head[e ^ 1];
                        self.next[v] += 1;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Window;

    /// Runs of equal days, pushed day by day or skipped whole, hold the same
    /// last `k` days as a plain list of days would.
    #[test]
    fn windows_of_runs_hold_the_last_days() {
        let steps = [
            (3.0, 0.5, 31),
            (2.0, 0.0, 1),
            (2.0, 0.0, 1),
            (5.0, 1.0, 3),
            (1.0, 0.0, 28),
        ];
        for k in [7, 30] {
            for skip in [false, true] {
                let (mut w, mut days) = (Window::default(), Vec::new());
                for &(d, p, len) in &steps {
                    if skip {
                        w.skip(d, p, len, k);
                    } else {
                        (0..len).for_each(|_| w.push_day(d, p, k));
                    }
                    days.extend(std::iter::repeat_n((d, p), len));
                    let last = &days[days.len().saturating_sub(k)..];
                    assert_eq!(w.len, last.len());
                    let held: Vec<(f64, f64)> = w
                        .runs
                        .iter()
                        .flat_map(|r| std::iter::repeat_n((r.0, r.1), r.2))
                        .collect();
                    assert_eq!(held, last);
                    let demand: f64 = last.iter().map(|x| x.0).sum();
                    let cut: f64 = last.iter().map(|x| x.1).sum();
                    assert!((w.demand - demand).abs() < 1e-9, "k {k} skip {skip}");
                    assert!((w.cut - cut).abs() < 1e-9, "k {k} skip {skip}");
                }
            }
        }
    }
}
