//! Mutation testing of the scenario loader on a real file.
//!
//! Takes the shipped `scenarios/franco-russian-2010.toml` and damages it the
//! way editing goes wrong: deletes or duplicates a line, swaps two values,
//! replaces a number with garbage, a huge, negative or non-finite one,
//! inserts random bytes, truncates the file. One to three mutations a case,
//! 300 cases, a fixed seed (so a run is repeatable and CI sees the same
//! cases), no failure file.
//!
//! Checked for every case: `load_str` does not panic; an error carries at
//! least one problem, each with a line ≥ 1 and a non-empty message; a
//! scenario that still loads satisfies the model's invariants (finite
//! quantities within the documented limits, shares in [0, 1], stakes per
//! pipeline at most 100 %, indices in range, sorted schedules).

use gasdep::scenario::units::{MAX_ENERGY_GWH, MAX_PRICE_EUR_PER_MWH, MAX_RATE_GWH_PER_DAY};
use gasdep::scenario::{DurationDist, MeasureKind, Model, load_str};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

const FILE: &str = include_str!("../scenarios/franco-russian-2010.toml");

#[derive(Debug, Clone)]
enum Mutation {
    DeleteLine(prop::sample::Index),
    DuplicateLine(prop::sample::Index),
    /// Swap the values of two `key = value` lines.
    SwapValues(prop::sample::Index, prop::sample::Index),
    /// Replace the n-th number outside comments.
    ReplaceNumber(prop::sample::Index, &'static str),
    InsertBytes(prop::sample::Index, Vec<u8>),
    Truncate(prop::sample::Index),
}

const REPLACEMENTS: &[&str] = &[
    "x",
    "1e300",
    "-1e300",
    "-5",
    "NaN",
    "inf",
    "1e999",
    "",
    "0",
    "-0",
    "99999999999999999999",
    "1.2.3",
    "\"",
    "[",
    "=",
    "1e-320",
    "0x10",
    "13",
    "2022-13",
];

fn mutation() -> impl Strategy<Value = Mutation> {
    use prop::sample::Index;
    prop_oneof![
        any::<Index>().prop_map(Mutation::DeleteLine),
        any::<Index>().prop_map(Mutation::DuplicateLine),
        (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::SwapValues(a, b)),
        (any::<Index>(), prop::sample::select(REPLACEMENTS))
            .prop_map(|(i, r)| Mutation::ReplaceNumber(i, r)),
        (any::<Index>(), prop::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(i, b)| Mutation::InsertBytes(i, b)),
        any::<Index>().prop_map(Mutation::Truncate),
    ]
}

/// The part of a line before a comment (a `#` outside a string).
fn code_part(line: &str) -> &str {
    let mut in_string = false;
    for (i, c) in line.char_indices() {
        match c {
            '"' => in_string = !in_string,
            '#' if !in_string => return &line[..i],
            _ => {}
        }
    }
    line
}

/// Lines with something other than a comment: mutating comments proves little.
fn code_lines(lines: &[String]) -> Vec<usize> {
    (0..lines.len())
        .filter(|&i| !code_part(&lines[i]).trim().is_empty())
        .collect()
}

fn apply(text: &str, m: &Mutation) -> String {
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let code = code_lines(&lines);
    if code.is_empty() {
        return text.to_string();
    }
    match m {
        Mutation::DeleteLine(i) => {
            lines.remove(code[i.index(code.len())]);
        }
        Mutation::DuplicateLine(i) => {
            let k = code[i.index(code.len())];
            lines.insert(k, lines[k].clone());
        }
        Mutation::SwapValues(a, b) => {
            let kv: Vec<usize> = code
                .iter()
                .copied()
                .filter(|&k| code_part(&lines[k]).contains('='))
                .collect();
            if kv.len() >= 2 {
                let (a, b) = (kv[a.index(kv.len())], kv[b.index(kv.len())]);
                let split = |l: &str| {
                    let c = code_part(l);
                    let eq = c.find('=').unwrap();
                    (c[..=eq].to_string(), c[eq + 1..].to_string())
                };
                let ((ka, va), (kb, vb)) = (split(&lines[a]), split(&lines[b]));
                lines[a] = format!("{ka}{vb}");
                lines[b] = format!("{kb}{va}");
            }
        }
        Mutation::ReplaceNumber(i, r) => {
            // (line, byte range) of each run of digits and dots in code.
            let mut numbers = Vec::new();
            for &k in &code {
                let c = code_part(&lines[k]).as_bytes();
                let mut j = 0;
                while j < c.len() {
                    if c[j].is_ascii_digit() {
                        let s = j;
                        while j < c.len() && (c[j].is_ascii_digit() || c[j] == b'.') {
                            j += 1;
                        }
                        numbers.push((k, s..j));
                    } else {
                        j += 1;
                    }
                }
            }
            if !numbers.is_empty() {
                let (k, range) = numbers[i.index(numbers.len())].clone();
                lines[k].replace_range(range, r);
            }
        }
        Mutation::InsertBytes(i, bytes) => {
            let mut raw = lines.join("\n").into_bytes();
            let at = i.index(raw.len() + 1);
            raw.splice(at..at, bytes.iter().copied());
            return String::from_utf8_lossy(&raw).into_owned();
        }
        Mutation::Truncate(i) => {
            let joined = lines.join("\n");
            let mut at = i.index(joined.len() + 1);
            while !joined.is_char_boundary(at) {
                at -= 1;
            }
            return joined[..at].to_string();
        }
    }
    lines.join("\n") + "\n"
}

fn unit(x: f64) -> bool {
    (0.0..=1.0).contains(&x)
}

fn rate(x: f64) -> bool {
    x.is_finite() && x.abs() <= MAX_RATE_GWH_PER_DAY
}

fn schedule(s: &[(gasdep::scenario::time::Day, f64)]) -> bool {
    s.windows(2).all(|w| w[0].0 < w[1].0) && s.iter().all(|&(_, r)| rate(r) && r >= 0.0)
}

/// Invariants of a loaded model; returns the first one broken.
fn broken(m: &Model) -> Option<String> {
    let (nn, no, np, nc) = (
        m.nodes.len(),
        m.origins.len(),
        m.pipelines.len(),
        m.contracts.len(),
    );
    let mut bad = Vec::new();
    let mut check = |ok: bool, what: String| {
        if !ok {
            bad.push(what)
        }
    };
    check(m.start < m.end, "start < end".into());
    check(m.trials >= 1, "trials ≥ 1".into());
    check(m.baseline < m.policies.len(), "baseline index".into());
    check((8.0..=13.0).contains(&m.gcv), "gcv".into());
    check(unit(m.price_sd), "price_sd".into());
    for n in &m.nodes {
        let id = &n.id;
        check(
            n.demand.iter().all(|&d| rate(d) && d >= 0.0),
            format!("{id} demand"),
        );
        check(
            rate(n.peak_day) && n.peak_day >= 0.0,
            format!("{id} peak_day"),
        );
        check(n.trend > -1.0 && n.trend <= 1.0, format!("{id} trend"));
        check(
            n.profile.iter().all(|p| p.is_finite() && *p >= 0.0)
                && (n.profile.iter().sum::<f64>() / 12.0 - 1.0).abs() < 1e-9,
            format!("{id} profile"),
        );
        check(
            unit(n.weather_sensitivity),
            format!("{id} weather_sensitivity"),
        );
        check(schedule(&n.lng_regas), format!("{id} lng_regas"));
        if let Some(s) = &n.storage {
            check(
                s.volume.is_finite() && (0.0..=MAX_ENERGY_GWH).contains(&s.volume),
                format!("{id} storage volume"),
            );
            check(
                rate(s.injection) && rate(s.withdrawal),
                format!("{id} storage rates"),
            );
            check(
                unit(s.initial_fill) && unit(s.knee),
                format!("{id} storage shares"),
            );
        }
        if let Some(p) = &n.production {
            check(rate(p.rate) && p.rate >= 0.0, format!("{id} production"));
            check(
                p.trend > -1.0 && p.trend <= 1.0,
                format!("{id} production trend"),
            );
            check(schedule(&p.schedule), format!("{id} production schedule"));
        }
    }
    for o in &m.origins {
        check(
            o.price.is_finite() && (0.0..=MAX_PRICE_EUR_PER_MWH).contains(&o.price),
            format!("{} price", o.id),
        );
        check(schedule(&o.capacity), format!("{} capacity", o.id));
    }
    for p in &m.pipelines {
        let id = &p.id;
        check(p.to < nn, format!("{id} to"));
        check(
            match p.from {
                gasdep::scenario::Endpoint::Origin(o) => o < no,
                gasdep::scenario::Endpoint::Node(n) => n < nn && n != p.to,
            },
            format!("{id} from"),
        );
        check(schedule(&p.stages), format!("{id} stages"));
        check(rate(p.reverse) && p.reverse >= 0.0, format!("{id} reverse"));
        check(
            p.tariff.is_finite() && p.tariff >= 0.0,
            format!("{id} tariff"),
        );
        check(
            p.owners
                .iter()
                .all(|&(c, s)| c < m.companies.len() && unit(s)),
            format!("{id} owners"),
        );
        check(
            p.owners.iter().map(|o| o.1).sum::<f64>() <= 1.0 + 1e-9,
            format!("{id} stakes sum"),
        );
        check(
            p.offline.is_none_or(|off| off > p.stages[0].0),
            format!("{id} offline"),
        );
    }
    for c in &m.contracts {
        check(c.seller < no && c.buyer < nn, format!("{} parties", c.id));
        check(
            rate(c.volume) && c.volume >= 0.0,
            format!("{} volume", c.id),
        );
        check(unit(c.take_or_pay), format!("{} take_or_pay", c.id));
        check(
            c.price.is_finite() && c.price >= 0.0,
            format!("{} price", c.id),
        );
        check(c.route.iter().all(|&r| r < np), format!("{} route", c.id));
        check(c.delivery < nn, format!("{} delivery", c.id));
        check(c.end.is_none_or(|e| e > c.start), format!("{} dates", c.id));
    }
    for d in &m.disruptions {
        check(
            (0.0..=365.0).contains(&d.hazard),
            format!("{} hazard", d.id),
        );
        check(unit(d.severity), format!("{} severity", d.id));
        let pos = |x: f64| x.is_finite() && x > 0.0;
        check(
            match d.duration {
                DurationDist::Fixed(x) | DurationDist::Exponential(x) => pos(x),
                DurationDist::Uniform(a, b) => pos(a) && pos(b) && a <= b,
                DurationDist::LogNormal { median, sigma } => {
                    pos(median) && (0.0..=5.0).contains(&sigma)
                }
            },
            format!("{} duration", d.id),
        );
    }
    for e in &m.events {
        check(
            unit(e.severity) && e.buyers.iter().all(|&b| b < nn),
            format!("{} event", e.id),
        );
    }
    check(
        m.weather.cholesky.len() == nn * nn && m.weather.cholesky.iter().all(|x| x.is_finite()),
        "weather cholesky".into(),
    );
    check(
        (0.0..1.0).contains(&m.weather.autocorrelation),
        "autocorrelation".into(),
    );
    for p in &m.policies {
        for x in &p.measures {
            let ok = match &x.kind {
                MeasureKind::Embargo { origins, share } => {
                    unit(*share) && origins.iter().all(|&o| o < no)
                }
                MeasureKind::ImportCap {
                    max_share, node, ..
                } => unit(*max_share) && node.is_none_or(|n| n < nn),
                MeasureKind::Adjust { value, .. } => value.is_finite(),
                MeasureKind::StorageTarget { nodes, points, .. } => {
                    nodes.iter().all(|&n| n < nn) && points.iter().all(|&(_, f)| unit(f))
                }
                MeasureKind::DemandReduction { share, nodes, .. } => {
                    unit(*share) && nodes.iter().all(|&n| n < nn)
                }
                MeasureKind::AddContract(c) | MeasureKind::CancelContract(c) => *c < nc,
                MeasureKind::Stake {
                    pipeline,
                    company,
                    delta,
                    ..
                } => *pipeline < np && *company < m.companies.len() && delta.abs() <= 1.0,
                MeasureKind::Solidarity(_) => true,
            };
            check(ok, format!("policy {} measure {:?}", p.id, x.kind));
            check(
                match (x.start, x.end) {
                    (Some(a), Some(b)) => a < b,
                    _ => true,
                },
                format!("policy {} measure dates", p.id),
            );
        }
    }
    bad.into_iter().next()
}

/// Loads `text`, turning a panic into a test failure with the input's size.
fn check_text(text: &str) -> Result<(), TestCaseError> {
    let r = catch_unwind(AssertUnwindSafe(|| {
        load_str(text, Path::new("mutated.toml"))
    }));
    let Ok(r) = r else {
        return Err(TestCaseError::fail(format!(
            "load_str panicked on a {}-byte text",
            text.len()
        )));
    };
    match r {
        Ok((_, model)) => {
            if let Some(what) = broken(&model) {
                return Err(TestCaseError::fail(format!(
                    "loaded, but invariant broken: {what}"
                )));
            }
        }
        Err(e) => {
            let problems = e.problems();
            prop_assert!(!problems.is_empty(), "error without problems: {e}");
            for p in problems {
                prop_assert!(p.line >= 1, "problem without a line: {p:?}");
                prop_assert!(!p.message.trim().is_empty(), "empty message: {p:?}");
            }
        }
    }
    Ok(())
}

#[test]
fn the_unmutated_file_loads_and_satisfies_the_invariants() {
    let (_, m) = load_str(FILE, Path::new("franco-russian-2010.toml")).unwrap();
    assert_eq!(broken(&m), None);
    // The invariant checker can fail: a stake sum over 100 % is caught.
    let mut m2 = m.clone();
    let p = m2
        .pipelines
        .iter_mut()
        .find(|p| !p.owners.is_empty())
        .unwrap();
    p.owners[0].1 = 1.5;
    assert!(broken(&m2).is_some());
}

#[test]
fn mutations_apply() {
    // The mutator changes the text (it is not silently a no-op).
    use prop::sample::Index;
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let idx = any::<Index>().new_tree(&mut runner).unwrap().current();
    for m in [
        Mutation::DeleteLine(idx),
        Mutation::DuplicateLine(idx),
        Mutation::ReplaceNumber(idx, "x"),
        Mutation::InsertBytes(idx, vec![0xff]),
    ] {
        assert_ne!(apply(FILE, &m), FILE, "{m:?}");
    }
}

#[test]
fn mutations_produce_both_errors_and_valid_files() {
    // Guards the mutator against producing only one kind of case (a test
    // that only ever sees errors would not exercise the invariants).
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let (mut ok, mut err) = (0, 0);
    for _ in 0..100 {
        let m = mutation().new_tree(&mut runner).unwrap().current();
        match load_str(&apply(FILE, &m), Path::new("m.toml")) {
            Ok(_) => ok += 1,
            Err(_) => err += 1,
        }
    }
    assert!(ok >= 5 && err >= 5, "{ok} loaded, {err} refused");
}

proptest! {
    #![proptest_config(Config {
        cases: 300,
        rng_seed: RngSeed::Fixed(0x6a5d_e9e0_2010),
        failure_persistence: None,
        max_shrink_iters: 200,
        ..Config::default()
    })]

    #[test]
    fn mutated_scenarios_never_panic_and_errors_have_places(
        ms in prop::collection::vec(mutation(), 1..=3)
    ) {
        let mut text = FILE.to_string();
        for m in &ms {
            text = apply(&text, m);
        }
        check_text(&text)?;
    }
}
