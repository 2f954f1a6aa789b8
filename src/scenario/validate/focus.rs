//! `[scenario] focus`: the nodes a run answers for first, beside Europe.

use super::super::model::At;
use super::{Ctx, Ids};

impl Ctx<'_> {
    /// Focus node ids to indices, in the file's order; each a node, once.
    pub(super) fn focus(&mut self, f: &Option<Vec<At<String>>>, ids: &Ids) -> Option<Vec<usize>> {
        let Some(list) = f else {
            return Some(Vec::new());
        };
        let mut out = Vec::with_capacity(list.len());
        let mut ok = true;
        for id in list {
            match self.lookup(&ids.nodes, id, "focus node") {
                Some(n) if out.contains(&n) => {
                    self.err(
                        &id.span(),
                        format!("focus node '{}' is listed twice", id.get()),
                        "name each focus node once",
                    );
                    ok = false;
                }
                Some(n) => out.push(n),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }
}
