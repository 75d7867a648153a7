//! Feedback: compares a check-in with the client's own recent ratings and raises the signals
//! that deserve a kind suggestion (low total, a low item, a drop, a run at the ceiling).
//!
//! The baseline rule: with one or two earlier check-ins we compare with the last one; from three
//! on, with the mean of the previous three. The alliance takes a few sessions to settle and one
//! session can be an outlier, so "your usual" is only named once three ratings exist. Because
//! most clients rate near the top every time, the direction of change against their own ratings
//! is the useful signal, more than the raw score. Means are compared exactly (the current score
//! is scaled by the count rather than the mean being rounded).

use super::instrument::{Instrument, Thresholds};
use super::scoring::ScoreSheet;
use super::tenths::{divide_rounded, Tenths};

/// How many earlier check-ins make "your usual".
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
    /// A meaningful drop against the baseline (total or any item).
    LowerThanBaseline { kind: BaselineKind },
    /// Every item at or near the top for `run_length` check-ins in a row.
    CeilingRun { run_length: u8 },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Feedback {
    /// `None` for a first check-in.
    pub comparison: Option<Comparison>,
    pub signals: Vec<Signal>,
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
        let mut dropped = false;
        let items = current
            .items
            .iter()
            .filter_map(|item| {
                let sum = baseline.item_sum(&item.item_id)?;
                dropped |= dropped_by_at_least(item.score, sum, count, thresholds.item_drop);
                Some(ItemComparison {
                    item_id: item.item_id.clone(),
                    baseline: Tenths(divide_rounded(sum, count) as i32),
                    direction: direction(item.score, sum, count, thresholds.item_same_band),
                })
            })
            .collect();
        let total_sum = baseline.total_sum();
        dropped |= dropped_by_at_least(current.total, total_sum, count, thresholds.total_drop);
        if dropped {
            signals.push(Signal::LowerThanBaseline {
                kind: baseline.kind,
            });
        }
        Comparison {
            kind: baseline.kind,
            items,
            total_baseline: Tenths(divide_rounded(total_sum, count) as i32),
            total_direction: direction(current.total, total_sum, count, thresholds.total_same_band),
        }
    });

    if let Some(rule) = thresholds.ceiling {
        let needed_earlier = usize::from(rule.run_length.saturating_sub(1));
        if earlier.len() >= needed_earlier
            && all_items_at_least(current, rule.item_at_least)
            && earlier[earlier.len() - needed_earlier..]
                .iter()
                .all(|sheet| all_items_at_least(sheet, rule.item_at_least))
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

    fn has_drop(feedback: &Feedback) -> Option<BaselineKind> {
        feedback.signals.iter().find_map(|signal| match signal {
            Signal::LowerThanBaseline { kind } => Some(*kind),
            _ => None,
        })
    }

    #[test]
    fn drop_signal_boundaries() {
        let earlier = [[95, 95, 95, 95]];
        // Total drop of 0.9 spread over items (no item falls by 1.0): no signal.
        assert_eq!(has_drop(&assess_builtin([95, 95, 95, 86], &earlier)), None);
        // One item falls by exactly 1.0: signal.
        assert_eq!(
            has_drop(&assess_builtin([95, 95, 95, 85], &earlier)),
            Some(BaselineKind::LastTime)
        );
        // Total falls by 1.0 with no item falling by 1.0: signal.
        assert_eq!(
            has_drop(&assess_builtin([93, 93, 92, 92], &earlier)),
            Some(BaselineKind::LastTime)
        );
        // Total falls by 0.9 (0.3 + 0.3 + 0.3): no signal.
        assert_eq!(has_drop(&assess_builtin([92, 92, 92, 95], &earlier)), None);
        // Against the usual.
        let earlier = [[95; 4], [95; 4], [95; 4]];
        assert_eq!(
            has_drop(&assess_builtin([85, 95, 95, 95], &earlier)),
            Some(BaselineKind::Usual)
        );
        // A rise is never a drop.
        assert_eq!(has_drop(&assess_builtin([100; 4], &earlier)), None);
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
    }
}
