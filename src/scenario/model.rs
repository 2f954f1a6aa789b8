//! The scenario file as users write it: serde types mirroring the TOML.
//!
//! Nothing here is interpreted: quantities stay strings with their place in
//! the file ([`Quantity`]), references stay names ([`At<String>`]). The
//! validator ([`super::validate`]) turns this into a checked
//! [`super::Model`] in internal units, reporting every problem with its line
//! and column. Unknown keys are refused at every level.
//!
//! Measures and distributions are flat structs with a `type` field rather
//! than serde-tagged enums: tagged enums buffer their content, which loses
//! the positions the error messages need.

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::ops::Range;
use toml::Spanned;

/// A value with its byte range in the scenario file.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(transparent)]
pub struct At<T>(pub Spanned<T>);

impl<T> At<T> {
    pub fn get(&self) -> &T {
        self.0.get_ref()
    }
    pub fn span(&self) -> Range<usize> {
        self.0.span()
    }
}

impl<T: JsonSchema> JsonSchema for At<T> {
    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        T::json_schema(generator)
    }
    fn inline_schema() -> bool {
        T::inline_schema()
    }
}

/// A number with a unit, e.g. `"55 bcm/y"`; which units fit is said in
/// each field's description.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(transparent)]
pub struct Quantity(pub Spanned<String>);

impl Quantity {
    pub fn text(&self) -> &str {
        self.0.get_ref()
    }
    pub fn span(&self) -> Range<usize> {
        self.0.span()
    }
}

impl JsonSchema for Quantity {
    fn schema_name() -> Cow<'static, str> {
        "Quantity".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "A number followed by a unit, e.g. \"55 bcm/y\", \"4.1 mcm/d\", \"16 TWh\", \"9 %\", \"21 EUR/MWh\", \"13 d\".",
            "pattern": "^\\s*[-+]?[0-9]*\\.?[0-9]+([eE][-+]?[0-9]+)?\\s*[A-Za-z%/][A-Za-z0-9%/ ]*$"
        })
    }
}

/// A whole scenario file.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// Run settings.
    pub scenario: Settings,
    /// Countries or balancing zones.
    #[serde(default, rename = "node")]
    pub nodes: Vec<Node>,
    /// Where gas comes from.
    #[serde(default, rename = "origin")]
    pub origins: Vec<Origin>,
    /// Companies that own pipeline stakes or hold contracts.
    #[serde(default, rename = "company")]
    pub companies: Vec<Company>,
    #[serde(default, rename = "pipeline")]
    pub pipelines: Vec<Pipeline>,
    #[serde(default, rename = "contract")]
    pub contracts: Vec<Contract>,
    /// Uncertain events (hazard, duration, severity).
    #[serde(default, rename = "disruption")]
    pub disruptions: Vec<Disruption>,
    /// Certain, scheduled events (e.g. the 2022 cut-offs).
    #[serde(default, rename = "event")]
    pub events: Vec<super::model_dated::Event>,
    #[serde(default)]
    pub uncertainty: Uncertainty,
    /// How demand answers to price (reference price, elasticities, price
    /// cap, value of lost load). Without it all demand is firm.
    #[serde(default)]
    pub market: Option<Market>,
    /// The world LNG market Europe competes in: the rest of the world's
    /// demand for LNG. Without it LNG origins sell only to the region.
    #[serde(default)]
    pub lng_market: Option<LngMarket>,
    /// Daily steps inside a monthly calendar, and how storage is valued
    /// then (docs/scenario-format.md, `[calendar]`).
    #[serde(default)]
    pub calendar: Option<super::model_daily::Calendar>,
    /// Weather imposed on dates in every trial: an observed cold spell, or
    /// a stress such as the 1-in-20 week of Regulation (EU) 2017/1938, Art. 6.
    #[serde(default, rename = "spell")]
    pub spells: Vec<super::model_daily::Spell>,
    /// Dated changes of reference demand in every trial and policy.
    #[serde(default, rename = "demand_shift")]
    pub demand_shifts: Vec<super::model_dated::DemandShift>,
    /// Named policies; one of them is the baseline.
    #[serde(default, rename = "policy")]
    pub policies: Vec<Policy>,
    /// Uncertain inputs: a distribution for a numeric field, drawn per
    /// trial (and varied by `gasdep sensitivity`).
    #[serde(default, rename = "uncertain")]
    pub uncertain: Vec<super::uncertain::Uncertain>,
    // `extends` and `remove` last: serde's "expected one of" lists the
    // fields in this order, and the format's tables come first.
    /// A base scenario file this one changes (a path relative to this
    /// file): its tables are taken, this file's `[[…]]` elements replace
    /// those with the same `id` or are added, `[scenario]` keys replace the
    /// base's (docs/scenario-format.md, "Inheritance").
    #[serde(default)]
    pub extends: Option<At<String>>,
    /// Elements of the base to drop, as `kind:id` (e.g.
    /// `"pipeline:nord-stream"`), or whole tables or kinds (`"market"`).
    #[serde(default)]
    pub remove: Option<Vec<At<String>>>,
}

