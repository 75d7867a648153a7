//! The result report: the words the client reads after a check-in (scores, the direction
//! against their own recent ratings, and kind suggestions), composed without any web API so
//! every sentence can be tested on the host.

use super::checkin::CheckIn;
use super::feedback::{assess, BaselineKind, Direction, Feedback, Signal, USUAL_WINDOW};
use super::instrument::Instrument;
use super::scoring::{score, ScoreError, ScoreSheet};
use super::tenths::Tenths;
use super::text::{fill, join_list, Text};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemLine {
    pub item_id: String,
    pub title: String,
    /// "7.5 of 10".
    pub score: String,
    /// The score itself and the item's largest possible score, for a bar.
    pub score_tenths: Tenths,
    pub max_tenths: Tenths,
    /// "about the same as last time"; `None` for a first check-in.
    pub direction: Option<String>,
    pub is_low: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResultReport {
    pub items: Vec<ItemLine>,
    /// "35.5 of 40".
    pub total: String,
    pub total_direction: Option<String>,
    /// Shown when there is nothing to compare with yet.
    pub first_check_in: Option<String>,
    /// After a low or lower rating: one warm paragraph (what stood out, then an invitation to
    /// say so), never a list and never a pass mark.
    pub suggestion: Option<String>,
    /// The gentle note that comes once per run of ratings at the top.
    pub ceiling_note: Option<String>,
    /// The closing line when there is neither.
    pub no_signal: Option<String>,
    pub feedback: Feedback,
}

/// The direction in the client's own words ("lower than your usual").
pub(crate) fn direction_words(
    text: &Text,
    kind: BaselineKind,
    direction: Direction,
) -> &'static str {
    match (kind, direction) {
        (BaselineKind::LastTime, Direction::Higher) => text.higher_than_last_time,
        (BaselineKind::LastTime, Direction::AboutTheSame) => text.same_as_last_time,
        (BaselineKind::LastTime, Direction::Lower) => text.lower_than_last_time,
        (BaselineKind::Usual, Direction::Higher) => text.higher_than_usual,
        (BaselineKind::Usual, Direction::AboutTheSame) => text.same_as_usual,
        (BaselineKind::Usual, Direction::Lower) => text.lower_than_usual,
    }
}

/// The item's short name, or its id if the instrument has no such item.
pub(crate) fn item_title<'a>(instrument: &'a Instrument, item_id: &'a str) -> &'a str {
    instrument
        .item(item_id)
        .map_or(item_id, |item| item.title.as_str())
}

/// The items' names in quotes as a sentence list: "“Focus” and “Overall”".
pub(crate) fn quoted_titles(text: &Text, instrument: &Instrument, item_ids: &[String]) -> String {
    let titles: Vec<String> = item_ids
        .iter()
        .map(|id| format!("“{}”", item_title(instrument, id)))
        .collect();
    join_list(&titles, text.list_and)
}

/// "7.5 of 10" for an item score against `max`, the most the item can score ("3 of 5" on a
/// five-point item).
pub fn item_score_words(text: &Text, score: Tenths, max: Tenths) -> String {
    let separator = text.decimal_separator;
    fill(
        text.score_of_max,
        &[
            ("score", &score.format_with(separator)),
            ("max", &max.format_with(separator)),
        ],
    )
}

/// The most `item_id` can score on `instrument` (its own score if the item is unknown).
pub(crate) fn item_max(instrument: &Instrument, item_id: &str, score: Tenths) -> Tenths {
    instrument
        .item(item_id)
        .map_or(score, |item| item.scale.max_score())
}

pub fn total_words(text: &Text, instrument: &Instrument, total: Tenths) -> String {
    let separator = text.decimal_separator;
    fill(
        text.total_of_max,
        &[
            ("total", &total.format_with(separator)),
            ("max", &instrument.max_total().format_with(separator)),
        ],
    )
}

