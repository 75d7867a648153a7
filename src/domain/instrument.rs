//! Instrument definitions: the items of a questionnaire, their scales, how they are scored and
//! the thresholds that drive feedback. Pure data, so a practice's licensed questionnaire can be
//! loaded as data later and the built-in check-in is just one instance.

use super::tenths::Tenths;

/// A questionnaire the widget can present and score.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Instrument {
    /// Stable identifier stored with every check-in, e.g. `builtin.alliance-checkin`.
    pub id: String,
    /// Bumped whenever items or scoring change, so old check-ins are never rescored wrongly.
    pub version: u32,
    pub title: String,
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
                first_value + (labels.len() as u16).saturating_sub(1),
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

/// A problem found in an instrument definition, with the path of the offending value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DefinitionError {
    pub path: String,
    pub message: String,
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

    /// Checks the definition and reports every problem found, each with its path.
    pub fn validate(&self) -> Result<(), Vec<DefinitionError>> {
        let mut errors = Vec::new();
        let mut push = |path: String, message: &str| {
            errors.push(DefinitionError {
                path,
                message: message.to_owned(),
            })
        };
        if self.id.trim().is_empty() {
            push("id".into(), "must not be empty");
        }
        if self.version == 0 {
            push("version".into(), "must be 1 or more");
        }
        if self.items.is_empty() {
            push("items".into(), "must list at least one item");
        }
        for (index, item) in self.items.iter().enumerate() {
            if item.id.trim().is_empty() {
                push(format!("items[{index}].id"), "must not be empty");
            } else if self.items[..index].iter().any(|other| other.id == item.id) {
                push(format!("items[{index}].id"), "repeats an earlier item's id");
            }
            if item.prompt.trim().is_empty() {
                push(format!("items[{index}].prompt"), "must not be empty");
            }
            if let Scale::Likert { labels, .. } = &item.scale {
                if !(2..=11).contains(&labels.len()) {
                    push(format!("items[{index}].scale.points"), "must be 2..=11");
                }
            }
        }
        for (index, subscale) in self.subscales.iter().enumerate() {
            if subscale.item_ids.is_empty() {
                push(
                    format!("subscales[{index}].items"),
                    "must list at least one item",
                );
            }
            for (position, item_id) in subscale.item_ids.iter().enumerate() {
                if self.item(item_id).is_none() {
                    push(
                        format!("subscales[{index}].items[{position}]"),
                        "names no item of this instrument",
                    );
                }
            }
        }
        if let Some(rule) = &self.thresholds.ceiling {
            if rule.run_length < 2 {
                push("thresholds.ceiling.run_length".into(), "must be 2 or more");
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
        let errors = instrument.validate().unwrap_err();
        let paths: Vec<&str> = errors.iter().map(|error| error.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "id",
                "items[1].id",
                "items[2].scale.points",
                "subscales[0].items[0]"
            ]
        );
        assert_eq!(errors[2].message, "must be 2..=11");
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
