//! The list of past check-ins (newest first, date and total), so the client sees each one was
//! kept. The full history screen (trends, export) builds on this.

use std::sync::Arc;

use leptos::{either::Either, prelude::*};

use crate::browser::clock::{format_date_time, iso_date_time};
use crate::domain::checkin::CheckIn;
use crate::domain::instrument::Instrument;
use crate::domain::scoring::score;
use crate::domain::text::{fill, Text};

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

#[component]
pub fn HistoryList(
    /// Every check-in known on this device (oldest first).
    history: Signal<Vec<CheckIn>>,
    /// The questionnaire whose totals are shown.
    instrument: Arc<Instrument>,
    /// The language's strings.
    text: &'static Text,
    /// Open the summary of a check-in.
    on_share: Callback<CheckIn>,
) -> impl IntoView {
    let newest_first = move || {
        let mut entries = history.get();
        entries.reverse();
        entries
    };
    let count = move || history.with(Vec::len);
    view! {
        <section class="aci-history">
            <h2 class="aci-history__heading">
                {text.history_heading} <span class="aci-history__count">{count}</span>
            </h2>
            {move || {
                let entries = newest_first();
                if entries.is_empty() {
                    return Either::Left(view! { <p class="aci-muted">{text.history_empty}</p> });
                }
                let rows = entries
                    .into_iter()
                    .map(|entry| {
                        let total = entry_total_words(text, &instrument, &entry);
                        let completed_at_ms = entry.completed_at_ms;
                        let date = format_date_time(text.language_tag, completed_at_ms);
                        let label = fill(text.share_entry_label, &[("date", &date)]);
                        let share = entry.instrument.is(&instrument).then(|| {
                            view! {
                                <button
                                    type="button"
                                    class="aci-button aci-button--quiet aci-history__share"
                                    aria-label=label
                                    on:click=move |_| on_share.run(entry.clone())
                                >
                                    {text.share_entry}
                                </button>
                            }
                        });
                        view! {
                            <li class="aci-history__entry">
                                <span class="aci-history__what">
                                    <time datetime=iso_date_time(completed_at_ms)>{date}</time>
                                    <span class="aci-history__total">{total}</span>
                                </span>
                                {share}
                            </li>
                        }
                    })
                    .collect_view();
                Either::Right(view! { <ol class="aci-history__list">{rows}</ol> })
            }}
        </section>
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
