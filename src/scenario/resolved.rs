//! The checked scenario in internal units (GWh, GWh/d, EUR/MWh, fractions,
//! days), with references resolved to indices. Produced only by
//! [`super::validate`], so every invariant listed on a field holds.

use super::time::Day;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepKind {
    Month,
    Day,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Solidarity {
    /// Shortage is spread across nodes (rising penalty with the share cut).
    Cooperative,
    /// A node exports only while its own demand is fully served.
    NationalFirst,
}

/// Demand sectors, in order of priority (protected is cut last).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sector {
    Protected = 0,
    Industry = 1,
    Power = 2,
}

pub const SECTORS: [Sector; 3] = [Sector::Protected, Sector::Industry, Sector::Power];
pub const SECTOR_NAMES: [&str; 3] = ["protected", "industry", "power"];

#[derive(Debug, Clone)]
pub struct Model {
    pub name: String,
    pub description: String,
    /// First day of the first step and first day after the last step.
    pub start: Day,
    pub end: Day,
    pub step: StepKind,
    pub trials: u64,
    pub seed: u64,
    /// Origin countries counted as dependency.
    pub dependency: Vec<String>,
    /// Gross calorific value, kWh/m³.
    pub gcv: f64,
    pub baseline: usize,
    pub solidarity: Solidarity,
    pub production_price: f64,
    pub nodes: Vec<NodeM>,
    pub origins: Vec<OriginM>,
    pub companies: Vec<CompanyM>,
    pub pipelines: Vec<PipelineM>,
    /// Contracts of the file first, then those that policies add.
    pub contracts: Vec<ContractM>,
    pub disruptions: Vec<DisruptionM>,
    pub events: Vec<EventM>,
    pub weather: WeatherM,
    /// Relative standard deviation of yearly price shocks.
    pub price_sd: f64,
    pub market: MarketM,
    pub lng: Option<LngM>,
    pub policies: Vec<PolicyM>,
    /// Nodes the run answers for first (`[scenario] focus`), in order.
    pub focus: Vec<usize>,
    /// Daily steps inside the calendar and how storage is valued.
    pub calendar: super::calendar::CalendarM,
    /// Weather imposed on dates (in every trial).
    pub spells: Vec<super::calendar::SpellM>,
    /// Dated changes of reference demand (in every trial and policy).
    pub demand_shifts: Vec<DemandShiftM>,
    /// `[[uncertain]]` inputs with the text they are drawn into (`None`
    /// without any).
    pub uncertain: Option<std::sync::Arc<super::uncertain::UncertainSet>>,
}

/// Start of time for schedules whose first value has no date.
pub const DISTANT_PAST: Day = Day(i32::MIN / 2);

#[derive(Debug, Clone)]
pub struct NodeM {
    pub id: String,
    pub name: String,
    pub lat: f64,
    pub lon: f64,
    pub country: String,
    /// Average demand per sector in the start year, GWh/d.
    pub demand: [f64; 3],
    /// Yearly growth rate (fraction).
    pub trend: f64,
    /// Monthly heating factors, mean 1.
    pub profile: [f64; 12],
    /// Demand change per standard deviation of weather (fraction).
    pub weather_sensitivity: f64,
    /// Demand change per standard deviation of the daily weather deviation
    /// (fraction), in steps shorter than a month.
    pub daily_sensitivity: f64,
    /// Peak-day demand, GWh/d (N-1 denominator).
    pub peak_day: f64,
    /// Willingness to pay for the node's demand.
    pub curve: DemandCurve,
    pub production: Option<ProductionM>,
    pub storage: Option<StorageM>,
    /// Regasification capacity, GWh/d, from each date (first entry from the
    /// distant past), sorted.
    pub lng_regas: Vec<(Day, f64)>,
}

#[derive(Debug, Clone)]
pub struct ProductionM {
    /// GWh/d in the start year.
    pub rate: f64,
    pub trend: f64,
    /// (from, rate) overriding the trend, sorted by date.
    pub schedule: Vec<(Day, f64)>,
}

