//! The font every chart is drawn with, carried inside the binary.
//!
//! Role: plotters is built without its `ttf` feature (which needs the system's
//! fontconfig) and with `ab_glyph`, which knows no font until one is
//! registered. This module registers DejaVu Sans (regular and bold, embedded by
//! the `dejavu` crate) under the family name [`FAMILY`] exactly once per
//! process. Both the bitmap and the SVG backend need it: the SVG backend
//! measures text with it to place labels.
//!
//! Invariant: every chart function calls [`ensure_registered`] before
//! drawing; text drawn with another family name would fail at draw time.

use std::sync::OnceLock;

use plotters::style::{FontStyle, register_font};

/// Family name the charts ask for.
pub const FAMILY: &str = "sans-serif";

static REGISTERED: OnceLock<Result<(), String>> = OnceLock::new();

/// Registers the embedded fonts (idempotent, thread-safe).
///
/// Returns an error only if the embedded font bytes cannot be parsed, which
/// would be a build defect, but is reported rather than panicking.
pub fn ensure_registered() -> Result<(), String> {
    REGISTERED
        .get_or_init(|| {
            register_font(FAMILY, FontStyle::Normal, dejavu::sans::regular())
                .map_err(|_| "embedded DejaVu Sans is not a valid font".to_string())?;
            register_font(FAMILY, FontStyle::Bold, dejavu::sans::bold())
                .map_err(|_| "embedded DejaVu Sans Bold is not a valid font".to_string())?;
            Ok(())
        })
        .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registers_and_measures_text() {
        ensure_registered().unwrap();
        // A registered font gives a non-zero text extent; an unregistered
        // family would make `estimate_layout` fail.
        let style = plotters::style::TextStyle::from((FAMILY, 20.0));
        let (w, h) = plotters::style::FontDesc::from((FAMILY, 20.0))
            .box_size("Europe")
            .unwrap();
        assert!(w > 40 && h > 10, "text extent {w}x{h}");
        let _ = style;
    }
}