/// `[scenario]`: what to run.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Short name; used as the output folder name (letters, digits, `-`, `_`, `.`).
    pub name: At<String>,
    #[serde(default)]
    pub description: String,
    /// First month simulated, `YYYY-MM`.
    pub start: At<String>,
    /// Last month simulated (inclusive), `YYYY-MM`.
    pub end: At<String>,
    /// `month` (default) or `day` (for stress windows).
    #[serde(default)]
    pub step: Option<At<String>>,
    /// Monte Carlo trials (default 1000).
    #[serde(default)]
    pub trials: Option<At<u64>>,
    /// Seed of the random streams (default 1).
    #[serde(default)]
    pub seed: Option<At<u64>>,
    /// Origin countries that count as "dependency" (default `["RU"]`).
    #[serde(default)]
    pub dependency: Option<Vec<At<String>>>,
    /// Gross calorific value, `kWh/m3` or `MJ/m3` (default "10.9 kWh/m3").
    #[serde(default)]
    pub calorific_value: Option<Quantity>,
    /// Id of the policy the others are compared against.
    pub baseline: At<String>,
    /// `cooperative` (default) or `national-first`.
    #[serde(default)]
    pub solidarity: Option<At<String>>,
    /// Price of domestic production, `EUR/MWh` (default "15 EUR/MWh").
    #[serde(default)]
    pub production_price: Option<Quantity>,
    /// Node ids the run answers for first, beside Europe, in this order
    /// (terminal table, report headline, answer charts), e.g. `["FR"]`.
    #[serde(default)]
    pub focus: Option<Vec<At<String>>>,
}

/// `[[node]]`: a country or balancing zone.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Node {
    /// Short id, e.g. `FR`; referenced by pipelines and contracts.
    pub id: At<String>,
    #[serde(default)]
    pub name: Option<String>,
    /// Latitude and longitude, degrees, for maps.
    #[serde(default)]
    pub lat: Option<At<f64>>,
    #[serde(default)]
    pub lon: Option<At<f64>>,
    /// Country the node belongs to (default: its id). Domestic production is
    /// of this origin country.
    #[serde(default)]
    pub country: Option<At<String>>,
    pub demand: Demand,
    #[serde(default)]
    pub production: Option<Production>,
    #[serde(default)]
    pub storage: Option<Storage>,
    /// LNG regasification send-out capacity, a rate (e.g. "34 bcm/y").
    #[serde(default)]
    pub lng_regas: Option<Quantity>,
    /// Regasification capacity from a date on (terminals built or closed),
    /// overriding `lng_regas` from each date.
    #[serde(default)]
    pub lng_schedule: Vec<RatePoint>,
}