#[derive(Debug, Clone)]
pub struct StorageM {
    /// GWh.
    pub volume: f64,
    /// GWh/d.
    pub injection: f64,
    pub withdrawal: f64,
    /// Fraction of volume.
    pub initial_fill: f64,
    /// Fill below which withdrawal falls in proportion (fraction).
    pub knee: f64,
    /// Fill above which injection falls, to 0 when full (fraction, < 1).
    pub injection_knee: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OriginKind {
    Pipe,
    Lng,
}

#[derive(Debug, Clone)]
pub struct OriginM {
    pub id: String,
    pub name: String,
    pub country: String,
    pub kind: OriginKind,
    /// EUR/MWh.
    pub price: f64,
    /// For LNG: delivered cost to the competing market, EUR/MWh.
    pub competing_price: f64,
    /// Export capacity, GWh/d, from each date (first entry from the distant
    /// past), sorted.
    pub capacity: Vec<(Day, f64)>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
}

#[derive(Debug, Clone)]
pub struct CompanyM {
    pub id: String,
    pub country: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    Origin(usize),
    Node(usize),
}

#[derive(Debug, Clone)]
pub struct PipelineM {
    pub id: String,
    pub name: String,
    pub from: Endpoint,
    pub to: usize,
    /// Forward capacity from each date (first entry at `online` or the
    /// distant past), GWh/d, sorted.
    pub stages: Vec<(Day, f64)>,
    pub offline: Option<Day>,
    /// GWh/d.
    pub reverse: f64,
    /// EUR/MWh.
    pub tariff: f64,
    /// (company index, stake fraction); stakes sum to at most 1.
    pub owners: Vec<(usize, f64)>,
    pub capacity_rights: bool,
    pub rights_tariff: f64,
}

#[derive(Debug, Clone)]
pub struct ContractM {
    pub id: String,
    pub seller: usize,
    pub buyer: usize,
    /// GWh/d.
    pub volume: f64,
    pub start: Day,
    pub end: Option<Day>,
    pub take_or_pay: f64,
    pub price: f64,
    /// Pipelines booked from the seller's origin to `delivery`, in order
    /// (each starts where the previous ends); empty without a route.
    pub route: Vec<usize>,
    /// Node where the gas enters the network (the route's end, or the
    /// buyer without a route; for LNG, the receiving terminals' node).
    pub delivery: usize,
    /// True for contracts of the file; false for those only policies add.
    pub in_file: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Pipeline(usize),
    Origin(usize),
    Lng(usize),
    /// A node's storage (`storage:NODE`): scheduled events only; the share
    /// lost is withheld from the market with the gas in it.
    Storage(usize),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DurationDist {
    Fixed(f64),
    Uniform(f64, f64),
    Exponential(f64),
    LogNormal { median: f64, sigma: f64 },
}

#[derive(Debug, Clone)]
pub struct DisruptionM {
    pub id: String,
    pub target: Target,
    /// Events per year.
    pub hazard: f64,
    /// Days.
    pub duration: DurationDist,
    pub severity: f64,
    /// First day on which events may start.
    pub from: Option<Day>,
    /// First day on which events may no longer start (the file's `until`
    /// is inclusive: `until = "2014-12"` is stored as 2015-01-01).
    pub until: Option<Day>,
    /// Calendar months (index 0 = January) in which events may start.
    pub months: [bool; 12],
    /// For origin targets: only deliveries to these nodes (empty: all).
    pub buyers: Vec<usize>,
    /// Hazards (events per year) at which the answer is also reported.
    pub hazard_grid: Vec<f64>,
    /// Whether the storage valuation expects it.
    pub anticipated: bool,
    /// First day the storage valuation expects it (`None`: from the outset).
    pub announced: Option<Day>,
}

impl DisruptionM {
    /// First day the market expects the risk: a risk of the file is known
    /// from the outset unless `announced` says when it became known.
    pub fn known_from(&self) -> Day {
        self.announced.unwrap_or(DISTANT_PAST)
    }
}

/// A dated change of reference demand: `scale` × the demand of `sectors`
/// at `nodes` on the days `[start, end)`.
#[derive(Debug, Clone)]
pub struct DemandShiftM {
    pub id: String,
    pub nodes: Vec<usize>,
    pub sectors: [bool; 3],
    pub start: Day,
    pub end: Option<Day>,
    pub scale: f64,
    /// When the market learns of it (`None`: when it starts).
    pub announced: Option<Day>,
}

impl DemandShiftM {
    /// First day the market knows of the shift.
    pub fn known_from(&self) -> Day {
        self.announced.unwrap_or(self.start)
    }
}

#[derive(Debug, Clone)]
pub struct EventM {
    pub id: String,
    pub target: Target,
    /// For origin targets: only deliveries to these nodes (empty: all).
    pub buyers: Vec<usize>,
    pub start: Day,
    pub end: Option<Day>,
    pub severity: f64,
    /// When the market learns of it (`None`: when it starts).
    pub announced: Option<Day>,
}

impl EventM {
    /// First day the market knows of the event.
    pub fn known_from(&self) -> Day {
        self.announced.unwrap_or(self.start)
    }
}

#[derive(Debug, Clone)]
pub struct WeatherM {
    /// Month-to-month autocorrelation of the monthly anomaly.
    pub autocorrelation: f64,
    /// Day-to-day autocorrelation of the daily deviation.
    pub daily_autocorrelation: f64,
    /// Lower Cholesky factor of the node correlation matrix, row-major n×n.
    pub cholesky: Vec<f64>,
}

/// The price range of the market and the value of curtailed demand.
#[derive(Debug, Clone, PartialEq)]
pub struct MarketM {
    /// Anchor of the demand curves built from elasticities, EUR/MWh; `None`
    /// without a `[market]` table (all demand firm).
    pub reference_price: Option<f64>,
    /// Highest market price, EUR/MWh; node prices are reported up to it.
    pub price_cap: f64,
    /// Value of curtailed demand by sector (protected = value of lost load,
    /// industry, power), EUR/MWh, each ≥ `price_cap`, industry's ≤
    /// protected's, power's ≤ industry's.
    pub curtailment_value: [f64; 3],
    /// Time constant of the long-run adjustment of demand to prices, days
    /// (infinite: none).
    pub adjustment_days: f64,
}

/// A node's inverse demand as data: tranches of each sector's demand with a
/// willingness to pay, and the firm rest (wanted at any price up to the
/// cap, so only curtailed). For every sector the tranche shares and the
/// firm share sum to 1.
#[derive(Debug, Clone, PartialEq)]
pub struct DemandCurve {
    /// (value in EUR/MWh, share of each sector's demand), values ascending,
    /// distinct, each below the price cap.
    pub tranches: Vec<(f64, [f64; 3])>,
    /// Share of each sector's demand that is firm.
    pub firm: [f64; 3],
    /// Long-run minus short-run elasticity by sector (≤ 0; 0: demand does
    /// not adapt): at a lasting price p the reference quantity drifts to
    /// (p / p₀)^adapt of itself.
    pub adapt: [f64; 3],
}

impl DemandCurve {
    /// All demand firm.
    pub fn firm() -> DemandCurve {
        DemandCurve {
            tranches: Vec::new(),
            firm: [1.0; 3],
            adapt: [0.0; 3],
        }
    }
}

/// The competing (rest-of-world) LNG market.
#[derive(Debug, Clone)]
pub struct LngM {
    /// Demand at the reference price, GWh/d, from each date (first entry
    /// from the distant past), sorted.
    pub demand: Vec<(Day, f64)>,
    pub reference_price: f64,
    pub elasticity: f64,
    /// Relative standard deviation of the yearly demand level.
    pub sd: f64,
    /// Its inverse demand: (value in EUR/MWh, quantity as a share of the
    /// reference demand), values ascending; the last tranche is the part
    /// wanted at the price cap. Shares sum to more than 1: below the
    /// reference price it buys more than its reference demand.
    pub curve: Vec<(f64, f64)>,
}

#[derive(Debug, Clone)]
pub struct PolicyM {
    pub id: String,
    pub label: String,
    pub description: String,
    pub measures: Vec<MeasureM>,
}

#[derive(Debug, Clone)]
pub struct MeasureM {
    pub kind: MeasureKind,
    pub start: Option<Day>,
    pub end: Option<Day>,
    /// When the market learns of it (`None`: from the outset).
    pub announced: Option<Day>,
}

impl MeasureM {
    /// First day the market knows of the measure: a policy is a plan,
    /// known from the outset unless `announced` says when it became known.
    pub fn known_from(&self) -> Day {
        self.announced.unwrap_or(DISTANT_PAST)
    }

