//! What makes a shard file hard to fake by accident or by a casual edit:
//! a digest of its contents and a fingerprint of the trials it ran.
//!
//! - [`shard_digest`]: SHA-256 of the shard's scenario text, its run record
//!   and its accumulators, exactly as written. `gasdep merge` recomputes it
//!   and refuses a shard whose files were changed after the run: a
//!   histogram bin, a sum, an event counter, the shard label.
//! - [`TrialPrint`]: the wrapping sum over the trials a shard ran of a
//!   64-bit hash of each trial's first random draws (the first number of
//!   its weather, LNG and price streams, [`crate::sim::sample::stream`]).
//!   The Monte Carlo driver adds each trial's hash as it runs it; merge
//!   recomputes the sum for the trials the shard's label claims (about
//!   50 ns a trial) and refuses a shard that ran other trials, or
//!   another seed: shard 0 copied and relabelled as shard 1 has shard 0's
//!   fingerprint, not shard 1's.
//!
//! This is integrity, not authentication: both are computed from public
//! data by a public method, so someone who sets out to forge a shard can
//! recompute them. docs/reliability.md says what that leaves.

use crate::sim::sample::stream;
use rand::Rng;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::ops::Range;

/// Digest of a shard: `sha256:` and 64 hex digits over the scenario text,
/// the run record and the accumulators, each as the bytes written.
pub fn shard_digest(scenario: &[u8], record_json: &str, accumulators_json: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"gasdep shard digest 1\0");
    for part in [
        scenario,
        record_json.as_bytes(),
        accumulators_json.as_bytes(),
    ] {
        // Lengths first, so that no bytes can move from one part to the next.
        h.update((part.len() as u64).to_le_bytes());
        h.update(part);
    }
    let mut out = String::from("sha256:");
    for b in h.finalize() {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// SplitMix64 finaliser.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Hash of trial `trial`'s first draws under `seed`: the first number of
/// its random sources 1 to 3 (weather, LNG, price in `sample.rs`).
pub fn trial_hash(seed: u64, trial: u64) -> u64 {
    let mut h = mix(trial ^ 0x6761_7364_6570_0001);
    for source in 1..=3 {
        h = mix(h ^ stream(seed, trial, source).next_u64());
    }
    h
}

/// Fingerprint of a set of trials: the wrapping sum of their hashes, so
/// that it is the same whatever order and grouping they ran in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrialPrint {
    pub sum: u64,
}

impl TrialPrint {
    /// Record one trial that was run.
    pub fn add(&mut self, seed: u64, trial: u64) {
        self.sum = self.sum.wrapping_add(trial_hash(seed, trial));
    }

    pub fn merge(&mut self, other: &TrialPrint) {
        self.sum = self.sum.wrapping_add(other.sum);
    }

    /// The fingerprint that running exactly `trials` under `seed` gives.
    pub fn of(seed: u64, trials: Range<u64>) -> TrialPrint {
        let mut p = TrialPrint::default();
        for t in trials {
            p.add(seed, t);
        }
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_add_up_and_tell_ranges_and_seeds_apart() {
        let mut a = TrialPrint::of(7, 0..10);
        a.merge(&TrialPrint::of(7, 10..25));
        assert_eq!(a, TrialPrint::of(7, 0..25));
        assert_ne!(TrialPrint::of(7, 0..10), TrialPrint::of(7, 10..20));
        assert_ne!(TrialPrint::of(7, 0..10), TrialPrint::of(8, 0..10));
        assert_ne!(TrialPrint::of(7, 0..10), TrialPrint::of(7, 0..11));
    }

    #[test]
    fn the_digest_covers_every_part_and_their_boundaries() {
        let d = shard_digest(b"s", "{\"r\":1}", "{\"a\":2}");
        assert!(d.starts_with("sha256:") && d.len() == 7 + 64, "{d}");
        assert_ne!(d, shard_digest(b"t", "{\"r\":1}", "{\"a\":2}"));
        assert_ne!(d, shard_digest(b"s", "{\"r\":2}", "{\"a\":2}"));
        assert_ne!(d, shard_digest(b"s", "{\"r\":1}", "{\"a\":3}"));
        assert_ne!(shard_digest(b"ab", "", ""), shard_digest(b"a", "b", ""));
        // SHA-256 of the empty string, to pin the algorithm: not of the
        // digest format, but the crate gives the standard hash.
        let mut h = Sha256::new();
        h.update(b"");
        let hex: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            hex,
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