/// Annual demand by sector in the start year, with its shape.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Demand {
    /// Protected customers (households, small commerce, district heating),
    /// a rate. Cut last.
    pub protected: Quantity,
    /// Industry, a rate.
    pub industry: Quantity,
    /// Power generation, a rate.
    pub power: Quantity,
    /// Change per year from the start year, `%/y` (default "0 %/y").
    #[serde(default)]
    pub trend: Option<Quantity>,
    /// Twelve monthly factors for heating-driven demand (protected, and
    /// half-weighted for power), January first; normalised to average 1.
    /// Default: a typical EU heating profile (docs/scenario-format.md says
    /// what it gives against Eurostat's monthly consumption).
    #[serde(default)]
    pub profile: Option<At<Vec<f64>>>,
    /// Demand change per standard deviation of the weather anomaly, `%`
    /// (default "8 %"); applies to protected and half to power.
    #[serde(default)]
    pub weather_sensitivity: Option<Quantity>,
    /// Peak-day demand for the N-1 indicator, a rate (e.g. "2.1 TWh/d");
    /// default: the January average day × 1.5.
    #[serde(default)]
    pub peak_day: Option<Quantity>,
    /// Day-to-day demand change per standard deviation of the daily weather
    /// deviation, `%` (default "20 %"); applies to protected and half to
    /// power, in steps shorter than a month (docs/model.md, "Weather by day").
    #[serde(default)]
    pub daily_sensitivity: Option<Quantity>,
    /// Price elasticity by sector for this node, overriding `[market]`.
    #[serde(default)]
    pub elasticity: Option<Elasticity>,
    /// Fuel switching of this node's power sector, overriding `[market]`.
    #[serde(default)]
    pub fuel_switching: Option<FuelSwitching>,
    /// Explicit willingness to pay by sector: tranches of demand, each a
    /// share of the sector's demand and a value; the rest is firm. A sector
    /// given here ignores its elasticity.
    #[serde(default)]
    pub tranches: Option<SectorTranches>,
}

/// `[market]`: demand curves and the price range of the market.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Market {
    /// Price at which the nodes' demand figures are consumed, `EUR/MWh`
    /// (the anchor of every demand curve built from an elasticity).
    pub reference_price: Quantity,
    /// Highest market price, `EUR/MWh` (default "500 EUR/MWh"). Demand still
    /// wanted at this price and not delivered is curtailment; demand given
    /// up below it is demand response.
    #[serde(default)]
    pub price_cap: Option<Quantity>,
    /// Value of lost load of protected customers, `EUR/MWh` (default: ten
    /// times the price cap). Industry and power are curtailed before them.
    #[serde(default)]
    pub value_of_lost_load: Option<Quantity>,
    /// Short-run price elasticity of demand by sector (plain numbers ≤ 0;
    /// defaults: protected -0.05, industry -0.2, power -0.1).
    #[serde(default)]
    pub elasticity: Option<Elasticity>,
    /// Gas-to-coal (or oil) switching in power generation.
    #[serde(default)]
    pub fuel_switching: Option<FuelSwitching>,
    /// Long-run price elasticity by sector (plain numbers, at most the
    /// short-run ones; default: equal to them, no lasting adjustment).
    /// Under a lasting price the demand curve shifts until demand is what
    /// the long-run elasticity gives (efficiency, fuel switching
    /// investments, industry relocating).
    #[serde(default)]
    pub long_run_elasticity: Option<Elasticity>,
    /// Time constant of that shift, a duration (default "12 month").
    #[serde(default)]
    pub adjustment_time: Option<Quantity>,
}

/// Elasticities by sector (plain numbers, ≤ 0).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Elasticity {
    #[serde(default)]
    pub protected: Option<At<f64>>,
    #[serde(default)]
    pub industry: Option<At<f64>>,
    #[serde(default)]
    pub power: Option<At<f64>>,
}

/// Power demand that switches to another fuel above a price.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FuelSwitching {
    /// Gas price above which the switchable plants run on another fuel, `EUR/MWh`.
    pub price: Quantity,
    /// Share of power demand that can switch, `%`.
    pub share: Quantity,
}

