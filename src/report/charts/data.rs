//! Reading a [`Summary`] for charts and tables: lookups, display units,
//! metric names, the question nodes (focus countries, then Europe), the
//! worst year of a metric and the paired differences over time.

use plotters::style::RGBColor;

use super::layout::{marker_x, metric_x};
use super::style::{group_thousands, one_line, policy_color};
use crate::stats::summary::{PairedDifference, REGION, Series, Stat, Summary};

/// A policy as charts show it.
#[derive(Debug, Clone)]
pub struct Pol {
    pub id: String,
    pub label: String,
    pub color: RGBColor,
}

/// A summary plus the derived lookups every chart needs.
pub struct Ctx<'a> {
    pub s: &'a Summary,
    /// Scenario order, then policies only seen in series.
    pub policies: Vec<Pol>,
    pub caption: String,
    /// Focus nodes present in the summary, then [`REGION`].
    pub questions: Vec<String>,
    /// Dates to mark on charts over time: (x, label, colour).
    pub markers: Vec<(f64, String, RGBColor)>,
}

impl<'a> Ctx<'a> {
    pub fn new(s: &'a Summary) -> Self {
        let mut policies: Vec<Pol> = s
            .scenario
            .policies
            .iter()
            .enumerate()
            .map(|(i, p)| Pol {
                id: p.id.clone(),
                label: if p.label.trim().is_empty() {
                    p.id.clone()
                } else {
                    one_line(&p.label)
                },
                color: policy_color(i),
            })
            .collect();
        for ser in &s.series {
            if !policies.iter().any(|p| p.id == ser.policy) {
                let i = policies.len();
                policies.push(Pol {
                    id: ser.policy.clone(),
                    label: ser.policy.clone(),
                    color: policy_color(i),
                });
            }
        }
        let markers = s
            .run
            .markers
            .iter()
            .filter_map(|m| {
                let color = m
                    .policy
                    .as_ref()
                    .and_then(|p| policies.iter().find(|q| &q.id == p))
                    .map_or(super::style::INK, |q| q.color);
                Some((marker_x(&m.period)?, one_line(&m.label), color))
            })
            .collect();
        Ctx {
            s,
            policies,
            caption: run_caption(s),
            questions: question_nodes(s),
            markers,
        }
    }

    pub fn series(&self, policy: &str, node: &str, metric: &str, res: &str) -> Option<&'a Series> {
        find_series(self.s, policy, node, metric, res)
    }

    pub fn baseline(&self) -> &str {
        &self.s.scenario.baseline
    }

    pub fn label(&self, policy: &str) -> String {
        self.policies
            .iter()
            .find(|p| p.id == policy)
            .map(|p| p.label.clone())
            .unwrap_or_else(|| policy.to_string())
    }

    /// Policies other than the baseline.
    pub fn others(&self) -> impl Iterator<Item = &Pol> {
        let base = self.baseline().to_string();
        self.policies.iter().filter(move |p| p.id != base)
    }

    pub fn node_name(&self, node: &str) -> String {
        node_name(self.s, node)
    }

    /// The last three question nodes (at most two focus countries and
    /// Europe) that have series of `metric`, in order.
    pub fn questions_with(&self, metric: &str) -> Vec<String> {
        let last = &self.questions[self.questions.len().saturating_sub(3)..];
        last.iter()
            .filter(|n| {
                self.s
                    .series
                    .iter()
                    .any(|x| &x.node == *n && x.metric == metric)
            })
            .cloned()
            .collect()
    }

    /// `true` unless the node's baseline demand is zero in every year (a
    /// transit node): such nodes have no dependency share to show.
    pub fn has_demand(&self, node: &str) -> bool {
        has_demand(self.s, node)
    }

    /// Differences (x, mean, ci_low, ci_high) of `policy` over time, in
    /// display units, sorted by period.
    pub fn diffs(&self, policy: &str, node: &str, metric: &str) -> Vec<(f64, f64, f64, f64)> {
        let mut v: Vec<(f64, f64, f64, f64)> = self
            .s
            .differences
            .iter()
            .filter(|d| d.policy == policy && d.node == node && d.metric == metric)
            .filter_map(|d| {
                let (f, _) = display_factor(metric, &d.unit);
                Some((
                    metric_x(metric, &d.period)?,
                    d.mean * f,
                    d.ci_low * f,
                    d.ci_high * f,
                ))
            })
            .collect();
        v.sort_by(|a, b| a.0.total_cmp(&b.0));
        v
    }
}

