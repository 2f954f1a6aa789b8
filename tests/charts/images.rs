//! Every chart as PNG and SVG: size, not blank, medians where they belong.

use super::*;

#[test]
fn every_chart_is_a_png_and_svg_of_the_stated_size_and_not_blank() {
    let s = fixture("full");
    let (dir, files) = write_all(&s);
    let ids = ids(&s);
    // Focus first, then Europe; price and bill have no data and no chart.
    assert_eq!(&ids[..2], ["answer_FR", "answer_EUROPE"]);
    assert!(ids.contains(&"exposure_FR".to_string()), "{ids:?}");
    assert!(
        !ids.iter().any(|i| i == "price_fan" || i == "bill_fan"),
        "{ids:?}"
    );
    assert_eq!(files.len(), 2 * ids.len());
    for id in &ids {
        let var = grey_variance(&decode_png(&dir.path().join(format!("{id}.png"))));
        // A blank or title-only page is < 200.
        assert!(var > 300.0, "{id}.png looks blank (grey variance {var:.0})");
        let svg = svg(dir.path(), id);
        assert!(svg.trim_start().starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
        assert!(
            svg.contains(&format!("width=\"{WIDTH}\""))
                && svg.contains(&format!("height=\"{HEIGHT}\""))
        );
        assert!(
            !svg.contains("No data"),
            "{id} fell back to 'No data' on a full fixture"
        );
        assert_eq!(
            svg.matches('<').count(),
            svg.matches('>').count(),
            "{id}.svg"
        );
    }
    for e in std::fs::read_dir(dir.path()).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(!name.contains(".tmp-"), "left over {name}");
    }
    // The run's marked date is on the answer charts.
    assert!(
        texts(&svg(dir.path(), "answer_FR"))
            .iter()
            .any(|t| t == "contract starts")
    );
}

/// Rows of the pixels of `color` (±8 per channel) in column `x`, rows `y0..y1`.
fn rows_of(img: &Image, color: RGBColor, x: u32, y0: u32, y1: u32) -> Vec<u32> {
    (y0..y1)
        .filter(|y| {
            let (r, g, b) = img.px(x, *y);
            (r as i32 - color.0 as i32).abs() < 8
                && (g as i32 - color.1 as i32).abs() < 8
                && (b as i32 - color.2 as i32).abs() < 8
        })
        .collect()
}

#[test]
fn fan_chart_draws_medians_on_a_fitted_linear_axis() {
    let s = fixture("fan");
    let dir = tempfile::tempdir().unwrap();
    charts::write_charts(&s, dir.path(), Formats::Png).unwrap();
    let img = decode_png(&dir.path().join("dependency_fan.png"));
    // The level panel spans about rows 114–378; its medians are flat near
    // the right edge (x ≈ 1160).
    let x = 1150;
    let ys: Vec<f64> = (0..3)
        .map(|pi| {
            let r = rows_of(&img, policy_color(pi), x, 100, 390);
            assert!(!r.is_empty(), "policy {pi}: no median pixel in column {x}");
            r.iter().sum::<u32>() as f64 / r.len() as f64
        })
        .collect();
    // Linear: pixel gaps in proportion to the gaps in value.
    let ratio = (ys[1] - ys[0]) / (ys[2] - ys[1]);
    let want = (FINAL_DEP[0] - FINAL_DEP[1]) / (FINAL_DEP[1] - FINAL_DEP[2]);
    assert!(
        (ratio - want).abs() < 0.15,
        "pixel gap ratio {ratio}, values say {want}"
    );
    // Fitted: 18–62 % spans well over the 44 % of the panel a 0–100 % axis gives.
    // (a 0–100 % axis gives 0.44 × 264 ≈ 116 px; 0–80 % gives 145).
    assert!(ys[2] - ys[0] > 130.0, "medians span {} px", ys[2] - ys[0]);
}