/// The warm paragraph after a low or lower rating: the items that fell are named (or the
/// total, when no single item did), then items under the floor not already named, then the
/// invitation. The client's screen never shows the threshold itself: that is for the therapist.
fn suggestion(text: &Text, instrument: &Instrument, signals: &[Signal]) -> Option<String> {
    let mut named: &[String] = &[];
    let mut parts = Vec::new();
    for signal in signals {
        if let Signal::ItemsLower { kind, item_ids } = signal {
            named = item_ids;
            let template = match kind {
                BaselineKind::LastTime => text.signal_items_lower_than_last_time,
                BaselineKind::Usual => text.signal_items_lower_than_usual,
            };
            parts.push(fill(
                template,
                &[("items", &quoted_titles(text, instrument, item_ids))],
            ));
        }
    }
    for signal in signals {
        match signal {
            Signal::TotalLower { kind } if named.is_empty() => parts.push(
                match kind {
                    BaselineKind::LastTime => text.signal_lower_than_last_time,
                    BaselineKind::Usual => text.signal_lower_than_usual,
                }
                .to_owned(),
            ),
            Signal::ItemsBelowFloor { item_ids, .. } => {
                let rest: Vec<String> = item_ids
                    .iter()
                    .filter(|id| !named.contains(id))
                    .cloned()
                    .collect();
                if !rest.is_empty() {
                    parts.push(fill(
                        text.signal_items_below,
                        &[("items", &quoted_titles(text, instrument, &rest))],
                    ));
                }
            }
            _ => {}
        }
    }
    if parts.is_empty() && signals.iter().any(Signal::is_concern) {
        parts.push(text.signal_total_below.to_owned());
    }
    (!parts.is_empty()).then(|| {
        parts.push(text.lower_is_useful.to_owned());
        parts.join(" ")
    })
}

/// Builds the report for a scored check-in and its feedback.
pub fn build_report(
    text: &Text,
    instrument: &Instrument,
    current: &ScoreSheet,
    feedback: Feedback,
) -> ResultReport {
    let low_items: &[String] = feedback
        .signals
        .iter()
        .find_map(|signal| match signal {
            Signal::ItemsBelowFloor { item_ids, .. } => Some(item_ids.as_slice()),
            _ => None,
        })
        .unwrap_or(&[]);
    let items = current
        .items
        .iter()
        .map(|item_score| {
            let max = item_max(instrument, &item_score.item_id, item_score.score);
            let direction = feedback.comparison.as_ref().and_then(|comparison| {
                comparison
                    .items
                    .iter()
                    .find(|compared| compared.item_id == item_score.item_id)
                    .map(|compared| {
                        direction_words(text, comparison.kind, compared.direction).to_owned()
                    })
            });
            ItemLine {
                item_id: item_score.item_id.clone(),
                title: item_title(instrument, &item_score.item_id).to_owned(),
                score: item_score_words(text, item_score.score, max),
                score_tenths: item_score.score,
                max_tenths: max,
                direction,
                is_low: low_items.contains(&item_score.item_id),
            }
        })
        .collect();
    let suggestion = suggestion(text, instrument, &feedback.signals);
    let ceiling_note = feedback.signals.iter().find_map(|signal| match signal {
        Signal::CeilingRun { run_length } => Some(fill(
            text.signal_ceiling,
            &[("count", &run_length.to_string())],
        )),
        _ => None,
    });
    ResultReport {
        no_signal: (suggestion.is_none() && ceiling_note.is_none())
            .then(|| text.no_signal.to_owned()),
        suggestion,
        ceiling_note,
        items,
        total: total_words(text, instrument, current.total),
        total_direction: feedback.comparison.as_ref().map(|comparison| {
            direction_words(text, comparison.kind, comparison.total_direction).to_owned()
        }),
        first_check_in: feedback
            .comparison
            .is_none()
            .then(|| text.first_check_in.to_owned()),
        feedback,
    }
}

/// Scores `entry` and assesses it against the check-ins that came before it in `history`
/// (same instrument and version only): the one place that decides what "before" means.
/// Whether two check-ins are about the same relationship (practice and therapist), so that
/// changing therapist starts a fresh comparison instead of mixing two relationships.
pub fn same_relationship(a: &CheckIn, b: &CheckIn) -> bool {
    a.therapist == b.therapist && a.practice == b.practice
}

pub fn assess_entry(
    instrument: &Instrument,
    entry: &CheckIn,
    history: &[CheckIn],
) -> Result<(ScoreSheet, Feedback), ScoreError> {
    let current = score(instrument, &entry.answers)?;
    // The rules look back at most this far (the usual's window, or a ceiling run), so only
    // that many earlier check-ins are scored: a long history costs a scan, not a rescoring.
    let look_back = instrument
        .thresholds
        .ceiling
        .map_or(0, |rule| usize::from(rule.run_length))
        .max(USUAL_WINDOW);
    let mut earlier: Vec<ScoreSheet> = history
        .iter()
        .rev()
        .filter(|other| {
            other.id != entry.id
                && (other.completed_at_ms, &other.id) < (entry.completed_at_ms, &entry.id)
                && same_relationship(other, entry)
                && other.instrument.is(instrument)
        })
        .filter_map(|other| score(instrument, &other.answers).ok())
        .take(look_back)
        .collect();
    earlier.reverse();
    let feedback = assess(instrument, &current, &earlier);
    Ok((current, feedback))
}

