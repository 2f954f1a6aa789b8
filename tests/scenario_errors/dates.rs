//! Dates: impossible days, reversed ranges, years out of range.

use super::*;

#[test]
fn month_13() {
    // `start = ` is 8 characters.
    let p = one(
        &replace(3, "start = \"2020-13\""),
        3,
        9,
        "start \"2020-13\": month 13 does not exist (1–12)",
    );
    assert_eq!(
        p.help.as_deref(),
        Some("write dates as YYYY-MM or YYYY-MM-DD")
    );
}

#[test]
fn february_30() {
    // `end = ` is 6 characters; 2021 is not a leap year.
    one(
        &replace(4, "end = \"2021-02-30\""),
        4,
        7,
        "end \"2021-02-30\": day 30 does not exist in 2021-02 (1–28)",
    );
    // 2020 is: Feb 29 exists, Feb 30 does not.
    load(&replace(4, "end = \"2020-02-29\"")).unwrap();
    one(
        &replace(4, "end = \"2020-02-30\""),
        4,
        7,
        "end \"2020-02-30\": day 30 does not exist in 2020-02 (1–29)",
    );
}

#[test]
fn end_before_start() {
    one(
        &replace(4, "end = \"2019-12\""),
        4,
        7,
        "end 2019-12 is before start 2020-01",
    );
    // The same month is a one-month scenario.
    load(&replace(4, "end = \"2020-01\"")).unwrap();
}

#[test]
fn year_out_of_range() {
    one(
        &replace(4, "end = \"20201-01\""),
        4,
        7,
        "end \"20201-01\": '20201' is not a year",
    );
    one(
        &replace(3, "start = \"1850-01\""),
        3,
        9,
        "start \"1850-01\": year 1850 is outside 1900–2200",
    );
}

#[test]
fn offline_before_online() {
    // `offline = ` is 10 characters; the offline date is on line 39.
    let p = one(
        &append("online = \"2015-01\"\noffline = \"2014-06\"\n"),
        39,
        11,
        "pipeline 'p1' goes offline (2014-06) before it comes online",
    );
    assert_eq!(p.help.as_deref(), Some("offline must be after online"));
}

#[test]
fn stage_before_online() {
    // Reported at the stage's `from`: "stages = [{ from = " is 19 characters.
    one(
        &append("online = \"2015-01\"\nstages = [{ from = \"2014-01\", rate = \"40 bcm/y\" }]\n"),
        39,
        20,
        "pipeline 'p1' has a stage before it comes online",
    );
}

#[test]
fn disruption_window_reversed() {
    let text = format!(
        "{BASE}\n[[disruption]]\nid = \"d\"\ntarget = \"p1\"\nhazard = \"0.5 /y\"\n\
         duration = {{ type = \"fixed\", value = \"10 d\" }}\nfrom = \"2020-06\"\nuntil = \"2020-03\"\n"
    );
    // Lines: 38 blank, 39 [[disruption]], … 45 until. `until = ` is 8 characters.
    one(
        &text,
        45,
        9,
        "disruption 'd' has until 2020-03 before from 2020-06",
    );
}

#[test]
fn disruption_until_is_inclusive() {
    // `until` names the last month (or day) in which events may start; the
    // resolved model stores the first day after it.
    let case = |until: &str| {
        let text = format!(
            "{BASE}\n[[disruption]]\nid = \"d\"\ntarget = \"p1\"\nhazard = \"0.5 /y\"\n\
             duration = {{ type = \"fixed\", value = \"10 d\" }}\nfrom = \"2020-01\"\nuntil = \"{until}\"\n"
        );
        let (_, model) = load_str(&text, Path::new("case.toml")).unwrap();
        model.disruptions[0].until.unwrap().to_string()
    };
    assert_eq!(case("2020-03"), "2020-04-01");
    assert_eq!(case("2020-02-29"), "2020-03-01");
    assert_eq!(case("2020-12"), "2021-01-01");
    assert_eq!(case("2020-06-15"), "2020-06-16");
}

#[test]
fn disruption_announced() {
    let text = |extra: &str| {
        format!(
            "{BASE}\n[[disruption]]\nid = \"d\"\ntarget = \"p1\"\nhazard = \"0.5 /y\"\n\
             duration = {{ type = \"fixed\", value = \"10 d\" }}\nuntil = \"2020-03\"\n{extra}"
        )
    };
    let (_, model) = load_str(
        &text("announced = \"2020-03-31\"\n"),
        Path::new("case.toml"),
    )
    .unwrap();
    assert_eq!(
        model.disruptions[0].announced.unwrap().to_string(),
        "2020-03-31"
    );
    let (_, model) = load_str(&text(""), Path::new("case.toml")).unwrap();
    assert_eq!(model.disruptions[0].announced, None);
    // Lines: 38 [[disruption]], … 44 until, 45 announced. `announced = ` is
    // 12 characters.
    one(
        &text("announced = \"2020-04\"\n"),
        45,
        13,
        "disruption 'd' is announced on 2020-04, after its window ends (until 2020-03)",
    );
    one(
        &text("anticipated = false\nannounced = \"2020-02\"\n"),
        46,
        13,
        "disruption 'd' has `announced` but `anticipated = false`",
    );
}
