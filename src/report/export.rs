//! Files a run writes besides charts: `summary.json`, the tidy long
//! `results.csv`, an IAMC-format `results_iamc.csv` for pyam users, and
//! helpers that write a run's output folder atomically.
//!
//! Both CSV files are meant to be read as they are, by
//! `pandas.read_csv(path)` and `pyam.IamDataFrame(path)` without options
//! (docs/results.md; `tests/python_outputs.rs` loads them with both):
//!
//! - `results.csv` has the columns
//!   `policy,baseline,node,metric,unit,resolution,year,month,statistic,value`.
//!   Time is split into an integer `year` and a `month` (empty on yearly
//!   rows), so no column mixes numbers and text (which makes pandas guess
//!   a type per chunk and warn); `resolution` says `year` or `month`.
//!   Paired differences are rows of the metric itself with statistics
//!   `diff_mean`, `diff_ci_low`, `diff_ci_high`; `baseline` names the run's
//!   baseline policy on every row, so it is never empty.
//! - `results_iamc.csv` follows the IAMC template: `|`-separated variable
//!   names (`Gas|Curtailment|Share|50th Percentile`), units pint and pyam
//!   can convert (`TWh/yr`, `million EUR/yr`, `%`, `dimensionless`),
//!   Scenario `<scenario>/<policy>`, Region a node id or `Europe`.
//!
//! Atomicity: everything is written into a hidden sibling folder
//! (`.NAME.partial-PID`), which is renamed onto `NAME` only when complete.
//! An interrupted run leaves at most that hidden folder, never a `NAME`
//! that looks finished; a previous result in `NAME` stays untouched until
//! the rename.

use crate::stats::summary::{REGION, Stat, Summary};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Statistics of a series, in the order they appear in the CSV.
pub const STATISTICS: [&str; 9] = ["mean", "sd", "min", "p5", "p25", "p50", "p75", "p95", "max"];

/// Header of `results.csv`.
pub const TIDY_HEADER: &str =
    "policy,baseline,node,metric,unit,resolution,year,month,statistic,value";

fn stat_values(s: &Stat) -> [f64; 9] {
    [s.mean, s.sd, s.min, s.p5, s.p25, s.p50, s.p75, s.p95, s.max]
}

/// Quote a CSV field when needed (RFC 4180).
pub(crate) fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Shortest text that reads back as the same f64 (Rust's `{}` and `{:e}`
/// both do that). Plain notation, except with an exponent where the plain
/// form has more than 17 digits (not counting a leading `0.`), or more
/// than 15 with zeros after the point: pandas' default float parser counts
/// those zeros as digits and drops what is past its 17th, so
/// `-0.00045713927739118` came back as `-0.0004571392773911`, while
/// `-4.5713927739118e-4` comes back as written or within a unit of the
/// last digit.
pub(crate) fn num(x: f64) -> String {
    if !x.is_finite() {
        return String::new();
    }
    let plain = format!("{x}");
    let unsigned = plain.trim_start_matches('-');
    let digits = unsigned.strip_prefix("0.").unwrap_or(unsigned);
    let count = digits.bytes().filter(u8::is_ascii_digit).count();
    if count > 17 || (digits.starts_with('0') && count > 15) {
        format!("{x:e}")
    } else {
        plain
    }
}

/// The `resolution`, `year` and `month` columns of a period: `YYYY` is a
/// year, `YYYY-MM` a month (written without the leading zero). Any other
/// text (gasdep writes none today) covers the whole horizon: resolution
/// `horizon`, year and month empty.
fn period_columns(period: &str) -> (&'static str, String, String) {
    let int = |t: &str| {
        if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
            t.parse::<u32>().ok()
        } else {
            None
        }
    };
    match period.split_once('-') {
        None => match int(period) {
            Some(y) => ("year", y.to_string(), String::new()),
            None => ("horizon", String::new(), String::new()),
        },
        Some((y, m)) => match (int(y), int(m)) {
            (Some(y), Some(m)) if (1..=12).contains(&m) => ("month", y.to_string(), m.to_string()),
            _ => ("horizon", String::new(), String::new()),
        },
    }
}