/// The one-line caption under every title: scenario, trials, seed.
pub fn run_caption(s: &Summary) -> String {
    let shard = match s.run.shard {
        Some((k, n)) => format!(" · shard {k}/{n}"),
        None => String::new(),
    };
    format!(
        "Scenario: {} · {} trials · seed {}{} · gasdep {}",
        one_line(&s.scenario.name),
        group_thousands(s.run.trials),
        s.run.seed,
        shard,
        one_line(&s.gasdep_version)
    )
}

/// Focus nodes of the summary that it knows (in the given order), then the
/// region: the nodes the report answers for first.
pub fn question_nodes(s: &Summary) -> Vec<String> {
    let mut v: Vec<String> = vec![];
    for f in s.focus() {
        let known = s.nodes.iter().any(|n| &n.id == f) || s.series.iter().any(|x| &x.node == f);
        if known && f != REGION && !v.contains(f) {
            v.push(f.clone());
        }
    }
    v.push(REGION.to_string());
    v
}

/// "France" for `FR`, "Europe" for the region, the id when nameless.
pub fn node_name(s: &Summary, node: &str) -> String {
    if node == REGION {
        return "Europe".into();
    }
    s.nodes
        .iter()
        .find(|n| n.id == node)
        .map(|n| one_line(&n.name))
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| node.to_string())
}

pub fn has_demand(s: &Summary, node: &str) -> bool {
    let Some(ser) = s
        .series
        .iter()
        .find(|x| x.node == node && x.metric == "demand" && x.resolution == "year")
    else {
        return true;
    };
    ser.stats.iter().any(|st| st.max > 0.0 || st.mean > 0.0)
}

/// Finds the series of (policy, node, metric, resolution).
pub fn find_series<'a>(
    s: &'a Summary,
    policy: &str,
    node: &str,
    metric: &str,
    res: &str,
) -> Option<&'a Series> {
    s.series
        .iter()
        .find(|x| x.policy == policy && x.node == node && x.metric == metric && x.resolution == res)
}

/// Whether any series of `metric` exists.
pub fn has_metric(s: &Summary, metric: &str) -> bool {
    s.series.iter().any(|x| x.metric == metric)
}

/// The money metric of the headline: the consumers' `bill` when the run
/// has prices, else the supply `cost`.
pub fn money_metric(s: &Summary) -> &'static str {
    if has_metric(s, "bill") {
        "bill"
    } else {
        "cost"
    }
}

/// Factor from a series' unit to the unit drawn: shares become percent,
/// money amounts become EUR bn; rates (EUR/MWh) and anything else are drawn
/// as stored.
pub fn display_factor(metric: &str, unit: &str) -> (f64, String) {
    let u = unit.trim().to_ascii_lowercase();
    if u == "share" || u == "fraction" {
        return (100.0, "%".into());
    }
    if u == "%" {
        return (1.0, "%".into());
    }
    let money = u.contains("eur") && !u.contains('/');
    if money && metric.starts_with("exposure") && (u.contains("eur m") || u.contains("meur")) {
        // Stakes earn millions, not billions.
        return (1.0, "EUR m".into());
    }
    if money || (metric == "cost" && u.is_empty()) {
        let f = if u.contains("bn") || u.contains("billion") {
            1.0
        } else if u.contains("eur m") || u.contains("meur") || u.contains("million") {
            1e-3
        } else if u.contains("eur k") || u.contains("keur") {
            1e-6
        } else {
            1e-9
        };
        return (f, "EUR bn".into());
    }
    (1.0, unit.to_string())
}