/// Explicit demand tranches by sector.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SectorTranches {
    #[serde(default)]
    pub protected: Option<Vec<TrancheSpec>>,
    #[serde(default)]
    pub industry: Option<Vec<TrancheSpec>>,
    #[serde(default)]
    pub power: Option<Vec<TrancheSpec>>,
}

/// A tranche of demand: a share of the sector's demand bought up to a price.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TrancheSpec {
    /// `%` of the sector's demand.
    pub share: Quantity,
    /// Willingness to pay, `EUR/MWh` (below the price cap).
    pub value: Quantity,
}

/// Domestic production.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Production {
    /// Annual production in the start year, a rate.
    pub rate: Quantity,
    /// Change per year, `%/y` (e.g. "-8 %/y" for a declining field).
    #[serde(default)]
    pub trend: Option<Quantity>,
    /// Optional schedule overriding the trend from a date on.
    #[serde(default)]
    pub schedule: Vec<RatePoint>,
}

/// A rate from a date on.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RatePoint {
    /// `YYYY-MM`.
    pub from: At<String>,
    pub rate: Quantity,
}

/// Underground storage of a node (all its sites together).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Storage {
    /// Working gas volume, an energy (e.g. "134 TWh").
    pub volume: Quantity,
    /// Maximum injection rate.
    pub injection: Quantity,
    /// Maximum withdrawal rate when full; it falls linearly below the knee.
    pub withdrawal: Quantity,
    /// Fill at the start, `%` of volume.
    pub initial_fill: Quantity,
    /// Fill below which withdrawal falls in proportion, `%` (default "40 %").
    #[serde(default)]
    pub withdrawal_knee: Option<Quantity>,
    /// Fill above which injection falls, reaching 0 when full, `%`
    /// (default "80 %").
    #[serde(default)]
    pub injection_knee: Option<Quantity>,
    /// Who holds the site's capacity, in shares (volume, injection and
    /// withdrawal alike); the rest is the node's own. A holder's gas serves
    /// the holder, not the node where the site is (docs/model.md, "Storage
    /// by holder").
    #[serde(default)]
    pub holders: Vec<super::model_daily::Holder>,
}

/// `[[origin]]`: a source of gas outside the modelled nodes.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Origin {
    /// Id, e.g. `RU`, `NO`, `QA-LNG`.
    pub id: At<String>,
    /// Producing country (e.g. `RU` for `RU-LNG`); dependency is counted by country.
    pub country: At<String>,
    /// `pipe` or `lng`.
    pub kind: At<String>,
    /// Price at which the origin offers its gas at the border (for LNG:
    /// delivered to the region's terminals), `EUR/MWh`.
    pub price: Quantity,
    /// For LNG: the cost of delivering the same gas to the competing market
    /// of `[lng_market]` instead (default: `price`), `EUR/MWh`.
    #[serde(default)]
    pub competing_price: Option<Quantity>,
    /// Export capacity (for LNG: liquefaction capacity available for
    /// export, whoever buys it), a rate.
    pub capacity: Quantity,
    /// Export capacity from a date on, overriding `capacity` from each date.
    #[serde(default)]
    pub schedule: Vec<RatePoint>,
    #[serde(default)]
    pub name: Option<String>,
    /// Coordinates for maps (degrees).
    #[serde(default)]
    pub lat: Option<At<f64>>,
    #[serde(default)]
    pub lon: Option<At<f64>>,
}

/// `[[company]]`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Company {
    pub id: At<String>,
    /// Home country: a node id (or an origin country such as `RU`).
    pub country: At<String>,
}

