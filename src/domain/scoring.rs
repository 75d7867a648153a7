//! Scoring: turns stored answers into per-item scores, subscale scores and a total, in tenths,
//! applying reverse scoring and the instrument's sum or mean rule.

use super::instrument::{Instrument, Scale, Scoring};
use super::tenths::{divide_rounded, Tenths};

/// One stored answer: the item's id and its value in the scale's stored unit
/// (tenths for a visual-analogue line, the point's value for a Likert item).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Answer {
    pub item_id: String,
    pub value: u16,
}

/// The scores of one completed check-in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScoreSheet {
    /// One score per instrument item, in the instrument's order.
    pub items: Vec<ItemScore>,
    pub subscales: Vec<SubscaleScore>,
    pub total: Tenths,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemScore {
    pub item_id: String,
    pub score: Tenths,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubscaleScore {
    pub subscale_id: String,
    pub score: Tenths,
}

/// Why a set of answers could not be scored against an instrument.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScoreError {
    Unanswered { item_id: String },
    OutOfRange { item_id: String, value: u16 },
    UnknownItem { item_id: String },
}

impl ScoreSheet {
    pub fn item(&self, item_id: &str) -> Option<Tenths> {
        self.items
            .iter()
            .find(|item| item.item_id == item_id)
            .map(|item| item.score)
    }
}

/// The score of one answer in tenths, after reverse scoring.
fn item_score(scale: &Scale, reverse: bool, value: u16) -> Tenths {
    let (low, high) = scale.answer_range();
    let oriented = if reverse { low + high - value } else { value };
    match scale {
        Scale::VisualAnalogue { .. } => Tenths(i32::from(oriented)),
        Scale::Likert { .. } => Tenths(i32::from(oriented) * 10),
    }
}

fn combine(scoring: Scoring, scores: &[Tenths]) -> Tenths {
    let sum: i64 = scores.iter().map(|score| i64::from(score.0)).sum();
    match scoring {
        Scoring::Sum => Tenths(sum as i32),
        Scoring::Mean if scores.is_empty() => Tenths(0),
        Scoring::Mean => Tenths(divide_rounded(sum, scores.len() as i64) as i32),
    }
}

