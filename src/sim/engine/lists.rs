//! What each arc is for, resolved once per engine: the arc lists the
//! prepare and record passes walk, each in ascending arc order.

use crate::network::{ArcKind, LEVEL_BANDS, Network, TRANCHES};
use crate::scenario::{Endpoint, Model, OriginKind};
use crate::sim::supplier::cut_pairs;

/// What `record` does with the flow of one arc, resolved once from the arc
/// kind, the pipeline's endpoints and the tracing columns.
#[derive(Debug, Clone, Copy)]
pub(super) enum Rec {
    /// Pipeline or rights arc from an origin into node `to`.
    FromOrigin {
        pipeline: usize,
        to: usize,
        country: usize,
    },
    /// Pipeline or rights arc between two nodes.
    Between {
        pipeline: usize,
        from: usize,
        to: usize,
    },
    Contract {
        contract: usize,
        take_or_pay: bool,
    },
    Regas(usize),
    Production(usize),
    Withdraw(usize),
    Inject(usize),
    /// A demand tranche: `base` indexes the tranche's parts by sector.
    Demand {
        node: usize,
        base: usize,
    },
    Curtail {
        node: usize,
        sector: usize,
    },
    Competing,
}

/// Arc indices by the passes that need them, each list ascending.
#[derive(Debug, Default)]
pub(super) struct ArcLists {
    /// (arc, node, tranche index into the node's curve, part index) of
    /// every demand tranche arc.
    pub demand: Vec<(usize, usize, usize, usize)>,
    /// (arc, node, sector, tranche) of every curtailment arc.
    pub curtail: Vec<(usize, usize, usize, usize)>,
    /// Per node: first index of its tranches in the engine's part buffer
    /// (tranche k of node n is part `tranche_base[n] + k`), and the arc of
    /// each tranche (or none when no sector with demand uses it).
    pub tranche_base: Vec<usize>,
    pub tranche_arc: Vec<Vec<Option<usize>>>,
    pub tranche_count: usize,
    /// Per node and sector: its curtailment arcs (none for a sector that
    /// never has firm demand).
    pub curtail_arc: Vec<[Option<[usize; TRANCHES]>; 3]>,
    /// (arc, curve index) of the competing market's demand tranches.
    pub competing: Vec<(usize, usize)>,
    /// (arc, origin) of LNG sales to the competing market.
    pub lng_competing: Vec<(usize, usize)>,
    /// Per storage node: (node, inject arc, withdraw arc, first keep arc;
    /// the keep arcs below and above the target are consecutive).
    pub storage: Vec<(usize, usize, usize, usize)>,
    /// (arc, node) of each production arc.
    pub production: Vec<(usize, usize)>,
    /// First of the `LEVEL_BANDS` consecutive arcs of the storage pool.
    pub level: Option<usize>,
    /// (arc, sending node) of every arc from one node to another.
    pub node_to_node: Vec<(usize, usize)>,
    /// (arc, pipeline, sending node) of pipeline and rights arcs between nodes.
    pub pipeline_between: Vec<(usize, usize, usize)>,
    /// (arc, contract) of take-or-pay tranches.
    pub take_or_pay: Vec<(usize, usize)>,
    /// (arc, origin) of LNG supply arcs.
    pub lng_supply: Vec<(usize, usize)>,
    /// (arc, node) of regasification arcs.
    pub regas: Vec<(usize, usize)>,
    /// Arcs whose flow `record` books, with what to do.
    pub record: Vec<(usize, Rec)>,
    /// Tracing columns that count as dependency, ascending.
    pub dependency: Vec<usize>,
    /// Per arc: the two entries of the step's factor vector (see
    /// `Engine::prepare`) its planned capacity is multiplied by.
    pub factor: Vec<(u32, u32)>,
    /// Routes of two or more pipelines, whose availability (the product of
    /// their pipelines') is an entry of the factor vector each, in order.
    pub long_routes: Vec<Vec<usize>>,
    /// (origin, buyer) pairs random `buyers` cuts act on, as
    /// `Draws::delivery` lays them out.
    pub pairs: Vec<(usize, usize)>,
    /// Per step: the first step with bit-identical `cost` and `price`
    /// vectors among the run of equal steps ending here.
    pub cost_class: Vec<usize>,
    /// Arcs with a market-price part in some step, ascending: within a cost
    /// class only their costs follow the price draw.
    pub priced: Vec<usize>,
    /// Arcs whose capacity is the plan's times random factors (or set from
    /// production and storage rates), ascending: every other arc's capacity
    /// is set from demand, storage volumes or the competing market's curve
    /// in every step.
    pub scaled: Vec<usize>,
}