/// The tidy long table: one row per policy, node, metric, period and
/// statistic, paired differences and event probabilities included.
/// Written row by row: the table of a large run is tens of megabytes.
pub fn write_tidy_csv<W: Write + ?Sized>(s: &Summary, out: &mut W) -> io::Result<()> {
    writeln!(out, "{TIDY_HEADER}")?;
    let baseline = field(&s.scenario.baseline);
    let mut row = |p: &str, n: &str, m: &str, u: &str, per: &str, st: &str, v: f64| {
        let (resolution, year, month) = period_columns(per);
        writeln!(
            out,
            "{},{},{},{},{},{},{},{},{},{}",
            field(p),
            baseline,
            field(n),
            field(m),
            field(u),
            resolution,
            year,
            month,
            st,
            num(v)
        )
    };
    for se in &s.series {
        for (per, st) in se.periods.iter().zip(&se.stats) {
            for (name, v) in STATISTICS.iter().zip(stat_values(st)) {
                row(&se.policy, &se.node, &se.metric, &se.unit, per, name, v)?;
            }
        }
    }
    // The whole-horizon probabilities (period `any`) are only in
    // summary.json: the table's `year` stays an integer column.
    for e in s.events.iter().filter(|e| e.period != "any") {
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
            )?;
        }
    }
    for d in &s.differences {
        for (name, v) in [
            ("diff_mean", d.mean),
            ("diff_ci_low", d.ci_low),
            ("diff_ci_high", d.ci_high),
        ] {
            row(&d.policy, &d.node, &d.metric, &d.unit, &d.period, name, v)?;
        }
    }
    for f in &s.flows {
        // Keyed by pipeline id: parallel pipelines share their endpoints.
        // (Summaries from before the id was kept fall back to FROM->TO.)
        let link = if f.pipeline.is_empty() {
            format!("{}->{}", f.from, f.to)
        } else {
            f.pipeline.clone()
        };
        row(
            &f.policy,
            &link,
            "pipeline_flow",
            "TWh",
            &f.period,
            "p50",
            f.median_twh,
        )?;
        row(
            &f.policy,
            &link,
            "pipeline_dependency_share",
            "share",
            &f.period,
            "flow_weighted",
            f.dependency_share,
        )?;
    }
    Ok(())
}

/// IAMC name (without the statistic) of a yearly metric. Metrics not
/// listed become `Gas|<Metric Name>`.
fn iamc_variable(metric: &str) -> String {
    let known = match metric {
        "demand" => "Gas|Demand",
        "consumption" => "Gas|Consumption",
        "demand_response" => "Gas|Demand Response",
        "lng_imports" => "Gas|Imports|LNG",
        "price" => "Gas|Price",
        "bill" => "Gas|Consumer Bill",
        "curtailment" => "Gas|Curtailment",
        "curtailment_share" => "Gas|Curtailment|Share",
        "curtailment_protected" => "Gas|Curtailment|Protected Customers",
        "dependency_twh" => "Gas|Dependency",
        "dependency_share" => "Gas|Dependency|Share",
        "direct_import_share" => "Gas|Dependency|Direct Import Share",
        "import_dependency" => "Gas|Import Dependency",
        "hhi" => "Gas|Supply Concentration|HHI",
        "storage_fill_nov1" => "Gas|Storage|Fill|1 November",
        "storage_fill_feb1" => "Gas|Storage|Fill|1 February",
        "cost" => "Gas|Supply Cost",
        "exposure_volume" => "Gas|Ownership Exposure|Volume",
        "exposure_revenue" => "Gas|Ownership Exposure|Tariff Revenue",
        "exposure_loss" => "Gas|Ownership Exposure|Revenue Below Plan",
        "take_or_pay" => "Gas|Take-or-Pay Liability",
        "n_minus_1" => "Gas|N-1 Indicator",
        _ => "",
    };
    if !known.is_empty() {
        return known.to_string();
    }
    let words: Vec<String> = metric
        .split('_')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect())
                .unwrap_or_default()
        })
        .collect();
    format!("Gas|{}", words.join(" "))
}

/// IAMC unit of a yearly series and the factor its values are multiplied
/// by: volumes and money are per year, shares are written in percent.
fn iamc_unit(unit: &str) -> (String, f64) {
    match unit {
        "TWh" => ("TWh/yr".into(), 1.0),
        "EUR m" => ("million EUR/yr".into(), 1.0),
        "share" => ("%".into(), 100.0),
        "index" => ("dimensionless".into(), 1.0),
        // A price is not a flow: no "/yr".
        other => (other.into(), 1.0),
    }
}

/// `x · scale`, rounded to 15 significant digits when scaled, so that a
/// share of 0.29 is written as 29 % rather than 28.999999999999996 %.
fn scaled(x: f64, scale: f64) -> f64 {
    if scale == 1.0 || !x.is_finite() {
        return x;
    }
    let y = x * scale;
    format!("{y:.14e}").parse().unwrap_or(y)
}

/// Statistics in `results_iamc.csv`: the last level of the variable name,
/// and the index of the value in [`stat_values`].
pub const IAMC_STATISTICS: [(&str, usize); 6] = [
    ("Mean", 0),
    ("5th Percentile", 3),
    ("25th Percentile", 4),
    ("50th Percentile", 5),
    ("75th Percentile", 6),
    ("95th Percentile", 7),
];

