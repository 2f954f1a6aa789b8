//! The (pipeline, owner home) pairs whose owners' revenue below plan
//! (`exposure_loss`, docs/model.md, "Ownership exposure and take-or-pay")
//! the recorder keeps per year.

use crate::network::Network;
use crate::scenario::Model;

/// Per pipeline: (company, index of its (pipeline, home node) pair) of the
/// owners with a modelled home at some step, companies in index order;
/// per pair: its home node. Pairs are numbered in pipeline order.
pub(super) fn owner_pairs(model: &Model, net: &Network) -> (Vec<Vec<(usize, usize)>>, Vec<usize>) {
    let mut owners = vec![Vec::new(); model.pipelines.len()];
    let mut own_home = Vec::new();
    for (p, list) in owners.iter_mut().enumerate() {
        let mut homes: Vec<usize> = Vec::new();
        let mut companies: Vec<(usize, usize)> = Vec::new();
        for plan in &net.steps {
            for &(c, _) in &plan.stakes[p] {
                if let Some(h) = net.company_node[c]
                    && !companies.iter().any(|x| x.0 == c)
                {
                    companies.push((c, h));
                }
            }
        }
        companies.sort_unstable();
        for (c, h) in companies {
            // This pipeline's pairs are the last `homes.len()` of `own_home`.
            let k = match homes.iter().position(|&x| x == h) {
                Some(i) => own_home.len() - homes.len() + i,
                None => {
                    homes.push(h);
                    own_home.push(h);
                    own_home.len() - 1
                }
            };
            list.push((c, k));
        }
    }
    (owners, own_home)
}