/// `[[pipeline]]`: a link from an origin or node to a node.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Pipeline {
    pub id: At<String>,
    #[serde(default)]
    pub name: Option<String>,
    /// Origin id or node id.
    pub from: At<String>,
    /// Node id.
    pub to: At<String>,
    /// Forward capacity, a rate.
    pub capacity: Quantity,
    /// Reverse-flow capacity, a rate (default 0; only between nodes).
    #[serde(default)]
    pub reverse_capacity: Option<Quantity>,
    /// First month in service, `YYYY-MM` (default: always).
    #[serde(default)]
    pub online: Option<At<String>>,
    /// First month out of service (default: never).
    #[serde(default)]
    pub offline: Option<At<String>>,
    /// Capacity changes over time (e.g. a second string), after `online`.
    #[serde(default)]
    pub stages: Vec<RatePoint>,
    /// Transport tariff, `EUR/MWh` (default "0 EUR/MWh").
    #[serde(default)]
    pub tariff: Option<Quantity>,
    /// Owners and their stakes.
    #[serde(default)]
    pub owners: Vec<Owner>,
    /// If true, each owner's stake of capacity is reserved for its home
    /// market at `rights_tariff` (docs/model.md, "Capacity rights of owners").
    #[serde(default)]
    pub capacity_rights: Option<At<bool>>,
    /// Tariff on reserved capacity, `EUR/MWh` (default: half the tariff).
    #[serde(default)]
    pub rights_tariff: Option<Quantity>,
}

/// A stake in a pipeline.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Owner {
    /// Company id.
    pub company: At<String>,
    /// `%` of the pipeline.
    pub stake: Quantity,
}

/// `[[contract]]`: a long-term supply contract.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Contract {
    pub id: At<String>,
    /// Seller: an origin id.
    pub seller: At<String>,
    /// Buyer: a node id.
    pub buyer: At<String>,
    /// Annual contract quantity, a rate (e.g. "1.5 bcm/y").
    pub volume: Quantity,
    /// `YYYY-MM`.
    pub start: At<String>,
    /// First month after the contract (default: never ends).
    #[serde(default)]
    pub end: Option<At<String>>,
    /// Share of the volume paid whether taken or not, `%` (default "0 %").
    #[serde(default)]
    pub take_or_pay: Option<Quantity>,
    /// Contract price, `EUR/MWh`.
    pub price: Quantity,
    /// Pipelines the contract's gas travels on to its delivery point, in
    /// order from the seller's origin: one id or a list (e.g.
    /// `["ru-ua", "ua-sk"]`). The contract books their capacity. Default:
    /// none (the gas enters at the delivery point without using a pipeline).
    #[serde(default)]
    pub route: Option<At<IdList>>,
    /// Node where the seller delivers and the gas enters the network, to
    /// travel on to the buyer like any other gas (default: where the route
    /// ends, or the buyer without a route). For LNG: the node whose
    /// terminals receive the cargoes.
    #[serde(default)]
    pub delivery: Option<At<String>>,
}

/// One id or a list of ids, in order: `"a"` or `["a", "b"]`.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(transparent)]
pub struct IdList(pub Vec<String>);

impl<'de> Deserialize<'de> for IdList {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = IdList;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an id or a list of ids")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<IdList, E> {
                Ok(IdList(vec![s.to_string()]))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut a: A) -> Result<IdList, A::Error> {
                let mut v = Vec::new();
                while let Some(s) = a.next_element::<String>()? {
                    v.push(s);
                }
                Ok(IdList(v))
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for IdList {
    fn schema_name() -> Cow<'static, str> {
        "IdList".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "An id, or a list of ids in order.",
            "anyOf": [
                { "type": "string" },
                { "type": "array", "items": { "type": "string" } }
            ]
        })
    }
}

