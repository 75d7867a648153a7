//! Instrument definitions: the items of a questionnaire, their scales, how they are scored and
//! the thresholds that drive feedback. Pure data: a practice's licensed questionnaire is loaded
//! from a JSON definition (`definition.rs`), and the built-in check-in is just one instance.
//! [`Instrument::validate`] holds every rule a definition must meet, whatever its source.

use std::ops::RangeInclusive;

use super::tenths::Tenths;

/// The most items a questionnaire may have (a check-in is answered on a phone, after a session).
pub const MAX_ITEMS: usize = 60;
/// The longest any text of a questionnaire may be, in characters.
pub const MAX_TEXT_CHARS: usize = 500;
/// The longest id (of the questionnaire, an item or a subscale), in characters.
pub const MAX_ID_CHARS: usize = 64;
/// How many points a Likert item may have.
pub const LIKERT_POINTS: RangeInclusive<usize> = 2..=11;
/// The largest value a Likert item's first point may have.
pub const MAX_FIRST_VALUE: u16 = 100;
/// How many check-ins in a row the ceiling rule may look at.
pub const CEILING_RUN: RangeInclusive<u8> = 2..=20;

/// A questionnaire the widget can present and score.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Instrument {
    /// Stable identifier stored with every check-in, e.g. `builtin.alliance-checkin`.
    pub id: String,
    /// Bumped whenever items or scoring change, so old check-ins are never rescored wrongly.
    pub version: u32,
    /// Earlier versions whose check-ins compare with this one (baseline, trend, chart, history):
    /// only for a change of wording that keeps every item's id, scale and meaning. Empty by
    /// default: another version is another questionnaire.
    pub compares_with: Vec<u32>,
    pub title: String,
    /// The language the definition says its plain texts are written in (a BCP 47 primary tag
    /// such as "en"), if it says so.
    pub language: Option<String>,
    /// Licence or copyright text to show under the questionnaire, when its owner requires it.
    pub attribution: Option<String>,
    pub items: Vec<Item>,
    pub subscales: Vec<Subscale>,
    pub scoring: Scoring,
    pub thresholds: Thresholds,
}

/// One question.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    /// Stable identifier, unique within the instrument (answers are stored by it).
    pub id: String,
    /// A short name shown in results and lists ("Connection").
    pub title: String,
    /// The question or sentence stem the client answers.
    pub prompt: String,
    pub scale: Scale,
    /// Reverse-scored: a high answer means a weaker alliance.
    pub reverse: bool,
}

/// How an item is answered. Stored answers are integers whose meaning depends on the scale.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scale {
    /// A 0-10 line answered in tenths (stored 0..=100), both ends labelled.
    VisualAnalogue {
        low_label: String,
        high_label: String,
    },
    /// k labelled points (2..=11); stored as the point's value, `first_value..first_value+k-1`.
    Likert {
        labels: Vec<String>,
        first_value: u16,
    },
}

/// Largest stored value on a visual-analogue scale: 10.0 in tenths.
pub const VISUAL_ANALOGUE_MAX: u16 = 100;

impl Scale {
    /// The smallest and largest stored answer this scale accepts.
    pub fn answer_range(&self) -> (u16, u16) {
        match self {
            Scale::VisualAnalogue { .. } => (0, VISUAL_ANALOGUE_MAX),
            Scale::Likert {
                labels,
                first_value,
            } => (
                *first_value,
                first_value.saturating_add((labels.len() as u16).saturating_sub(1)),
            ),
        }
    }

    /// The largest score an item on this scale can contribute, in tenths.
    pub fn max_score(&self) -> Tenths {
        let (_, high) = self.answer_range();
        match self {
            Scale::VisualAnalogue { .. } => Tenths(i32::from(high)),
            Scale::Likert { .. } => Tenths(i32::from(high) * 10),
        }
    }
}

/// A named group of items scored together (e.g. Bond, Goal, Task).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subscale {
    pub id: String,
    pub title: String,
    pub item_ids: Vec<String>,
}

/// How item scores combine into the total and each subscale.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scoring {
    Sum,
    /// The mean, rounded half away from zero to a tenth.
    Mean,
}

/// The numbers behind every feedback signal, held as data of the instrument (never literals in
/// the UI). All values are in tenths of the scale the total is reported on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Thresholds {
    /// "Worth a conversation" when the total is below this.
    pub total_below: Option<Tenths>,
    /// Flags any item scoring below this.
    pub item_below: Option<Tenths>,
    /// Item differences smaller than this against the baseline count as "about the same".
    pub item_same_band: Tenths,
    /// Total differences smaller than this against the baseline count as "about the same".
    pub total_same_band: Tenths,
    /// "Lower than usual" when the total falls by at least this against the baseline.
    pub total_drop: Option<Tenths>,
    /// "Lower than usual" when any item falls by at least this against the baseline.
    pub item_drop: Option<Tenths>,
    /// The ceiling prompt: every item at or above `item_at_least` in `run_length` check-ins in
    /// a row (counting the current one).
    pub ceiling: Option<CeilingRule>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CeilingRule {
    pub item_at_least: Tenths,
    pub run_length: u8,
}