/// Scores `entry` and reports on it against the check-ins that came before it in `history`.
pub fn report_for_entry(
    text: &Text,
    instrument: &Instrument,
    entry: &CheckIn,
    history: &[CheckIn],
) -> Result<ResultReport, ScoreError> {
    let (current, feedback) = assess_entry(instrument, entry, history)?;
    Ok(build_report(text, instrument, &current, feedback))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::builtin::builtin_instrument;
    use crate::domain::fixtures::builtin_check_in as check_in;
    use crate::domain::text::ENGLISH;

    fn report(current: &CheckIn, history: &[CheckIn]) -> ResultReport {
        report_for_entry(&ENGLISH, &builtin_instrument(), current, history).unwrap()
    }

    #[test]
    fn earlier_versions_the_definition_names_still_count() {
        // Version 1 of the built-in had other wording but the same ids, scale and meaning:
        // version 2 declares `"compares_with": [1]`, so a client's baseline carries on.
        let instrument = builtin_instrument();
        assert_eq!(instrument.compares_with, [1]);
        let mut before = check_in("a", 1, [95, 95, 95, 95]);
        before.instrument.version = 1;
        let today = check_in("t", 2, [95, 80, 95, 95]);
        let compared = report(&today, &[before, today.clone()]);
        assert_eq!(compared.first_check_in, None);
        assert_eq!(
            compared.items[1].direction.as_deref(),
            Some("lower than last time")
        );
        // A version the definition does not name is another questionnaire.
        let mut unknown = check_in("b", 1, [95; 4]);
        unknown.instrument.version = 3;
        let alone = report(&today, &[unknown, today.clone()]);
        assert!(alone.first_check_in.is_some());
    }

    #[test]
    fn comparisons_use_only_the_same_instrument_version_and_entries_that_score() {
        let mut other_version = check_in("old", 5, [100, 100, 100, 100]);
        other_version.instrument.version = 99;
        let mut unscorable = check_in("bad", 6, [100, 100, 100, 100]);
        unscorable.answers.pop();
        let today = check_in("today", 9, [60, 60, 60, 60]);
        let alone = report(
            &today,
            &[other_version.clone(), unscorable.clone(), today.clone()],
        );
        assert_eq!(
            alone.first_check_in.as_deref(),
            Some(ENGLISH.first_check_in)
        );
        let ok = check_in("ok", 7, [90, 90, 90, 90]);
        let compared = report(&today, &[other_version, unscorable, ok, today.clone()]);
        assert_eq!(compared.first_check_in, None);
    }

    #[test]
    fn a_new_therapist_starts_a_fresh_comparison() {
        let mut before = check_in("a", 1, [100, 100, 100, 100]);
        before.therapist = Some("Sam".into());
        let mut today = check_in("b", 2, [60, 60, 60, 60]);
        today.therapist = Some("Alex".into());
        let fresh = report(&today, &[before.clone(), today.clone()]);
        assert_eq!(
            fresh.first_check_in.as_deref(),
            Some(ENGLISH.first_check_in)
        );
        today.therapist = Some("Sam".into());
        let compared = report(&today, &[before, today.clone()]);
        assert_eq!(compared.first_check_in, None);
    }

    #[test]
    fn first_check_in_reads_kindly_with_no_comparison() {
        let today = check_in("t", 100, [92, 88, 100, 95]);
        let report = report(&today, std::slice::from_ref(&today));
        assert_eq!(report.total, "37.5 of 40");
        assert_eq!(report.items[0].title, "Connection");
        assert_eq!(report.items[0].score, "9.2 of 10");
        assert_eq!(report.items[0].score_tenths, Tenths(92));
        assert_eq!(report.items[0].max_tenths, Tenths(100));
        assert_eq!(report.items[2].score, "10 of 10");
        assert_eq!(report.items[0].direction, None);
        assert_eq!(
            report.first_check_in.as_deref(),
            Some(ENGLISH.first_check_in)
        );
        assert_eq!(report.suggestion, None);
        assert_eq!(report.no_signal.as_deref(), Some(ENGLISH.no_signal));
    }

    #[test]
    fn a_drop_is_one_warm_paragraph_naming_the_items() {
        let history = [
            check_in("a", 1, [95, 95, 95, 95]),
            check_in("t", 2, [95, 70, 95, 60]),
        ];
        let report = report(&history[1], &history);
        assert_eq!(
            report.items[1].direction.as_deref(),
            Some("lower than last time")
        );
        assert!(report.items[1].is_low && report.items[3].is_low && !report.items[0].is_low);
        assert_eq!(
            report.suggestion.as_deref(),
            Some(
                "You rated “Topics” and “Overall” lower than last time. \
                 If you feel able, tell your therapist what would help, or someone else at the \
                 practice if that is easier. A lower rating is useful information, not a \
                 complaint, and you decide what to share."
            )
        );
        assert_eq!(report.no_signal, None);
        assert_eq!(report.ceiling_note, None);
    }

    #[test]
    fn the_clients_screen_never_shows_the_threshold() {
        // A first check-in under 36 (8.9 each): a kind sentence, no number, no pass mark.
        let today = check_in("t", 1, [89; 4]);
        for text in crate::domain::text::CATALOGUES {
            let instrument = crate::domain::builtin::builtin_instrument_in(text);
            let report =
                report_for_entry(text, &instrument, &today, std::slice::from_ref(&today)).unwrap();
            let paragraph = report.suggestion.unwrap();
            assert!(
                paragraph.starts_with(text.signal_total_below),
                "{paragraph}"
            );
            assert!(!paragraph.contains("36"), "{paragraph}");
        }
        // An item under the floor that did not fall is named once, without the floor.
        let history = [
            check_in("a", 1, [70, 95, 95, 95]),
            check_in("t", 2, [70, 95, 95, 95]),
        ];
        let report = report(&history[1], &history);
        let paragraph = report.suggestion.unwrap();
        assert!(paragraph.starts_with("You gave “Connection” a lower rating. If you feel"));
        assert!(!paragraph.contains("7.5"));
    }

    #[test]
    fn a_rising_total_names_the_item_and_never_says_today_was_lower() {
        // The example: 9.5/8/8/8 last time, 8.5/10/10/10 today.
        let history = [
            check_in("a", 1, [95, 80, 80, 80]),
            check_in("t", 2, [85, 100, 100, 100]),
        ];
        let report = report(&history[1], &history);
        assert_eq!(report.total, "38.5 of 40");
        assert_eq!(
            report.total_direction.as_deref(),
            Some("higher than last time")
        );
        let paragraph = report.suggestion.unwrap();
        assert!(
            paragraph.starts_with("You rated “Connection” lower than last time."),
            "{paragraph}"
        );
        assert!(!paragraph.contains(ENGLISH.signal_lower_than_last_time));
    }

    #[test]
    fn later_entries_are_not_part_of_an_earlier_ones_baseline() {
        let history = [
            check_in("a", 1, [50, 50, 50, 50]),
            check_in("b", 2, [90, 90, 90, 90]),
            check_in("c", 3, [10, 10, 10, 10]),
        ];
        let report = report(&history[1], &history);
        assert_eq!(
            report.total_direction.as_deref(),
            Some("higher than last time")
        );
    }

    #[test]
    fn ceiling_run_and_usual_wording() {
        // A run of exactly three at the top (b has one item under 9.5), against the usual.
        let history = [
            check_in("a", 1, [100; 4]),
            check_in("b", 2, [94, 100, 100, 100]),
            check_in("c", 3, [98; 4]),
            check_in("d", 4, [100; 4]),
            check_in("t", 5, [98; 4]),
        ];
        let report = report(&history[4], &history);
        assert_eq!(
            report.total_direction.as_deref(),
            Some("about the same as your usual")
        );
        // A run at the top is a gentle note, not a concern: no paragraph about low ratings.
        assert_eq!(report.suggestion, None);
        assert_eq!(report.no_signal, None);
        assert!(report
            .ceiling_note
            .unwrap()
            .starts_with("You have rated everything at or near the top 3 times in a row,"));
    }

    #[test]
    fn a_five_point_mean_reads_against_its_own_scale() {
        use crate::domain::fixtures::{likert_check_in, likert_example};
        use crate::domain::text::SPANISH;
        let instrument = likert_example();
        // "item-7" is reverse-scored: its 1 scores 5. The mean is 43 / 12 = 3.58, so 3.6.
        let today = likert_check_in("t", 2, [4, 4, 4, 4, 4, 3, 1, 3, 3, 3, 3, 3]);
        let report =
            report_for_entry(&ENGLISH, &instrument, &today, std::slice::from_ref(&today)).unwrap();
        assert_eq!(report.total, "3.6 of 5");
        assert_eq!(report.items[0].score, "4 of 5");
        assert_eq!(report.items[6].score, "5 of 5");
        assert_eq!(report.items[6].max_tenths, Tenths::points(5));
        let spanish =
            report_for_entry(&SPANISH, &instrument, &today, std::slice::from_ref(&today)).unwrap();
        assert_eq!(spanish.total, "3,6 de 5");
        assert_eq!(spanish.items[5].score, "3 de 5");
    }
}
