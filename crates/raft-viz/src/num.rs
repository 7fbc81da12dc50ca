//! The little numeric help the front end needs, written out so the wasm stays small,
//! and the one way it writes numbers as text: [`push_u64`] and [`push_i64`] append
//! whole numbers, [`u64_text`] and [`i64_text`] make a new string of one,
//! [`push_fixed`] and [`decimal`] write fractions, [`push_seconds`] a time.
//!
//! `f64::sin`, `f64::hypot` and `str::parse::<f64>` each pull kilobytes of libm or
//! decimal-conversion code into the module (the trigonometry's general range reduction
//! alone is 5 KB); the layout only needs angles in [-π, 2π] to a few micro-pixels, and
//! the inputs are short decimals typed by people.

use core::f64::consts::{PI, TAU};

/// Sine and cosine of `x` (radians), accurate to about 1e-12 for |x| ≤ 8π.
/// Non-finite input gives NaNs, like `f64::sin_cos`.
pub fn sin_cos(x: f64) -> (f64, f64) {
    if !x.is_finite() {
        return (f64::NAN, f64::NAN);
    }
    // Reduce to r in [-π, π], then to [-π/2, π/2] with sin(π − r) = sin r,
    // cos(π − r) = −cos r.
    let mut r = x - TAU * (x / TAU).round();
    let mut cos_sign = 1.0;
    if r > PI / 2.0 {
        r = PI - r;
        cos_sign = -1.0;
    } else if r < -PI / 2.0 {
        r = -PI - r;
        cos_sign = -1.0;
    }
    (taylor_sin(r), cos_sign * taylor_cos(r))
}

/// sin r for |r| ≤ π/2 by its Taylor series to r^23 (error below 1e-16 there).
fn taylor_sin(r: f64) -> f64 {
    let r2 = r * r;
    let mut term = r;
    let mut sum = r;
    let mut k = 1.0;
    while k < 23.0 {
        term *= -r2 / ((k + 1.0) * (k + 2.0));
        sum += term;
        k += 2.0;
    }
    sum
}

/// cos r for |r| ≤ π/2 by its Taylor series to r^22.
fn taylor_cos(r: f64) -> f64 {
    let r2 = r * r;
    let mut term = 1.0;
    let mut sum = 1.0;
    let mut k = 0.0;
    while k < 22.0 {
        term *= -r2 / ((k + 1.0) * (k + 2.0));
        sum += term;
        k += 2.0;
    }
    sum
}

/// `v` limited to `[lo, hi]` (NaN gives `lo`). `f64::clamp` asserts `lo <= hi` with a
/// message that formats floats, which alone drags about 10 KB of float printing into the
/// wasm whenever the call is not inlined; `clippy.toml` therefore disallows it here.
#[allow(clippy::manual_clamp)]
pub fn clamp(v: f64, lo: f64, hi: f64) -> f64 {
    v.max(lo).min(hi)
}

/// √(x² + y²) (the inputs here are canvas coordinates: no overflow concerns).
pub fn hypot(x: f64, y: f64) -> f64 {
    (x * x + y * y).sqrt()
}

