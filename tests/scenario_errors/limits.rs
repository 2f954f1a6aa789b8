//! Several problems at once, limits and numeric safety, fuzzer regressions.

use super::*;

// ---- Several problems at once -------------------------------------------------

#[test]
fn several_problems_all_reported_in_file_order() {
    let text = BASE
        .replace("end = \"2020-12\"", "end = \"2020-13\"") // line 4, column 7
        .replace(
            "price = \"20 EUR/MWh\"",
            "price = \"20 EUR\"", // line 19, column 9
        )
        .replace("to = \"A\"", "to = \"Z\"") // line 36, column 6
        .replace("id = \"B\"", "id = \"A\""); // line 12, column 6
    let p = problems(&text);
    let places: Vec<(usize, usize)> = p.iter().map(|p| (p.line, p.column)).collect();
    assert_eq!(places, vec![(4, 7), (12, 6), (19, 9), (36, 6)], "{p:#?}");
    assert!(p[0].message.contains("month 13"));
    assert_eq!(p[1].message, "duplicate node id 'A'");
    assert!(
        p[2].message
            .starts_with("price \"20 EUR\" has an unknown unit")
    );
    assert!(p[3].message.contains("unknown node 'Z'"));
    assert!(p.iter().all(|p| p.help.is_some()));
    // The rendered error names the file, each place, and the count.
    let e = load(&text).unwrap_err().to_string();
    assert!(e.starts_with("case.toml:4:7: end \"2020-13\""), "{e}");
    assert!(e.ends_with("4 problems in case.toml"), "{e}");
}

#[test]
fn a_bad_production_price_does_not_hide_the_rest() {
    // Regression: a bad [scenario] production_price used to end validation
    // at once, so later problems were not reported.
    let text =
        insert_after(5, "production_price = \"-3 EUR/MWh\"").replace("to = \"A\"", "to = \"Z\"");
    let p = problems(&text);
    assert_eq!(p.len(), 2, "{p:#?}");
    assert_eq!(
        (p[0].line, p[0].message.as_str()),
        (6, "production_price is negative (-3 EUR/MWh)")
    );
    assert_eq!(p[1].line, 37);
}

// ---- Limits and numeric safety -------------------------------------------------

#[test]
fn trials_out_of_range() {
    // `trials = ` is 9 characters.
    one(
        &insert_after(5, "trials = 0"),
        6,
        10,
        "trials = 0 is out of range",
    );
    one(
        &insert_after(5, "trials = 1000000000"),
        6,
        10,
        "trials = 1000000000 is out of range",
    );
    // Negative: refused by the deserializer (trials is unsigned).
    let p = problems(&insert_after(5, "trials = -1"));
    assert_eq!((p.len(), p[0].line, p[0].column), (1, 6, 10), "{p:?}");
}

#[test]
fn scenario_names_that_are_not_folder_names() {
    for bad in [
        "../etc",
        "a/b",
        "a\\u0000b",
        "two words",
        ".hidden",
        "",
        "a\\\\b",
    ] {
        let text = replace(2, &format!("name = \"{bad}\""));
        let p = problems(&text);
        assert_eq!(p.len(), 1, "{bad}: {p:?}");
        // `name = ` is 7 characters.
        assert_eq!((p[0].line, p[0].column), (2, 8), "{bad}");
        assert!(
            p[0].message.starts_with("scenario name '")
                && p[0].message.ends_with("' cannot be used as a folder name"),
            "{bad}: {}",
            p[0].message
        );
        assert!(p[0].help.as_deref().unwrap().contains("letters, digits"));
    }
    // The NUL is shown escaped, not written raw into the message.
    let p = problems(&replace(2, "name = \"a\\u0000b\""));
    assert_eq!(
        p[0].message,
        "scenario name 'a\\0b' cannot be used as a folder name"
    );
    // Too long for a folder name.
    let long = "n".repeat(300);
    one(
        &replace(2, &format!("name = \"{long}\"")),
        2,
        8,
        "scenario name is 300 characters long",
    );
    // Fine: letters, digits, '-', '_', '.'.
    load(&replace(2, "name = \"eu-2030_v1.2\"")).unwrap();
}

#[test]
fn empty_network_is_refused() {
    // No [[node]] at all: reported at the scenario's name.
    let text = "[scenario]\nname = \"t\"\nstart = \"2020-01\"\nend = \"2020-12\"\nbaseline = \"base\"\n\n[[policy]]\nid = \"base\"\n".to_string();
    one(&text, 2, 8, "the scenario has no [[node]]");
}

#[test]
fn disconnected_nodes_load() {
    // Node B has no pipeline at all: a valid (if odd) scenario; whether the
    // simulation warns about it is the network's business.
    let (_, m) = load_str(BASE, Path::new("case.toml")).unwrap();
    assert_eq!(m.nodes.len(), 2);
    assert!(m.pipelines.iter().all(|p| p.to != 1));
}