/// `[[disruption]]`: a random event on a pipeline, origin or LNG terminal.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Disruption {
    pub id: At<String>,
    /// A pipeline id, an origin id, or `lng:NODE` for a node's terminals.
    pub target: At<String>,
    /// Expected events per year, `/y`.
    pub hazard: Quantity,
    pub duration: Duration,
    /// Share of capacity lost while it lasts, `%` (default "100 %").
    #[serde(default)]
    pub severity: Option<Quantity>,
    /// Only events starting in this window of dates (`YYYY-MM` or
    /// `YYYY-MM-DD`); `until` is inclusive (a whole month when written
    /// `YYYY-MM`).
    #[serde(default)]
    pub from: Option<At<String>>,
    #[serde(default)]
    pub until: Option<At<String>>,
    /// Only starting in these calendar months (1–12), e.g. `[12, 1, 2]`.
    #[serde(default)]
    pub months: Option<At<Vec<u32>>>,
    /// With an origin target: only its deliveries to these nodes are cut
    /// (pipelines from the origin into them, contracts bought by them,
    /// capacity rights to them), as `[[event]]` `buyers` does.
    #[serde(default)]
    pub buyers: Option<Vec<At<String>>>,
    /// Other hazards (`/y`) at which to report the run's answer, from this
    /// run's trials (post-stratified by the number of events; see
    /// docs/model.md, "Hazard grid"). At most one disruption may
    /// have it.
    #[serde(default)]
    pub hazard_grid: Option<Vec<Quantity>>,
    /// Whether storage is valued expecting this risk (default true). With
    /// `false` the water values are found without it: for a rare, long
    /// event that operators did not hold stocks against, and that a few
    /// sampled worlds would place at random dates.
    #[serde(default)]
    pub anticipated: Option<At<bool>>,
    /// When the market starts to expect this risk (`YYYY-MM` or
    /// `YYYY-MM-DD`; default: known from the outset): storage is valued
    /// without it before then.
    #[serde(default)]
    pub announced: Option<At<String>>,
}

/// A duration distribution. `type` is `fixed` (`value`), `uniform`
/// (`min`, `max`), `exponential` (`mean`) or `lognormal` (`median`, `sd`
/// of the log).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Duration {
    #[serde(rename = "type")]
    pub kind: At<String>,
    #[serde(default)]
    pub value: Option<Quantity>,
    #[serde(default)]
    pub min: Option<Quantity>,
    #[serde(default)]
    pub max: Option<Quantity>,
    #[serde(default)]
    pub mean: Option<Quantity>,
    #[serde(default)]
    pub median: Option<Quantity>,
    /// Standard deviation of ln(duration) for `lognormal` (a plain number).
    #[serde(default)]
    pub sigma: Option<At<f64>>,
}

/// `[uncertainty]`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Uncertainty {
    #[serde(default)]
    pub weather: Option<Weather>,
    /// Relative standard deviation of prices per year, `%` (default "0 %").
    #[serde(default)]
    pub price_sd: Option<Quantity>,
}

/// Weather anomalies: standard normal per node and month, correlated across
/// nodes and AR(1) in time; demand moves by each node's sensitivity.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Weather {
    /// Month-to-month autocorrelation (0–1, default 0.5).
    #[serde(default)]
    pub autocorrelation: Option<At<f64>>,
    /// Correlation between any two nodes (default 0.7), unless `matrix` is given.
    #[serde(default)]
    pub correlation: Option<At<f64>>,
    /// Full correlation matrix, rows in node order.
    #[serde(default)]
    pub matrix: Option<At<Vec<Vec<f64>>>>,
    /// Day-to-day autocorrelation of the daily weather deviation within
    /// months of daily steps (0–1, default 0.8): how long cold spells last.
    #[serde(default)]
    pub daily_autocorrelation: Option<At<f64>>,
}

/// `[lng_market]`: the rest of the world's demand for LNG, which the
/// region's buyers outbid or not.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LngMarket {
    /// LNG the competing market (Asia and the rest of the world) buys at
    /// its reference price, a rate.
    pub demand: Quantity,
    /// That demand from a date on, overriding `demand` from each date.
    #[serde(default)]
    pub schedule: Vec<RatePoint>,
    /// The competing market's price at that demand, `EUR/MWh` (a JKM level).
    pub reference_price: Quantity,
    /// Its price elasticity (a plain number ≤ 0, default -0.3).
    #[serde(default)]
    pub elasticity: Option<At<f64>>,
    /// Relative standard deviation of its yearly level, `%` (default "0 %").
    #[serde(default)]
    pub sd: Option<Quantity>,
}