/// Parses a plain decimal as people type it: optional sign, digits, optional point and
/// digits (`5`, `-1.5`, `.25`, `0.05`). No exponents, no `inf`/`nan`; at most 17
/// significant digits are kept (input beyond that is rounded away, never rejected).
pub fn parse_decimal(s: &str) -> Option<f64> {
    let s = s.trim();
    // `strip_prefix`, not `&s[1..]`: slicing a `str` links in its panic path.
    let (negative, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if whole.is_empty() && frac.is_empty() {
        return None;
    }
    let mut mantissa: u64 = 0;
    let mut significant = 0u32;
    let mut scale_down = 0i32;
    let mut dropped_whole = 0i32;
    for (i, part) in [whole, frac].into_iter().enumerate() {
        for b in part.bytes() {
            let d = match b {
                b'0'..=b'9' => u64::from(b - b'0'),
                _ => return None,
            };
            if significant < 17 {
                mantissa = mantissa * 10 + d;
                if mantissa > 0 {
                    significant += 1;
                }
                if i == 1 {
                    scale_down += 1;
                }
            } else if i == 0 {
                dropped_whole += 1;
            }
        }
    }
    let mut value = mantissa as f64;
    for _ in 0..dropped_whole {
        value *= 10.0;
    }
    value /= pow10(scale_down);
    Some(if negative { -value } else { value })
}

fn pow10(n: i32) -> f64 {
    let mut p = 1.0;
    for _ in 0..n.max(0) {
        p *= 10.0;
    }
    p
}

/// `v` with at most `places` decimals, trailing zeros trimmed (`0.25`, `12`, `-1.5`).
pub fn decimal(v: f64, places: u32) -> String {
    if !v.is_finite() {
        return String::from("0");
    }
    let places = places.min(9);
    let scaled = (v.abs() * 10u64.pow(places) as f64).round();
    if scaled >= u64::MAX as f64 {
        return String::from("0");
    }
    let scaled = scaled as u64;
    let mut out = String::new();
    if v < 0.0 && scaled > 0 {
        out.push('-');
    }
    push_fixed(&mut out, scaled, places);
    out
}

/// Appends `n / 10^places` with its fraction, trailing zeros left out: `push_fixed(_,
/// 12_500, 3)` writes "12.5".
pub fn push_fixed(out: &mut String, n: u64, places: u32) {
    // At least 1, which lets the compiler drop the division's zero check.
    let mut unit = 10u64.pow(places).max(1);
    push_u64(out, n / unit);
    let mut frac = n % unit;
    if frac != 0 {
        out.push('.');
    }
    // `frac < unit` throughout, so `unit` is at least 10 while `frac` is not zero.
    while frac != 0 && unit >= 10 {
        unit /= 10;
        push_u64(out, frac / unit);
        frac %= unit;
    }
}

/// Appends microseconds as seconds with three decimals, zeros kept: `1.020 s`.
pub fn push_seconds(out: &mut String, us: u64) {
    push_u64(out, us / 1_000_000);
    out.push('.');
    let ms = us / 1_000 % 1_000;
    if ms < 100 {
        out.push('0');
    }
    if ms < 10 {
        out.push('0');
    }
    push_u64(out, ms);
    out.push_str(" s");
}

/// Appends `n` in decimal.
pub fn push_u64(out: &mut String, n: u64) {
    if n >= 10 {
        push_u64(out, n / 10);
    }
    out.push(char::from(b'0' + (n % 10) as u8));
}

/// Appends `i` in decimal, with a `-` when negative.
pub fn push_i64(out: &mut String, i: i64) {
    if i < 0 {
        out.push('-');
    }
    push_u64(out, i.unsigned_abs());
}

/// `n` in decimal, as a new string (`to_string` costs a formatting call per site).
#[inline(never)]
pub fn u64_text(n: u64) -> String {
    let mut out = String::new();
    push_u64(&mut out, n);
    out
}

/// `i` in decimal, with a `-` when negative, as a new string.
pub fn i64_text(i: i64) -> String {
    let mut out = String::new();
    push_i64(&mut out, i);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sin_cos_matches_libm_over_the_angles_the_layout_uses() {
        let mut x = -3.0 * PI;
        while x <= 3.0 * PI {
            let (s, c) = sin_cos(x);
            assert!((s - x.sin()).abs() < 1e-12, "sin {x}: {s} vs {}", x.sin());
            assert!((c - x.cos()).abs() < 1e-12, "cos {x}: {c} vs {}", x.cos());
            x += 0.001;
        }
        assert!(sin_cos(f64::NAN).0.is_nan());
        assert!(sin_cos(f64::INFINITY).1.is_nan());
    }

    #[test]
    fn clamp_limits_and_maps_nan_to_the_lower_bound() {
        assert_eq!(clamp(5.0, 0.0, 1.0), 1.0);
        assert_eq!(clamp(-5.0, 0.0, 1.0), 0.0);
        assert_eq!(clamp(0.5, 0.0, 1.0), 0.5);
        assert_eq!(clamp(f64::NAN, 2.0, 3.0), 2.0);
    }

    #[test]
    fn hypot_is_the_euclidean_length() {
        assert_eq!(hypot(3.0, 4.0), 5.0);
        assert_eq!(hypot(0.0, -2.0), 2.0);
    }

    #[test]
    fn parse_decimal_reads_what_people_type() {
        assert_eq!(parse_decimal("5"), Some(5.0));
        assert_eq!(parse_decimal(" -1.5 "), Some(-1.5));
        assert_eq!(parse_decimal("+.25"), Some(0.25));
        assert_eq!(parse_decimal("0.05"), Some(0.05));
        assert_eq!(parse_decimal("1000"), Some(1000.0));
        assert_eq!(parse_decimal("12."), Some(12.0));
        assert_eq!(parse_decimal("0.001"), Some(0.001));
        let big = parse_decimal("123456789012345678901").unwrap_or(0.0);
        assert!((big / 1.2345678901234568e20 - 1.0).abs() < 1e-15, "{big}");
        assert_eq!(parse_decimal("0.000000000000000000001"), Some(1e-21));
    }

    #[test]
    fn decimal_prints_at_most_the_asked_places_without_trailing_zeros() {
        assert_eq!(decimal(0.25, 4), "0.25");
        assert_eq!(decimal(12.0, 3), "12");
        assert_eq!(decimal(-1.5, 2), "-1.5");
        assert_eq!(decimal(0.0666666, 4), "0.0667");
        assert_eq!(decimal(-0.00001, 3), "0");
        assert_eq!(decimal(f64::NAN, 3), "0");
        for v in [0.05, 1.25, 2.0, 0.001, 150.5] {
            assert_eq!(parse_decimal(&decimal(v, 4)), Some(v), "{v}");
        }
    }

    #[test]
    fn seconds_keep_three_places_and_whole_numbers_read_as_core_fmt_writes_them() {
        for us in [0, 7, 999, 1_000, 12_345, 1_020_000, 61_100_000, u64::MAX] {
            let want = format!("{}.{:03} s", us / 1_000_000, us / 1_000 % 1_000);
            let mut got = String::new();
            push_seconds(&mut got, us);
            assert_eq!(got, want);
            assert_eq!(u64_text(us), us.to_string());
        }
        for i in [0, -1, 7, i64::MIN, i64::MAX] {
            assert_eq!(i64_text(i), i.to_string());
        }
        let mut fixed = String::new();
        push_fixed(&mut fixed, 12_500, 3);
        assert_eq!(fixed, "12.5");
    }

    #[test]
    fn parse_decimal_refuses_what_is_not_a_plain_decimal() {
        for bad in [
            "", " ", "-", ".", "abc", "1e3", "1.2.3", "inf", "NaN", "--1", "1,5", "0x10",
        ] {
            assert_eq!(parse_decimal(bad), None, "{bad:?}");
        }
    }
}