    pub fn active(&self, day: Day) -> bool {
        self.start.is_none_or(|s| day >= s) && self.end.is_none_or(|e| day < e)
    }
}

/// A numeric field a measure may change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Demand(usize, Sector),
    Production(usize),
    LngRegas(usize),
    /// Scales working volume and both rates together.
    StorageSize(usize),
    StorageInjection(usize),
    StorageWithdrawal(usize),
    PipelineCapacity(usize),
    PipelineReverse(usize),
    PipelineTariff(usize),
    OriginPrice(usize),
    OriginCapacity(usize),
    ContractVolume(usize),
    ContractPrice(usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Set,
    Scale,
    Add,
}

#[derive(Debug, Clone)]
pub enum MeasureKind {
    /// Cut the export capacity of these origins by `share`.
    Embargo {
        origins: Vec<usize>,
        share: f64,
    },
    /// Direct imports from `country` at most `max_share` of demand, in one
    /// node or (None) the whole region.
    ImportCap {
        country: String,
        node: Option<usize>,
        max_share: f64,
    },
    Adjust {
        field: Field,
        op: Op,
        value: f64,
    },
    /// Fill trajectory: ((month, day), fill) sorted by date in the year;
    /// each MWh missing at the end of a step costs `penalty` (EUR/MWh).
    StorageTarget {
        nodes: Vec<usize>,
        points: Vec<((u32, u32), f64)>,
        penalty: f64,
    },
    DemandReduction {
        share: f64,
        sectors: [bool; 3],
        nodes: Vec<usize>,
    },
    AddContract(usize),
    CancelContract(usize),
    Stake {
        pipeline: usize,
        company: usize,
        counterparty: Option<usize>,
        /// Positive when acquiring.
        delta: f64,
    },
    Solidarity(Solidarity),
}
