//! Fixed-point scores in tenths: every score, threshold and answer is an integer, so scoring is
//! exact, stored data holds no floats, and no float-formatting code is linked into the wasm.

use std::fmt;

/// A score or threshold in tenths of a point: `Tenths(75)` is 7.5.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Tenths(pub i32);

impl Tenths {
    /// Whole points, for readable constants: `Tenths::points(36)` is 36.0.
    pub const fn points(points: i32) -> Self {
        Tenths(points * 10)
    }

    /// Writes the value with the given decimal separator, dropping a trailing `.0`:
    /// 75 -> "7.5", 100 -> "10", -5 -> "-0.5".
    pub fn format_with(self, decimal_separator: char) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let magnitude = self.0.unsigned_abs();
        let (whole, tenth) = (magnitude / 10, magnitude % 10);
        if tenth == 0 {
            format!("{sign}{whole}")
        } else {
            format!("{sign}{whole}{decimal_separator}{tenth}")
        }
    }
}

impl fmt::Display for Tenths {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.format_with('.'))
    }
}

/// Divides and rounds half away from zero, for means held in tenths.
pub fn divide_rounded(numerator: i64, denominator: i64) -> i64 {
    debug_assert!(denominator > 0);
    if numerator >= 0 {
        (numerator * 2 + denominator) / (denominator * 2)
    } else {
        -((-numerator * 2 + denominator) / (denominator * 2))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_tenths_without_floats() {
        let cases = [
            (0, "0"),
            (5, "0.5"),
            (75, "7.5"),
            (100, "10"),
            (354, "35.4"),
            (400, "40"),
            (-5, "-0.5"),
            (-20, "-2"),
        ];
        for (tenths, expected) in cases {
            assert_eq!(Tenths(tenths).to_string(), expected, "{tenths}");
        }
        assert_eq!(Tenths(75).format_with(','), "7,5");
    }

    #[test]
    fn rounds_half_away_from_zero() {
        assert_eq!(divide_rounded(10, 4), 3); // 2.5 -> 3
        assert_eq!(divide_rounded(9, 4), 2); // 2.25 -> 2
        assert_eq!(divide_rounded(-10, 4), -3);
        assert_eq!(divide_rounded(0, 3), 0);
        assert_eq!(divide_rounded(200, 3), 67); // 66.67 -> 67
    }
}
