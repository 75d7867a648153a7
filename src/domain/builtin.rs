//! The built-in check-in: four 0-10 lines in our own words, written from the bond / goals /
//! tasks model of the working alliance plus an overall item. It is not a validated clinical
//! instrument and deliberately paraphrases no published scale (see ARCHITECTURE.md).
//!
//! It is written in the same definition format a practice uses for its own questionnaire
//! (`src/instruments/alliance-checkin.json`, every text in every language of the widget), so
//! the built-in check-in is just one definition among others. The reasons for its thresholds are
//! in ARCHITECTURE.md ("The feedback rules, and why") and in this module's tests.

use super::definition::parse_definition;
use super::instrument::Instrument;
use super::text::{Text, ENGLISH};

pub const BUILTIN_INSTRUMENT_ID: &str = "builtin.alliance-checkin";
pub const BUILTIN_INSTRUMENT_VERSION: u32 = 2;

/// The built-in check-in's definition, as shipped.
pub const BUILTIN_DEFINITION: &str = include_str!("../instruments/alliance-checkin.json");

/// The built-in four-item check-in in English (tests and tools).
pub fn builtin_instrument() -> Instrument {
    builtin_instrument_in(&ENGLISH)
}

/// The built-in four-item check-in worded in `text`'s language. Every language shares the id,
/// the version and the scoring, so check-ins compare across a change of language.
pub fn builtin_instrument_in(text: &Text) -> Instrument {
    match parse_definition(BUILTIN_DEFINITION, text.language_tag) {
        Ok(instrument) => instrument,
        // The file is part of the build and `the_shipped_definition_reads_in_every_language`
        // reads it in every language, so this cannot happen in a build whose tests pass.
        Err(_) => panic!("the built-in definition does not read"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::definition::untranslated_texts;
    use crate::domain::instrument::{CeilingRule, Scale, Scoring, Thresholds};
    use crate::domain::tenths::Tenths;
    use crate::domain::text::CATALOGUES;

    #[test]
    fn the_shipped_definition_reads_in_every_language() {
        for text in CATALOGUES {
            let read = parse_definition(BUILTIN_DEFINITION, text.language_tag);
            assert!(read.is_ok(), "{}: {read:?}", text.language_tag);
        }
    }

    #[test]
    fn every_language_of_the_widget_has_every_text_of_the_check_in() {
        for text in CATALOGUES {
            assert_eq!(
                untranslated_texts(BUILTIN_DEFINITION, text.language_tag),
                Vec::<String>::new(),
                "{} is missing these texts of the built-in check-in",
                text.language_tag
            );
        }
    }

    #[test]
    fn every_language_shares_the_ids_scoring_and_thresholds() {
        let english = builtin_instrument();
        for text in CATALOGUES {
            let instrument = builtin_instrument_in(text);
            assert_eq!(instrument.id, BUILTIN_INSTRUMENT_ID);
            assert_eq!(instrument.version, BUILTIN_INSTRUMENT_VERSION);
            assert_eq!(instrument.scoring, Scoring::Sum);
            let ids: Vec<&str> = instrument
                .items
                .iter()
                .map(|item| item.id.as_str())
                .collect();
            assert_eq!(ids, ["connection", "focus", "way-of-working", "overall"]);
            for item in &instrument.items {
                assert!(matches!(item.scale, Scale::VisualAnalogue { .. }));
                assert!(!item.reverse);
            }
            assert!(instrument.subscales.is_empty());
            assert_eq!(instrument.thresholds, english.thresholds);
            // The lineage, said honestly in every language (see `the_lineage_is_named`).
            assert!(instrument.attribution.is_some());
            assert_eq!(instrument.compares_with, [1]);
        }
    }

    #[test]
    fn the_thresholds_are_the_documented_conventions() {
        // Each is a convention, not a validated cut-off; ARCHITECTURE.md gives the reasons.
        let expected = Thresholds {
            // The common convention for four 0-10 lines: a total under 36 invites a
            // conversation.
            total_below: Some(Tenths::points(36)),
            // Vendors flag single items anywhere from 7.5 to 9. We use the lowest of those so
            // the prompt stays rare enough to matter for clients who mostly rate near the top.
            item_below: Some(Tenths(75)),
            // Placing a mark on a line varies by about half a point from one time to the next.
            item_same_band: Tenths(5),
            // The total's noise is four marks' noise: 4 x 0.5 = 2.0. Four marks that each
            // move less than their 0.5 band move the total by at most 1.6, so a change under
            // 2.0 is "about the same" and only a drop of 2.0 or more reads as lower. (The
            // vendors' one-point total flag fires on that noise for stable clients.)
            total_same_band: Tenths::points(2),
            total_drop: Some(Tenths::points(2)),
            // A drop of one point or more in any single item (twice its noise band) names
            // that item: "Connection was lower than your usual".
            item_drop: Some(Tenths::points(1)),
            // Three check-ins in a row with every item at 9.5 or above.
            ceiling: Some(CeilingRule {
                item_at_least: Tenths(95),
                run_length: 3,
            }),
        };
        assert_eq!(builtin_instrument().thresholds, expected);
    }

    #[test]
    fn the_lineage_is_named() {
        // The format and thresholds follow the SRS / PCOMS conventions; the wording is ours.
        let english = builtin_instrument().attribution.unwrap();
        for needle in [
            "Session Rating Scale",
            "PCOMS",
            "our own",
            "not validated",
            "affiliated",
        ] {
            assert!(english.contains(needle), "{needle}: {english}");
        }
        let spanish = builtin_instrument_in(&crate::domain::text::SPANISH)
            .attribution
            .unwrap();
        assert!(spanish.contains("Session Rating Scale") && spanish.contains("no están validados"));
    }

    #[test]
    fn the_items_stay_away_from_the_srs_wording() {
        // Close paraphrases of the SRS's items were reworded (issue 14); keep them out.
        for text in CATALOGUES {
            let instrument = builtin_instrument_in(text);
            for item in &instrument.items {
                let Scale::VisualAnalogue { high_label, .. } = &item.scale else {
                    panic!("the built-in is four lines");
                };
                let high = high_label.to_lowercase();
                for close in [
                    "listened to",
                    "taken seriously",
                    "suited me",
                    "me escuchaba",
                    "me vino bien",
                ] {
                    assert!(!high.contains(close), "{}: {high}", text.language_tag);
                }
            }
        }
    }

    #[test]
    fn the_wording_is_each_languages_own() {
        let english = builtin_instrument();
        assert_eq!(english.title, "Session check-in");
        assert_eq!(english.items[0].title, "Connection");
        assert_eq!(english.items[0].prompt, "Today, with my therapist…");
        let spanish = builtin_instrument_in(&crate::domain::text::SPANISH);
        assert_eq!(spanish.title, "Valoración de la sesión");
        assert_eq!(spanish.items[1].title, "Temas");
        assert_eq!(
            spanish.items[3].scale,
            Scale::VisualAnalogue {
                low_label: "no valió la pena".into(),
                high_label: "fue un tiempo bien aprovechado".into(),
            }
        );
    }
}
