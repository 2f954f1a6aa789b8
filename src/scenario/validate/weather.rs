//! Checks of the `[uncertainty]` weather: correlations, persistence, sensitivities.

use super::*;

impl Ctx<'_> {
    pub(super) fn weather(
        &mut self,
        w: Option<&Weather>,
        n: usize,
        fallback: &Range<usize>,
    ) -> Option<WeatherM> {
        if n > MAX_NODES {
            // Reported with the nodes; the factorisation would take too long.
            return None;
        }
        let mut rho = 0.5;
        let mut rho_daily = DEFAULT_DAILY_AUTOCORRELATION;
        let mut corr = 0.7;
        let mut matrix = None;
        if let Some(w) = w {
            if let Some(a) = &w.daily_autocorrelation {
                if !(a.get().is_finite() && (0.0..1.0).contains(a.get())) {
                    self.err(
                        &a.span(),
                        "weather.daily_autocorrelation must be in [0, 1)",
                        "use e.g. 0.8 (cold spells that last a few days)",
                    );
                    return None;
                }
                rho_daily = *a.get();
            }
            if let Some(a) = &w.autocorrelation {
                if !(a.get().is_finite() && (0.0..1.0).contains(a.get())) {
                    self.err(
                        &a.span(),
                        "weather.autocorrelation must be in [0, 1)",
                        "use e.g. 0.5",
                    );
                    return None;
                }
                rho = *a.get();
            }
            if let Some(c) = &w.correlation {
                if !(c.get().is_finite() && (-1.0..=1.0).contains(c.get())) {
                    self.err(
                        &c.span(),
                        "weather.correlation must be in [-1, 1]",
                        "use e.g. 0.7",
                    );
                    return None;
                }
                corr = *c.get();
            }
            if let Some(m) = &w.matrix {
                let rows = m.get();
                if rows.len() != n || rows.iter().any(|r| r.len() != n) {
                    self.err(
                        &m.span(),
                        format!("weather.matrix must be {n}×{n} (one row and column per node)"),
                        "give one row per node, in the order of the [[node]] tables",
                    );
                    return None;
                }
                matrix = Some((
                    rows.iter().flatten().copied().collect::<Vec<f64>>(),
                    m.span(),
                ));
            }
        }
        let (values, span) = matrix.unwrap_or_else(|| {
            let v = (0..n * n)
                .map(|k| if k / n == k % n { 1.0 } else { corr })
                .collect();
            let span = w
                .and_then(|w| w.correlation.as_ref().map(|c| c.span()))
                .unwrap_or_else(|| fallback.clone());
            (v, span)
        });
        let m = nalgebra::DMatrix::from_row_slice(n, n, &values);
        // Name the first bad entry (1-based, as people count rows).
        let pairs = (0..n).flat_map(|i| (0..n).map(move |j| (i, j)));
        let mut flaw = None;
        for (i, j) in pairs {
            let x = m[(i, j)];
            let why = if !x.is_finite() || x.abs() > 1.0 {
                format!("row {} column {} is {x}, outside [-1, 1]", i + 1, j + 1)
            } else if i == j && (x - 1.0).abs() >= 1e-9 {
                format!("diagonal entry {} is {x}, not 1", i + 1)
            } else if (x - m[(j, i)]).abs() >= 1e-9 {
                format!(
                    "it is not symmetric: row {} column {} is {x} but row {} column {} is {}",
                    i + 1,
                    j + 1,
                    j + 1,
                    i + 1,
                    m[(j, i)]
                )
            } else {
                continue;
            };
            flaw = Some(why);
            break;
        }
        if let Some(why) = flaw {
            self.err(
                &span,
                format!("weather correlation matrix is invalid: {why}"),
                "a correlation matrix is symmetric, has ones on the diagonal and entries in [-1, 1]",
            );
            return None;
        }
        match nalgebra::Cholesky::new(m) {
            Some(ch) => {
                let l = ch.l();
                Some(WeatherM {
                    autocorrelation: rho,
                    daily_autocorrelation: rho_daily,
                    cholesky: (0..n * n).map(|k| l[(k / n, k % n)]).collect(),
                })
            }
            None => {
                self.err(&span, "weather correlation matrix is not positive definite", "weaken the correlations (a uniform correlation must be below 1 and above -1/(nodes-1)), or fix inconsistent pairs in the matrix");
                None
            }
        }
    }
}
