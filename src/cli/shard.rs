//! The shard file `shard.json`: a shard's run record and accumulators,
//! sealed by a digest of what was written (see [`crate::stats::digest`]).
//!
//! Layout: `{"format":"gasdep-shard/3","digest":"sha256:…","record":{…},
//! "accumulators":{…}}`. The digest covers the folder's `scenario.toml`
//! and the bytes of `record` and `accumulators` exactly as they stand in
//! the file, so checking it needs no re-serialisation (which could differ
//! in the last digit of a float). The accumulators carry the fingerprint
//! of the trials that were run; [`check_trials`] compares it with the
//! trials the record's label claims.

use super::{Failure, RunRecord, io_err};
use crate::report::export::temporary_of;
use crate::sim::run::Accumulators;
use crate::stats::digest::{TrialPrint, shard_digest};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::ops::Range;
use std::path::Path;

pub const SHARD_FILE: &str = "shard.json";
const SHARD_FORMAT: &str = "gasdep-shard/3";

/// A shard read back, its digest checked.
pub struct Shard {
    pub record: RunRecord,
    pub accumulators: Accumulators,
    /// The text of the shard's `scenario.toml`.
    pub scenario: String,
}

/// `shard.json` of a shard, serialised: its parts are written in place
/// ([`Sealed::write_to`]), not assembled into a second copy first (a
/// shard's accumulators are tens of megabytes of text).
pub struct Sealed {
    digest: String,
    record: String,
    accumulators: String,
}

/// Seal a shard of `scenario` (the text written beside it as
/// `scenario.toml`).
pub fn encode(scenario: &str, record: &RunRecord, acc: &Accumulators) -> Result<Sealed, Failure> {
    let internal = |e: serde_json::Error| Failure::Internal(e.to_string());
    let record = serde_json::to_string(record).map_err(internal)?;
    let accumulators = serde_json::to_string(acc).map_err(internal)?;
    Ok(Sealed {
        digest: shard_digest(scenario.as_bytes(), &record, &accumulators),
        record,
        accumulators,
    })
}

impl Sealed {
    pub fn write_to(&self, w: &mut impl std::io::Write) -> std::io::Result<()> {
        write!(
            w,
            "{{\"format\":\"{SHARD_FORMAT}\",\"digest\":\"{}\",\"record\":{},\"accumulators\":",
            self.digest, self.record
        )?;
        w.write_all(self.accumulators.as_bytes())?;
        w.write_all(b"}\n")
    }
}

#[derive(Deserialize)]
struct SealedText<'a> {
    format: Option<String>,
    digest: Option<String>,
    #[serde(borrow)]
    record: Option<&'a RawValue>,
    #[serde(borrow)]
    accumulators: Option<&'a RawValue>,
}

/// Refuse a folder that a run writes before renaming it into place (or
/// that holds a result being replaced): it is never a finished result.
pub fn refuse_temporary(dir: &Path) -> Result<(), Failure> {
    let name = super::lock::resolved(dir);
    let name = name.file_name().map(|n| n.to_string_lossy().into_owned());
    if let Some((of, kind, pid)) = name.as_deref().and_then(temporary_of) {
        return Err(Failure::Input(format!(
            "{}: the {kind} folder of a gasdep process ({pid}) writing '{of}', not a finished result (that process was killed or is still running); use '{of}' once it is there, or run again",
            dir.display()
        )));
    }
    Ok(())
}

/// Read a shard folder and check its digest.
pub fn read(dir: &Path) -> Result<Shard, Failure> {
    refuse_temporary(dir)?;
    let path = dir.join(SHARD_FILE);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        Failure::Input(format!(
            "{}: not a complete shard ({e}); re-run that shard",
            dir.display()
        ))
    })?;
    let damaged = |what: String| {
        Failure::Input(format!(
            "{}: damaged shard file ({what}); re-run that shard",
            path.display()
        ))
    };
    let sealed: SealedText = serde_json::from_str(&text).map_err(|e| damaged(e.to_string()))?;
    if sealed.format.as_deref() != Some(SHARD_FORMAT) {
        return Err(Failure::Input(format!(
            "{}: a shard of format {}, this gasdep reads {SHARD_FORMAT}: re-run it with this version",
            dir.display(),
            sealed
                .format
                .as_deref()
                .unwrap_or("gasdep-shard/1 (no digest)")
        )));
    }
    let (Some(digest), Some(record), Some(acc)) =
        (sealed.digest, sealed.record, sealed.accumulators)
    else {
        return Err(damaged("digest, record or accumulators missing".into()));
    };
    let scenario_path = dir.join("scenario.toml");
    let scenario =
        std::fs::read_to_string(&scenario_path).map_err(|e| io_err("read", &scenario_path, e))?;
    if shard_digest(scenario.as_bytes(), record.get(), acc.get()) != digest {
        return Err(Failure::Input(format!(
            "{}: the shard's contents do not match their digest: shard.json or scenario.toml was changed after the run (edited, damaged or relabelled); re-run that shard",
            dir.display()
        )));
    }
    let record: RunRecord =
        serde_json::from_str(record.get()).map_err(|e| damaged(format!("record: {e}")))?;
    let accumulators: Accumulators =
        serde_json::from_str(acc.get()).map_err(|e| damaged(format!("accumulators: {e}")))?;
    Ok(Shard {
        record,
        accumulators,
        scenario,
    })
}

/// Refuse a shard whose trials fingerprint is not that of `trials` under
/// `seed`: it ran other trials than its label says.
pub fn check_trials(dir: &Path, shard: &Shard, trials: Range<u64>) -> Result<(), Failure> {
    let seed = shard.record.seed;
    if shard.accumulators.fingerprint != TrialPrint::of(seed, trials.clone()) {
        return Err(Failure::Input(format!(
            "{}: its trials fingerprint is not that of trials {} to {} of seed {seed}, which its label claims: it ran other trials (a shard copied or relabelled?); re-run that shard",
            dir.display(),
            trials.start,
            trials.end.saturating_sub(1)
        )));
    }
    Ok(())
}
