//! Practice accent colours: read strictly (`#rgb` or `#rrggbb`, nothing else, so a setting can
//! never carry other CSS), then shaded per colour scheme until it meets WCAG contrast (4.5:1)
//! against the widget's backgrounds and under the text drawn on it.

/// An sRGB colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

/// WCAG's minimum contrast for normal text.
pub const TEXT_CONTRAST: f64 = 4.5;

const WHITE: Rgb = Rgb(255, 255, 255);
const BLACK: Rgb = Rgb(0, 0, 0);
/// The dark theme's surface (style/widget.css `--aci-surface`), the lightest dark background.
const DARK_SURFACE: Rgb = Rgb(0x1a, 0x23, 0x26);
/// The dark theme's page background (`--aci-bg`).
const DARK_BACKGROUND: Rgb = Rgb(0x12, 0x18, 0x19);
/// Text on the accent in the dark theme (`--aci-accent-text`).
const DARK_ACCENT_TEXT: Rgb = Rgb(0x0d, 0x1b, 0x1d);

/// sRGB channel value -> linear light, times 65535 (WCAG 2.x relative luminance). A table
/// instead of `powf`, which would add a math library to the download; a host test checks it.
const LINEAR: [u16; 256] = [
    0, 20, 40, 60, 80, 99, 119, 139, 159, 179, 199, 219, 241, 264, 288, 313, 340, 367, 396, 427,
    458, 491, 526, 562, 599, 637, 677, 718, 761, 805, 851, 898, 947, 997, 1048, 1101, 1156, 1212,
    1270, 1330, 1391, 1453, 1517, 1583, 1651, 1720, 1790, 1863, 1937, 2013, 2090, 2170, 2250, 2333,
    2418, 2504, 2592, 2681, 2773, 2866, 2961, 3058, 3157, 3258, 3360, 3464, 3570, 3678, 3788, 3900,
    4014, 4129, 4247, 4366, 4488, 4611, 4736, 4864, 4993, 5124, 5257, 5392, 5530, 5669, 5810, 5953,
    6099, 6246, 6395, 6547, 6700, 6856, 7014, 7174, 7335, 7500, 7666, 7834, 8004, 8177, 8352, 8528,
    8708, 8889, 9072, 9258, 9445, 9635, 9828, 10022, 10219, 10417, 10619, 10822, 11028, 11235,
    11446, 11658, 11873, 12090, 12309, 12530, 12754, 12980, 13209, 13440, 13673, 13909, 14146,
    14387, 14629, 14874, 15122, 15371, 15623, 15878, 16135, 16394, 16656, 16920, 17187, 17456,
    17727, 18001, 18277, 18556, 18837, 19121, 19407, 19696, 19987, 20281, 20577, 20876, 21177,
    21481, 21787, 22096, 22407, 22721, 23038, 23357, 23678, 24002, 24329, 24658, 24990, 25325,
    25662, 26001, 26344, 26688, 27036, 27386, 27739, 28094, 28452, 28813, 29176, 29542, 29911,
    30282, 30656, 31033, 31412, 31794, 32179, 32567, 32957, 33350, 33745, 34143, 34544, 34948,
    35355, 35764, 36176, 36591, 37008, 37429, 37852, 38278, 38706, 39138, 39572, 40009, 40449,
    40891, 41337, 41785, 42236, 42690, 43147, 43606, 44069, 44534, 45002, 45473, 45947, 46423,
    46903, 47385, 47871, 48359, 48850, 49344, 49841, 50341, 50844, 51349, 51858, 52369, 52884,
    53401, 53921, 54445, 54971, 55500, 56032, 56567, 57105, 57646, 58190, 58737, 59287, 59840,
    60396, 60955, 61517, 62082, 62650, 63221, 63795, 64372, 64952, 65535,
];

impl Rgb {
    /// Reads `#rgb` or `#rrggbb` (either case); anything else is refused.
    pub fn parse_hex(text: &str) -> Option<Rgb> {
        let digits = text.strip_prefix('#')?.as_bytes();
        let nibble = |byte: u8| (byte as char).to_digit(16).map(|value| value as u8);
        match digits.len() {
            3 => {
                let mut channels = [0u8; 3];
                for (channel, byte) in channels.iter_mut().zip(digits) {
                    *channel = nibble(*byte)? * 17;
                }
                Some(Rgb(channels[0], channels[1], channels[2]))
            }
            6 => {
                let mut channels = [0u8; 3];
                for (channel, pair) in channels.iter_mut().zip(digits.chunks(2)) {
                    *channel = nibble(pair[0])? * 16 + nibble(pair[1])?;
                }
                Some(Rgb(channels[0], channels[1], channels[2]))
            }
            _ => None,
        }
    }

    /// `#rrggbb`, lowercase: the only form the widget ever writes into its styles.
    pub fn hex(self) -> String {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut out = String::with_capacity(7);
        out.push('#');
        for channel in [self.0, self.1, self.2] {
            out.push(DIGITS[usize::from(channel >> 4)] as char);
            out.push(DIGITS[usize::from(channel & 15)] as char);
        }
        out
    }

    /// WCAG relative luminance, 0.0 (black) to 1.0 (white).
    pub fn luminance(self) -> f64 {
        let linear = |channel: u8| f64::from(LINEAR[usize::from(channel)]) / 65535.0;
        0.2126 * linear(self.0) + 0.7152 * linear(self.1) + 0.0722 * linear(self.2)
    }

    /// `self` moved `percent` of the way towards `other`.
    pub fn mix(self, other: Rgb, percent: u8) -> Rgb {
        let blend = |from: u8, to: u8| {
            let (from, to, percent) = (i32::from(from), i32::from(to), i32::from(percent));
            (from + ((to - from) * percent + 50 * (to - from).signum()) / 100) as u8
        };
        Rgb(
            blend(self.0, other.0),
            blend(self.1, other.1),
            blend(self.2, other.2),
        )
    }
}

