//! Checks of `[[uncertain]]` ([`crate::scenario::uncertain`]): the path
//! names a written numeric field, the distribution's parameters fit it,
//! and the scenario is valid at both ends of every distribution.

use super::super::error::{Locator, Problem, ScenarioError};
use super::super::model::At;
use super::super::uncertain::{
    Dist, FieldValue, Param, Uncertain, UncertainM, UncertainSet, document, find_field,
    split_quantity,
};
use super::Ctx;
use std::path::Path;
use toml::de::DeValue;

/// Most uncertain inputs a scenario may have (each costs the sensitivity
/// designs a column, and Sobol designs N × (k + 2) runs).
pub const MAX_UNCERTAIN: usize = 100;

const PARAMS: [&str; 6] = ["min", "max", "mode", "mean", "sd", "median"];

impl Ctx<'_> {
    pub(super) fn uncertain(&mut self, list: &[Uncertain]) -> Option<Vec<UncertainM>> {
        let mut out = Vec::new();
        let mut ok = true;
        if let Some(u) = list.get(MAX_UNCERTAIN) {
            self.err(
                &u.path.span(),
                format!(
                    "{} uncertain inputs, more than the {MAX_UNCERTAIN} a scenario may have",
                    list.len()
                ),
                "keep the inputs that matter; vary groups with one input and a `scale` measure",
            );
            return None;
        }
        if list.is_empty() {
            return Some(out);
        }
        let text = self.loc.text();
        let root = match document(text) {
            Ok(r) => r,
            Err(e) => {
                self.err(
                    &list[0].path.span(),
                    format!("the file could not be read again: {e}"),
                    "",
                );
                return None;
            }
        };
        for u in list {
            match self.one_uncertain(u, &root) {
                Some(m) if out.iter().any(|o: &UncertainM| o.span == m.span) => {
                    self.err(
                        &u.path.span(),
                        format!("field '{}' is given two distributions", u.path.get()),
                        "keep one [[uncertain]] per field",
                    );
                    ok = false;
                }
                Some(m) => out.push(m),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    fn one_uncertain(&mut self, u: &Uncertain, root: &DeValue) -> Option<UncertainM> {
        let path = u.path.get();
        let (span, field) = match find_field(root, path) {
            Ok(x) => x,
            Err(why) => {
                self.err(
                    &u.path.span(),
                    format!("uncertain path '{path}': {why}"),
                    "name a field written in the file: table keys, and the id of a [[…]] element, e.g. node.FR.demand.industry, origin.RU.capacity, market.elasticity.industry",
                );
                return None;
            }
        };
        let kind = u.distribution.get().as_str();
        let (need, sigma): (&[&str], bool) = match kind {
            "uniform" => (&["min", "max"], false),
            "normal" => (&["mean", "sd"], false),
            "lognormal" => (&["median"], true),
            "triangular" => (&["min", "mode", "max"], false),
            other => {
                self.err(
                    &u.distribution.span(),
                    format!("distribution '{other}' is not known"),
                    "use uniform (min, max), normal (mean, sd), lognormal (median, sigma) or triangular (min, mode, max)",
                );
                return None;
            }
        };
        let given = [&u.min, &u.max, &u.mode, &u.mean, &u.sd, &u.median];
        let mut values = Vec::new();
        let mut unit: Option<String> = None;
        let mut ok = true;
        for (name, p) in PARAMS.iter().zip(given) {
            match (need.contains(name), p) {
                (false, Some(p)) => {
                    self.err(
                        &p.span(),
                        format!("`{name}` does not apply to a {kind} distribution"),
                        format!("a {kind} distribution takes {}", need.join(", ")),
                    );
                    ok = false;
                }
                (true, None) => {
                    self.err(
                        &u.distribution.span(),
                        format!("a {kind} distribution needs `{name}`"),
                        format!("give {}", need.join(", ")),
                    );
                    ok = false;
                }
                (true, Some(p)) => match self.param(p, &field, &mut unit, name) {
                    Some(v) => values.push(v),
                    None => ok = false,
                },
                (false, None) => {}
            }
        }
        let sigma = match (sigma, &u.sigma) {
            (true, Some(s)) if *s.get() > 0.0 && *s.get() <= 5.0 => *s.get(),
            (true, Some(s)) => {
                self.err(
                    &s.span(),
                    format!("sigma = {} is out of range", s.get()),
                    "sigma is the standard deviation of the logarithm: above 0, at most 5",
                );
                return None;
            }
            (true, None) => {
                self.err(
                    &u.distribution.span(),
                    "a lognormal distribution needs `sigma`",
                    "give median (a quantity) and sigma (a plain number, e.g. 0.2)",
                );
                return None;
            }
            (false, Some(s)) => {
                self.err(
                    &s.span(),
                    format!("`sigma` does not apply to a {kind} distribution"),
                    format!("a {kind} distribution takes {}", need.join(", ")),
                );
                return None;
            }
            (false, None) => 0.0,
        };
        if !ok {
            return None;
        }
        let at = u.distribution.span();
        let dist = match (kind, values.as_slice()) {
            ("uniform", &[min, max]) if min < max => Dist::Uniform { min, max },
            ("normal", &[mean, sd]) if sd > 0.0 => Dist::Normal { mean, sd },
            ("lognormal", &[median]) if median > 0.0 => Dist::LogNormal { median, sigma },
            ("triangular", &[min, max, mode]) if min <= mode && mode <= max && min < max => {
                Dist::Triangular { min, mode, max }
            }
            _ => {
                let rule = match kind {
                    "uniform" => "min must be below max",
                    "normal" => "sd must be above 0",
                    "lognormal" => "median must be above 0",
                    _ => "min ≤ mode ≤ max, with min below max",
                };
                self.err(
                    &at,
                    format!("the {kind} distribution of '{path}' is empty or reversed"),
                    rule,
                );
                return None;
            }
        };
        let nominal = match &field {
            FieldValue::Quantity(q) | FieldValue::Number(q) => q.clone(),
        };
        Some(UncertainM {
            path: path.clone(),
            label: u.label.clone().unwrap_or_else(|| path.clone()),
            dist,
            unit: unit.unwrap_or_default(),
            span,
            nominal,
            at,
        })
    }

    /// A parameter's number, in the unit all parameters of the input share.
    fn param(
        &mut self,
        p: &At<Param>,
        field: &FieldValue,
        unit: &mut Option<String>,
        name: &str,
    ) -> Option<f64> {
        match (field, p.get()) {
            (FieldValue::Number(_), Param::Number(x)) if x.is_finite() => Some(*x),
            (FieldValue::Quantity(_), Param::Text(t)) => {
                let Some((x, u)) = split_quantity(t) else {
                    self.err(
                        &p.span(),
                        format!("{name} \"{t}\" is not a number with a unit"),
                        "write a quantity in the field's unit, e.g. \"40 bcm/y\"",
                    );
                    return None;
                };
                match unit {
                    Some(first) if *first != u => {
                        self.err(
                            &p.span(),
                            format!("{name} \"{t}\" is in '{u}', another parameter in '{first}'"),
                            "write every parameter of one distribution in one unit",
                        );
                        None
                    }
                    _ => {
                        *unit = Some(u);
                        Some(x)
                    }
                }
            }
            (FieldValue::Number(_), Param::Text(t)) => {
                self.err(
                    &p.span(),
                    format!("{name} \"{t}\" is a quantity, but the field is a plain number"),
                    "write plain numbers, e.g. min = -0.3",
                );
                None
            }
            (FieldValue::Quantity(q), Param::Number(x)) => {
                self.err(
                    &p.span(),
                    format!("{name} = {x} has no unit, but the field is a quantity (\"{q}\")"),
                    "write quantities with a unit, e.g. min = \"40 bcm/y\"",
                );
                None
            }
            (_, Param::Number(x)) => {
                self.err(
                    &p.span(),
                    format!("{name} = {x} is not finite"),
                    "use a finite number",
                );
                None
            }
        }
    }
}

/// Problems of the scenario at the ends of each input's distribution (the
/// others at their written values), placed at the input's `distribution`.
pub(crate) fn check_ends(set: &UncertainSet, path: &Path) -> Vec<Problem> {
    let loc = Locator::new(&set.text);
    let mut problems = Vec::new();
    for inp in &set.inputs {
        let (lo, hi) = inp.dist.bounds();
        for (end, x) in [("lowest", lo), ("highest", hi)] {
            let text = set.text_with_one(inp, x);
            if let Err(ScenarioError::Invalid { problems: ps, .. }) =
                super::load_variant(&text, path)
            {
                let first = ps.first().map_or(String::new(), |p| p.message.clone());
                problems.push(loc.problem(
                    &inp.at,
                    format!(
                        "'{}' at its {end} value {} makes the scenario invalid: {first}",
                        inp.path,
                        inp.literal(x)
                    ),
                    Some("narrow the distribution to values the field accepts (normal and lognormal reach 5 standard deviations)".into()),
                ));
            }
        }
    }
    problems
}
