//! `run.json`: what a run or shard folder says about itself, the scenario
//! fingerprint that ties shards together, and the CPU clock it reports.

use serde::{Deserialize, Serialize};

/// FNV-1a of the scenario text: identifies "the same scenario" across shards.
pub fn fingerprint(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// What a run or shard folder says about itself (`run.json`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RunRecord {
    pub format: String,
    pub gasdep_version: String,
    pub scenario: String,
    pub scenario_fingerprint: String,
    pub trials: u64,
    pub seed: u64,
    pub policies: Vec<String>,
    pub shard: Option<(u32, u32)>,
    pub command: String,
    pub threads: usize,
    pub wall_seconds: f64,
    /// Focus nodes of the run (`--focus` or the scenario's), kept so that
    /// `gasdep merge` reports them too.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub focus: Vec<String>,
    /// Steps solved: trials × policies × steps (the unit of the speed
    /// figures: trial-steps per CPU second is `trial_steps / cpu_seconds`).
    #[serde(default)]
    pub trial_steps: u64,
    /// CPU time of the process (user + system, all threads) until the
    /// trials were done, storage valuation included, seconds.
    #[serde(default)]
    pub cpu_seconds: f64,
}

/// User + system CPU time of this process so far, seconds (0 if the
/// system will not say).
pub(super) fn process_cpu_seconds() -> f64 {
    // SAFETY: getrusage writes a plain struct we own; RUSAGE_SELF is valid.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) } != 0 {
        return 0.0;
    }
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 * 1e-6;
    secs(u.ru_utime) + secs(u.ru_stime)
}

pub(super) const RUN_FORMAT: &str = "gasdep-run/1";
