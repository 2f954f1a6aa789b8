//! The 256-bit unsigned integer of the exact sum of squares.

use serde::{Deserialize, Serialize};

/// Unsigned 256-bit integer, little-endian 64-bit limbs: just what the exact
/// variance needs. Arithmetic wraps silently only beyond the bounds argued at
/// each use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct U256(pub(super) [u64; 4]);

impl U256 {
    pub(super) const ZERO: Self = Self([0; 4]);

    pub(super) fn from_u128(v: u128) -> Self {
        Self([v as u64, (v >> 64) as u64, 0, 0])
    }

    /// In-place `+= v`: the hot path of `add`, carrying into the upper
    /// limbs only when the lower half overflows.
    pub(super) fn add_u128(&mut self, v: u128) {
        let low = u128::from(self.0[0]) | (u128::from(self.0[1]) << 64);
        let (s, carry) = low.overflowing_add(v);
        self.0[0] = s as u64;
        self.0[1] = (s >> 64) as u64;
        if carry {
            let (h, c2) = self.0[2].overflowing_add(1);
            self.0[2] = h;
            self.0[3] = self.0[3].wrapping_add(u64::from(c2));
        }
    }

    pub(super) fn add(&self, o: &Self) -> Self {
        let mut r = [0u64; 4];
        let mut carry = 0u128;
        for (i, limb) in r.iter_mut().enumerate() {
            let s = u128::from(self.0[i]) + u128::from(o.0[i]) + carry;
            *limb = s as u64;
            carry = s >> 64;
        }
        Self(r)
    }

    /// `self − o`, for `self ≥ o`.
    pub(super) fn sub(&self, o: &Self) -> Self {
        let mut r = [0u64; 4];
        let mut borrow = false;
        for (i, limb) in r.iter_mut().enumerate() {
            let (d1, b1) = self.0[i].overflowing_sub(o.0[i]);
            let (d2, b2) = d1.overflowing_sub(u64::from(borrow));
            *limb = d2;
            borrow = b1 || b2;
        }
        Self(r)
    }

    /// Product truncated to 256 bits.
    pub(super) fn mul(&self, o: &Self) -> Self {
        let mut r = [0u64; 4];
        for i in 0..4 {
            let mut carry = 0u128;
            for j in 0..4 - i {
                let t = u128::from(self.0[i]) * u128::from(o.0[j]) + u128::from(r[i + j]) + carry;
                r[i + j] = t as u64;
                carry = t >> 64;
            }
        }
        Self(r)
    }

    /// Nearest-ish f64 (deterministic: fixed order of exact steps).
    pub(super) fn to_f64(self) -> f64 {
        self.0
            .iter()
            .rev()
            .fold(0.0, |acc, &l| acc * 18_446_744_073_709_551_616.0 + l as f64)
    }
}