/// Unit of a difference: percentage points for percentages.
pub fn diff_unit(display_unit: &str) -> String {
    if display_unit == "%" {
        "pp".into()
    } else {
        display_unit.to_string()
    }
}

/// A reader's name for a metric (the summary stores machine names).
pub fn metric_label(s: &Summary, metric: &str) -> String {
    let deps = s.scenario.dependency_countries.join(", ");
    let deps = if deps.is_empty() {
        "dependency".to_string()
    } else {
        deps
    };
    match metric {
        "dependency_share" => format!("Traced {deps} share of consumption"),
        "dependency_twh" => format!("Gas traced to {deps}"),
        "direct_import_share" => format!("Imports straight from {deps}"),
        "import_dependency" => "Import dependency (net imports / consumption)".into(),
        "hhi" => "Supplier concentration (HHI, 0–1)".into(),
        "curtailment" => "Curtailment".into(),
        "curtailment_share" => "Curtailment (share of demand)".into(),
        "curtailment_protected" => "Curtailment of protected customers".into(),
        "demand" => "Demand".into(),
        "consumption" => "Consumption".into(),
        "demand_response" => "Demand response (gas not bought at the price)".into(),
        "storage_fill" => "Storage fill".into(),
        "storage_fill_nov1" => "Storage fill on 1 November".into(),
        "storage_fill_feb1" => "Storage fill on 1 February".into(),
        "storage_target" => "Storage target".into(),
        "cost" => "Supply cost".into(),
        "bill" => "Gas bill (price × consumption)".into(),
        "price" => "Gas price (consumption-weighted)".into(),
        "exposure_volume" => "Ownership exposure: gas through co-owned pipelines".into(),
        "exposure_revenue" => "Ownership exposure: tariff revenue of co-owned pipelines".into(),
        "exposure_loss" => "Ownership exposure: revenue lost against plan".into(),
        "take_or_pay" => "Take-or-pay paid for gas not taken".into(),
        "n_minus_1" => "N-1 indicator".into(),
        "peak_day_demand" => "Peak-day demand".into(),
        "peak_7d_demand" => "Highest 7-day demand".into(),
        "peak_30d_demand" => "Highest 30-day demand".into(),
        "worst_day_shortfall" => "Worst day's shortfall".into(),
        "protected_cut_days" => "Days with protected demand cut".into(),
        "peak_7d_protected_shortfall" => "Protected demand cut in the peak 7 days".into(),
        "peak_30d_protected_shortfall" => "Protected demand cut in the peak 30 days".into(),
        "peak_day_margin" => "Margin on the peak day".into(),
        other => other.replace('_', " "),
    }
}

/// `false` for metrics where less is worse (storage, N-1).
pub fn worse_when_higher(metric: &str) -> bool {
    !(metric.starts_with("storage_fill") || metric == "n_minus_1" || metric == "peak_day_margin")
}

/// The stat of a series in one period.
pub fn stat_at(ser: &Series, period: &str) -> Option<Stat> {
    ser.periods
        .iter()
        .position(|p| p == period)
        .and_then(|i| ser.stats.get(i).copied())
}

pub fn scale_stat(st: &Stat, f: f64) -> Stat {
    Stat {
        mean: st.mean * f,
        sd: st.sd * f,
        min: st.min * f,
        max: st.max * f,
        p5: st.p5 * f,
        p25: st.p25 * f,
        p50: st.p50 * f,
        p75: st.p75 * f,
        p95: st.p95 * f,
    }
}

/// The year whose mean is worst (highest, or lowest for storage); on a tie
/// (e.g. no curtailment in any year) the latest. Returns (period, stat).
pub fn worst_year(ser: &Series, metric: &str) -> Option<(String, Stat)> {
    let sign = if worse_when_higher(metric) { 1.0 } else { -1.0 };
    let mut best: Option<(usize, f64)> = None;
    for (i, st) in ser.stats.iter().enumerate() {
        if !st.mean.is_finite() {
            continue;
        }
        let v = sign * st.mean;
        if best.is_none_or(|(_, b)| v >= b) {
            best = Some((i, v));
        }
    }
    best.map(|(i, _)| (ser.periods[i].clone(), ser.stats[i]))
}