/// Scores a complete set of answers. Every item must be answered within its scale's range, and
/// no answer may name an item the instrument does not have.
pub fn score(instrument: &Instrument, answers: &[Answer]) -> Result<ScoreSheet, ScoreError> {
    if let Some(stray) = answers
        .iter()
        .find(|answer| instrument.item(&answer.item_id).is_none())
    {
        return Err(ScoreError::UnknownItem {
            item_id: stray.item_id.clone(),
        });
    }
    let mut items = Vec::with_capacity(instrument.items.len());
    for item in &instrument.items {
        let answer = answers
            .iter()
            .find(|answer| answer.item_id == item.id)
            .ok_or_else(|| ScoreError::Unanswered {
                item_id: item.id.clone(),
            })?;
        let (low, high) = item.scale.answer_range();
        if !(low..=high).contains(&answer.value) {
            return Err(ScoreError::OutOfRange {
                item_id: item.id.clone(),
                value: answer.value,
            });
        }
        items.push(ItemScore {
            item_id: item.id.clone(),
            score: item_score(&item.scale, item.reverse, answer.value),
        });
    }
    let all: Vec<Tenths> = items.iter().map(|item| item.score).collect();
    let subscales = instrument
        .subscales
        .iter()
        .map(|subscale| {
            let member_scores: Vec<Tenths> = items
                .iter()
                .filter(|item| subscale.item_ids.contains(&item.item_id))
                .map(|item| item.score)
                .collect();
            SubscaleScore {
                subscale_id: subscale.id.clone(),
                score: combine(instrument.scoring, &member_scores),
            }
        })
        .collect();
    Ok(ScoreSheet {
        total: combine(instrument.scoring, &all),
        items,
        subscales,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::builtin::builtin_instrument;
    use crate::domain::fixtures::builtin_answers;
    use crate::domain::instrument::{Item, Subscale, Thresholds};

    #[test]
    fn builtin_sums_tenths_exactly() {
        let sheet = score(&builtin_instrument(), &builtin_answers([92, 88, 100, 75])).unwrap();
        assert_eq!(sheet.total, Tenths(355));
        assert_eq!(sheet.item("overall"), Some(Tenths(75)));
        assert_eq!(
            score(&builtin_instrument(), &builtin_answers([0; 4]))
                .unwrap()
                .total,
            Tenths(0)
        );
        assert_eq!(
            score(&builtin_instrument(), &builtin_answers([100; 4]))
                .unwrap()
                .total,
            Tenths::points(40)
        );
    }

    #[test]
    fn incomplete_or_invalid_answers_are_refused() {
        let instrument = builtin_instrument();
        let mut three = builtin_answers([50; 4]);
        three.remove(2);
        assert_eq!(
            score(&instrument, &three),
            Err(ScoreError::Unanswered {
                item_id: "way-of-working".into()
            })
        );
        assert_eq!(
            score(&instrument, &builtin_answers([50, 101, 50, 50])),
            Err(ScoreError::OutOfRange {
                item_id: "focus".into(),
                value: 101
            })
        );
        let mut stray = builtin_answers([50; 4]);
        stray.push(Answer {
            item_id: "extra".into(),
            value: 1,
        });
        assert_eq!(
            score(&instrument, &stray),
            Err(ScoreError::UnknownItem {
                item_id: "extra".into()
            })
        );
    }

    /// A 12-item, 5-point, three-subscale layout with placeholder text (the shape of licensed
    /// questionnaires that practices will load as data).
    fn likert_instrument(scoring: Scoring, reverse: &[usize]) -> Instrument {
        let labels: Vec<String> = (1..=5).map(|point| format!("Point {point}")).collect();
        let items = (1..=12)
            .map(|number| Item {
                id: format!("q{number}"),
                title: format!("Item {number}"),
                prompt: format!("Item {number}: text from your licensed copy"),
                scale: Scale::Likert {
                    labels: labels.clone(),
                    first_value: 1,
                },
                reverse: reverse.contains(&number),
            })
            .collect();
        let subscale = |id: &str, numbers: [usize; 4]| Subscale {
            id: id.into(),
            title: id.into(),
            item_ids: numbers.iter().map(|n| format!("q{n}")).collect(),
        };
        Instrument {
            id: "practice.twelve".into(),
            version: 1,
            compares_with: vec![],
            title: "Twelve".into(),
            language: None,
            attribution: None,
            items,
            subscales: vec![
                subscale("task", [1, 2, 10, 12]),
                subscale("goal", [4, 6, 8, 11]),
                subscale("bond", [3, 5, 7, 9]),
            ],
            scoring,
            thresholds: Thresholds {
                total_below: None,
                item_below: None,
                item_same_band: Tenths(5),
                total_same_band: Tenths(5),
                total_drop: None,
                item_drop: None,
                ceiling: None,
            },
        }
    }

    fn likert_answers(values: [u16; 12]) -> Vec<Answer> {
        let ids: Vec<String> = (1..=12).map(|n| format!("q{n}")).collect();
        ids.iter()
            .zip(values)
            .map(|(id, value)| Answer {
                item_id: id.clone(),
                value,
            })
            .collect()
    }

    #[test]
    fn likert_sum_with_subscales() {
        let instrument = likert_instrument(Scoring::Sum, &[]);
        assert_eq!(instrument.validate(), Ok(()));
        let sheet = score(
            &instrument,
            &likert_answers([1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 1, 2]),
        )
        .unwrap();
        assert_eq!(sheet.total, Tenths::points(33));
        let by_id = |id: &str| {
            sheet
                .subscales
                .iter()
                .find(|s| s.subscale_id == id)
                .unwrap()
                .score
        };
        assert_eq!(by_id("task"), Tenths::points(1 + 2 + 5 + 2));
        assert_eq!(by_id("goal"), Tenths::points(4 + 1 + 3 + 1));
        assert_eq!(by_id("bond"), Tenths::points(3 + 5 + 2 + 4));
        assert_eq!(instrument.max_total(), Tenths::points(60));
    }

    #[test]
    fn likert_mean_rounds_to_a_tenth() {
        let instrument = likert_instrument(Scoring::Mean, &[]);
        let sheet = score(
            &instrument,
            &likert_answers([5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 4, 4]),
        )
        .unwrap();
        // 58 / 12 = 4.833.. -> 4.8
        assert_eq!(sheet.total, Tenths(48));
        assert_eq!(instrument.max_total(), Tenths::points(5));
    }

    #[test]
    fn reverse_items_are_flipped_within_their_scale() {
        let instrument = likert_instrument(Scoring::Sum, &[3]);
        let sheet = score(&instrument, &likert_answers([1; 12])).unwrap();
        assert_eq!(sheet.item("q3"), Some(Tenths::points(5)));
        assert_eq!(sheet.item("q4"), Some(Tenths::points(1)));
        assert_eq!(sheet.total, Tenths::points(11 + 5));

        let mut vas = builtin_instrument();
        vas.items[0].reverse = true;
        let sheet = score(&vas, &builtin_answers([20, 50, 50, 50])).unwrap();
        assert_eq!(sheet.item("connection"), Some(Tenths(80)));
    }

    #[test]
    fn likert_answers_outside_the_points_are_refused() {
        let instrument = likert_instrument(Scoring::Sum, &[]);
        let mut values = [3; 12];
        values[0] = 0;
        assert!(matches!(
            score(&instrument, &likert_answers(values)),
            Err(ScoreError::OutOfRange { .. })
        ));
        values[0] = 6;
        assert!(matches!(
            score(&instrument, &likert_answers(values)),
            Err(ScoreError::OutOfRange { .. })
        ));
    }
}