/// A problem found in an instrument definition, with the path of the offending value in the
/// definition's JSON layout (`items[3].scale.points`; empty for the definition as a whole).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DefinitionError {
    pub path: String,
    pub message: String,
}

impl DefinitionError {
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        DefinitionError {
            path: path.into(),
            message: message.into(),
        }
    }
}

/// "path: message", or just the message for the definition as a whole.
impl std::fmt::Display for DefinitionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// What is wrong with a text of a questionnaire (a title, a prompt, a label), if anything.
pub fn text_problem(text: &str) -> Option<&'static str> {
    if text.trim().is_empty() {
        Some("must not be empty")
    } else if text.chars().count() > MAX_TEXT_CHARS {
        Some("must be at most 500 characters")
    } else {
        None
    }
}

/// What is wrong with an id (of the questionnaire, an item or a subscale), if anything. Ids are
/// stored with every check-in, so they are plain: lower-case letters, digits, `.` and `-`.
pub fn id_problem(id: &str) -> Option<&'static str> {
    let plain = |byte: u8| matches!(byte, b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-');
    if id.is_empty() {
        Some("must not be empty")
    } else if id.len() > MAX_ID_CHARS || !id.bytes().all(plain) {
        Some("must be 1 to 64 characters, each a-z, 0-9, \".\" or \"-\"")
    } else {
        None
    }
}

/// Whether `tag` is a BCP 47 primary language subtag as the definition's `language` must be:
/// two or three lower-case letters ("en", "es", "haw").
pub fn is_primary_language_tag(tag: &str) -> bool {
    (2..=3).contains(&tag.len()) && tag.bytes().all(|byte| byte.is_ascii_lowercase())
}

impl Instrument {
    pub fn item(&self, item_id: &str) -> Option<&Item> {
        self.items.iter().find(|item| item.id == item_id)
    }

    /// The largest total this instrument can score, in tenths.
    pub fn max_total(&self) -> Tenths {
        let scores = self.items.iter().map(|item| item.scale.max_score());
        match self.scoring {
            Scoring::Sum => Tenths(scores.map(|score| score.0).sum()),
            Scoring::Mean => scores.max().unwrap_or_default(),
        }
    }

    /// The largest score any one item can have, in tenths.
    pub fn max_item_score(&self) -> Tenths {
        self.items
            .iter()
            .map(|item| item.scale.max_score())
            .max()
            .unwrap_or_default()
    }