/// Last period of a metric's yearly region series, preferring the baseline's.
pub fn last_year(s: &Summary, metric: &str) -> Option<String> {
    let base = find_series(s, &s.scenario.baseline, REGION, metric, "year");
    let from = |ser: &Series| ser.periods.last().cloned();
    base.and_then(from).or_else(|| {
        s.series
            .iter()
            .filter(|x| x.node == REGION && x.metric == metric && x.resolution == "year")
            .filter_map(from)
            .max()
    })
}

/// The paired difference of (policy − baseline) of a node's metric.
pub fn find_difference<'a>(
    s: &'a Summary,
    policy: &str,
    node: &str,
    metric: &str,
    period: &str,
) -> Option<&'a PairedDifference> {
    s.differences
        .iter()
        .find(|d| d.policy == policy && d.node == node && d.metric == metric && d.period == period)
}

/// A series as drawable points: (x, stat) for periods that parse.
pub fn time_points(ser: &Series, factor: f64) -> Vec<(f64, Stat)> {
    ser.periods
        .iter()
        .zip(&ser.stats)
        .filter_map(|(p, st)| metric_x(&ser.metric, p).map(|x| (x, scale_stat(st, factor))))
        .collect()
}

/// Splits points into runs where `f` gives values, so a NaN leaves a gap
/// instead of a line to nowhere.
pub fn finite_runs<T: Copy>(
    pts: &[(f64, Stat)],
    f: impl Fn(&Stat) -> Option<T>,
) -> Vec<Vec<(f64, T)>> {
    let mut runs = vec![];
    let mut cur = vec![];
    for (x, st) in pts {
        match f(st) {
            Some(v) => cur.push((*x, v)),
            None => {
                if !cur.is_empty() {
                    runs.push(std::mem::take(&mut cur));
                }
            }
        }
    }
    if !cur.is_empty() {
        runs.push(cur);
    }
    runs
}

pub fn fin(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

pub fn fin2(a: f64, b: f64) -> Option<(f64, f64)> {
    (a.is_finite() && b.is_finite()).then_some((a, b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units() {
        assert_eq!(display_factor("cost", "EUR m").0, 1e-3);
        assert_eq!(display_factor("x", "share").0, 100.0);
        assert_eq!(display_factor("price", "EUR/MWh"), (1.0, "EUR/MWh".into()));
        assert_eq!(display_factor("demand", "TWh"), (1.0, "TWh".into()));
        assert_eq!(diff_unit("%"), "pp");
    }

    #[test]
    fn worst_year_follows_the_metric_direction() {
        let st = |mean: f64| Stat {
            mean,
            sd: 0.0,
            min: mean,
            max: mean,
            p5: mean,
            p25: mean,
            p50: mean,
            p75: mean,
            p95: mean,
        };
        let ser = Series {
            policy: "p".into(),
            node: "X".into(),
            metric: "m".into(),
            unit: "share".into(),
            resolution: "year".into(),
            periods: vec!["2020".into(), "2021".into(), "2022".into()],
            stats: vec![st(0.2), st(0.5), st(0.1)],
        };
        assert_eq!(worst_year(&ser, "dependency_share").unwrap().0, "2021");
        assert_eq!(worst_year(&ser, "storage_fill_nov1").unwrap().0, "2022");
        let flat = Series {
            stats: vec![st(0.0); 3],
            ..ser
        };
        assert_eq!(worst_year(&flat, "curtailment_share").unwrap().0, "2022");
        // A level taken on 1 November is drawn on 1 November, not mid-year.
        let nov1 = Series {
            metric: "storage_fill_nov1".into(),
            ..flat.clone()
        };
        let xs = |s: &Series| -> Vec<f64> { time_points(s, 1.0).iter().map(|p| p.0).collect() };
        assert_eq!(xs(&nov1)[2], 2022.0 * 12.0 + 10.0);
        assert_eq!(xs(&flat)[2], 2022.0 * 12.0 + 6.0);
    }
}