/// `[[policy]]`: a named set of dated measures.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    pub id: At<String>,
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub description: String,
    /// Id of a policy whose measures come first (this one's override them).
    #[serde(default)]
    pub extends: Option<At<String>>,
    /// Measures, applied in order; a later one overrides an earlier one.
    #[serde(default, rename = "measure")]
    pub measures: Vec<Measure>,
}

/// One measure. `type` selects which fields apply:
///
/// | type | fields |
/// |---|---|
/// | `embargo` | `country` or `origin`, `share` (default 100 %) |
/// | `import_cap` | `country`, `max_share` (region-wide; `node` is rejected) |
/// | `capacity` | `target` (pipeline, `lng:NODE`, `storage:NODE`, origin), `action` (`add`/`scale`/`set`), `value` |
/// | `storage_target` | `targets` (list of `{ date = "MM-DD", fill = "%" }`), optional `nodes`, `penalty` |
/// | `demand_reduction` | `share`, optional `sectors`, `nodes` |
/// | `contract` | `action` `add` with `contract = {…}`, or `cancel` with `id` |
/// | `stake` | `pipeline`, `company`, `action` (`acquire`/`divest`), `stake`, optional `counterparty` |
/// | `solidarity` | `mode` (`cooperative`/`national-first`) |
/// | `set` / `scale` / `add` | `path` (e.g. `node.FR.demand.industry`), `value` |
///
/// Every measure takes optional `start` and `end` (`YYYY-MM`), and
/// `announced` (when the market learns of it; default: from the outset).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Measure {
    #[serde(rename = "type")]
    pub kind: At<String>,
    #[serde(default)]
    pub start: Option<At<String>>,
    #[serde(default)]
    pub end: Option<At<String>>,
    #[serde(default)]
    pub country: Option<At<String>>,
    #[serde(default)]
    pub origin: Option<At<String>>,
    #[serde(default)]
    pub node: Option<At<String>>,
    #[serde(default)]
    pub nodes: Option<Vec<At<String>>>,
    #[serde(default)]
    pub share: Option<Quantity>,
    #[serde(default)]
    pub max_share: Option<Quantity>,
    #[serde(default)]
    pub target: Option<At<String>>,
    #[serde(default)]
    pub action: Option<At<String>>,
    /// A quantity with the target's unit; for `scale`, a `%` (e.g. "120 %").
    #[serde(default)]
    pub value: Option<Quantity>,
    #[serde(default)]
    pub targets: Option<Vec<FillPoint>>,
    #[serde(default)]
    pub sectors: Option<Vec<At<String>>>,
    #[serde(default)]
    pub contract: Option<Contract>,
    #[serde(default)]
    pub id: Option<At<String>>,
    #[serde(default)]
    pub pipeline: Option<At<String>>,
    #[serde(default)]
    pub company: Option<At<String>>,
    /// For `stake`: the company on the other side of the trade (default: none,
    /// the stake comes from or goes to unallocated capacity).
    #[serde(default)]
    pub counterparty: Option<At<String>>,
    #[serde(default)]
    pub stake: Option<Quantity>,
    #[serde(default)]
    pub mode: Option<At<String>>,
    #[serde(default)]
    pub path: Option<At<String>>,
    /// For `storage_target`: cost of each MWh missing from the target,
    /// `EUR/MWh` (default "150 EUR/MWh").
    #[serde(default)]
    pub penalty: Option<Quantity>,
    /// When the market learns of the measure (default: from the outset, a
    /// policy being a plan); storage is valued without foresight of it
    /// before then.
    #[serde(default)]
    pub announced: Option<At<String>>,
}

/// A point of a storage fill trajectory.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FillPoint {
    /// Day of the year, `MM-DD`.
    pub date: At<String>,
    /// Fill, `%` of working volume.
    pub fill: Quantity,
}
