//! Files a run writes besides charts: `summary.json`, the tidy long
//! `results.csv` (`policy,node,metric,unit,period,statistic,value`), an
//! IAMC-format `results_iamc.csv` for pyam users, and helpers that write
//! a run's output folder atomically.
//!
//! Atomicity: everything is written into a hidden sibling folder
//! (`.NAME.partial-PID`), which is renamed onto `NAME` only when complete.
//! An interrupted run leaves at most that hidden folder, never a `NAME`
//! that looks finished; a previous result in `NAME` stays untouched until
//! the rename.

use crate::stats::summary::{Stat, Summary};
use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};

/// Statistics of a series, in the order they appear in the CSV.
pub const STATISTICS: [&str; 9] = ["mean", "sd", "min", "p5", "p25", "p50", "p75", "p95", "max"];

fn stat_values(s: &Stat) -> [f64; 9] {
    [s.mean, s.sd, s.min, s.p5, s.p25, s.p50, s.p75, s.p95, s.max]
}

/// Quote a CSV field when needed (RFC 4180).
fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Shortest text that reads back as the same f64 (Rust's `{}` does that).
fn num(x: f64) -> String {
    if x.is_finite() {
        format!("{x}")
    } else {
        String::new()
    }
}

/// The tidy long table: one row per policy, node, metric, period and statistic.
pub fn tidy_csv(s: &Summary) -> String {
    let mut out = String::from("policy,node,metric,unit,period,statistic,value\n");
    let mut row = |p: &str, n: &str, m: &str, u: &str, per: &str, st: &str, v: f64| {
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{}",
            field(p),
            field(n),
            field(m),
            field(u),
            field(per),
            st,
            num(v)
        );
    };
    for se in &s.series {
        let metric = if se.resolution == "month" {
            format!("{}_monthly", se.metric)
        } else {
            se.metric.clone()
        };
        for (per, st) in se.periods.iter().zip(&se.stats) {
            for (name, v) in STATISTICS.iter().zip(stat_values(st)) {
                row(&se.policy, &se.node, &metric, &se.unit, per, name, v);
            }
        }
    }
    for e in &s.events {
        for (name, v) in [
            ("probability", e.probability),
            ("ci_low", e.ci_low),
            ("ci_high", e.ci_high),
        ] {
            row(
                &e.policy,
                &e.node,
                &e.event,
                "probability",
                &e.period,
                name,
                v,
            );
        }
    }
    for d in &s.differences {
        let metric = format!("{}_minus_{}", d.metric, d.baseline);
        for (name, v) in [
            ("diff_mean", d.mean),
            ("diff_ci_low", d.ci_low),
            ("diff_ci_high", d.ci_high),
        ] {
            row(&d.policy, &d.node, &metric, &d.unit, &d.period, name, v);
        }
    }
    for f in &s.flows {
        let link = format!("{}->{}", f.from, f.to);
        row(
            &f.policy,
            &link,
            "pipeline_flow",
            "TWh",
            &f.period,
            "p50",
            f.median_twh,
        );
        row(
            &f.policy,
            &link,
            "pipeline_dependency_share",
            "share",
            &f.period,
            "flow_weighted",
            f.dependency_share,
        );
    }
    out
}

/// IAMC wide format: Model, Scenario, Region, Variable, Unit, one column per
/// year. Scenario is `<scenario>|<policy>`; Variable `Gas|<metric>|<statistic>`
/// for the yearly series (median, 5th and 95th percentiles, mean).
pub fn iamc_csv(s: &Summary) -> String {
    let mut years: Vec<&str> = s
        .series
        .iter()
        .filter(|x| x.resolution == "year")
        .flat_map(|x| x.periods.iter().map(String::as_str))
        .collect();
    years.sort_unstable();
    years.dedup();
    let mut out = String::from("Model,Scenario,Region,Variable,Unit");
    for y in &years {
        out.push(',');
        out.push_str(y);
    }
    out.push('\n');
    let model = format!("gasdep {}", s.gasdep_version);
    for se in s.series.iter().filter(|x| x.resolution == "year") {
        for (label, pick) in [("mean", 0usize), ("p5", 3), ("p50", 5), ("p95", 7)] {
            let _ = write!(
                out,
                "{},{},{},{},{}",
                field(&model),
                field(&format!("{}|{}", s.scenario.name, se.policy)),
                field(&se.node),
                field(&format!("Gas|{}|{}", se.metric, label)),
                field(&se.unit)
            );
            for y in &years {
                out.push(',');
                if let Some(i) = se.periods.iter().position(|p| p == y) {
                    out.push_str(&num(stat_values(&se.stats[i])[pick]));
                }
            }
            out.push('\n');
        }
    }
    out
}

/// Kind of the hidden folder a run writes before renaming it into place.
pub const PARTIAL: &str = "partial";
/// Kind of the hidden folder a previous result is moved to while it is replaced.
pub const OLD: &str = "old";

/// The hidden sibling `.NAME.KIND-PID` of the folder `NAME`.
fn temporary(target: &Path, kind: &str) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    target.with_file_name(format!(".{name}.{kind}-{}", std::process::id()))
}

