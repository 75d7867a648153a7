//! The summary screen: the exact text that will leave the device, switches for what to include,
//! an editable copy of it, and Copy / Share buttons that say whether they worked.

use std::sync::Arc;

use leptos::{html, prelude::*};

use crate::browser::clock::format_date_time;
use crate::browser::sharing::{can_share, copy_text, share_text, CopyOutcome, ShareOutcome};
use crate::domain::checkin::CheckIn;
use crate::domain::instrument::Instrument;
use crate::domain::settings::PracticeSettings;
use crate::domain::summary::{compose_summary, mailto_link, trend_lines, SummaryOptions};
use crate::domain::text::fill;
use crate::domain::text::Text;
use crate::ui::button;

#[component]
pub fn SummaryView(
    /// The questionnaire the check-in answered.
    instrument: Arc<Instrument>,
    /// The check-in to summarise.
    entry: CheckIn,
    /// Every check-in known (for the comparison and the trend).
    history: Vec<CheckIn>,
    /// The practice's settings (the therapist's e-mail address for the e-mail link).
    settings: PracticeSettings,
    /// The language's strings.
    text: &'static Text,
    /// Prefix that makes element ids unique on the page.
    id_prefix: String,
    /// Leave the summary.
    on_back: Callback<()>,
) -> impl IntoView {
    let date = move |ms: u64| format_date_time(text.language_tag, ms);
    let has_note = !entry.note.trim().is_empty();
    let has_trend = trend_lines(text, &instrument, &entry, &history, &date).len() >= 2;
    let include_note = RwSignal::new(has_note);
    let include_trend = RwSignal::new(false);
    let compose = {
        let title_fallback = text.save_failed;
        move || {
            let options = SummaryOptions {
                include_note: include_note.get_untracked(),
                include_trend: include_trend.get_untracked(),
            };
            compose_summary(text, &instrument, &entry, &history, options, &date)
                .unwrap_or_else(|_| title_fallback.to_owned())
        }
    };
    let summary = RwSignal::new(compose());
    let edited = RwSignal::new(false);
    let status = RwSignal::new(None::<&'static str>);
    let field = NodeRef::<html::Textarea>::new();
    let field_id = format!("{id_prefix}-summary-text");
    let heading_id = format!("{id_prefix}-summary-heading");
    let share_title = text.summary_screen_heading;

    let recompose = {
        let compose = compose.clone();
        move || {
            summary.set(compose());
            edited.set(false);
            status.set(None);
        }
    };
    let switch = move |signal: RwSignal<bool>,
                       label: &'static str,
                       recompose: Box<dyn Fn() + Send + Sync>| {
        view! {
            <label class="aci-switch">
                <input
                    type="checkbox"
                    class="aci-switch__box"
                    prop:checked=move || signal.get()
                    prop:disabled=move || edited.get()
                    on:change=move |event| {
                        signal.set(event_target_checked(&event));
                        recompose();
                    }
                />
                <span>{label}</span>
            </label>
        }
    };
    let note_switch =
        has_note.then(|| switch(include_note, text.include_note, Box::new(recompose.clone())));
    let trend_switch = has_trend.then(|| {
        switch(
            include_trend,
            text.include_trend,
            Box::new(recompose.clone()),
        )
    });
    let on_copy = move |_| {
        if let Some(field) = field.get_untracked() {
            copy_text(field, move |outcome| {
                status.set(Some(match outcome {
                    CopyOutcome::Copied => text.copied,
                    CopyOutcome::SelectedForManualCopy => text.copy_manual,
                }));
            });
        }
    };
    let on_share = move |_| {
        share_text(share_title, &summary.get_untracked(), move |outcome| {
            status.set(match outcome {
                ShareOutcome::Shared => Some(text.shared),
                ShareOutcome::Cancelled => None,
                ShareOutcome::Failed => Some(text.share_failed),
            });
        });
    };
    let share_button = can_share().then(|| {
        view! {
            <button type="button" class="aci-button" on:click=on_share>
                {text.share}
            </button>
        }
    });

    // The e-mail link carries what the text area shows, edits included.
    let email_link = settings.therapist_email.map(|address| {
        let label = match &settings.therapist_name {
            Some(name) => fill(text.email_named_therapist, &[("name", name)]),
            None => text.email_therapist.to_owned(),
        };
        let href = move || summary.with(|body| mailto_link(&address, text.email_subject, body));
        view! {
            <a class="aci-button" href=href>
                {label}
            </a>
        }
    });

    view! {
        <section class="aci-summary">
            <h2 class="aci-heading" id=heading_id tabindex="-1">
                {text.summary_screen_heading}
            </h2>
            <p class="aci-lead">{text.summary_screen_intro}</p>
            <div class="aci-switches">{note_switch} {trend_switch}</div>
            <label class="aci-note__label" for=field_id.clone()>
                {text.summary_text_label}
            </label>
            <textarea
                dir="auto"
                class="aci-note__field aci-summary__text"
                id=field_id
                rows="12"
                node_ref=field
                prop:value=move || summary.get()
                on:input=move |event| {
                    summary.set(event_target_value(&event));
                    edited.set(true);
                    status.set(None);
                }
            ></textarea>
            <Show when=move || edited.get()>
                <p class="aci-muted">
                    {text.summary_edited} " "
                    <button type="button" class="aci-link" on:click={
                        let recompose = recompose.clone();
                        move |_| recompose()
                    }>
                        {text.summary_regenerate}
                    </button>
                </p>
            </Show>
            <div class="aci-actions">
                <button type="button" class="aci-button aci-button--primary" on:click=on_copy>
                    {text.copy}
                </button>
                {share_button}
                {email_link}
            </div>
            <p class="aci-status" role="status">
                {move || status.get().unwrap_or_default().to_owned()}
            </p>
            <p class="aci-muted">{text.leaves_device}</p>
            {button("aci-button aci-button--quiet", text.back, move || on_back.run(()))}
        </section>
    }
}