/// The WCAG contrast ratio of two colours (1.0 to 21.0).
pub fn contrast(first: Rgb, second: Rgb) -> f64 {
    let (a, b) = (first.luminance(), second.luminance());
    let (lighter, darker) = if a > b { (a, b) } else { (b, a) };
    (lighter + 0.05) / (darker + 0.05)
}

/// The nearest shade of `colour` towards `towards` that has [`TEXT_CONTRAST`] against
/// `background`, in steps of 5%.
fn shade_until_readable(colour: Rgb, towards: Rgb, background: Rgb) -> Rgb {
    (0..=20)
        .map(|step| colour.mix(towards, step * 5))
        .find(|shade| contrast(*shade, background) >= TEXT_CONTRAST)
        .unwrap_or(towards)
}

/// The accent's colours in both schemes, each readable where the widget uses it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AccentPalette {
    /// Light scheme: text on white and the background of primary buttons.
    pub light: Rgb,
    /// Light scheme: text on `light`.
    pub light_text: Rgb,
    /// Light scheme: tinted backgrounds under body text.
    pub light_soft: Rgb,
    pub dark: Rgb,
    pub dark_text: Rgb,
    pub dark_soft: Rgb,
}

impl AccentPalette {
    /// The custom properties style/widget.css reads, with their values.
    pub fn custom_properties(&self) -> [(&'static str, String); 6] {
        [
            ("--aci-practice-accent", self.light.hex()),
            ("--aci-practice-accent-text", self.light_text.hex()),
            ("--aci-practice-accent-soft", self.light_soft.hex()),
            ("--aci-practice-accent-dark", self.dark.hex()),
            ("--aci-practice-accent-dark-text", self.dark_text.hex()),
            ("--aci-practice-accent-dark-soft", self.dark_soft.hex()),
        ]
    }
}

/// Shades `accent` for each scheme: darker where it is too light on white, lighter where it is
/// too dark on the dark theme's surface. A practice's colour that already reads well is kept.
pub fn accent_palette(accent: Rgb) -> AccentPalette {
    let light = shade_until_readable(accent, BLACK, WHITE);
    let dark = shade_until_readable(accent, WHITE, DARK_SURFACE);
    let dark_text = if contrast(dark, DARK_ACCENT_TEXT) >= TEXT_CONTRAST {
        DARK_ACCENT_TEXT
    } else {
        BLACK
    };
    AccentPalette {
        light,
        light_text: WHITE,
        light_soft: light.mix(WHITE, 88),
        dark,
        dark_text,
        dark_soft: dark.mix(DARK_BACKGROUND, 80),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_the_wcag_formula() {
        for (channel, stored) in LINEAR.iter().enumerate() {
            let s = channel as f64 / 255.0;
            let linear = if s <= 0.04045 {
                s / 12.92
            } else {
                ((s + 0.055) / 1.055).powf(2.4)
            };
            assert_eq!(
                *stored,
                (linear * 65535.0).round() as u16,
                "channel {channel}"
            );
        }
    }

    #[test]
    fn only_hex_colours_are_read() {
        assert_eq!(Rgb::parse_hex("#1B6670"), Some(Rgb(0x1b, 0x66, 0x70)));
        assert_eq!(Rgb::parse_hex("#f80"), Some(Rgb(0xff, 0x88, 0x00)));
        for refused in [
            "1b6670",
            "#1b667",
            "#1b66700",
            "#ggg",
            "red",
            "url(https://evil.example/x.png)",
            "#fff;background:url(x)",
            "#fff}body{display:none",
            "#１２３",
            "",
        ] {
            assert_eq!(Rgb::parse_hex(refused), None, "{refused}");
        }
        assert_eq!(Rgb(0x1b, 0x66, 0x70).hex(), "#1b6670");
    }

    #[test]
    fn contrast_matches_known_pairs() {
        assert!((contrast(BLACK, WHITE) - 21.0).abs() < 0.01);
        assert!((contrast(WHITE, WHITE) - 1.0).abs() < 1e-9);
        // The default accent on white, as documented in style/widget.css.
        assert!(contrast(Rgb(0x1b, 0x66, 0x70), WHITE) > 6.5);
    }

    #[test]
    fn a_readable_accent_is_kept_and_a_pale_one_is_darkened() {
        let teal = Rgb(0x1b, 0x66, 0x70);
        assert_eq!(accent_palette(teal).light, teal);
        let yellow = Rgb(0xff, 0xdd, 0x00);
        let palette = accent_palette(yellow);
        assert_ne!(palette.light, yellow);
        assert!(contrast(palette.light, WHITE) >= TEXT_CONTRAST);
        assert!(contrast(palette.light_text, palette.light) >= TEXT_CONTRAST);
    }

    #[test]
    fn every_accent_reads_well_in_both_schemes() {
        for red in (0..=255).step_by(51) {
            for green in (0..=255).step_by(51) {
                for blue in (0..=255).step_by(51) {
                    let palette = accent_palette(Rgb(red, green, blue));
                    assert!(contrast(palette.light, WHITE) >= TEXT_CONTRAST);
                    assert!(contrast(palette.light_text, palette.light) >= TEXT_CONTRAST);
                    assert!(contrast(palette.dark, DARK_SURFACE) >= TEXT_CONTRAST);
                    assert!(contrast(palette.dark, DARK_BACKGROUND) >= TEXT_CONTRAST);
                    assert!(contrast(palette.dark_text, palette.dark) >= TEXT_CONTRAST);
                }
            }
        }
    }
}
