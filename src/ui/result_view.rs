//! The result screen: the client's scores in warm words, the direction against their own recent
//! ratings, kind suggestions when a signal fires, whether it was saved, and the safety line.

use leptos::{either::Either, prelude::*};

use crate::browser::clock::browser_languages;
use crate::domain::crisis::crisis_words;
use crate::domain::report::ResultReport;
use crate::domain::text::Text;
use crate::ui::button;
use crate::ui::notices::Notice;

/// Whether the completed check-in was kept on the device.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SaveStatus {
    Saved,
    /// Kept only in this page; the notice says why and what the client can do.
    NotSaved(Notice),
}

#[component]
pub fn ResultView(
    /// The words to show, composed by the domain.
    report: ResultReport,
    /// Whether the check-in was saved on the device.
    saved: SaveStatus,
    /// The language's strings.
    text: &'static Text,
    /// The practice's own safety text, in place of the crisis numbers of the client's region.
    safety_text: Option<String>,
    /// Prefix that makes element ids unique on the page.
    id_prefix: String,
    /// Called when the client is done reading.
    on_done: Callback<()>,
    /// Open the summary of this check-in for the therapist.
    on_share: Callback<()>,
) -> impl IntoView {
    let items = report
        .items
        .into_iter()
        .map(|line| {
            let max = line.max_tenths.0.max(1);
            let percent = format!("{}%", line.score_tenths.0.clamp(0, max) * 100 / max);
            view! {
                <li class=if line.is_low { "aci-score aci-score--low" } else { "aci-score" }>
                    <span class="aci-score__title">{line.title}</span>
                    <span class="aci-score__value">{line.score}</span>
                    <span class="aci-score__bar" aria-hidden="true">
                        <span class="aci-score__fill" style:width=percent></span>
                    </span>
                    {line
                        .direction
                        .map(|words| view! { <span class="aci-score__direction">{words}</span> }.into_any())}
                </li>
            }
        })
        .map(IntoAny::into_any)
        .collect_view();
    let suggestion = report.suggestion.map(|words| {
        view! {
            <section class="aci-suggestions">
                <h3 class="aci-suggestions__heading">{text.suggestions_heading}</h3>
                <p>{words}</p>
            </section>
        }
        .into_any()
    });
    let crisis = crisis_words(text, safety_text.as_deref(), &browser_languages());
    let saved_line = match saved {
        SaveStatus::Saved => Either::Left(view! {
            <p class="aci-saved" role="status">
                {text.saved_on_device}
            </p>
        }),
        SaveStatus::NotSaved(notice) => Either::Right(view! {
            <p class="aci-notice aci-notice--error" role="alert">
                {notice.message(text)}
            </p>
        }),
    };

    view! {
        <section class="aci-result">
            <h2 class="aci-heading" id=format!("{id_prefix}-result-heading") tabindex="-1">
                {text.result_heading}
            </h2>
            <p class="aci-lead">{text.result_intro}</p>
            <ul class="aci-scores">
                {items}
                <li class="aci-score aci-score--total">
                    <span class="aci-score__title">{text.total_label}</span>
                    <span class="aci-score__value">{report.total}</span>
                    {report
                        .total_direction
                        .map(|words| view! { <span class="aci-score__direction">{words}</span> }.into_any())}
                </li>
            </ul>
            {report.first_check_in.map(|words| view! { <p class="aci-muted">{words}</p> }.into_any())}
            {suggestion}
            {report.ceiling_note.or(report.no_signal).map(|words| view! { <p>{words}</p> }.into_any())}
            {saved_line}
            {button("aci-button aci-button--primary", text.share_with_therapist, move || on_share.run(()))}
            <section class="aci-safety">
                <h3 class="aci-safety__heading">{text.safety_heading}</h3>
                <p class="aci-safety__text">{text.safety_text}</p>
                <p class="aci-safety__text aci-safety__crisis">{crisis}</p>
            </section>
            {button("aci-button", text.new_check_in, move || on_done.run(()))}
        </section>
    }
}
