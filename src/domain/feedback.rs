//! Feedback: compares a check-in with the client's own recent ratings and raises the signals
//! that deserve a kind suggestion (low total, a low item, a drop, a run at the ceiling).
//!
//! The baseline rule: the second and third check-ins compare with the last one; from the fourth
//! check-in on, "your usual" is the mean of the three before it. The alliance takes about four
//! sessions to settle and one session can be an outlier, so "your usual" is first named at the
//! fourth check-in. Because most clients rate near the top every time, the direction of change
//! against their own ratings is the useful signal, more than the raw score. Means are compared
//! exactly (the current score is scaled by the count rather than the mean being rounded).
//!
//! Signals never contradict the directions: an item is named as lower only when its own
//! direction is lower, and the total only when the total's direction is lower (see
//! `Signal::ItemsLower` and `Signal::TotalLower`).

use super::instrument::{Instrument, Thresholds};
use super::scoring::ScoreSheet;
use super::tenths::{divide_rounded, Tenths};

/// How many earlier check-ins make "your usual": it is first named at the fourth check-in.
pub const USUAL_WINDOW: usize = 3;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Higher,
    AboutTheSame,
    Lower,
}

/// What the current check-in is compared with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BaselineKind {
    /// The previous check-in (one or two earlier check-ins exist).
    LastTime,
    /// The mean of the previous three check-ins.
    Usual,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemComparison {
    pub item_id: String,
    /// The baseline value, rounded to a tenth for display.
    pub baseline: Tenths,
    pub direction: Direction,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comparison {
    pub kind: BaselineKind,
    pub items: Vec<ItemComparison>,
    pub total_baseline: Tenths,
    pub total_direction: Direction,
}

/// Something worth a gentle suggestion on the result screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Signal {
    /// The total is below the instrument's conversation threshold.
    TotalBelowThreshold { threshold: Tenths },
    /// These items scored below the per-item floor.
    ItemsBelowFloor {
        item_ids: Vec<String>,
        floor: Tenths,
    },
    /// These items fell by at least the item drop against the baseline (and so read "lower").
    ItemsLower {
        kind: BaselineKind,
        item_ids: Vec<String>,
    },
    /// The total fell by at least the total drop and beyond the total's band (so its direction
    /// reads "lower"): never raised when the total rose or stayed about the same.
    TotalLower { kind: BaselineKind },
    /// Every item at or near the top for exactly `run_length` check-ins in a row: raised once
    /// per run, on the check-in that completes it. A gentle note, not a concern.
    CeilingRun { run_length: u8 },
}

impl Signal {
    /// Whether the signal is about a low or lower rating (everything but the ceiling note).
    pub fn is_concern(&self) -> bool {
        !matches!(self, Signal::CeilingRun { .. })
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Feedback {
    /// `None` for a first check-in.
    pub comparison: Option<Comparison>,
    pub signals: Vec<Signal>,
}

impl Feedback {
    /// Whether any signal is about a low or lower rating (the ceiling note is not).
    pub fn has_concern(&self) -> bool {
        self.signals.iter().any(Signal::is_concern)
    }
}

/// A baseline as an exact sum over `count` check-ins.
struct Baseline<'a> {
    kind: BaselineKind,
    sheets: &'a [ScoreSheet],
}

impl Baseline<'_> {
    fn count(&self) -> i64 {
        self.sheets.len() as i64
    }

    fn item_sum(&self, item_id: &str) -> Option<i64> {
        self.sheets
            .iter()
            .map(|sheet| sheet.item(item_id).map(|score| i64::from(score.0)))
            .sum()
    }

    fn total_sum(&self) -> i64 {
        self.sheets
            .iter()
            .map(|sheet| i64::from(sheet.total.0))
            .sum()
    }
}

