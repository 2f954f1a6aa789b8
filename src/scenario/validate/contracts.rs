//! Checks of `[[contract]]` (in the file and added by policies): parties,
//! dates, take-or-pay, and where the gas is delivered: the `route` the
//! seller's gas travels on (a connected path of pipelines from the seller's
//! origin) and the `delivery` node at its end, where the gas enters the
//! network (docs/model.md, "Contracts").

use super::super::model::*;
use super::super::resolved::*;
use super::super::units::Dimension;
use super::{Ctx, Ids, known};

impl Ctx<'_> {
    pub(super) fn contract(&mut self, c: &Contract, ids: &Ids, in_file: bool) -> Option<ContractM> {
        let seller = self.lookup(&ids.origins, &c.seller, "seller origin");
        let buyer = self.lookup(&ids.nodes, &c.buyer, "buyer node");
        let volume = self.qpos(&c.volume, Dimension::Rate, "volume");
        let start = self.date(&c.start, "start");
        let end = self.opt_date(&c.end, "end");
        if let (Some(a), Some(Some(b)), Some(e)) = (start, end, &c.end)
            && b <= a
        {
            self.err(
                &e.span(),
                format!("contract '{}' ends before it starts", c.id.get()),
                "end is the first month after the contract",
            );
        }
        let take_or_pay = self.opt(&c.take_or_pay, 0.0, |cx, q| cx.share(q, "take_or_pay"));
        let price = self.qpos(&c.price, Dimension::Price, "price");
        let route = self.route(c, ids, seller);
        let delivery = self.delivery(c, ids, route.as_deref(), buyer);
        Some(ContractM {
            id: c.id.get().clone(),
            seller: seller?,
            buyer: buyer?,
            volume: volume?,
            start: start?,
            end: end?,
            take_or_pay: take_or_pay?,
            price: price?,
            route: route?,
            delivery: delivery?,
            in_file,
        })
    }

    /// The route: pipelines from the seller's origin, each starting where
    /// the previous one ends, none twice. Problems are placed at `route`
    /// (the entries of a list have no place of their own).
    fn route(&mut self, c: &Contract, ids: &Ids, seller: Option<usize>) -> Option<Vec<usize>> {
        let Some(r) = &c.route else {
            return Some(Vec::new());
        };
        let span = r.span();
        let names = &r.get().0;
        let k = c.id.get();
        if names.is_empty() {
            self.err(
                &span,
                format!("contract '{k}' has route = [], which names no pipeline"),
                "list the pipelines from the seller's origin to the delivery point, or remove `route`",
            );
            return None;
        }
        if let Some(s) = seller
            && ids.origin_lng.get(s) == Some(&true)
        {
            self.err(
                &span,
                format!(
                    "contract '{k}' sells LNG ({}), which arrives by ship, not on a route",
                    c.seller.get()
                ),
                "remove `route`; name the node whose terminals receive the cargoes with `delivery`",
            );
            return None;
        }
        let mut out: Vec<usize> = Vec::with_capacity(names.len());
        let mut at = c.seller.get().clone();
        for name in names {
            let Some(&i) = ids.pipelines.get(name) else {
                self.err(
                    &span,
                    format!(
                        "route pipeline '{name}' of contract '{k}' is not defined ({})",
                        known(&ids.pipelines)
                    ),
                    "define it or use one of the known pipeline ids",
                );
                return None;
            };
            let (from, to) = &ids.pipe_ends[i];
            if *from != at {
                let fix = if out.is_empty() {
                    format!(
                        "start the route with a pipeline that leaves the seller's origin '{at}'; from the route's end the gas travels the network like any other gas"
                    )
                } else {
                    format!(
                        "each pipeline of the route starts where the previous one ends: after '{}' comes a pipeline from '{at}'",
                        names[out.len() - 1]
                    )
                };
                self.err(
                    &span,
                    format!(
                        "route pipeline '{name}' of contract '{k}' runs from {from} to {to}, not from '{at}'"
                    ),
                    fix,
                );
                return None;
            }
            if out.contains(&i) {
                self.err(
                    &span,
                    format!("route of contract '{k}' passes pipeline '{name}' twice"),
                    "a route is a path: name each pipeline once",
                );
                return None;
            }
            out.push(i);
            at = to.clone();
        }
        Some(out)
    }

    /// The delivery node: as given (and then where the route ends), the
    /// route's end, or the buyer.
    fn delivery(
        &mut self,
        c: &Contract,
        ids: &Ids,
        route: Option<&[usize]>,
        buyer: Option<usize>,
    ) -> Option<usize> {
        let end = route
            .and_then(|r| r.last())
            .map(|&i| ids.pipe_ends[i].1.clone());
        match &c.delivery {
            Some(d) => {
                let node = self.lookup(&ids.nodes, d, "delivery node")?;
                if let Some(end) = end
                    && end != *d.get()
                {
                    self.err(
                        &d.span(),
                        format!(
                            "contract '{}' is delivered at '{}' but its route ends at '{end}'",
                            c.id.get(),
                            d.get()
                        ),
                        "end the route at the delivery point (the route is the seller's part of the journey), or remove `delivery`",
                    );
                    return None;
                }
                Some(node)
            }
            None => match (end, &c.route) {
                (Some(end), _) => ids.nodes.get(&end).copied(),
                // A route that did not resolve was reported already.
                (None, Some(_)) => None,
                (None, None) => buyer,
            },
        }
    }
}