/// IAMC wide format: Model, Scenario, Region, Variable, Unit, one column
/// per year, for the yearly series. Model is `gasdep <version>`, Scenario
/// `<scenario>/<policy>`, Region a node id or `Europe`, Variable
/// `<IAMC name>|<statistic>` (e.g. `Gas|Demand|Mean`).
pub fn write_iamc_csv<W: Write + ?Sized>(s: &Summary, out: &mut W) -> io::Result<()> {
    let mut years: Vec<&str> = s
        .series
        .iter()
        .filter(|x| x.resolution == "year")
        .flat_map(|x| x.periods.iter().map(String::as_str))
        .collect();
    years.sort_unstable();
    years.dedup();
    write!(out, "Model,Scenario,Region,Variable,Unit")?;
    for y in &years {
        write!(out, ",{y}")?;
    }
    writeln!(out)?;
    let model = field(&format!("gasdep {}", s.gasdep_version));
    for se in s.series.iter().filter(|x| x.resolution == "year") {
        let scenario = field(&format!("{}/{}", s.scenario.name, se.policy));
        let region = if se.node == REGION {
            "Europe".to_string()
        } else {
            field(&se.node)
        };
        let variable = iamc_variable(&se.metric);
        let (unit, scale) = iamc_unit(&se.unit);
        for (label, pick) in IAMC_STATISTICS {
            write!(
                out,
                "{},{},{},{},{}",
                model,
                scenario,
                region,
                field(&format!("{variable}|{label}")),
                field(&unit)
            )?;
            for y in &years {
                match se.periods.iter().position(|p| p == y) {
                    Some(i) => write!(
                        out,
                        ",{}",
                        num(scaled(stat_values(&se.stats[i])[pick], scale))
                    )?,
                    None => write!(out, ",")?,
                }
            }
            writeln!(out)?;
        }
    }
    Ok(())
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
        self.write_with(name, |w| w.write_all(bytes))
    }

    /// Write the file `name` through a buffer, streamed by `fill`, and
    /// make it reach the disk before returning.
    pub fn write_with(
        &self,
        name: &str,
        fill: impl FnOnce(&mut io::BufWriter<std::fs::File>) -> io::Result<()>,
    ) -> io::Result<()> {
        let mut w =
            io::BufWriter::with_capacity(1 << 16, std::fs::File::create(self.dir.join(name))?);
        fill(&mut w)?;
        w.into_inner()
            .map_err(io::IntoInnerError::into_error)?
            .sync_all()
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
        assert_eq!(num(0.0), "0");
        assert_eq!(num(1e-4), "0.0001");
        assert_eq!(num(-2.5e-7), "-0.00000025");
        assert_eq!(num(0.000013717065820970682), "1.3717065820970682e-5");
        assert_eq!(num(0.0008094566078549239), "8.094566078549239e-4");
        assert_eq!(num(45.528600000000004), "45.528600000000004");
        assert_eq!(num(0.21298000000000003), "0.21298000000000003");
        assert_eq!(num(-0.00045713927739118), "-4.5713927739118e-4");
        assert_eq!(num(0.0123), "0.0123");
        assert_eq!(num(1e20), "1e20");
        for x in [
            1.3717065820970682e-5,
            123.456,
            -9.99e-5,
            4e20,
            0.046950000000000665,
        ] {
            assert_eq!(num(x).parse::<f64>().unwrap(), x);
        }
        assert_eq!(num(f64::NAN), "");
    }

    #[test]
    fn periods_split_into_resolution_year_and_month() {
        let cols = |p: &str| {
            let (r, y, m) = period_columns(p);
            (r, y, m)
        };
        assert_eq!(cols("2030"), ("year", "2030".into(), String::new()));
        assert_eq!(cols("2030-01"), ("month", "2030".into(), "1".into()));
        assert_eq!(cols("2030-12"), ("month", "2030".into(), "12".into()));
        for odd in ["any", "", "2030-13", "2030-00", "20x0", "2030-1a", "-01"] {
            assert_eq!(
                cols(odd),
                ("horizon", String::new(), String::new()),
                "{odd}"
            );
        }
    }

    #[test]
    fn iamc_names_and_units() {
        assert_eq!(iamc_variable("curtailment_share"), "Gas|Curtailment|Share");
        assert_eq!(iamc_variable("dependency_share"), "Gas|Dependency|Share");
        assert_eq!(iamc_variable("storage_target"), "Gas|Storage Target");
        assert_eq!(iamc_unit("TWh"), ("TWh/yr".to_string(), 1.0));
        assert_eq!(iamc_unit("EUR m"), ("million EUR/yr".to_string(), 1.0));
        assert_eq!(iamc_unit("share"), ("%".to_string(), 100.0));
        assert_eq!(iamc_unit("%"), ("%".to_string(), 1.0));
        assert_eq!(num(scaled(0.29, 100.0)), "29");
        assert_eq!(num(scaled(0.123456, 100.0)), "12.3456");
        assert_eq!(num(scaled(f64::NAN, 100.0)), "");
        assert_eq!(scaled(0.1, 1.0), 0.1);
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
        // Less than the buffer: the error comes from the last flush.
        std::os::unix::fs::symlink("/dev/full", st.dir.join("results.csv")).unwrap();
        let err = st
            .write_with("results.csv", |w| w.write_all(b"x"))
            .unwrap_err();
        assert_eq!(err.raw_os_error(), Some(28), "ENOSPC: {err}");
        st.abandon();
        assert!(!target.exists());
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
    }
}
