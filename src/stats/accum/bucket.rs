//! Log-spaced buckets of quantised values, and the dense layout of a
//! histogram over the buckets its extremes span.
//!
//! Integer operations only, so the buckets are the same on every machine.
//! At level 0, integers with `|q| < 128` have a bucket each and every
//! octave `[2^e, 2^(e+1))` above is cut into 64 equal buckets. Level `L`
//! merges 2^L neighbouring level-0 buckets (`key_L = sign · (|key_0| >> L)`):
//! 2^(6−L) buckets per octave, the groups never straddling an octave.

/// Sub-bucket bits: 2⁶ = 64 buckets per octave at level 0.
const BITS: u32 = 6;
/// Coarsest level: one bucket per octave.
pub(super) const MAX_LEVEL: u8 = BITS as u8;
/// Most buckets a histogram holds (negative and positive ranges together;
/// the zero bucket is counted apart). At least 2·(3648 >> 6) + 2 = 116, so
/// that [`MAX_LEVEL`] always fits.
pub const SPAN_CAP: usize = 256;

/// Level-0 key of a quantised value: the identity for |q| < 128, else
/// `s·64 + m` where `m` is the top 7 bits of |q| and `s` the shift that
/// drops the rest; negated for negative q. Monotonic and contiguous in q;
/// |key| ≤ 3648 for |q| ≤ 2^62.
pub(super) fn key0(q: i64) -> i64 {
    let a = q.unsigned_abs();
    let k = if a < 1 << (BITS + 1) {
        a
    } else {
        let s = 63 - a.leading_zeros() - BITS;
        (u64::from(s) << BITS) + (a >> s)
    };
    if q < 0 { -(k as i64) } else { k as i64 }
}

/// Key of a quantised value at `level`.
#[inline]
pub(super) fn key(q: i64, level: u8) -> i64 {
    coarsen(key0(q), level)
}

/// A key of some level moved `by` levels coarser.
#[inline]
pub(super) fn coarsen(k: i64, by: u8) -> i64 {
    let a = (k.unsigned_abs() >> by) as i64;
    if k < 0 { -a } else { a }
}

/// Inclusive range of |q| covered by the level-0 key magnitude `a`.
fn range0(a: u64) -> (u64, u64) {
    if a < 1 << (BITS + 1) {
        (a, a)
    } else {
        let s = (a >> BITS) - 1;
        let m = a - (s << BITS);
        (m << s, ((m + 1) << s) - 1)
    }
}

/// Inclusive range of |q| covered by the key magnitude `a` at `level`.
pub(super) fn range(a: u64, level: u8) -> (u64, u64) {
    (range0(a << level).0, range0(((a + 1) << level) - 1).1)
}

/// Representative of a bucket (its midpoint; 0 for the zero bucket, which
/// covers `|q| < 2^level` on both sides), in quantised units.
pub(super) fn mid(k: i64, level: u8) -> f64 {
    if k == 0 {
        return 0.0;
    }
    let (lo, hi) = range(k.unsigned_abs(), level);
    let m = lo as f64 + (hi - lo) as f64 / 2.0;
    if k < 0 { -m } else { m }
}

/// Where a histogram's buckets are: the level, and the key ranges of the
/// negative and positive values (the zero bucket is counted apart). A
/// function of the exact extremes only — `min`, `max`, the smallest
/// positive and the largest negative quantised value — so the same for any
/// order of adds and merges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) struct Shape {
    pub level: u8,
    pub neg_lo: i16,
    pub neg_len: u16,
    pub pos_lo: i16,
    pub pos_len: u16,
}

impl Shape {
    /// The finest level whose ranges fit in [`SPAN_CAP`] buckets.
    /// `min_pos` is `i64::MAX` without positive values, `max_neg`
    /// `i64::MIN` without negative ones.
    pub(super) fn of(min: i64, max: i64, min_pos: i64, max_neg: i64) -> Shape {
        let at = |level: u8| {
            let (mut s, kmax, kmin) = (
                Shape {
                    level,
                    ..Shape::default()
                },
                key(max, level),
                key(min, level),
            );
            if max > 0 && kmax >= 1 {
                let lo = key(min_pos, level).max(1);
                s.pos_lo = lo as i16;
                s.pos_len = (kmax - lo + 1) as u16;
            }
            if min < 0 && kmin <= -1 {
                let hi = key(max_neg, level).min(-1);
                s.neg_lo = kmin as i16;
                s.neg_len = (hi - kmin + 1) as u16;
            }
            s
        };
        let mut level = 0;
        loop {
            let s = at(level);
            if s.len() <= SPAN_CAP || level == MAX_LEVEL {
                return s;
            }
            level += 1;
        }
    }

    pub(super) fn len(&self) -> usize {
        usize::from(self.neg_len) + usize::from(self.pos_len)
    }

    /// Index in the count array of a non-zero key of this level, if inside.
    #[inline]
    pub(super) fn index(&self, k: i64) -> Option<usize> {
        if k > 0 {
            let i = k - i64::from(self.pos_lo);
            (0..i64::from(self.pos_len))
                .contains(&i)
                .then(|| usize::from(self.neg_len) + i as usize)
        } else {
            let i = k - i64::from(self.neg_lo);
            (k < 0 && (0..i64::from(self.neg_len)).contains(&i)).then_some(i as usize)
        }
    }

    /// Key of the bucket at index `i` of the count array.
    pub(super) fn key_at(&self, i: usize) -> i64 {
        let n = usize::from(self.neg_len);
        if i < n {
            i64::from(self.neg_lo) + i as i64
        } else {
            i64::from(self.pos_lo) + (i - n) as i64
        }
    }
}
