//! The node's own pseudo-random generator.
//!
//! Randomized election timeouts (paper §5.2) are the only randomness in Raft. They come
//! from this small generator, seeded by the caller, so that one seed reproduces a run
//! exactly on every machine. No global or OS random source is ever touched.

/// SplitMix64: tiny, fast, statistically good enough for timeouts, and trivially
/// reproducible across platforms.
#[derive(Clone, Debug)]
pub struct Rng {
    state: u64,
}

impl Rng {
    /// A generator whose whole future output is fixed by `seed`.
    #[must_use]
    pub const fn new(seed: u64) -> Rng {
        Rng { state: seed }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A value uniform in `[low, high)`; `low` when the range is empty.
    pub fn in_range(&mut self, low: u64, high: u64) -> u64 {
        let span = high.saturating_sub(low);
        if span == 0 {
            return low;
        }
        // Multiply-shift maps 64 random bits onto the span; the bias is below 2^-40 for
        // any span a timeout can have.
        let scaled = (u128::from(self.next_u64()) * u128::from(span)) >> 64;
        low + scaled as u64
    }

    /// A float uniform in `[0, 1)`.
    pub fn unit_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::Rng;

    #[test]
    fn same_seed_gives_same_sequence() {
        let mut a = Rng::new(42);
        let mut b = Rng::new(42);
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
        assert_ne!(Rng::new(1).next_u64(), Rng::new(2).next_u64());
    }

    #[test]
    fn range_stays_inside_bounds_and_covers_them() {
        let mut rng = Rng::new(7);
        let (mut lo_seen, mut hi_seen) = (u64::MAX, 0);
        for _ in 0..10_000 {
            let v = rng.in_range(150_000, 300_000);
            assert!((150_000..300_000).contains(&v));
            lo_seen = lo_seen.min(v);
            hi_seen = hi_seen.max(v);
        }
        assert!(
            lo_seen < 151_000 && hi_seen > 299_000,
            "{lo_seen}..{hi_seen}"
        );
        assert_eq!(rng.in_range(5, 5), 5);
        assert_eq!(rng.in_range(9, 3), 9);
    }
}
