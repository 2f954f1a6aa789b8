//! The catalogue of metrics: what each recorded quantity is called, its
//! unit, the grid its statistics are kept on and what it means.

/// A recorded quantity.
#[derive(Debug, Clone, Copy)]
pub struct Metric {
    pub name: &'static str,
    pub unit: &'static str,
    /// Grid of the statistics accumulator, in the metric's unit: 1e-5 for
    /// shares (0.001 percentage points), 0.1 GWh for TWh, EUR 1,000 for
    /// EUR m. Coarser grids mean fewer histogram bins once collapsed.
    pub resolution: f64,
    pub description: &'static str,
}

const fn m(
    name: &'static str,
    unit: &'static str,
    resolution: f64,
    description: &'static str,
) -> Metric {
    Metric {
        name,
        unit,
        resolution,
        description,
    }
}

/// Yearly metrics, per node and for the region; the last
/// [`crate::sim::peaks::COUNT`] are the peak-day metrics
/// ([`crate::sim::peaks`]), defined in years with daily steps.
pub const YEARLY: [Metric; 29] = [
    m(
        "demand",
        "TWh",
        1e-4,
        "gas wanted at the reference price, after weather and policy reductions",
    ),
    m(
        "consumption",
        "TWh",
        1e-4,
        "gas consumed: demand − demand response − curtailment",
    ),
    m(
        "demand_response",
        "TWh",
        1e-4,
        "demand not bought because the price rose above its value",
    ),
    m(
        "curtailment",
        "TWh",
        1e-4,
        "firm demand (wanted at the price cap) not delivered",
    ),
    m("curtailment_share", "share", 1e-5, "curtailment / demand"),
    m(
        "curtailment_protected",
        "TWh",
        1e-4,
        "protected customers' demand not delivered",
    ),
    m(
        "dependency_share",
        "share",
        1e-5,
        "traced share of consumption from dependency countries (re-exports and storage included)",
    ),
    m(
        "dependency_twh",
        "TWh",
        1e-4,
        "consumption of gas traced to dependency countries",
    ),
    m(
        "direct_import_share",
        "share",
        1e-5,
        "share of imports that arrive straight from dependency-country origins",
    ),
    m(
        "import_dependency",
        "share",
        1e-5,
        "net imports / consumption",
    ),
    m(
        "hhi",
        "index",
        1e-5,
        "Herfindahl–Hirschman index of consumption by traced origin country (0–1)",
    ),
    m(
        "storage_fill_nov1",
        "share",
        1e-5,
        "storage level on 1 November / working volume",
    ),
    m(
        "storage_fill_feb1",
        "share",
        1e-5,
        "storage level on 1 February / working volume",
    ),
    m(
        "lng_imports",
        "TWh",
        1e-4,
        "LNG regasified (send-out of the node's terminals)",
    ),
    m(
        "price",
        "EUR/MWh",
        1e-3,
        "consumption-weighted node price (marginal cost of one more MWh, at most the price cap)",
    ),
    m(
        "bill",
        "EUR m",
        1e-3,
        "price × consumption: what consumers pay at the node price",
    ),
    m(
        "cost",
        "EUR m",
        1e-3,
        "money paid for gas and its transport at the suppliers' prices (no penalties)",
    ),
    m(
        "exposure_volume",
        "TWh",
        1e-4,
        "gas through pipelines the node's companies co-own, weighted by stake",
    ),
    m(
        "exposure_revenue",
        "EUR m",
        1e-3,
        "tariff revenue of those pipelines, weighted by stake",
    ),
    m(
        "exposure_loss",
        "EUR m",
        1e-3,
        "tariff revenue of those pipelines below plan (their run without uncertainty or unforeseen events), weighted by stake",
    ),
    m(
        "take_or_pay",
        "EUR m",
        1e-3,
        "take-or-pay paid for gas not taken",
    ),
    // Peak days (sim::peaks), in its order.
    m(
        "peak_day_demand",
        "GWh/d",
        0.1,
        "highest demand of one day in the year (its 95th percentile over trials is the 1-in-20 peak day)",
    ),
    m(
        "peak_7d_demand",
        "GWh/d",
        0.1,
        "highest mean demand over 7 consecutive days",
    ),
    m(
        "peak_30d_demand",
        "GWh/d",
        0.1,
        "highest mean demand over 30 consecutive days",
    ),
    m(
        "worst_day_shortfall",
        "GWh/d",
        1e-3,
        "largest curtailment of one day (firm demand not delivered)",
    ),
    m(
        "protected_cut_days",
        "days",
        1.0,
        "days with protected customers' demand cut",
    ),
    m(
        "peak_7d_protected_shortfall",
        "GWh/d",
        1e-3,
        "protected demand cut per day during the year's highest-demand 7 days (Art. 6(1)(a))",
    ),
    m(
        "peak_30d_protected_shortfall",
        "GWh/d",
        1e-3,
        "protected demand cut per day during the year's highest-demand 30 days (Art. 6(1)(b))",
    ),
    m(
        "peak_day_margin",
        "GWh/d",
        0.1,
        "gas the network could still have delivered on the peak day without cutting anyone, minus the day's curtailment (its 5th percentile is the 1-in-20 margin)",
    ),
];

/// Index of the first peak-day metric in [`YEARLY`].
pub const PEAK_FIRST: usize = YEARLY.len() - crate::sim::peaks::COUNT;

/// Monthly metrics of the region.
pub const MONTHLY: [Metric; 6] = [
    m(
        "dependency_share",
        "share",
        1e-5,
        "traced dependency share of the month's consumption",
    ),
    m(
        "storage_fill",
        "share",
        1e-5,
        "storage level at the end of the month / working volume",
    ),
    m(
        "curtailment_share",
        "share",
        1e-5,
        "curtailment / demand in the month",
    ),
    m(
        "storage_target",
        "share",
        1e-5,
        "fill required by the policy at the end of the month (NaN outside the trajectory)",
    ),
    m(
        "price",
        "EUR/MWh",
        1e-3,
        "consumption-weighted price of the region in the month",
    ),
    m(
        "competing_price",
        "EUR/MWh",
        1e-3,
        "price of the competing LNG market (a JKM analogue) in the month",
    ),
];

/// Monthly metrics per node.
pub const MONTHLY_NODE: [Metric; 1] = [m(
    "price",
    "EUR/MWh",
    1e-3,
    "consumption-weighted node price in the month",
)];

/// Per-pipeline yearly metrics (flow map).
pub const PIPELINE: [Metric; 2] = [
    m(
        "flow",
        "TWh",
        1e-4,
        "gas through the pipeline (contracts and reserved capacity included)",
    ),
    m(
        "flow_dependency",
        "TWh",
        1e-4,
        "of that gas, the part traced to dependency-country origins",
    ),
];

/// Events counted per node (and region) and year.
pub const EVENT_UNSERVED: &str = "curtailment_gt_1pct_annual_demand";
pub const EVENT_STORAGE_FEB: &str = "storage_below_30pct_feb1";