fn baseline(earlier: &[ScoreSheet]) -> Option<Baseline<'_>> {
    match earlier.len() {
        0 => None,
        1 | 2 => Some(Baseline {
            kind: BaselineKind::LastTime,
            sheets: &earlier[earlier.len() - 1..],
        }),
        n => Some(Baseline {
            kind: BaselineKind::Usual,
            sheets: &earlier[n - USUAL_WINDOW..],
        }),
    }
}

/// Compares `current` with a baseline held as `sum` over `count` check-ins, exactly.
fn direction(current: Tenths, sum: i64, count: i64, band: Tenths) -> Direction {
    let difference = i64::from(current.0) * count - sum;
    let band = i64::from(band.0) * count;
    if difference > 0 && difference >= band {
        Direction::Higher
    } else if difference < 0 && -difference >= band {
        Direction::Lower
    } else {
        Direction::AboutTheSame
    }
}

fn dropped_by_at_least(current: Tenths, sum: i64, count: i64, drop: Option<Tenths>) -> bool {
    drop.is_some_and(|drop| sum - i64::from(current.0) * count >= i64::from(drop.0) * count)
}

fn all_items_at_least(sheet: &ScoreSheet, floor: Tenths) -> bool {
    !sheet.items.is_empty() && sheet.items.iter().all(|item| item.score >= floor)
}

