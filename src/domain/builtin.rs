//! The built-in check-in: four 0-10 lines in our own words, written from the bond / goals /
//! tasks model of the working alliance plus an overall item. It is not a validated clinical
//! instrument and deliberately paraphrases no published scale (see ARCHITECTURE.md).
//!
//! It is written in the same definition format a practice uses for its own questionnaire
//! (`src/instruments/alliance-checkin.json`, every text in every language of the widget), so
//! the built-in check-in is just one definition among others. The reasons for its thresholds are
//! in ARCHITECTURE.md ("The feedback rules, and why") and in this module's tests.
//!
//! The widget does not read that file at run time: `builtin_generated.rs` builds the same
//! instrument from constants, so the definition reader (`definition.rs`) is needed only for a
//! practice's own questionnaire and loads as a part (src/ui/parts.rs). That file is written
//! from the JSON by `generated_source` below; a test fails when it differs from what the JSON
//! gives (`UPDATE_EXPECT=1 cargo test --lib builtin` writes it again), so the JSON stays the
//! one source of the check-in's words and numbers.

use super::builtin_generated;
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
    builtin_generated::instrument_in(text.language_tag)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::definition::{parse_definition, untranslated_texts};
    use crate::domain::instrument::{CeilingRule, Scale, Scoring, Thresholds};
    use crate::domain::tenths::Tenths;
    use crate::domain::text::CATALOGUES;

    /// The generator of `builtin_generated.rs` and its check (host only: expect-test, which
    /// rewrites the file on request, is a host dev-dependency).
    #[cfg(not(target_arch = "wasm32"))]
    mod generator {
        use super::*;

        /// Writes `builtin_generated.rs`: the built-in definition read in every language of the
        /// widget, as Rust that builds the same `Instrument`. What every language shares (ids,
        /// numbers, scoring, thresholds) is written once; each text that differs between languages
        /// is one entry of a per-language table.
        struct Generator {
            read: Vec<(&'static str, Instrument)>,
            /// Per language, the texts that differ between languages, in the order written.
            texts: Vec<Vec<String>>,
        }

        impl Generator {
            /// One value that must be the same in every language (a number, a shape), as Rust.
            fn shared<T: PartialEq + std::fmt::Debug>(&self, pick: impl Fn(&Instrument) -> T) -> T {
                let first = pick(&self.read[0].1);
                for (tag, instrument) in &self.read[1..] {
                    assert_eq!(
                        pick(instrument),
                        first,
                        "{tag} differs from {}",
                        self.read[0].0
                    );
                }
                first
            }

            /// A text: a literal when every language has the same, else the language's table entry.
            fn text(&mut self, pick: impl Fn(&Instrument) -> &str) -> String {
                let first = pick(&self.read[0].1).to_owned();
                if self
                    .read
                    .iter()
                    .all(|(_, instrument)| pick(instrument) == first)
                {
                    return format!("{first:?}.into()");
                }
                for ((_, instrument), texts) in self.read.iter().zip(&mut self.texts) {
                    texts.push(pick(instrument).to_owned());
                }
                format!("t[{}].into()", self.texts[0].len() - 1)
            }

            fn optional_text(&mut self, pick: impl Fn(&Instrument) -> Option<&str>) -> String {
                if self.shared(|instrument| pick(instrument).is_none()) {
                    return "None".into();
                }
                format!(
                    "Some({})",
                    self.text(|instrument| pick(instrument).unwrap_or_default())
                )
            }

            fn instrument(&mut self) -> String {
                let mut out = String::from("Instrument {\n");
                let mut field = |name: &str, value: String| {
                    out.push_str(&format!("        {name}: {value},\n"));
                };
                field("id", self.text(|i| &i.id));
                field("version", self.shared(|i| i.version).to_string());
                field(
                    "compares_with",
                    format!("vec!{:?}", self.shared(|i| i.compares_with.clone())),
                );
                field("title", self.text(|i| &i.title));
                field("language", self.optional_text(|i| i.language.as_deref()));
                field(
                    "attribution",
                    self.optional_text(|i| i.attribution.as_deref()),
                );
                let items = (0..self.shared(|i| i.items.len()))
                    .map(|n| self.item(n))
                    .collect::<String>();
                field("items", format!("vec![\n{items}        ]"));
                let subscales = (0..self.shared(|i| i.subscales.len()))
                    .map(|n| self.subscale(n))
                    .collect::<String>();
                field("subscales", format!("vec![\n{subscales}        ]"));
                field(
                    "scoring",
                    format!("Scoring::{:?}", self.shared(|i| i.scoring)),
                );
                field(
                    "thresholds",
                    format!("{:?}", self.shared(|i| i.thresholds.clone())),
                );
                out.push_str("    }");
                out
            }

            fn item(&mut self, n: usize) -> String {
                let id = self.text(|i| &i.items[n].id);
                let title = self.text(|i| &i.items[n].title);
                let prompt = self.text(|i| &i.items[n].prompt);
                self.shared(|i| std::mem::discriminant(&i.items[n].scale));
                let scale = match &self.read[0].1.items[n].scale {
                    Scale::VisualAnalogue { .. } => {
                        let low = self.text(|i| line_label(i, n, 0));
                        let high = self.text(|i| line_label(i, n, 1));
                        format!("Scale::VisualAnalogue {{ low_label: {low}, high_label: {high} }}")
                    }
                    Scale::Likert { .. } => {
                        let likert = |i: &Instrument| match &i.items[n].scale {
                            Scale::Likert {
                                labels,
                                first_value,
                            } => (labels.len(), *first_value),
                            Scale::VisualAnalogue { .. } => unreachable!("checked shared above"),
                        };
                        let (points, first_value) = self.shared(likert);
                        let labels = (0..points)
                            .map(|point| {
                                self.text(|i| match &i.items[n].scale {
                                    Scale::Likert { labels, .. } => &labels[point],
                                    Scale::VisualAnalogue { .. } => unreachable!("checked above"),
                                })
                            })
                            .collect::<Vec<_>>()
                            .join(", ");
                        format!(
                            "Scale::Likert {{ labels: vec![{labels}], first_value: {first_value} }}"
                        )
                    }
                };
                let reverse = self.shared(|i| i.items[n].reverse);
                format!(
                    "            Item {{\n\
                     \x20               id: {id},\n\
                     \x20               title: {title},\n\
                     \x20               prompt: {prompt},\n\
                     \x20               scale: {scale},\n\
                     \x20               reverse: {reverse},\n\
                     \x20           }},\n"
                )
            }

            fn subscale(&mut self, n: usize) -> String {
                let id = self.text(|i| &i.subscales[n].id);
                let title = self.text(|i| &i.subscales[n].title);
                let item_ids = (0..self.shared(|i| i.subscales[n].item_ids.len()))
                    .map(|k| self.text(|i| &i.subscales[n].item_ids[k]))
                    .collect::<Vec<_>>()
                    .join(", ");
                format!(
                    "            Subscale {{ id: {id}, title: {title}, item_ids: vec![{item_ids}] }},\n"
                )
            }
        }

        /// One end's label of item `n`, a 0-10 line (`end` 0 the low end, 1 the high end).
        fn line_label(instrument: &Instrument, n: usize, end: usize) -> &str {
            match &instrument.items[n].scale {
                Scale::VisualAnalogue {
                    low_label,
                    high_label,
                } => [low_label, high_label][end],
                Scale::Likert { .. } => unreachable!("every language has the same scales"),
            }
        }

        /// The text of `builtin_generated.rs`, from the shipped definition.
        fn generated_source() -> String {
            let read = CATALOGUES
                .iter()
                .map(|text| {
                    let tag = text.language_tag;
                    (
                        tag,
                        parse_definition(BUILTIN_DEFINITION, tag).expect("the built-in reads"),
                    )
                })
                .collect::<Vec<_>>();
            let mut generator = Generator {
                texts: vec![Vec::new(); read.len()],
                read,
            };
            let instrument = generator.instrument();
            let mut out = String::from(
                "//! @generated from src/instruments/alliance-checkin.json by `generated_source` in\n\
                 //! builtin.rs, never by hand: `UPDATE_EXPECT=1 cargo test --lib builtin` writes it\n\
                 //! again, and a test fails while it differs from what the JSON gives. The built-in\n\
                 //! check-in as the definition reader reads it, in every language of the widget, so\n\
                 //! the widget does not need that reader for it.\n\n\
                 #[allow(unused_imports)]\n\
                 use super::instrument::{CeilingRule, Instrument, Item, Scale, Scoring, Subscale, Thresholds};\n\
                 #[allow(unused_imports)]\n\
                 use super::tenths::Tenths;\n\n",
            );
            let count = generator.texts[0].len();
            out.push_str(
                "/// The texts that differ between languages, per language (in `CATALOGUES`' order).\n",
            );
            out.push_str("#[rustfmt::skip]\n");
            out.push_str(&format!(
                "const TEXTS: [[&str; {count}]; {}] = [\n",
                generator.read.len()
            ));
            for ((tag, _), texts) in generator.read.iter().zip(&generator.texts) {
                out.push_str(&format!("    // {tag}\n    [\n"));
                for text in texts {
                    out.push_str(&format!("        {text:?},\n"));
                }
                out.push_str("    ],\n");
            }
            out.push_str("];\n\n");
            out.push_str(
                "/// The built-in check-in worded in `language`, one of the widget's language tags\n\
                 /// (any other gets the first language's words).\n\
                 #[rustfmt::skip]\n\
                 pub(super) fn instrument_in(language: &str) -> Instrument {\n\
                 \x20   let t = match language {\n",
            );
            for (index, (tag, _)) in generator.read.iter().enumerate().skip(1) {
                out.push_str(&format!("        {tag:?} => &TEXTS[{index}],\n"));
            }
            out.push_str("        _ => &TEXTS[0],\n    };\n    ");
            out.push_str(&instrument);
            out.push_str("\n}\n");
            out
        }

        #[test]
        fn the_generated_check_in_is_what_the_json_gives() {
            // Fails when the JSON changed and the generated file was not written again.
            expect_test::expect_file!["builtin_generated.rs"].assert_eq(&generated_source());
        }
    }

    #[test]
    fn the_generated_check_in_equals_the_definition_read_in_every_language() {
        for text in CATALOGUES {
            assert_eq!(
                builtin_instrument_in(text),
                parse_definition(BUILTIN_DEFINITION, text.language_tag).unwrap(),
                "{}",
                text.language_tag
            );
        }
    }

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