impl ArcLists {
    pub fn new(model: &Model, net: &Network) -> ArcLists {
        let nn = model.nodes.len();
        let node_of =
            |g: usize| (g >= net.node_base && g < net.node_base + nn).then(|| g - net.node_base);
        let mut l = ArcLists::default();
        let mut base = 0;
        for node in &model.nodes {
            l.tranche_base.push(base);
            l.tranche_arc.push(vec![None; node.curve.tranches.len()]);
            base += node.curve.tranches.len();
        }
        l.tranche_count = base;
        l.curtail_arc = vec![[None; 3]; nn];
        // Factor vector layout: 1.0, LNG market, origins, pipelines, LNG
        // terminals per node, long routes, buyer cuts (one per pair), then
        // each pair's cut times its origin's availability.
        let (no, np) = (model.origins.len(), model.pipelines.len());
        let origin = |o: usize| (2 + o) as u32;
        let pipe = |p: usize| (2 + no + p) as u32;
        let terminal = |n: usize| (2 + no + np + n) as u32;
        let extra = 2 + no + np + nn;
        let long: Vec<usize> = (0..model.contracts.len())
            .filter(|&k| model.contracts[k].route.len() > 1)
            .collect();
        l.long_routes = long
            .iter()
            .map(|&k| model.contracts[k].route.clone())
            .collect();
        l.pairs = cut_pairs(model);
        let pair = |o: usize, n: usize| l.pairs.binary_search(&(o, n)).ok();
        let cut = |q: usize| (extra + long.len() + q) as u32;
        let origin_cut = |q: usize| (extra + long.len() + l.pairs.len() + q) as u32;
        for (a, arc) in net.arcs.iter().enumerate() {
            l.factor.push(match arc.kind {
                ArcKind::OriginSupply(o) => (origin(o), 0),
                ArcKind::Pipeline { pipeline, .. } | ArcKind::Rights { pipeline, .. } => {
                    // Gas from an origin into a buyer it cuts.
                    let into = node_of(arc.head);
                    let q = match (model.pipelines[pipeline].from, into) {
                        (Endpoint::Origin(o), Some(n)) if arc.tail == net.origin_base + o => {
                            pair(o, n)
                        }
                        _ => None,
                    };
                    (pipe(pipeline), q.map_or(0, cut))
                }
                ArcKind::Contract { contract, .. } => {
                    let k = &model.contracts[contract];
                    let f = match k.route.as_slice() {
                        [] if model.origins[k.seller].kind == OriginKind::Lng => {
                            terminal(k.delivery)
                        }
                        [] => 0,
                        [r] => pipe(*r),
                        _ => {
                            let i = long.iter().position(|&x| x == contract).unwrap_or(0);
                            (extra + i) as u32
                        }
                    };
                    let g = pair(k.seller, k.buyer).map_or(origin(k.seller), origin_cut);
                    (f, g)
                }
                // An embargoed LNG origin's sales to the region follow its
                // liquefaction outages (the cap is set only under embargo).
                ArcKind::LngSupply(o) => (origin(o), 0),
                ArcKind::Regas(n) => (terminal(n), 0),
                // Set from demand and storage, or the plan's capacity as is.
                _ => (0, 0),
            });
            match arc.kind {
                ArcKind::Inject(n) => {
                    debug_assert!(matches!(net.arcs[a + 1].kind, ArcKind::Withdraw(m) if m == n));
                    debug_assert!(matches!(
                        net.arcs[a + 3].kind,
                        ArcKind::Keep {
                            below_target: false,
                            ..
                        }
                    ));
                    l.storage.push((n, a, a + 1, a + 2));
                }
                ArcKind::Level(0) => {
                    debug_assert!(matches!(
                        net.arcs[a + LEVEL_BANDS - 1].kind,
                        ArcKind::Level(b) if b == LEVEL_BANDS - 1
                    ));
                    l.level = Some(a);
                }
                ArcKind::Demand { node, tranche } => {
                    l.tranche_arc[node][tranche] = Some(a);
                }
                ArcKind::Curtail {
                    node,
                    sector,
                    tranche,
                } => {
                    let slot = l.curtail_arc[node][sector].get_or_insert([usize::MAX; TRANCHES]);
                    slot[tranche] = a;
                }
                _ => {}
            }
            let (from, to) = (node_of(arc.tail), node_of(arc.head));
            if let (Some(f), Some(_)) = (from, to) {
                l.node_to_node.push((a, f));
            }
            let rec = match arc.kind {
                ArcKind::Pipeline { pipeline, .. } | ArcKind::Rights { pipeline, .. } => {
                    if let Some(f) = from {
                        l.pipeline_between.push((a, pipeline, f));
                    }
                    // A pipeline arc that does not end at a node, or leaves
                    // neither an origin nor a node, cannot be built by the
                    // network compiler; such an arc would book nothing.
                    match (model.pipelines[pipeline].from, from, to) {
                        (Endpoint::Origin(o), None, Some(to)) => Some(Rec::FromOrigin {
                            pipeline,
                            to,
                            country: net.origin_country[o],
                        }),
                        (_, Some(from), Some(to)) => Some(Rec::Between { pipeline, from, to }),
                        _ => None,
                    }
                }
                ArcKind::Contract {
                    contract,
                    take_or_pay,
                } => {
                    if take_or_pay {
                        l.take_or_pay.push((a, contract));
                    }
                    Some(Rec::Contract {
                        contract,
                        take_or_pay,
                    })
                }
                ArcKind::LngSupply(o) => {
                    l.lng_supply.push((a, o));
                    None
                }
                ArcKind::LngCompeting(o) => {
                    l.lng_competing.push((a, o));
                    Some(Rec::Competing)
                }
                ArcKind::Competing(k) => {
                    l.competing.push((a, k));
                    None
                }
                ArcKind::Regas(n) => {
                    l.regas.push((a, n));
                    Some(Rec::Regas(n))
                }
                ArcKind::Production(n) => {
                    l.production.push((a, n));
                    Some(Rec::Production(n))
                }
                ArcKind::Withdraw(n) => Some(Rec::Withdraw(n)),
                ArcKind::Inject(n) => Some(Rec::Inject(n)),
                ArcKind::Demand { node, tranche } => {
                    let part = l.tranche_base[node] + tranche;
                    l.demand.push((a, node, tranche, part));
                    Some(Rec::Demand { node, base: part })
                }
                ArcKind::Curtail {
                    node,
                    sector,
                    tranche,
                } => {
                    l.curtail.push((a, node, sector, tranche));
                    Some(Rec::Curtail { node, sector })
                }
                ArcKind::OriginSupply(_)
                | ArcKind::CapGate(_)
                | ArcKind::LngPool
                | ArcKind::Keep { .. }
                | ArcKind::Level(_)
                | ArcKind::Bypass => None,
            };
            if let Some(r) = rec {
                l.record.push((a, r));
            }
        }
        l.dependency = (0..net.countries.len())
            .filter(|&c| net.dependency[c])
            .collect();
        // `Network::compile` shares a step's cost and price tables with the
        // step before exactly when they are bit-identical
        // (`StepPlan::share_with`), so sharing is sameness. A plan built
        // another way only loses the shortcut: costs are then recomputed.
        let same = std::sync::Arc::<[f64]>::ptr_eq;
        l.cost_class = Vec::with_capacity(net.steps.len());
        for (t, s) in net.steps.iter().enumerate() {
            let class = match t.checked_sub(1).map(|p| &net.steps[p]) {
                Some(p) if same(&s.cost, &p.cost) && same(&s.price, &p.price) => {
                    l.cost_class[t - 1]
                }
                _ => t,
            };
            l.cost_class.push(class);
        }
        let mut priced = vec![false; net.arcs.len()];
        for (t, s) in net.steps.iter().enumerate() {
            if l.cost_class[t] == t {
                for (p, &x) in priced.iter_mut().zip(s.price.iter()) {
                    *p |= x != 0.0;
                }
            }
        }
        l.priced = (0..net.arcs.len()).filter(|&a| priced[a]).collect();
        l.scaled = net
            .arcs
            .iter()
            .enumerate()
            .filter(|(_, arc)| {
                !matches!(
                    arc.kind,
                    ArcKind::Demand { .. }
                        | ArcKind::Curtail { .. }
                        | ArcKind::Competing(_)
                        | ArcKind::Keep { .. }
                        | ArcKind::Level(_)
                        | ArcKind::Bypass
                )
            })
            .map(|(a, _)| a)
            .collect();
        l
    }
}
