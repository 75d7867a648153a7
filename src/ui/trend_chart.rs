//! The trend of the client's check-ins: an SVG line of their totals (with the threshold named
//! in words, and each question's line on request) and the same numbers as a table, newest
//! first, a page at a time.
//!
//! The drawing, its key and the table are written by the domain (`domain::chart`) as escaped
//! markup and set as inner HTML: far smaller in wasm than the same sixty elements in `view!`.
//! Few reactive bindings: the "Show each question" checkbox shows the item lines and their
//! keys through CSS (`:has(:checked)`), so only the table and its "Show more" button react.

use std::sync::Arc;

use leptos::prelude::*;

use crate::browser::clock::format_date;
use crate::browser::focus::focus_when_rendered;
use crate::domain::chart::{
    chart, key_markup, svg_markup, table_markup, ChartPoint, ChartScale, ChartWords, KeyWords,
    TableWords, DEFAULT_POINT_LIMIT, VIEW_BOX,
};
use crate::domain::instrument::Instrument;
use crate::domain::text::{fill, Text};

/// Rows of the table shown at first and added by each "Show more".
const TABLE_PAGE: usize = 20;

#[component]
pub fn TrendChart(
    /// The check-ins to draw, oldest first, already narrowed to one questionnaire (this
    /// `instrument`) and one therapist (see `domain::chart::chart_points`).
    points: Vec<ChartPoint>,
    /// The questionnaire: item titles, the maximum total and item score, the threshold.
    instrument: Arc<Instrument>,
    /// The language's strings.
    text: &'static Text,
    /// Prefix that makes element ids unique on the page.
    id_prefix: String,
) -> impl IntoView {
    let scale = ChartScale::of(&instrument, DEFAULT_POINT_LIMIT);
    let chart = chart(&points, &scale)?;
    let separator = text.decimal_separator;
    let date = move |ms: u64| format_date(text.language_tag, ms);
    let count = points.len();
    let title_id = format!("{id_prefix}-trend-title");
    let threshold_id = format!("{id_prefix}-trend-threshold");
    let caption_id = format!("{id_prefix}-trend-caption");
    let row_id_prefix = format!("{id_prefix}-trend-row-");

    let title = fill(
        text.trend_chart_label,
        &[
            ("total", &points.last()?.total.format_with(separator)),
            ("max", &scale.total_max.format_with(separator)),
        ],
    );
    let last_date = chart
        .last_date
        .map(|label| date(label.completed_at_ms))
        .unwrap_or_default();
    let drawing = svg_markup(
        &chart,
        &ChartWords {
            title_id: &title_id,
            title: &title,
            decimal_separator: separator,
            first_date: &date(chart.first_date.completed_at_ms),
            last_date: &last_date,
        },
    );
    // The threshold's words are in the key, outside the plot (see `domain::chart`), and part
    // of the chart's accessible name.
    // No number on the client's screen: a kind suggestion, not a pass mark.
    let threshold_words = chart
        .threshold
        .map_or("", |_| text.trend_threshold)
        .to_owned();
    let keys = key_markup(
        &chart,
        &KeyWords {
            total: text.total_label,
            threshold_id: &threshold_id,
            threshold: &threshold_words,
            items: &instrument.items,
        },
    );
    let labelled_by = if chart.threshold.is_some() {
        format!("{title_id} {threshold_id}")
    } else {
        title_id
    };

    let has_items = !chart.item_lines.is_empty();
    let switch = has_items.then(|| {
        view! {
            <label class="aci-switch">
                <input type="checkbox" class="aci-switch__box aci-trend__toggle"/>
                <span>{text.trend_show_items}</span>
            </label>
        }
        .into_any()
    });
    let scale_note = has_items.then(|| {
        let words = fill(
            text.trend_items_scale,
            &[("max", &scale.item_max.format_with(separator))],
        );
        view! { <p class="aci-muted aci-trend__scale-note">{words}</p> }.into_any()
    });
    let thinned = (chart.drawn.len() < count).then(|| {
        let words = fill(
            text.trend_thinned,
            &[
                ("limit", &chart.drawn.len().to_string()),
                ("count", &count.to_string()),
            ],
        );
        view! { <p class="aci-muted aci-trend__note">{words}</p> }.into_any()
    });

    // The table: every check-in, newest first, a page at a time. "Show more" moves focus to
    // the first new row (the button itself goes once every row is shown).
    let shown = RwSignal::new(TABLE_PAGE);
    let table = {
        let caption_id = caption_id.clone();
        let row_id_prefix = row_id_prefix.clone();
        move || {
            let words = TableWords {
                caption_id: &caption_id,
                caption: text.trend_table_caption,
                date: text.trend_date,
                items: &instrument.items,
                total: text.total_label,
                decimal_separator: separator,
                row_id_prefix: &row_id_prefix,
            };
            table_markup(&points, shown.get(), TABLE_PAGE, &words, &date)
        }
    };
    let more = move || {
        let now = shown.get();
        (now < count).then(|| {
            let next = (count - now).min(TABLE_PAGE).to_string();
            let first_new = format!("{row_id_prefix}{now}");
            view! {
                <button
                    type="button"
                    class="aci-button aci-button--quiet aci-trend__more"
                    on:click=move |_| {
                        shown.set(now + TABLE_PAGE);
                        focus_when_rendered(first_new.clone());
                    }
                >
                    {fill(text.trend_show_more, &[("count", &next)])}
                </button>
            }
            .into_any()
        })
    };

    Some(view! {
        <section class="aci-trend">
            <h3 class="aci-trend__heading">{text.trend_heading}</h3>
            {switch}
            <svg
                class="aci-trend__svg"
                viewBox=VIEW_BOX
                role="img"
                aria-labelledby=labelled_by
                inner_html=drawing
            ></svg>
            <ul class="aci-trend__keys" inner_html=keys></ul>
            {scale_note}
            {thinned}
            <details class="aci-trend__details">
                <summary class="aci-trend__summary">{text.trend_show_table}</summary>
                <div class="aci-trend__scroll" role="region" tabindex="0" aria-labelledby=caption_id>
                    <table class="aci-trend__table" inner_html=table></table>
                </div>
                {move || more().into_any()}
            </details>
        </section>
    })
}
