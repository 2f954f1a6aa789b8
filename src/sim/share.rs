//! Steps that policies share. Policies often plan alike for a while (a
//! measure that starts in 2015 and is not foreseen before): over those
//! first steps a policy has the same plan and water values as an earlier
//! one, so with the trial's common draws it meets the same problems and
//! reaches the same solutions and states. A trial solves such steps once:
//! the earlier policy's engine serves the later policy's recorder, and
//! where they part the later policy's engine takes over the earlier one's
//! solver basis and the trial's state and goes on alone. Results are the same bit
//! for bit as solving every policy from the start.

use crate::network::Network;
use std::ops::Range;

/// Who solves which steps of a trial, per policy (prepared order).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sharing {
    /// The first step each policy solves itself (the number of steps its
    /// engine leaves to earlier policies).
    pub own: Vec<usize>,
    /// For each policy: the later policies it serves, with the steps, in
    /// the order it meets them.
    pub feeds: Vec<Vec<(usize, Range<usize>)>>,
    /// For each policy: the later policies that take over its engine and
    /// state after it solves the given step.
    pub handovers: Vec<Vec<(usize, usize)>>,
}

impl Sharing {
    /// Every policy solves all its steps.
    pub fn none(policies: usize) -> Sharing {
        Sharing {
            own: vec![0; policies],
            feeds: vec![Vec::new(); policies],
            handovers: vec![Vec::new(); policies],
        }
    }

    /// Each policy shares its first steps with the earlier policy it has
    /// the most in common with (the earliest among equals).
    pub fn new(nets: &[Network]) -> Sharing {
        let n = nets.len();
        let steps = nets.first().map_or(0, |x| x.steps.len());
        let mut s = Sharing::none(n);
        // Who solves each step of each policy, as ranges in time order.
        let mut segments: Vec<Vec<(usize, Range<usize>)>> = Vec::with_capacity(n);
        for q in 0..n {
            let parent = (0..q)
                .map(|p| (p, nets[q].steps_in_common(&nets[p])))
                .filter(|&(_, k)| k > 0)
                .max_by_key(|&(p, k)| (k, std::cmp::Reverse(p)));
            let mut mine = Vec::new();
            let k = parent.map_or(0, |(_, k)| k);
            if let Some((p, _)) = parent {
                for (src, r) in &segments[p] {
                    let r = r.start..r.end.min(k);
                    if !r.is_empty() {
                        mine.push((*src, r));
                    }
                }
            }
            if k < steps {
                mine.push((q, k..steps));
            }
            s.own[q] = k;
            for (src, r) in &mine {
                if *src != q {
                    s.feeds[*src].push((q, r.clone()));
                    if r.end == k && k < steps {
                        s.handovers[*src].push((q, k - 1));
                    }
                }
            }
            segments.push(mine);
        }
        s
    }
}