/// For a folder name `.NAME.partial-PID` or `.NAME.old-PID`: NAME, the
/// kind ([`PARTIAL`] or [`OLD`]) and PID. Such a folder is never a
/// finished result, even when it holds every file of one.
pub fn temporary_of(file_name: &str) -> Option<(&str, &'static str, u32)> {
    let rest = file_name.strip_prefix('.')?;
    for kind in [PARTIAL, OLD] {
        if let Some((name, pid)) = rest.rsplit_once(&format!(".{kind}-"))
            && !name.is_empty()
            && !pid.is_empty()
            && pid.bytes().all(|b| b.is_ascii_digit())
        {
            return Some((name, kind, pid.parse().ok()?));
        }
    }
    None
}

/// A folder being written; [`Staging::commit`] renames it into place.
pub struct Staging {
    pub dir: PathBuf,
    target: PathBuf,
}

impl Staging {
    /// Start writing the folder `target` (its parent is created).
    pub fn new(target: &Path) -> io::Result<Staging> {
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent)?;
        let Some(name) = target.file_name() else {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "output path has no folder name",
            ));
        };
        let dir = temporary(&parent.join(name), PARTIAL);
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        std::fs::create_dir(&dir)?;
        Ok(Staging {
            dir,
            target: target.to_path_buf(),
        })
    }

    pub fn write(&self, name: &str, bytes: &[u8]) -> io::Result<()> {
        use std::io::Write;
        let mut f = std::fs::File::create(self.dir.join(name))?;
        f.write_all(bytes)?;
        f.sync_all()
    }

    /// Replace `target` with the finished folder. The old result, if any,
    /// is moved aside first and removed only after the new one is in place;
    /// if a rename fails, the old result is put back and the partial
    /// folder removed. (A process killed between the two renames leaves
    /// the old result in `.NAME.old-PID`: the next run on `NAME` puts it
    /// back, see `cli::lock::clean_stale`.) Callers serialise commits on
    /// one target with `cli::lock::OutputLock`.
    pub fn commit(self) -> io::Result<PathBuf> {
        let old = temporary(&self.target, OLD);
        let had_old = self.target.exists();
        if had_old && let Err(e) = std::fs::rename(&self.target, &old) {
            let _ = std::fs::remove_dir_all(&self.dir);
            return Err(e);
        }
        if let Err(e) = std::fs::rename(&self.dir, &self.target) {
            if had_old {
                let _ = std::fs::rename(&old, &self.target);
            }
            let _ = std::fs::remove_dir_all(&self.dir);
            return Err(e);
        }
        // The renames themselves reach the disk with their folder.
        if let Some(parent) = self.target.parent().filter(|p| !p.as_os_str().is_empty()) {
            let _ = std::fs::File::open(parent).and_then(|d| d.sync_all());
        }
        if had_old {
            let _ = std::fs::remove_dir_all(&old);
        }
        Ok(self.target.clone())
    }

    /// Give up: remove the partial folder.
    pub fn abandon(self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_only_when_needed() {
        assert_eq!(field("FR"), "FR");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(num(0.1), "0.1");
        assert_eq!(num(f64::NAN), "");
    }

    #[test]
    fn staging_replaces_only_on_commit() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("run");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("summary.json"), "old").unwrap();
        let st = Staging::new(&target).unwrap();
        st.write("summary.json", b"new").unwrap();
        // Until commit the old result is intact.
        assert_eq!(
            std::fs::read_to_string(target.join("summary.json")).unwrap(),
            "old"
        );
        st.commit().unwrap();
        assert_eq!(
            std::fs::read_to_string(target.join("summary.json")).unwrap(),
            "new"
        );
        let names: Vec<String> = std::fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            names,
            vec!["run".to_string()],
            "no partial or old folders left"
        );
        let st = Staging::new(&target).unwrap();
        st.write("x", b"y").unwrap();
        st.abandon();
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
    }

    #[test]
    fn temporary_folders_are_recognised_by_name() {
        assert_eq!(
            temporary_of(".run.partial-123"),
            Some(("run", PARTIAL, 123))
        );
        assert_eq!(temporary_of(".a.b.old-7"), Some(("a.b", OLD, 7)));
        for name in [
            "run",
            ".run",
            ".run.partial-",
            ".run.partial-12x",
            "..partial-1",
            "run.partial-1",
        ] {
            assert_eq!(temporary_of(name), None, "{name}");
        }
        let tmp = tempfile::tempdir().unwrap();
        let st = Staging::new(&tmp.path().join("run")).unwrap();
        let name = st.dir.file_name().unwrap().to_string_lossy().into_owned();
        assert_eq!(
            temporary_of(&name),
            Some(("run", PARTIAL, std::process::id()))
        );
        st.abandon();
    }

    /// A full disk surfaces as an error from `write` (here /dev/full behind
    /// a link in the staging folder), and abandoning leaves no trace.
    #[cfg(unix)]
    #[test]
    fn full_disk_is_an_error_and_leaves_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("run");
        let st = Staging::new(&target).unwrap();
        std::os::unix::fs::symlink("/dev/full", st.dir.join("summary.json")).unwrap();
        let err = st.write("summary.json", &[b'x'; 1 << 16]).unwrap_err();
        assert_eq!(err.raw_os_error(), Some(28), "ENOSPC: {err}");
        st.abandon();
        assert!(!target.exists());
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
    }
}
