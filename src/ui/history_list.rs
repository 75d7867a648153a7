//! The history: past check-ins newest first, each with its date, total, item scores, whether it
//! is worth talking about, and the note; paged twenty at a time. Each can be shared or deleted,
//! and the latest corrected for a day. Check-ins from a newer version are shown, never changed.

use std::sync::Arc;

use leptos::prelude::*;

use crate::browser::clock::{format_date_time, iso_date_time, now_ms};
use crate::domain::checkin::{in_completion_order, CheckIn};
use crate::domain::instrument::Instrument;
use crate::domain::report::{assess_entry, item_title};
use crate::domain::scoring::score;
use crate::domain::text::{fill, Text};
use crate::ui::button;

/// "Total 35.5 of 40" for an entry of `instrument`, or a neutral label for another one.
pub fn entry_total_words(text: &Text, instrument: &Instrument, entry: &CheckIn) -> String {
    if !entry.instrument.is(instrument) {
        return text.history_other_questionnaire.to_owned();
    }
    match score(instrument, &entry.answers) {
        Ok(sheet) => {
            let separator = text.decimal_separator;
            fill(
                text.history_total,
                &[
                    ("total", &sheet.total.format_with(separator)),
                    ("max", &instrument.max_total().format_with(separator)),
                ],
            )
        }
        Err(_) => text.history_other_questionnaire.to_owned(),
    }
}

/// How long after making it the latest check-in can still be corrected (one day).
pub const EDIT_WINDOW_MS: u64 = 24 * 60 * 60 * 1000;
/// Rows shown at first, and added by "Show more": nobody reads 1,000 rows at once.
const PAGE: usize = 20;

/// "Connection 9 · Focus 8.5 · …" for an entry of `instrument`.
fn item_scores(text: &Text, instrument: &Instrument, entry: &CheckIn) -> Option<String> {
    let sheet = score(instrument, &entry.answers).ok()?;
    let parts: Vec<String> = sheet
        .items
        .iter()
        .map(|item| {
            let mut part = item_title(instrument, &item.item_id).to_owned();
            part.push(' ');
            part.push_str(&item.score.format_with(text.decimal_separator));
            part
        })
        .collect();
    Some(parts.join(" · "))
}

/// One of a check-in's buttons (share, correct, delete): a short visible label, and an
/// accessible name that starts with it and says which check-in.
fn entry_action(
    label: &'static str,
    accessible_name: String,
    class: &'static str,
    action: Callback<CheckIn>,
    entry: CheckIn,
) -> impl IntoView {
    view! {
        <button
            type="button"
            class=format!("aci-button aci-button--quiet {class}")
            aria-label=accessible_name
            on:click=move |_| action.run(entry.clone())
        >
            {label}
        </button>
    }
}

