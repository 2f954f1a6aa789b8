//! Placing the flow map's labels so none overlaps: node boxes start at
//! their projected coordinates and are pushed apart (and gently pulled back
//! towards where they belong); origins outside the map sit on its edge, on
//! the ray from the map's centre through the nodes they supply.

/// A labelled box on the map, centre and half sizes in panel pixels.
#[derive(Debug, Clone)]
pub struct Boxed {
    pub id: String,
    pub x: f64,
    pub y: f64,
    pub hw: f64,
    pub hh: f64,
}

impl Boxed {
    fn overlap(&self, o: &Boxed, gap: f64) -> Option<(f64, f64)> {
        let ox = self.hw + o.hw + gap - (self.x - o.x).abs();
        let oy = self.hh + o.hh + gap - (self.y - o.y).abs();
        (ox > 0.0 && oy > 0.0).then_some((ox, oy))
    }

    /// Distance from the centre to the box edge along the unit vector `u`.
    pub fn edge(&self, u: (f64, f64)) -> f64 {
        let tx = if u.0.abs() > 1e-9 {
            self.hw / u.0.abs()
        } else {
            f64::INFINITY
        };
        let ty = if u.1.abs() > 1e-9 {
            self.hh / u.1.abs()
        } else {
            f64::INFINITY
        };
        tx.min(ty)
    }
}

/// Pushes overlapping boxes apart within `bounds` (l, t, r, b). Large maps
/// (over 150 boxes) are left as projected: the pairwise pass would be slow
/// and their labels are not drawn anyway.
pub fn separate(boxes: &mut [Boxed], bounds: (f64, f64, f64, f64), gap: f64) {
    let n = boxes.len();
    if n > 150 {
        return;
    }
    let home: Vec<(f64, f64)> = boxes.iter().map(|b| (b.x, b.y)).collect();
    // Push apart, pulling gently towards home between rounds; the last
    // rounds push only, so the result has no overlap when they converge.
    for round in 0..400 {
        let pushed = push_apart(boxes, bounds, gap);
        if !pushed {
            break;
        }
        if round < 200 {
            for (b, h) in boxes.iter_mut().zip(&home) {
                b.x += (h.0 - b.x) * 0.02;
                b.y += (h.1 - b.y) * 0.02;
            }
        }
    }
}

/// One pass over all pairs; `true` if any pair overlapped.
fn push_apart(boxes: &mut [Boxed], bounds: (f64, f64, f64, f64), gap: f64) -> bool {
    let n = boxes.len();
    let mut moved = false;
    for i in 0..n {
        for j in i + 1..n {
            let Some((ox, oy)) = boxes[i].overlap(&boxes[j], gap) else {
                continue;
            };
            moved = true;
            // Move along the axis of least overlap, half each.
            let (dx, dy) = (boxes[j].x - boxes[i].x, boxes[j].y - boxes[i].y);
            if ox * 0.8 < oy {
                let s = if dx >= 0.0 { 1.0 } else { -1.0 } * (ox / 2.0 + 0.5);
                boxes[i].x -= s;
                boxes[j].x += s;
            } else {
                let s = if dy >= 0.0 { 1.0 } else { -1.0 } * (oy / 2.0 + 0.5);
                boxes[i].y -= s;
                boxes[j].y += s;
            }
        }
    }
    for b in boxes.iter_mut() {
        b.x = b.x.clamp(bounds.0 + b.hw, bounds.2 - b.hw);
        b.y = b.y.clamp(bounds.1 + b.hh, bounds.3 - b.hh);
    }
    moved
}

/// Places `ext` (an origin box) on the frame `edge` (l, t, r, b), on the
/// ray from `centre` through `towards`, then slides it along the edge
/// until it clears every box already `placed`.
pub fn on_edge(
    mut ext: Boxed,
    centre: (f64, f64),
    towards: (f64, f64),
    edge: (f64, f64, f64, f64),
    placed: &[Boxed],
) -> Boxed {
    let (l, t, r, b) = (
        edge.0 + ext.hw,
        edge.1 + ext.hh,
        edge.2 - ext.hw,
        edge.3 - ext.hh,
    );
    let (mut dx, mut dy) = (towards.0 - centre.0, towards.1 - centre.1);
    if dx.hypot(dy) < 1e-6 {
        (dx, dy) = (-1.0, 0.0);
    }
    let tx = if dx > 0.0 {
        (r - centre.0) / dx
    } else if dx < 0.0 {
        (l - centre.0) / dx
    } else {
        f64::INFINITY
    };
    let ty = if dy > 0.0 {
        (b - centre.1) / dy
    } else if dy < 0.0 {
        (t - centre.1) / dy
    } else {
        f64::INFINITY
    };
    let k = tx.min(ty);
    ext.x = (centre.0 + dx * k).clamp(l, r);
    ext.y = (centre.1 + dy * k).clamp(t, b);
    let on_side = (ext.x - l).abs() < 1.0 || (ext.x - r).abs() < 1.0;
    let start = (ext.x, ext.y);
    // Try positions alternately on either side of the first one.
    for k in 0..60 {
        if !placed.iter().any(|p| ext.overlap(p, 6.0).is_some()) {
            return ext;
        }
        let step = f64::from(k / 2 + 1) * 14.0 * if k % 2 == 0 { 1.0 } else { -1.0 };
        if on_side {
            ext.y = (start.1 + step).clamp(t, b);
        } else {
            ext.x = (start.0 + step).clamp(l, r);
        }
    }
    ext
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bx(id: &str, x: f64, y: f64) -> Boxed {
        Boxed {
            id: id.into(),
            x,
            y,
            hw: 20.0,
            hh: 11.0,
        }
    }

    #[test]
    fn separated_boxes_do_not_overlap_and_stay_near_home() {
        let mut b = vec![
            bx("SK", 100.0, 100.0),
            bx("HU", 105.0, 108.0),
            bx("AT", 95.0, 104.0),
            bx("ADRIA", 102.0, 112.0),
            bx("CZ", 300.0, 300.0),
        ];
        separate(&mut b, (0.0, 0.0, 600.0, 400.0), 4.0);
        for i in 0..b.len() {
            for j in i + 1..b.len() {
                assert!(
                    b[i].overlap(&b[j], 3.9).is_none(),
                    "{} and {}",
                    b[i].id,
                    b[j].id
                );
            }
        }
        assert!((b[4].x - 300.0).abs() < 1e-9, "a lone box stays put");
        assert!((b[0].x - 100.0).abs() < 80.0 && (b[0].y - 100.0).abs() < 80.0);
    }

    #[test]
    fn edge_boxes_clear_each_other() {
        let a = on_edge(
            bx("RU", 0.0, 0.0),
            (300.0, 200.0),
            (500.0, 150.0),
            (0.0, 0.0, 600.0, 400.0),
            &[],
        );
        assert!((a.x - 580.0).abs() < 1e-9, "on the right edge: {a:?}");
        let b = on_edge(
            bx("RU-LNG", 0.0, 0.0),
            (300.0, 200.0),
            (500.0, 150.0),
            (0.0, 0.0, 600.0, 400.0),
            std::slice::from_ref(&a),
        );
        assert!(b.overlap(&a, 5.9).is_none());
        assert!((b.edge((1.0, 0.0)) - 20.0).abs() < 1e-9);
    }
}
