//! The built-in check-in: four 0-10 lines in our own words, written from the bond / goals /
//! tasks model of the working alliance plus an overall item. It is not a validated clinical
//! instrument and deliberately paraphrases no published scale (see ARCHITECTURE.md).

use super::instrument::{CeilingRule, Instrument, Item, Scale, Scoring, Thresholds};
use super::tenths::Tenths;
use super::text::{Text, ENGLISH};

pub const BUILTIN_INSTRUMENT_ID: &str = "builtin.alliance-checkin";
pub const BUILTIN_INSTRUMENT_VERSION: u32 = 1;

/// The default feedback thresholds for four 0-10 items (total 0-40). Each is a convention, not
/// a validated cut-off; ARCHITECTURE.md gives the reasons.
pub fn builtin_thresholds() -> Thresholds {
    Thresholds {
        // The common convention for four 0-10 lines: a total under 36 invites a conversation.
        total_below: Some(Tenths::points(36)),
        // Vendors flag single items anywhere from 7.5 to 9. We use the lowest of those so the
        // prompt stays rare enough to matter for clients who mostly rate near the top.
        item_below: Some(Tenths(75)),
        // Placing a mark on a line varies by about half a point from one time to the next.
        item_same_band: Tenths(5),
        // A total that moves by less than one point is "about the same".
        total_same_band: Tenths::points(1),
        // A drop of one point or more in the total (the vendors' session-to-session flag), or
        // of one point or more in any single item, is "lower than usual".
        total_drop: Some(Tenths::points(1)),
        item_drop: Some(Tenths::points(1)),
        // Three check-ins in a row with every item at 9.5 or above.
        ceiling: Some(CeilingRule {
            item_at_least: Tenths(95),
            run_length: 3,
        }),
    }
}

fn line(id: &str, title: &str, prompt: &str, low: &str, high: &str) -> Item {
    Item {
        id: id.into(),
        title: title.into(),
        prompt: prompt.into(),
        scale: Scale::VisualAnalogue {
            low_label: low.into(),
            high_label: high.into(),
        },
        reverse: false,
    }
}

/// The built-in four-item check-in in English (tests and tools).
pub fn builtin_instrument() -> Instrument {
    builtin_instrument_in(&ENGLISH)
}

/// The built-in four-item check-in worded in `text`'s language. Every language shares the id,
/// the version and the scoring, so check-ins compare across a change of language.
pub fn builtin_instrument_in(text: &Text) -> Instrument {
    Instrument {
        id: BUILTIN_INSTRUMENT_ID.into(),
        version: BUILTIN_INSTRUMENT_VERSION,
        title: text.builtin_title.into(),
        language: None,
        attribution: None,
        items: vec![
            line(
                "connection",
                text.connection_title,
                text.connection_prompt,
                text.connection_low,
                text.connection_high,
            ),
            line(
                "focus",
                text.focus_title,
                text.focus_prompt,
                text.focus_low,
                text.focus_high,
            ),
            line(
                "way-of-working",
                text.way_of_working_title,
                text.way_of_working_prompt,
                text.way_of_working_low,
                text.way_of_working_high,
            ),
            line(
                "overall",
                text.overall_title,
                text.overall_prompt,
                text.overall_low,
                text.overall_high,
            ),
        ],
        subscales: Vec::new(),
        scoring: Scoring::Sum,
        thresholds: builtin_thresholds(),
    }
}