#[component]
pub fn HistoryList(
    /// Every check-in known on this device (oldest first).
    history: Signal<Vec<CheckIn>>,
    /// Ids of check-ins this page holds but the device does not (not saved, or not kept).
    not_kept: Signal<Vec<String>>,
    /// Check-ins saved by a newer version: shown, never changed here.
    read_only: Signal<Vec<CheckIn>>,
    /// The questionnaire whose totals are shown.
    instrument: Arc<Instrument>,
    /// The language's strings.
    text: &'static Text,
    /// Open the summary of a check-in.
    on_share: Callback<CheckIn>,
    /// Delete a check-in (the caller offers undo).
    on_delete: Callback<CheckIn>,
    /// Correct the latest check-in.
    on_edit: Callback<CheckIn>,
) -> impl IntoView {
    let shown = RwSignal::new(PAGE);
    view! {
            {move || {
                let newer: Vec<CheckIn> = read_only.get();
                let all: Vec<CheckIn> = history.get();
                let mut entries =
                    in_completion_order(all.iter().chain(&newer).cloned().collect());
                if entries.is_empty() {
                    return view! { <p class="aci-muted">{text.history_empty}</p> }.into_any();
                }
                entries.reverse();
                let total_count = entries.len();
                let entries = entries.into_iter().map(|entry| {
                    let read_only = newer.iter().any(|other| other.id == entry.id);
                    (entry, read_only)
                });
                let latest_id = all.last().map(|entry| entry.id.clone());
                let now = now_ms();
                let limit = shown.get();
                let not_kept = not_kept.get();
                let rows = entries
                    .into_iter()
                    .take(limit)
                    .map(|(entry, read_only)| {
                        let total = entry_total_words(text, &instrument, &entry);
                        let completed_at_ms = entry.completed_at_ms;
                        let date = format_date_time(text.language_tag, completed_at_ms);
                        let scores = entry
                            .instrument
                            .is(&instrument)
                            .then(|| item_scores(text, &instrument, &entry))
                            .flatten();
                        let flagged = entry.instrument.is(&instrument)
                            && assess_entry(&instrument, &entry, &all)
                                .is_ok_and(|(_, feedback)| feedback.has_concern());
                        let note = (!entry.note.trim().is_empty()).then(|| {
                            view! {
                                <p class="aci-history__note" dir="auto">
                                    <span class="aci-history__label">{text.history_note}</span>
                                    " "
                                    {entry.note.clone()}
                                </p>
                            }
                            .into_any()
                        });
                        let kept_here = !not_kept.contains(&entry.id);
                        let mut tags: Vec<&'static str> = Vec::new();
                        if flagged {
                            tags.push(text.history_flag);
                        }
                        if entry.edited_at_ms.is_some() {
                            tags.push(text.history_edited);
                        }
                        if !kept_here {
                            tags.push(text.not_kept_here);
                        }
                        if read_only {
                            tags.push(text.history_read_only);
                        }
                        let tags = tags
                            .into_iter()
                            .map(|tag| view! { <span class="aci-tag">{tag}</span> })
                            .map(IntoAny::into_any)
                            .collect_view();
                        let can_edit = !read_only
                            && latest_id.as_deref() == Some(entry.id.as_str())
                            && now.saturating_sub(completed_at_ms) < EDIT_WINDOW_MS
                            && entry.instrument.is(&instrument);
                        let actions = (!read_only).then(|| {
                            let share = entry.instrument.is(&instrument).then(|| {
                                entry_action(
                                    text.share_entry,
                                    fill(text.share_entry_label, &[("date", &date)]),
                                    "aci-history__share",
                                    on_share,
                                    entry.clone(),
                                )
                                .into_any()
                            });
                            let edit = can_edit.then(|| {
                                entry_action(
                                    text.edit_entry,
                                    fill(text.edit_entry_label, &[("date", &date)]),
                                    "aci-history__edit",
                                    on_edit,
                                    entry.clone(),
                                )
                                .into_any()
                            });
                            let delete = entry_action(
                                text.delete_entry,
                                fill(text.delete_entry_label, &[("date", &date)]),
                                "aci-history__delete",
                                on_delete,
                                entry.clone(),
                            );
                            view! { <div class="aci-history__actions">{share} {edit} {delete}</div> }.into_any()
                        });
                        view! {
                            <li class="aci-history__entry">
                                <p class="aci-history__what">
                                    <time datetime=iso_date_time(completed_at_ms)>{date.clone()}</time>
                                    <span class="aci-history__total">{total}</span>
                                </p>
                                {scores.map(|scores| view! { <p class="aci-history__scores">{scores}</p> }.into_any())}
                                <p class="aci-history__tags">{tags}</p>
                                {note}
                                {actions}
                            </li>
                        }
                    })
                    .map(IntoAny::into_any)
                    .collect_view();
                let more = (total_count > limit).then(|| {
                    view! {
                        <p class="aci-history__more">
                            <span class="aci-muted">
                                {fill(
                                    text.history_showing,
                                    &[("shown", &limit.to_string()), ("count", &total_count.to_string())],
                                )}
                            </span>
                            " "
                            {button("aci-button aci-button--quiet", text.history_show_more, move || shown.update(|shown| *shown += PAGE))}
                        </p>
                    }
                    .into_any()
                });
                view! {
                    <ol class="aci-history__list">{rows}</ol>
                    {more}
                }
                .into_any()
            }}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::builtin::builtin_instrument;
    use crate::domain::fixtures::builtin_check_in;
    use crate::domain::text::ENGLISH;

    #[test]
    fn totals_only_for_the_same_questionnaire() {
        let instrument = builtin_instrument();
        let mut entry = builtin_check_in("a", 1, [88; 4]);
        assert_eq!(
            entry_total_words(&ENGLISH, &instrument, &entry),
            "Total 35.2 of 40"
        );
        entry.instrument.id = "practice.other".into();
        assert_eq!(
            entry_total_words(&ENGLISH, &instrument, &entry),
            "another questionnaire"
        );
    }
}