    /// Checks the definition and reports every problem found, each with its path (named as in
    /// the JSON definition format, see `src/instruments/README.md`).
    pub fn validate(&self) -> Result<(), Vec<DefinitionError>> {
        let mut errors = Vec::new();
        let mut push =
            |path: String, message: &str| errors.push(DefinitionError::new(path, message));
        if let Some(problem) = id_problem(&self.id) {
            push("id".into(), problem);
        }
        if self.version == 0 {
            push("version".into(), "must be 1 or more");
        }
        if self
            .compares_with
            .iter()
            .any(|earlier| *earlier == 0 || *earlier >= self.version)
        {
            push(
                "compares_with".into(),
                "must list only earlier versions (from 1 to one less than version)",
            );
        }
        if let Some(problem) = text_problem(&self.title) {
            push("title".into(), problem);
        }
        if let Some(language) = &self.language {
            if !is_primary_language_tag(language) {
                push("language".into(), "must be a language tag such as \"en\"");
            }
        }
        if let Some(problem) = self.attribution.as_deref().and_then(text_problem) {
            push("attribution".into(), problem);
        }
        if self.items.is_empty() {
            push("items".into(), "must list at least one item");
        } else if self.items.len() > MAX_ITEMS {
            push("items".into(), "must list at most 60 items");
        }
        for (index, item) in self.items.iter().enumerate() {
            let at = |field: &str| format!("items[{index}].{field}");
            if let Some(problem) = id_problem(&item.id) {
                push(at("id"), problem);
            } else if self.items[..index].iter().any(|other| other.id == item.id) {
                push(at("id"), "repeats an earlier item's id");
            }
            for (field, text) in [("title", &item.title), ("prompt", &item.prompt)] {
                if let Some(problem) = text_problem(text) {
                    push(at(field), problem);
                }
            }
            match &item.scale {
                Scale::Likert {
                    labels,
                    first_value,
                } => {
                    if !LIKERT_POINTS.contains(&labels.len()) {
                        push(at("scale.points"), "must be 2..=11");
                    }
                    if *first_value > MAX_FIRST_VALUE {
                        push(
                            at("scale.first_value"),
                            "must be a whole number from 0 to 100",
                        );
                    }
                    for (point, label) in labels.iter().enumerate() {
                        if let Some(problem) = text_problem(label) {
                            push(at(&format!("scale.labels[{point}]")), problem);
                        }
                    }
                }
                Scale::VisualAnalogue {
                    low_label,
                    high_label,
                } => {
                    for (field, text) in [("scale.low", low_label), ("scale.high", high_label)] {
                        if let Some(problem) = text_problem(text) {
                            push(at(field), problem);
                        }
                    }
                }
            }
        }
        for (index, subscale) in self.subscales.iter().enumerate() {
            let at = |field: &str| format!("subscales[{index}].{field}");
            if let Some(problem) = id_problem(&subscale.id) {
                push(at("id"), problem);
            } else if self.subscales[..index]
                .iter()
                .any(|other| other.id == subscale.id)
            {
                push(at("id"), "repeats an earlier subscale's id");
            }
            if let Some(problem) = text_problem(&subscale.title) {
                push(at("title"), problem);
            }
            if subscale.item_ids.is_empty() {
                push(at("items"), "must list at least one item");
            }
            for (position, item_id) in subscale.item_ids.iter().enumerate() {
                if self.item(item_id).is_none() {
                    push(
                        at(&format!("items[{position}]")),
                        "names no item of this instrument",
                    );
                } else if subscale.item_ids[..position].contains(item_id) {
                    push(
                        at(&format!("items[{position}]")),
                        "names an item already listed",
                    );
                }
            }
        }
        // Thresholds are in the points the total and the items are reported in, so they are
        // judged against the largest score (only once there are items to score).
        if !self.items.is_empty() {
            let thresholds = &self.thresholds;
            let (total, item) = (self.max_total(), self.max_item_score());
            let mut within = |path: &str, value: Option<Tenths>, low: Tenths, high: Tenths| {
                if value.is_some_and(|value| value < low || value > high) {
                    push(
                        format!("thresholds.{path}"),
                        &format!("must be a number from {low} to {high}"),
                    );
                }
            };
            // A drop of 0 would call every unchanged check-in "lower".
            let least_drop = Tenths(1);
            within("total_below", thresholds.total_below, Tenths(0), total);
            within("item_below", thresholds.item_below, Tenths(0), item);
            within("total_drop", thresholds.total_drop, least_drop, total);
            within("item_drop", thresholds.item_drop, least_drop, item);
            within(
                "total_same_band",
                Some(thresholds.total_same_band),
                Tenths(0),
                total,
            );
            within(
                "item_same_band",
                Some(thresholds.item_same_band),
                Tenths(0),
                item,
            );
            within(
                "ceiling.item_at_least",
                thresholds.ceiling.map(|rule| rule.item_at_least),
                Tenths(0),
                item,
            );
        }
        if let Some(rule) = &self.thresholds.ceiling {
            if !CEILING_RUN.contains(&rule.run_length) {
                push(
                    "thresholds.ceiling.run_length".into(),
                    "must be a whole number from 2 to 20",
                );
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::builtin::builtin_instrument;

    #[test]
    fn builtin_instrument_is_valid_and_scores_out_of_forty() {
        let instrument = builtin_instrument();
        assert_eq!(instrument.validate(), Ok(()));
        assert_eq!(instrument.items.len(), 4);
        assert_eq!(instrument.max_total(), Tenths::points(40));
    }

    /// The paths and messages of a definition's problems, as `path: message` lines.
    fn problems(instrument: &Instrument) -> Vec<String> {
        instrument
            .validate()
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn validation_reports_every_problem_with_its_path() {
        let mut instrument = builtin_instrument();
        instrument.id = " ".into();
        instrument.items[1].id = instrument.items[0].id.clone();
        instrument.items[2].scale = Scale::Likert {
            labels: vec!["only one".into()],
            first_value: 1,
        };
        instrument.subscales.push(Subscale {
            id: "bond".into(),
            title: "Bond".into(),
            item_ids: vec!["nope".into()],
        });
        instrument.thresholds.total_below = Some(Tenths::points(30));
        assert_eq!(
            problems(&instrument),
            [
                "id: must be 1 to 64 characters, each a-z, 0-9, \".\" or \"-\"",
                "items[1].id: repeats an earlier item's id",
                "items[2].scale.points: must be 2..=11",
                "subscales[0].items[0]: names no item of this instrument",
            ]
        );
    }

    #[test]
    fn texts_ids_and_limits_are_checked_everywhere() {
        let mut instrument = builtin_instrument();
        instrument.title = "  ".into();
        instrument.language = Some("EN".into());
        instrument.attribution = Some("x".repeat(501));
        instrument.items[0].prompt = String::new();
        instrument.items[1].id = "Focus".into();
        instrument.items[2].scale = Scale::Likert {
            labels: vec!["Low".into(), " ".into()],
            first_value: 101,
        };
        instrument.items[3].scale = Scale::VisualAnalogue {
            low_label: "é".repeat(500),
            high_label: String::new(),
        };
        instrument.subscales = vec![
            Subscale {
                id: "a".into(),
                title: "A".into(),
                item_ids: vec!["connection".into(), "connection".into()],
            },
            Subscale {
                id: "a".into(),
                title: String::new(),
                item_ids: Vec::new(),
            },
        ];
        assert_eq!(
            problems(&instrument),
            [
                "title: must not be empty",
                "language: must be a language tag such as \"en\"",
                "attribution: must be at most 500 characters",
                "items[0].prompt: must not be empty",
                "items[1].id: must be 1 to 64 characters, each a-z, 0-9, \".\" or \"-\"",
                "items[2].scale.first_value: must be a whole number from 0 to 100",
                "items[2].scale.labels[1]: must not be empty",
                "items[3].scale.high: must not be empty",
                "subscales[0].items[1]: names an item already listed",
                "subscales[1].id: repeats an earlier subscale's id",
                "subscales[1].title: must not be empty",
                "subscales[1].items: must list at least one item",
            ]
        );
    }

    #[test]
    fn sixty_items_at_most() {
        let mut instrument = builtin_instrument();
        let template = instrument.items[0].clone();
        instrument.items = (0..61)
            .map(|number| Item {
                id: format!("i{number}"),
                ..template.clone()
            })
            .collect();
        assert_eq!(problems(&instrument), ["items: must list at most 60 items"]);
        instrument.items.pop();
        assert_eq!(instrument.validate(), Ok(()));
        instrument.items.clear();
        assert_eq!(
            problems(&instrument),
            ["items: must list at least one item"]
        );
    }

    #[test]
    fn thresholds_must_lie_on_the_reported_scale() {
        let mut instrument = builtin_instrument();
        let thresholds = &mut instrument.thresholds;
        thresholds.total_below = Some(Tenths(401));
        thresholds.item_below = Some(Tenths(-1));
        thresholds.total_drop = Some(Tenths(0));
        thresholds.item_drop = Some(Tenths(101));
        thresholds.total_same_band = Tenths(401);
        thresholds.item_same_band = Tenths(-5);
        thresholds.ceiling = Some(CeilingRule {
            item_at_least: Tenths(101),
            run_length: 1,
        });
        assert_eq!(
            problems(&instrument),
            [
                "thresholds.total_below: must be a number from 0 to 40",
                "thresholds.item_below: must be a number from 0 to 10",
                "thresholds.total_drop: must be a number from 0.1 to 40",
                "thresholds.item_drop: must be a number from 0.1 to 10",
                "thresholds.total_same_band: must be a number from 0 to 40",
                "thresholds.item_same_band: must be a number from 0 to 10",
                "thresholds.ceiling.item_at_least: must be a number from 0 to 10",
                "thresholds.ceiling.run_length: must be a whole number from 2 to 20",
            ]
        );
        // The edges themselves are allowed.
        let thresholds = &mut instrument.thresholds;
        thresholds.total_below = Some(Tenths::points(40));
        thresholds.item_below = Some(Tenths(0));
        thresholds.total_drop = Some(Tenths(1));
        thresholds.item_drop = Some(Tenths::points(10));
        thresholds.total_same_band = Tenths(0);
        thresholds.item_same_band = Tenths::points(10);
        thresholds.ceiling = Some(CeilingRule {
            item_at_least: Tenths::points(10),
            run_length: 20,
        });
        assert_eq!(instrument.validate(), Ok(()));
    }

    #[test]
    fn a_definition_error_reads_as_path_then_message() {
        let error = DefinitionError::new("items[0].prompt", "missing");
        assert_eq!(error.to_string(), "items[0].prompt: missing");
        assert_eq!(
            DefinitionError::new("", "not a questionnaire").to_string(),
            "not a questionnaire"
        );
    }

    #[test]
    fn likert_range_and_max_follow_the_points() {
        let five_point = Scale::Likert {
            labels: ["Not at all", "A little", "Somewhat", "Mostly", "Completely"]
                .map(String::from)
                .to_vec(),
            first_value: 1,
        };
        assert_eq!(five_point.answer_range(), (1, 5));
        assert_eq!(five_point.max_score(), Tenths::points(5));
    }
}
