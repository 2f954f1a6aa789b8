use std::path::Path;
#[test]
fn example_loads() {
    let m = gasdep::scenario::load(Path::new("scenarios/examples/two-countries.toml")).unwrap();
    assert_eq!(m.nodes.len(), 2);
    assert_eq!(m.policies.len(), 3);
}