/// Assesses `current` against `earlier` check-ins of the same instrument (oldest first).
pub fn assess(instrument: &Instrument, current: &ScoreSheet, earlier: &[ScoreSheet]) -> Feedback {
    let thresholds: &Thresholds = &instrument.thresholds;
    let mut signals = Vec::new();

    if let Some(threshold) = thresholds.total_below {
        if current.total < threshold {
            signals.push(Signal::TotalBelowThreshold { threshold });
        }
    }
    if let Some(floor) = thresholds.item_below {
        let item_ids: Vec<String> = current
            .items
            .iter()
            .filter(|item| item.score < floor)
            .map(|item| item.item_id.clone())
            .collect();
        if !item_ids.is_empty() {
            signals.push(Signal::ItemsBelowFloor { item_ids, floor });
        }
    }

    let comparison = baseline(earlier).map(|baseline| {
        let count = baseline.count();
        let mut lower_items = Vec::new();
        let items = current
            .items
            .iter()
            .filter_map(|item| {
                let sum = baseline.item_sum(&item.item_id)?;
                let direction = direction(item.score, sum, count, thresholds.item_same_band);
                if direction == Direction::Lower
                    && dropped_by_at_least(item.score, sum, count, thresholds.item_drop)
                {
                    lower_items.push(item.item_id.clone());
                }
                Some(ItemComparison {
                    item_id: item.item_id.clone(),
                    baseline: Tenths(divide_rounded(sum, count) as i32),
                    direction,
                })
            })
            .collect();
        let total_sum = baseline.total_sum();
        let total_direction =
            direction(current.total, total_sum, count, thresholds.total_same_band);
        if !lower_items.is_empty() {
            signals.push(Signal::ItemsLower {
                kind: baseline.kind,
                item_ids: lower_items,
            });
        }
        if total_direction == Direction::Lower
            && dropped_by_at_least(current.total, total_sum, count, thresholds.total_drop)
        {
            signals.push(Signal::TotalLower {
                kind: baseline.kind,
            });
        }
        Comparison {
            kind: baseline.kind,
            items,
            total_baseline: Tenths(divide_rounded(total_sum, count) as i32),
            total_direction,
        }
    });

    if let Some(rule) = thresholds.ceiling {
        let needed_earlier = usize::from(rule.run_length.saturating_sub(1));
        // Once per run: the check-in before the run must not be at the top too (a longer run
        // already had its note).
        if earlier.len() >= needed_earlier
            && all_items_at_least(current, rule.item_at_least)
            && earlier[earlier.len() - needed_earlier..]
                .iter()
                .all(|sheet| all_items_at_least(sheet, rule.item_at_least))
            && !earlier
                .len()
                .checked_sub(needed_earlier + 1)
                .is_some_and(|before| all_items_at_least(&earlier[before], rule.item_at_least))
        {
            signals.push(Signal::CeilingRun {
                run_length: rule.run_length,
            });
        }
    }

    Feedback {
        comparison,
        signals,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::builtin::builtin_instrument;
    use crate::domain::fixtures::builtin_answers;
    use crate::domain::scoring::score;

    fn sheet(values: [u16; 4]) -> ScoreSheet {
        score(&builtin_instrument(), &builtin_answers(values)).unwrap()
    }

    fn directions(comparison: &Comparison) -> Vec<Direction> {
        comparison.items.iter().map(|item| item.direction).collect()
    }

    fn assess_builtin(current: [u16; 4], earlier: &[[u16; 4]]) -> Feedback {
        let earlier: Vec<ScoreSheet> = earlier.iter().map(|values| sheet(*values)).collect();
        assess(&builtin_instrument(), &sheet(current), &earlier)
    }

    fn has_total_signal(feedback: &Feedback) -> bool {
        feedback
            .signals
            .iter()
            .any(|signal| matches!(signal, Signal::TotalBelowThreshold { .. }))
    }

    #[test]
    fn total_threshold_boundary() {
        // (values, total in tenths, expect the "under 36" signal)
        let table: [([u16; 4], bool); 4] = [
            ([90, 90, 90, 90], false), // 36.0 exactly: not under
            ([90, 90, 90, 89], true),  // 35.9
            ([100, 100, 100, 59], true),
            ([100, 100, 100, 60], false), // 36.0
        ];
        for (values, expected) in table {
            assert_eq!(
                has_total_signal(&assess_builtin(values, &[])),
                expected,
                "{values:?}"
            );
        }
    }

    #[test]
    fn item_floor_boundary_names_each_low_item() {
        let at_floor = assess_builtin([75, 100, 100, 100], &[]);
        assert!(!at_floor
            .signals
            .iter()
            .any(|signal| matches!(signal, Signal::ItemsBelowFloor { .. })));

        let below = assess_builtin([74, 100, 100, 0], &[]);
        assert!(below.signals.contains(&Signal::ItemsBelowFloor {
            item_ids: vec!["connection".into(), "overall".into()],
            floor: Tenths(75),
        }));
    }

    #[test]
    fn first_check_in_has_no_comparison() {
        let feedback = assess_builtin([100, 100, 100, 100], &[]);
        assert_eq!(feedback.comparison, None);
        assert!(feedback.signals.is_empty());
    }

    #[test]
    fn one_or_two_earlier_compare_with_last_time() {
        for earlier in [
            &[[90, 90, 90, 90]][..],
            &[[10, 10, 10, 10], [90, 90, 90, 90]],
        ] {
            let comparison = assess_builtin([90, 96, 84, 95], earlier)
                .comparison
                .unwrap();
            assert_eq!(comparison.kind, BaselineKind::LastTime);
            assert_eq!(
                directions(&comparison),
                [
                    Direction::AboutTheSame,
                    Direction::Higher,
                    Direction::Lower,
                    Direction::Higher
                ]
            );
            assert_eq!(comparison.total_baseline, Tenths(360));
        }
    }

    #[test]
    fn item_band_boundary() {
        // The band is 0.5: a difference of 0.4 is the same, 0.5 is a change.
        let earlier = [[80, 80, 80, 80]];
        let comparison = assess_builtin([84, 85, 76, 75], &earlier)
            .comparison
            .unwrap();
        assert_eq!(
            directions(&comparison),
            [
                Direction::AboutTheSame,
                Direction::Higher,
                Direction::AboutTheSame,
                Direction::Lower
            ]
        );
    }

    #[test]
    fn three_or_more_earlier_compare_with_the_mean_of_the_last_three() {
        // The oldest check-in (all zeros) is outside the window and must not count.
        let earlier = [
            [0, 0, 0, 0],
            [90, 90, 90, 90],
            [95, 95, 95, 95],
            [100, 100, 100, 100],
        ];
        let comparison = assess_builtin([95, 95, 95, 95], &earlier)
            .comparison
            .unwrap();
        assert_eq!(comparison.kind, BaselineKind::Usual);
        assert_eq!(comparison.total_baseline, Tenths(380));
        assert!(comparison
            .items
            .iter()
            .all(|item| item.direction == Direction::AboutTheSame && item.baseline == Tenths(95)));
    }

    #[test]
    fn mean_comparison_is_exact_not_rounded() {
        // Usual for the first item: (90 + 90 + 92) / 3 = 90.67, which rounds to 91. Today's 8.6
        // is 0.47 below the exact mean (about the same) but 0.5 below the rounded one.
        let earlier = [[90, 50, 50, 50], [90, 50, 50, 50], [92, 50, 50, 50]];
        let comparison = assess_builtin([86, 50, 50, 50], &earlier)
            .comparison
            .unwrap();
        assert_eq!(comparison.items[0].direction, Direction::AboutTheSame);
        assert_eq!(comparison.items[0].baseline, Tenths(91));
        let comparison = assess_builtin([85, 50, 50, 50], &earlier)
            .comparison
            .unwrap();
        assert_eq!(comparison.items[0].direction, Direction::Lower);
    }

    fn lower_items(feedback: &Feedback) -> Option<(BaselineKind, Vec<String>)> {
        feedback.signals.iter().find_map(|signal| match signal {
            Signal::ItemsLower { kind, item_ids } => Some((*kind, item_ids.clone())),
            _ => None,
        })
    }

    fn total_lower(feedback: &Feedback) -> Option<BaselineKind> {
        feedback.signals.iter().find_map(|signal| match signal {
            Signal::TotalLower { kind } => Some(*kind),
            _ => None,
        })
    }

    #[test]
    fn an_item_drop_is_named_at_one_point() {
        let earlier = [[95, 95, 95, 95]];
        // 0.9 lower: the item reads "lower" (beyond its 0.5 band) but is not named.
        assert_eq!(
            lower_items(&assess_builtin([95, 95, 95, 86], &earlier)),
            None
        );
        // Exactly 1.0 lower: named.
        assert_eq!(
            lower_items(&assess_builtin([95, 95, 95, 85], &earlier)),
            Some((BaselineKind::LastTime, vec!["overall".into()]))
        );
        // Against the usual (three earlier check-ins).
        let earlier = [[95; 4], [95; 4], [95; 4]];
        assert_eq!(
            lower_items(&assess_builtin([85, 95, 95, 95], &earlier)),
            Some((BaselineKind::Usual, vec!["connection".into()]))
        );
        // A rise is never a drop.
        assert!(!assess_builtin([100; 4], &earlier).has_concern());
    }

    #[test]
    fn the_total_band_is_the_noise_of_four_marks() {
        // Four marks each within their own noise (under 0.5) move the total by at most 1.6;
        // the band is 4 x 0.5 = 2.0, so only a change of 2.0 or more reads as a change.
        let earlier = [[95, 95, 95, 95]];
        let stable = assess_builtin([91, 91, 91, 91], &earlier); // 1.6 lower
        assert_eq!(
            stable.comparison.as_ref().unwrap().total_direction,
            Direction::AboutTheSame
        );
        assert!(!stable.has_concern());
        let below = assess_builtin([90, 90, 90, 91], &earlier); // 1.9 lower
        assert_eq!(
            below.comparison.as_ref().unwrap().total_direction,
            Direction::AboutTheSame
        );
        assert_eq!(total_lower(&below), None);
        let at = assess_builtin([90, 90, 90, 90], &earlier); // 2.0 lower
        assert_eq!(
            at.comparison.as_ref().unwrap().total_direction,
            Direction::Lower
        );
        assert_eq!(total_lower(&at), Some(BaselineKind::LastTime));
        // The old one-point rule would have fired here, on noise alone.
        assert_eq!(
            total_lower(&assess_builtin([93, 93, 92, 92], &earlier)),
            None
        );
    }

    #[test]
    fn a_rising_total_never_reads_lower() {
        // The example: last time 9.5/8/8/8 (33.5), today 8.5/10/10/10 (38.5).
        let feedback = assess_builtin([85, 100, 100, 100], &[[95, 80, 80, 80]]);
        let comparison = feedback.comparison.as_ref().unwrap();
        assert_eq!(comparison.total_direction, Direction::Higher);
        assert_eq!(total_lower(&feedback), None);
        // The item that fell is named, on its own.
        assert_eq!(
            lower_items(&feedback),
            Some((BaselineKind::LastTime, vec!["connection".into()]))
        );
    }

    #[test]
    fn signals_always_agree_with_the_directions() {
        // Every named item reads "lower", and a total signal only comes with a lower total,
        // over a grid of earlier and current ratings.
        let values = [0, 45, 80, 86, 90, 95, 100];
        for a in values {
            for b in values {
                let earlier = [[a, 95, 90, b]];
                for c in values {
                    let feedback = assess_builtin([c, 90, 95, 100 - c], &earlier);
                    let comparison = feedback.comparison.as_ref().unwrap();
                    for signal in &feedback.signals {
                        match signal {
                            Signal::ItemsLower { item_ids, .. } => {
                                for id in item_ids {
                                    let item = comparison
                                        .items
                                        .iter()
                                        .find(|item| &item.item_id == id)
                                        .unwrap();
                                    assert_eq!(item.direction, Direction::Lower);
                                }
                            }
                            Signal::TotalLower { .. } => {
                                assert_eq!(comparison.total_direction, Direction::Lower)
                            }
                            _ => {}
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn the_usual_starts_at_the_fourth_check_in() {
        let kind = |earlier: &[[u16; 4]]| {
            assess_builtin([90; 4], earlier)
                .comparison
                .map(|comparison| comparison.kind)
        };
        assert_eq!(kind(&[]), None); // first check-in
        assert_eq!(kind(&[[90; 4]]), Some(BaselineKind::LastTime)); // second
        assert_eq!(kind(&[[90; 4]; 2]), Some(BaselineKind::LastTime)); // third
        assert_eq!(kind(&[[90; 4]; 3]), Some(BaselineKind::Usual)); // fourth
    }

    fn has_ceiling(feedback: &Feedback) -> bool {
        feedback
            .signals
            .iter()
            .any(|signal| matches!(signal, Signal::CeilingRun { run_length: 3 }))
    }

    #[test]
    fn ceiling_prompt_needs_a_full_run() {
        // Two near-perfect check-ins are not yet a run of three.
        assert!(!has_ceiling(&assess_builtin([100; 4], &[[95; 4]])));
        assert!(has_ceiling(&assess_builtin([100; 4], &[[95; 4], [100; 4]])));
        // One item at 9.4 anywhere in the run breaks it.
        assert!(!has_ceiling(&assess_builtin(
            [100; 4],
            &[[95, 95, 94, 95], [100; 4]]
        )));
        assert!(!has_ceiling(&assess_builtin(
            [100, 100, 100, 94],
            &[[100; 4], [100; 4]]
        )));
        // Only the most recent run counts.
        assert!(has_ceiling(&assess_builtin(
            [96; 4],
            &[[10; 4], [100; 4], [99; 4]]
        )));
        // Once per run: the fourth check-in at the top does not repeat the note.
        let fourth = assess_builtin([100; 4], &[[100; 4], [100; 4], [100; 4]]);
        assert!(!has_ceiling(&fourth));
        // The note is not a concern.
        assert!(!assess_builtin([100; 4], &[[95; 4], [100; 4]]).has_concern());
    }
}