#[test]
fn a_thousand_nodes_load() {
    // 1000 nodes in a chain from one origin, each with storage, plus a
    // uniform weather correlation (a 1000×1000 Cholesky factorisation).
    let mut text = String::from(
        "[scenario]\nname = \"big\"\nstart = \"2020-01\"\nend = \"2020-12\"\nbaseline = \"base\"\n\n\
         [[origin]]\nid = \"O\"\ncountry = \"O\"\nkind = \"pipe\"\nprice = \"20 EUR/MWh\"\ncapacity = \"5000 bcm/y\"\n\n\
         [[policy]]\nid = \"base\"\n\n[uncertainty]\nweather = { correlation = 0.5 }\n",
    );
    for i in 0..1000 {
        text.push_str(&format!(
            "\n[[node]]\nid = \"N{i}\"\ndemand = {{ protected = \"1 bcm/y\", industry = \"1 bcm/y\", power = \"1 bcm/y\" }}\n\
             storage = {{ volume = \"5 TWh\", injection = \"0.1 TWh/d\", withdrawal = \"0.2 TWh/d\", initial_fill = \"50 %\" }}\n\
             [[pipeline]]\nid = \"p{i}\"\nfrom = \"{}\"\nto = \"N{i}\"\ncapacity = \"100 bcm/y\"\n",
            if i == 0 { "O".to_string() } else { format!("N{}", i - 1) }
        ));
    }
    let (_, m) = load_str(&text, Path::new("big.toml")).unwrap();
    assert_eq!((m.nodes.len(), m.pipelines.len()), (1000, 1000));
}

#[test]
fn too_many_nodes_are_refused() {
    // MAX_NODES + 1 nodes: one problem, at the first node too many.
    let mut text = BASE.to_string();
    for i in 0..gasdep::scenario::validate::MAX_NODES - 1 {
        text.push_str(&format!(
            "[[node]]\nid = \"M{i}\"\ndemand = {{ protected = \"1 bcm/y\", industry = \"1 bcm/y\", power = \"1 bcm/y\" }}\n"
        ));
    }
    // Nodes A and B are 2, then M0 … M1998: the 2001st node is M1998, whose
    // id is on line 37 + 3 × 1998 + 2.
    let p = one(
        &text,
        37 + 3 * 1998 + 2,
        6,
        "the scenario has 2001 nodes, more than the 2000 a scenario may have",
    );
    assert!(p.help.unwrap().contains("merge"));
}

#[test]
fn lots_of_problems_are_all_reported() {
    // 500 pipelines to unknown nodes: 500 problems, in order, the message
    // listing only the first 20 known ids.
    let mut text = BASE.to_string();
    for i in 0..500 {
        text.push_str(&format!(
            "\n[[pipeline]]\nid = \"q{i}\"\nfrom = \"RU\"\nto = \"nowhere\"\ncapacity = \"1 bcm/y\"\n"
        ));
    }
    let p = problems(&text);
    assert_eq!(p.len(), 500);
    assert!(p.windows(2).all(|w| w[0].line < w[1].line));
    // 37 base lines, then blocks of 6 lines (blank, header, id, from, to,
    // capacity): the `to` of block i is line 37 + 6 i + 5.
    assert_eq!(p[0].line, 42);
    assert_eq!(p[499].line, 37 + 6 * 499 + 5);
}

#[test]
fn contract_route_not_from_the_seller() {
    // p2 runs A → B; a contract from RU to A routed on it does not start
    // where the seller's gas does (a route runs from the seller's origin). Lines: 38 blank, 39 [[pipeline]] … 44 blank, 45 [[contract]],
    // 46 id, 47 seller, 48 buyer, 49 volume, 50 start, 51 price, 52 route;
    // `route = ` is 8 characters.
    let pipe2 = "\n[[pipeline]]\nid = \"p2\"\nfrom = \"A\"\nto = \"B\"\ncapacity = \"5 bcm/y\"\n";
    let contract = |route: &str| {
        format!(
            "{BASE}{pipe2}\n[[contract]]\nid = \"k\"\nseller = \"RU\"\nbuyer = \"A\"\nvolume = \"1 bcm/y\"\n\
             start = \"2020-01\"\nprice = \"18 EUR/MWh\"\nroute = \"{route}\"\n"
        )
    };
    let p = one(
        &contract("p2"),
        52,
        9,
        "route pipeline 'p2' of contract 'k' runs from A to B, not from 'RU'",
    );
    assert!(p.help.unwrap().contains("leaves the seller's origin 'RU'"));
    load(&contract("p1")).unwrap();
}

// ---- Regressions found by the fuzzer (fuzz/fuzz_targets/load.rs) ---------------
//
// Each crash the fuzzer finds becomes a test here, named after what it found.
// Runs so far (2-core AMD EPYC, shared, one job, seeds = the shipped scenarios):
// - 2026-11-28, loader before the fixes of this commit: 1801 s, 203 330
//   executions (112/s: inputs up to 70 KB), coverage 6911 edges, 27 242
//   features, corpus 2316 inputs; no crash, no failed assertion.
// - 2026-11-28, loader with the fixes, on that corpus: 421 s, 73 154
//   executions (173/s), coverage 7145 edges, 28 824 features; no crash.
// No regression test yet: nothing has been found.
