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

    /// Reads a non-negative number of points with at most one decimal place ("36", "7.5",
    /// "0.5"), as a practice writes it in a setting or a questionnaire file.
    pub fn parse_points(text: &str) -> Option<Self> {
        let (whole, tenth) = match text.split_once('.') {
            Some((whole, tenth)) if tenth.len() == 1 => (whole, tenth),
            Some(_) => return None,
            None => (text, "0"),
        };
        let digits =
            |part: &str| !part.is_empty() && part.bytes().all(|byte| byte.is_ascii_digit());
        if !digits(whole) || !digits(tenth) || whole.len() > 6 {
            return None;
        }
        Some(Tenths(
            whole.parse::<i32>().ok()? * 10 + tenth.parse::<i32>().ok()?,
        ))
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
    fn reads_points_with_one_decimal_place_at_most() {
        assert_eq!(Tenths::parse_points("36"), Some(Tenths(360)));
        assert_eq!(Tenths::parse_points("7.5"), Some(Tenths(75)));
        assert_eq!(Tenths::parse_points("0.5"), Some(Tenths(5)));
        for refused in ["", "-1", "7.55", "7.", ".5", "1e3", "7,5", " 7", "9999999"] {
            assert_eq!(Tenths::parse_points(refused), None, "{refused}");
        }
    }

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
