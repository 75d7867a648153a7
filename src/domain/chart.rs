//! The geometry of the trend chart: where the total line, the per-item lines, the threshold,
//! the axis labels and the markers go in a fixed SVG viewBox. Pure and integer-only.
//!
//! Coordinates are whole numbers in a viewBox ten times the size of the drawing
//! ([`VIEW_BOX`] is 3200 × 1800 for a 320 × 180 chart), so they are written with integer
//! formatting and no float-formatting code is linked into the wasm. Check-ins are placed by
//! index (evenly spaced, oldest on the left), not by date: sessions are the unit that matters
//! and a gap of months would otherwise squash everything else into a corner.
//!
//! [`svg_markup`], [`key_markup`] and [`table_markup`] write the drawing, its key and the
//! table of numbers as markup for the component to set as inner HTML: one string writer
//! instead of some sixty `view!` elements, each of which costs wasm. (Mounted in the history
//! list, the component measured 14.5 KB brotli-compressed with everything in `view!` and
//! 7.7 KB with the markup.) Nothing in them reacts to anything but the table's page, so
//! nothing is lost. Every word is escaped.

use std::fmt::Write;

use super::checkin::CheckIn;
use super::instrument::{Instrument, Item};
use super::scoring::score;
use super::tenths::{divide_rounded, Tenths};

/// The SVG `viewBox`: 3200 × 1800 user units.
pub const VIEW_BOX: &str = "0 0 3200 1800";
/// The plot area, in user units. Left of it are the y-axis labels; below it the dates.
const PLOT_LEFT: i32 = 300;
const PLOT_RIGHT: i32 = 3140;
const PLOT_TOP: i32 = 120;
const PLOT_BOTTOM: i32 = 1480;
/// Where the y-axis labels end (they are anchored at their end).
const TICK_LABEL_X: i32 = 250;
/// Added to a tick's y to place its label's baseline, so the label's middle sits on the line
/// (about a third of the 120-unit font size; `dominant-baseline` is not needed).
const TICK_LABEL_NUDGE: i32 = 40;
/// The baseline of the date labels.
const DATE_BASELINE: i32 = 1700;
/// Two axis labels closer than this would overlap (the labels are 120 units high).
const LABEL_GAP: i32 = 130;
/// How many check-ins the line draws at most on a phone-wide chart.
pub const DEFAULT_POINT_LIMIT: usize = 60;
/// Up to this many drawn check-ins, each gets a marker; beyond it only the first, the lowest
/// and the latest do (sixty dots on a 330 px line are a smear, not information).
pub const MARK_EVERY_POINT_UP_TO: usize = 20;
/// The per-item lines' dash patterns (SVG `stroke-dasharray`, user units), one per item in
/// order and repeating after the fifth, so the lines differ without relying on colour. The
/// total is a thicker solid line; the threshold has its own short dash (see `widget.css`).
pub const ITEM_DASHES: [&str; 5] = ["none", "120 50", "0 50", "120 45 0 45", "240 60"];

/// One check-in as the chart sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChartPoint {
    pub completed_at_ms: u64,
    pub total: Tenths,
    /// One score per instrument item, in the instrument's order.
    pub items: Vec<Tenths>,
}

/// The scales the chart is drawn on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChartScale {
    /// The top of the y axis for the total (40 for the built-in check-in).
    pub total_max: Tenths,
    /// The top of the y axis for each item (10 for the built-in check-in). Items are drawn on
    /// their own scale over the same height, so "full marks" is the top line for both.
    pub item_max: Tenths,
    /// The instrument's "worth talking about" line for the total, if it has one.
    pub threshold: Option<Tenths>,
    /// The most check-ins the line draws; more are thinned (see [`drawn_indices`]).
    pub point_limit: usize,
}

impl ChartScale {
    /// The scales of `instrument`: its largest total, its largest item score and its total
    /// threshold (data of the instrument, never literals in the UI).
    pub fn of(instrument: &Instrument, point_limit: usize) -> Self {
        ChartScale {
            total_max: instrument.max_total(),
            item_max: instrument.max_item_score(),
            threshold: instrument.thresholds.total_below,
            point_limit,
        }
    }
}

/// A horizontal line with a label on the y axis.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tick {
    pub value: Tenths,
    pub y: i32,
    /// False when the label would overlap a neighbour's (the threshold's is the one dropped;
    /// its line is still labelled in words).
    pub labelled: bool,
    /// The threshold's tick: drawn as the dashed threshold line, not as a grid line.
    pub is_threshold: bool,
}

/// The threshold line. Its words ("below it, a conversation may help") go in the key under the
/// chart, not on the line: ratings cluster around the threshold, so words on the plot would
/// cover exactly the dips they are about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ThresholdLine {
    pub value: Tenths,
    pub y: i32,
}

/// A dot on the total line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Marker {
    pub x: i32,
    pub y: i32,
    /// The check-in's index in the input.
    pub index: usize,
}

/// How a label's text sits on its x (SVG `text-anchor`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Anchor {
    Start,
    Middle,
    End,
}

impl Anchor {
    pub fn as_str(self) -> &'static str {
        match self {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        }
    }
}

/// Where a date goes under the plot (baseline [`DATE_BASELINE`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateLabel {
    pub x: i32,
    pub anchor: Anchor,
    pub completed_at_ms: u64,
}

/// One item's line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemLine {
    /// SVG `points`.
    pub points: String,
    /// SVG `stroke-dasharray`, from [`ITEM_DASHES`].
    pub dash: &'static str,
}

/// Everything the trend chart draws.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chart {
    /// The indices (into the input) of the check-ins drawn, in order. Shorter than the input
    /// only when it was thinned.
    pub drawn: Vec<usize>,
    /// SVG `points` of the total line ("x,y x,y …"). One point draws no line: see `markers`.
    pub total_line: String,
    /// One line per item, in the instrument's order (empty when the check-ins have no items).
    pub item_lines: Vec<ItemLine>,
    pub threshold: Option<ThresholdLine>,
    /// 0, the threshold (when there is one) and the maximum, from the bottom up.
    pub ticks: Vec<Tick>,
    pub markers: Vec<Marker>,
    /// Under the first check-in (left end), or the only one (centred).
    pub first_date: DateLabel,
    /// Under the latest check-in (right end); `None` with a single check-in.
    pub last_date: Option<DateLabel>,
}

/// The y of `value` on a scale from 0 (at [`PLOT_BOTTOM`]) to `max` (at [`PLOT_TOP`]); values
/// outside the scale are drawn at its edge. `max` must be positive.
fn y_of(value: Tenths, max: Tenths) -> i32 {
    let value = i64::from(value.0.clamp(0, max.0));
    let height = i64::from(PLOT_BOTTOM - PLOT_TOP);
    PLOT_BOTTOM - divide_rounded(value * height, i64::from(max.0)) as i32
}

/// The x of the `position`-th of `count` evenly spaced points (one point is centred).
fn x_of(position: usize, count: usize) -> i32 {
    if count < 2 {
        return (PLOT_LEFT + PLOT_RIGHT) / 2;
    }
    let width = i64::from(PLOT_RIGHT - PLOT_LEFT);
    PLOT_LEFT + divide_rounded(position as i64 * width, count as i64 - 1) as i32
}

fn push_point(line: &mut String, x: i32, y: i32) {
    if !line.is_empty() {
        line.push(' ');
    }
    // Integers only: no float formatting is linked.
    let _ = write!(line, "{x},{y}");
}

/// Which check-ins the line draws when there are more than `limit` (at least 2): their indices
/// in order. Deterministic: the same input always draws the same points.
///
/// Up to `limit` check-ins are all drawn. Beyond it the first and the latest are always kept,
/// and the ones in between are cut into `(limit - 2) / 2` runs of (nearly) equal length; from
/// each run the lowest total (the earliest, on a tie) and the highest (the latest, on a tie)
/// are kept, in their own order. So at most `limit` points are drawn (exactly `limit` when it
/// is even).
///
/// Why lowest and highest ("min-max decimation") rather than every n-th check-in or a run's
/// average: a drop is what a client may want to bring up with their therapist, and sampling or
/// averaging can skip or flatten exactly the one session that dipped. Keeping each run's
/// lowest guarantees no drop is hidden; keeping its highest as well stops the line looking
/// lower than the client's ratings really were. The table under the chart has every number.
pub fn drawn_indices(points: &[ChartPoint], limit: usize) -> Vec<usize> {
    let count = points.len();
    let limit = limit.max(2);
    if count <= limit {
        return (0..count).collect();
    }
    let between = count - 2;
    let runs = (limit - 2) / 2;
    let mut kept = Vec::with_capacity(2 + 2 * runs);
    kept.push(0);
    for run in 0..runs {
        // `between > 2 * runs`, so every run holds at least two check-ins and its lowest and
        // highest are two different ones (on a flat run: its first and its last).
        let start = 1 + run * between / runs;
        let end = 1 + (run + 1) * between / runs;
        let (mut lowest, mut highest) = (start, start);
        for index in start..end {
            if points[index].total < points[lowest].total {
                lowest = index;
            }
            if points[index].total >= points[highest].total {
                highest = index;
            }
        }
        kept.push(lowest.min(highest));
        kept.push(lowest.max(highest));
    }
    kept.push(count - 1);
    kept
}

/// The chart of `points` (oldest first) on `scale`, or `None` when there is nothing to draw
/// (no check-ins, or a maximum of zero or less).
pub fn chart(points: &[ChartPoint], scale: &ChartScale) -> Option<Chart> {
    let (first, latest) = (points.first()?, points.last()?);
    if scale.total_max.0 <= 0 {
        return None;
    }
    let drawn = drawn_indices(points, scale.point_limit);
    let count = drawn.len();
    let place =
        |position: usize, value: Tenths, max: Tenths| (x_of(position, count), y_of(value, max));

    let mut total_line = String::with_capacity(count * 10);
    for (position, &index) in drawn.iter().enumerate() {
        let (x, y) = place(position, points[index].total, scale.total_max);
        push_point(&mut total_line, x, y);
    }

    let item_count = if scale.item_max.0 > 0 {
        drawn
            .iter()
            .map(|&index| points[index].items.len())
            .min()
            .unwrap_or(0)
    } else {
        0
    };
    let item_lines = (0..item_count)
        .map(|item| {
            let mut line = String::with_capacity(count * 10);
            for (position, &index) in drawn.iter().enumerate() {
                let (x, y) = place(position, points[index].items[item], scale.item_max);
                push_point(&mut line, x, y);
            }
            ItemLine {
                points: line,
                dash: ITEM_DASHES[item % ITEM_DASHES.len()],
            }
        })
        .collect();

    let threshold = scale
        .threshold
        .filter(|value| value.0 > 0 && *value <= scale.total_max)
        .map(|value| ThresholdLine {
            value,
            y: y_of(value, scale.total_max),
        });
    let bottom = y_of(Tenths(0), scale.total_max);
    let top = y_of(scale.total_max, scale.total_max);
    let mut ticks = vec![Tick {
        value: Tenths(0),
        y: bottom,
        labelled: true,
        is_threshold: false,
    }];
    if let Some(line) = threshold {
        ticks.push(Tick {
            value: line.value,
            y: line.y,
            labelled: line.y - top >= LABEL_GAP && bottom - line.y >= LABEL_GAP,
            is_threshold: true,
        });
    }
    ticks.push(Tick {
        value: scale.total_max,
        y: top,
        labelled: true,
        is_threshold: false,
    });

    let marked: Vec<usize> = if count <= MARK_EVERY_POINT_UP_TO {
        (0..count).collect()
    } else {
        // The first lowest drawn total (`min_by_key` would keep the last of equals).
        let lowest = (0..count).fold(0, |lowest, position| {
            if points[drawn[position]].total < points[drawn[lowest]].total {
                position
            } else {
                lowest
            }
        });
        let mut marked = vec![0, lowest, count - 1];
        marked.dedup();
        marked
    };
    let markers = marked
        .into_iter()
        .map(|position| {
            let index = drawn[position];
            let (x, y) = place(position, points[index].total, scale.total_max);
            Marker { x, y, index }
        })
        .collect();

    let (first_date, last_date) = if points.len() == 1 {
        let centred = DateLabel {
            x: x_of(0, 1),
            anchor: Anchor::Middle,
            completed_at_ms: first.completed_at_ms,
        };
        (centred, None)
    } else {
        let start = DateLabel {
            x: PLOT_LEFT,
            anchor: Anchor::Start,
            completed_at_ms: first.completed_at_ms,
        };
        let end = DateLabel {
            x: PLOT_RIGHT,
            anchor: Anchor::End,
            completed_at_ms: latest.completed_at_ms,
        };
        (start, Some(end))
    };

    Some(Chart {
        drawn,
        total_line,
        item_lines,
        threshold,
        ticks,
        markers,
        first_date,
        last_date,
    })
}

/// The words the drawing carries, already in the client's language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChartWords<'a> {
    /// The `id` of the SVG `<title>` (for `aria-labelledby`).
    pub title_id: &'a str,
    /// The chart's accessible name.
    pub title: &'a str,
    /// For the y-axis numbers ("7.5" or "7,5").
    pub decimal_separator: char,
    /// The first check-in's date, and the latest's (unused with a single check-in).
    pub first_date: &'a str,
    pub last_date: &'a str,
}

/// Appends `text` with `&`, `<`, `>` and `"` escaped, for element content and attribute values.
fn push_escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
}

/// `<text class="aci-trend__label" x=".." y=".." text-anchor="..">words</text>`.
fn push_label(out: &mut String, x: i32, y: i32, anchor: Anchor, words: &str) {
    let _ = write!(
        out,
        r#"<text class="aci-trend__label" x="{x}" y="{y}" text-anchor="{}">"#,
        anchor.as_str()
    );
    push_escaped(out, words);
    out.push_str("</text>");
}

/// A horizontal line across the plot.
fn push_rule(out: &mut String, class: &str, y: i32) {
    let _ = write!(
        out,
        r#"<line class="{class}" x1="{PLOT_LEFT}" x2="{PLOT_RIGHT}" y1="{y}" y2="{y}"/>"#
    );
}

/// The inside of the chart's `<svg>` (whose `viewBox` is [`VIEW_BOX`]): its `<title>`, the
/// grid and axis labels, the threshold line, the item lines (in a group the page shows or
/// hides), the total line, the markers and the dates, in painting order. Every word is
/// escaped; every number is an integer. Classes are styled in `widget.css`.
pub fn svg_markup(chart: &Chart, words: &ChartWords) -> String {
    let mut out =
        String::with_capacity(1024 + chart.total_line.len() * (2 + chart.item_lines.len()));
    out.push_str("<title id=\"");
    push_escaped(&mut out, words.title_id);
    out.push_str("\">");
    push_escaped(&mut out, words.title);
    out.push_str("</title>");
    for tick in &chart.ticks {
        if !tick.is_threshold {
            push_rule(&mut out, "aci-trend__grid", tick.y);
        }
        if tick.labelled {
            let value = tick.value.format_with(words.decimal_separator);
            push_label(
                &mut out,
                TICK_LABEL_X,
                tick.y + TICK_LABEL_NUDGE,
                Anchor::End,
                &value,
            );
        }
    }
    if let Some(line) = chart.threshold {
        push_rule(&mut out, "aci-trend__threshold", line.y);
    }
    out.push_str(r#"<g class="aci-trend__items">"#);
    for line in &chart.item_lines {
        let _ = write!(
            out,
            r#"<polyline class="aci-trend__item" points="{}" stroke-dasharray="{}"/>"#,
            line.points, line.dash
        );
    }
    let _ = write!(
        out,
        r#"</g><polyline class="aci-trend__total" points="{}"/>"#,
        chart.total_line
    );
    for marker in &chart.markers {
        let _ = write!(
            out,
            r#"<circle class="aci-trend__marker" cx="{}" cy="{}" r="36"/>"#,
            marker.x, marker.y
        );
    }
    let first = chart.first_date;
    push_label(
        &mut out,
        first.x,
        DATE_BASELINE,
        first.anchor,
        words.first_date,
    );
    if let Some(last) = chart.last_date {
        push_label(
            &mut out,
            last.x,
            DATE_BASELINE,
            last.anchor,
            words.last_date,
        );
    }
    out
}

/// The words of the key under the chart, in the client's language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyWords<'a> {
    /// "Total".
    pub total: &'a str,
    /// The threshold line's `id` (part of the chart's accessible name) and its words
    /// (no number: "below it, a conversation may help"); unused when there is no threshold.
    pub threshold_id: &'a str,
    pub threshold: &'a str,
    /// The instrument's items, for their titles (in the order of [`Chart::item_lines`]).
    pub items: &'a [Item],
}

/// A line sample for the key: the same class (and dash) as the line it stands for.
fn push_sample(out: &mut String, class: &str, dash: Option<&str>) {
    let _ = write!(
        out,
        r#"<svg class="aci-trend__sample" viewBox="0 0 400 100" aria-hidden="true"><line class="{class}" x1="30" y1="50" x2="370" y2="50""#
    );
    if let Some(dash) = dash {
        let _ = write!(out, r#" stroke-dasharray="{dash}""#);
    }
    out.push_str("/></svg>");
}

/// The inside of the key's `<ul>`: the total, the threshold (when there is one) and one entry
/// per item line (class `aci-trend__key--item`, which the page shows only with the item lines).
pub fn key_markup(chart: &Chart, words: &KeyWords) -> String {
    let mut out = String::with_capacity(512 + 200 * chart.item_lines.len());
    out.push_str(r#"<li class="aci-trend__key">"#);
    push_sample(&mut out, "aci-trend__total", None);
    push_escaped(&mut out, words.total);
    out.push_str("</li>");
    if chart.threshold.is_some() {
        out.push_str(r#"<li class="aci-trend__key" id=""#);
        push_escaped(&mut out, words.threshold_id);
        out.push_str("\">");
        push_sample(&mut out, "aci-trend__threshold", None);
        push_escaped(&mut out, words.threshold);
        out.push_str("</li>");
    }
    for (line, item) in chart.item_lines.iter().zip(words.items) {
        out.push_str(r#"<li class="aci-trend__key aci-trend__key--item">"#);
        push_sample(&mut out, "aci-trend__item", Some(line.dash));
        push_escaped(&mut out, &item.title);
        out.push_str("</li>");
    }
    out
}

/// The words of the table of check-ins, in the client's language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TableWords<'a> {
    /// The caption's `id` (the scrolling region's name) and words.
    pub caption_id: &'a str,
    pub caption: &'a str,
    /// The column headers: the date, each item's title, the total.
    pub date: &'a str,
    pub items: &'a [Item],
    pub total: &'a str,
    pub decimal_separator: char,
    /// The first row of each page after the first gets the id `{row_id_prefix}{row}` (and
    /// `tabindex="-1"`), so "Show more" can move focus to it.
    pub row_id_prefix: &'a str,
}

/// The inside of the `<table>` of `points` (oldest first): caption, headers, and the newest
/// `shown` check-ins, newest first, each with its date (`date`, from the browser), item scores
/// and total. A row is `<th scope="row">` date, then `<td>`s.
pub fn table_markup(
    points: &[ChartPoint],
    shown: usize,
    page: usize,
    words: &TableWords,
    date: &dyn Fn(u64) -> String,
) -> String {
    let rows = shown.min(points.len());
    let mut out = String::with_capacity(512 + rows * (90 + 20 * words.items.len()));
    out.push_str(r#"<caption id=""#);
    push_escaped(&mut out, words.caption_id);
    out.push_str("\">");
    push_escaped(&mut out, words.caption);
    out.push_str(r#"</caption><thead><tr><th scope="col">"#);
    push_escaped(&mut out, words.date);
    // The total comes right after the date, so a narrow phone that scrolls the table sideways
    // still shows it first.
    out.push_str(r#"</th><th scope="col">"#);
    push_escaped(&mut out, words.total);
    for item in words.items {
        out.push_str(r#"</th><th scope="col">"#);
        push_escaped(&mut out, &item.title);
    }
    out.push_str("</th></tr></thead><tbody>");
    for (row, point) in points.iter().rev().take(rows).enumerate() {
        if row > 0 && row % page.max(1) == 0 {
            out.push_str(r#"<tr><th scope="row" tabindex="-1" id=""#);
            push_escaped(&mut out, words.row_id_prefix);
            let _ = write!(out, "{row}\">");
        } else {
            out.push_str(r#"<tr><th scope="row">"#);
        }
        push_escaped(&mut out, &date(point.completed_at_ms));
        out.push_str(r#"</th><td class="aci-trend__total-cell">"#);
        out.push_str(&point.total.format_with(words.decimal_separator));
        out.push_str("</td>");
        for score in &point.items {
            out.push_str("<td>");
            out.push_str(&score.format_with(words.decimal_separator));
            out.push_str("</td>");
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody>");
    out
}

/// The chart points of the entries that answered `instrument` (this exact version) and score
/// against it, in the entries' order. The caller chooses the entries (one therapist's).
pub fn chart_points(instrument: &Instrument, entries: &[CheckIn]) -> Vec<ChartPoint> {
    entries
        .iter()
        .filter(|entry| entry.instrument.is(instrument))
        .filter_map(|entry| {
            let sheet = score(instrument, &entry.answers).ok()?;
            Some(ChartPoint {
                completed_at_ms: entry.completed_at_ms,
                total: sheet.total,
                items: sheet.items.iter().map(|item| item.score).collect(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::builtin::builtin_instrument;
    use crate::domain::fixtures::builtin_check_in;

    fn builtin_scale() -> ChartScale {
        ChartScale::of(&builtin_instrument(), DEFAULT_POINT_LIMIT)
    }

    fn point(ms: u64, items: [i32; 4]) -> ChartPoint {
        ChartPoint {
            completed_at_ms: ms,
            total: Tenths(items.iter().sum()),
            items: items.map(Tenths).to_vec(),
        }
    }

    fn series(totals: &[i32]) -> Vec<ChartPoint> {
        totals
            .iter()
            .enumerate()
            .map(|(index, &total)| ChartPoint {
                completed_at_ms: index as u64 * 1000,
                total: Tenths(total),
                items: Vec::new(),
            })
            .collect()
    }

    /// The (x, y) pairs of an SVG `points` string.
    fn coordinates(line: &str) -> Vec<(i32, i32)> {
        line.split(' ')
            .map(|pair| {
                let (x, y) = pair.split_once(',').unwrap();
                (x.parse().unwrap(), y.parse().unwrap())
            })
            .collect()
    }

    #[test]
    fn builtin_scale_comes_from_the_instrument() {
        let scale = builtin_scale();
        assert_eq!(scale.total_max, Tenths::points(40));
        assert_eq!(scale.item_max, Tenths::points(10));
        assert_eq!(scale.threshold, Some(Tenths::points(36)));
        assert_eq!(scale.point_limit, 60);
    }

    #[test]
    fn nothing_to_draw_is_none_not_a_panic() {
        assert_eq!(chart(&[], &builtin_scale()), None);
        let zero_max = ChartScale {
            total_max: Tenths(0),
            ..builtin_scale()
        };
        assert_eq!(chart(&[point(1, [50; 4])], &zero_max), None);
        assert!(drawn_indices(&[], 60).is_empty());
        assert!(drawn_indices(&[], 0).is_empty());
    }

    #[test]
    fn one_check_in_is_a_centred_marked_dot() {
        let chart = chart(&[point(7, [90, 90, 90, 90])], &builtin_scale()).unwrap();
        // 36 of 40 over a 1360-unit-high plot: 1480 - 1224.
        assert_eq!(chart.total_line, "1720,256");
        assert_eq!(
            chart.markers,
            [Marker {
                x: 1720,
                y: 256,
                index: 0
            }]
        );
        assert_eq!(
            chart.first_date,
            DateLabel {
                x: 1720,
                anchor: Anchor::Middle,
                completed_at_ms: 7
            }
        );
        assert_eq!(chart.last_date, None);
        assert_eq!(chart.item_lines.len(), 4);
        assert_eq!(chart.item_lines[0].points, "1720,256");
    }

    #[test]
    fn two_check_ins_span_the_plot() {
        let chart = chart(&[point(1, [100; 4]), point(2, [0; 4])], &builtin_scale()).unwrap();
        assert_eq!(chart.total_line, "300,120 3140,1480");
        assert_eq!(chart.drawn, [0, 1]);
        assert_eq!(chart.markers.len(), 2);
        assert_eq!(
            (chart.first_date.x, chart.first_date.anchor),
            (PLOT_LEFT, Anchor::Start)
        );
        assert_eq!(
            chart.last_date,
            Some(DateLabel {
                x: PLOT_RIGHT,
                anchor: Anchor::End,
                completed_at_ms: 2
            })
        );
    }

    #[test]
    fn twelve_check_ins_are_all_drawn_evenly_and_marked() {
        let points: Vec<ChartPoint> = (0..12).map(|n| point(n, [80 + n as i32; 4])).collect();
        let chart = chart(&points, &builtin_scale()).unwrap();
        assert_eq!(chart.drawn, (0..12).collect::<Vec<_>>());
        let xy = coordinates(&chart.total_line);
        assert_eq!(xy.len(), 12);
        // 2840 / 11 = 258.18…: each x within a unit of the exact even spacing.
        for (position, (x, _)) in xy.iter().enumerate() {
            let exact = PLOT_LEFT * 11 + position as i32 * 2840;
            assert!((x * 11 - exact).abs() <= 11, "{position}: {x}");
        }
        assert_eq!(xy[0].0, PLOT_LEFT);
        assert_eq!(xy[11].0, PLOT_RIGHT);
        // Rising totals draw a rising line (smaller y is higher).
        assert!(xy.windows(2).all(|pair| pair[1].1 < pair[0].1));
        assert_eq!(chart.markers.len(), 12);
        assert_eq!(chart.last_date.unwrap().completed_at_ms, 11);
    }

    fn check_thinned(totals: &[i32], limit: usize) -> Vec<usize> {
        let points = series(totals);
        let drawn = drawn_indices(&points, limit);
        assert_eq!(drawn.len(), limit, "an even limit is met exactly");
        assert_eq!(drawn[0], 0);
        assert_eq!(*drawn.last().unwrap(), totals.len() - 1);
        assert!(drawn.windows(2).all(|pair| pair[0] < pair[1]), "in order");
        // The lowest and the highest total are always among the drawn ones.
        let min = *totals.iter().min().unwrap();
        let max = *totals.iter().max().unwrap();
        assert!(drawn.iter().any(|&index| totals[index] == min));
        assert!(drawn.iter().any(|&index| totals[index] == max));
        // Deterministic.
        assert_eq!(drawn_indices(&points, limit), drawn);
        drawn
    }

    /// High, steady ratings with a few single-session dips planted in them.
    fn steady_with_dips(count: usize, dips: &[usize]) -> Vec<i32> {
        (0..count)
            .map(|index| {
                if dips.contains(&index) {
                    250
                } else {
                    370 + (index * 7 % 30) as i32
                }
            })
            .collect()
    }

    #[test]
    fn a_thousand_check_ins_are_thinned_without_hiding_a_dip() {
        let dips = [3, 250, 251, 640, 998];
        let totals = steady_with_dips(1000, &dips);
        let drawn = check_thinned(&totals, 60);
        for dip in dips {
            // A dip is kept unless a neighbour in the same run dipped as low (250 and 251).
            assert!(
                drawn.contains(&dip) || drawn.contains(&(dip - 1)),
                "dip at {dip} hidden"
            );
        }
        let chart = chart(&series(&totals), &builtin_scale()).unwrap();
        assert_eq!(chart.drawn, drawn);
        assert_eq!(coordinates(&chart.total_line).len(), 60);
        // Too many for a dot each: the first, the lowest and the latest.
        let marked: Vec<usize> = chart.markers.iter().map(|marker| marker.index).collect();
        assert_eq!(marked, [0, 3, 999]);
    }

    #[test]
    fn five_thousand_check_ins_are_thinned_to_the_limit() {
        let dips = [1, 1234, 2500, 4998];
        let totals = steady_with_dips(5000, &dips);
        let drawn = check_thinned(&totals, 60);
        for dip in dips {
            assert!(drawn.contains(&dip), "dip at {dip} hidden");
        }
        // Other limits: odd limits draw one fewer, tiny limits the two ends.
        assert_eq!(drawn_indices(&series(&totals), 61).len(), 60);
        assert_eq!(drawn_indices(&series(&totals), 2), [0, 4999]);
        assert_eq!(drawn_indices(&series(&totals), 0), [0, 4999]);
        check_thinned(&totals, 4);
    }

    #[test]
    fn a_flat_history_thins_evenly() {
        let drawn = check_thinned(&[380; 100], 10);
        // 98 in between, four runs: 1..25, 25..50, 50..74, 74..99; first and last of each.
        assert_eq!(drawn, [0, 1, 24, 25, 49, 50, 73, 74, 98, 99]);
    }

    #[test]
    fn the_threshold_sits_at_its_value_with_labelled_ticks() {
        let chart = chart(&[point(1, [90; 4])], &builtin_scale()).unwrap();
        let threshold = chart.threshold.unwrap();
        assert_eq!(threshold.value, Tenths::points(36));
        assert_eq!(threshold.y, 256);
        let ticks: Vec<(i32, i32, bool, bool)> = chart
            .ticks
            .iter()
            .map(|tick| (tick.value.0, tick.y, tick.labelled, tick.is_threshold))
            .collect();
        assert_eq!(
            ticks,
            [
                (0, 1480, true, false),
                (360, 256, true, true),
                (400, 120, true, false)
            ]
        );

        // A threshold right under the top keeps its line but not its axis label.
        let near_top = ChartScale {
            threshold: Some(Tenths::points(39)),
            ..builtin_scale()
        };
        let chart = super::chart(&[point(1, [90; 4])], &near_top).unwrap();
        assert!(!chart.ticks[1].labelled);
        // One near the bottom likewise (0 keeps its label).
        let near_bottom = ChartScale {
            threshold: Some(Tenths::points(2)),
            ..builtin_scale()
        };
        let chart = super::chart(&[point(1, [90; 4])], &near_bottom).unwrap();
        assert_eq!(chart.threshold.unwrap().y, 1412);
        assert_eq!(
            chart
                .ticks
                .iter()
                .map(|tick| tick.labelled)
                .collect::<Vec<_>>(),
            [true, false, true]
        );
        // No threshold, or one outside the scale: no line and two ticks.
        for threshold in [None, Some(Tenths(0)), Some(Tenths::points(41))] {
            let scale = ChartScale {
                threshold,
                ..builtin_scale()
            };
            let chart = super::chart(&[point(1, [90; 4])], &scale).unwrap();
            assert_eq!(chart.threshold, None);
            assert_eq!(chart.ticks.len(), 2);
        }
    }

    #[test]
    fn item_lines_use_the_item_scale_and_differ_in_dashes() {
        let chart = chart(
            &[point(1, [100, 50, 0, 75]), point(2, [0, 100, 50, 25])],
            &builtin_scale(),
        )
        .unwrap();
        let lines: Vec<&str> = chart
            .item_lines
            .iter()
            .map(|line| line.points.as_str())
            .collect();
        assert_eq!(
            lines,
            [
                "300,120 3140,1480",
                "300,800 3140,120",
                "300,1480 3140,800",
                "300,460 3140,1140"
            ]
        );
        let dashes: Vec<&str> = chart.item_lines.iter().map(|line| line.dash).collect();
        assert_eq!(dashes, ITEM_DASHES[..4]);
        // Out-of-scale values are drawn at the edge; missing items draw no item lines.
        let odd = [
            ChartPoint {
                completed_at_ms: 1,
                total: Tenths(999),
                items: vec![Tenths(-5)],
            },
            ChartPoint {
                completed_at_ms: 2,
                total: Tenths(-1),
                items: Vec::new(),
            },
        ];
        let chart = super::chart(&odd, &builtin_scale()).unwrap();
        assert_eq!(chart.total_line, "300,120 3140,1480");
        assert!(chart.item_lines.is_empty());
        let no_item_scale = ChartScale {
            item_max: Tenths(0),
            ..builtin_scale()
        };
        let chart = super::chart(&[point(1, [90; 4])], &no_item_scale).unwrap();
        assert!(chart.item_lines.is_empty());
    }

    #[test]
    fn the_drawing_is_escaped_integer_svg() {
        let chart = chart(&[point(1, [100; 4]), point(2, [0; 4])], &builtin_scale()).unwrap();
        let words = ChartWords {
            title_id: "w1-trend-title",
            title: "Totals <\"A & B\">",
            decimal_separator: ',',
            first_date: "1 ene 2026",
            last_date: "8 ene 2026",
        };
        let markup = svg_markup(&chart, &words);
        let expected = concat!(
            r#"<title id="w1-trend-title">Totals &lt;&quot;A &amp; B&quot;&gt;</title>"#,
            r#"<line class="aci-trend__grid" x1="300" x2="3140" y1="1480" y2="1480"/>"#,
            r#"<text class="aci-trend__label" x="250" y="1520" text-anchor="end">0</text>"#,
            r#"<text class="aci-trend__label" x="250" y="296" text-anchor="end">36</text>"#,
            r#"<line class="aci-trend__grid" x1="300" x2="3140" y1="120" y2="120"/>"#,
            r#"<text class="aci-trend__label" x="250" y="160" text-anchor="end">40</text>"#,
            r#"<line class="aci-trend__threshold" x1="300" x2="3140" y1="256" y2="256"/>"#,
            r#"<g class="aci-trend__items">"#,
            r#"<polyline class="aci-trend__item" points="300,120 3140,1480" stroke-dasharray="none"/>"#,
            r#"<polyline class="aci-trend__item" points="300,120 3140,1480" stroke-dasharray="120 50"/>"#,
            r#"<polyline class="aci-trend__item" points="300,120 3140,1480" stroke-dasharray="0 50"/>"#,
            r#"<polyline class="aci-trend__item" points="300,120 3140,1480" stroke-dasharray="120 45 0 45"/>"#,
            r#"</g><polyline class="aci-trend__total" points="300,120 3140,1480"/>"#,
            r#"<circle class="aci-trend__marker" cx="300" cy="120" r="36"/>"#,
            r#"<circle class="aci-trend__marker" cx="3140" cy="1480" r="36"/>"#,
            r#"<text class="aci-trend__label" x="300" y="1700" text-anchor="start">1 ene 2026</text>"#,
            r#"<text class="aci-trend__label" x="3140" y="1700" text-anchor="end">8 ene 2026</text>"#,
        );
        assert_eq!(markup, expected);

        // A mean-scored total shows its decimal separator; one check-in has one date.
        let scale = ChartScale {
            total_max: Tenths(75),
            item_max: Tenths(75),
            threshold: Some(Tenths(25)),
            point_limit: 60,
        };
        let chart = super::chart(&[point(5, [10, 10, 10, 10])], &scale).unwrap();
        let markup = svg_markup(
            &chart,
            &ChartWords {
                last_date: "never",
                ..words
            },
        );
        assert!(markup.contains(r#"text-anchor="end">7,5</text>"#));
        assert!(markup.contains(r#"text-anchor="end">2,5</text>"#));
        assert!(markup.contains(r#"x="1720" y="1700" text-anchor="middle">1 ene 2026</text>"#));
        assert!(!markup.contains("never"));
    }

    #[test]
    fn the_key_names_each_line_with_its_sample() {
        let instrument = builtin_instrument();
        let chart = chart(&[point(1, [90; 4])], &builtin_scale()).unwrap();
        let words = KeyWords {
            total: "Total",
            threshold_id: "w1-trend-threshold",
            threshold: "Under 36: <worth> talking about",
            items: &instrument.items,
        };
        let markup = key_markup(&chart, &words);
        let sample = |line: &str| {
            format!(
                r#"<svg class="aci-trend__sample" viewBox="0 0 400 100" aria-hidden="true"><line class="{line}" x1="30" y1="50" x2="370" y2="50"/></svg>"#
            )
        };
        assert!(markup.starts_with(&format!(
            r#"<li class="aci-trend__key">{}Total</li><li class="aci-trend__key" id="w1-trend-threshold">{}Under 36: &lt;worth&gt; talking about</li>"#,
            sample("aci-trend__total"),
            sample("aci-trend__threshold")
        )));
        assert!(markup.ends_with(
            r#"<li class="aci-trend__key aci-trend__key--item"><svg class="aci-trend__sample" viewBox="0 0 400 100" aria-hidden="true"><line class="aci-trend__item" x1="30" y1="50" x2="370" y2="50" stroke-dasharray="120 45 0 45"/></svg>Overall</li>"#
        ));
        assert_eq!(markup.matches("aci-trend__key--item").count(), 4);
        // No threshold: no threshold entry.
        let scale = ChartScale {
            threshold: None,
            ..builtin_scale()
        };
        let chart = super::chart(&[point(1, [90; 4])], &scale).unwrap();
        assert!(!key_markup(&chart, &words).contains("threshold"));
    }

    #[test]
    fn the_table_lists_the_newest_first_a_page_at_a_time() {
        let instrument = builtin_instrument();
        let points: Vec<ChartPoint> = (0..45).map(|n| point(n, [75, 80, 95, 100])).collect();
        let words = TableWords {
            caption_id: "w1-trend-caption",
            caption: "Your check-ins, newest first",
            date: "Date",
            items: &instrument.items,
            total: "Total & more",
            decimal_separator: ',',
            row_id_prefix: "w1-trend-row-",
        };
        let date = |ms: u64| format!("day <{ms}>");
        let markup = table_markup(&points, 20, 20, &words, &date);
        assert!(markup.starts_with(concat!(
            r#"<caption id="w1-trend-caption">Your check-ins, newest first</caption>"#,
            r#"<thead><tr><th scope="col">Date</th><th scope="col">Total &amp; more</th>"#,
            r#"<th scope="col">Connection</th><th scope="col">Topics</th>"#,
            r#"<th scope="col">Way of working</th><th scope="col">Overall</th></tr></thead>"#,
            r#"<tbody><tr><th scope="row">day &lt;44&gt;</th><td class="aci-trend__total-cell">35</td>"#,
            r#"<td>7,5</td><td>8</td><td>9,5</td><td>10</td></tr>"#,
        )));
        assert!(markup.ends_with(r#"<th scope="row">day &lt;25&gt;</th><td class="aci-trend__total-cell">35</td><td>7,5</td><td>8</td><td>9,5</td><td>10</td></tr></tbody>"#));
        assert_eq!(markup.matches("<tr>").count(), 21);
        assert!(!markup.contains("tabindex"));
        // The second and third pages start with a focus target; no more rows than there are.
        let markup = table_markup(&points, 60, 20, &words, &date);
        assert_eq!(markup.matches("<tr>").count(), 46);
        assert!(markup.contains(
            r#"<tr><th scope="row" tabindex="-1" id="w1-trend-row-20">day &lt;24&gt;</th>"#
        ));
        assert!(markup.contains(r#"id="w1-trend-row-40">day &lt;4&gt;</th>"#));
        assert_eq!(markup.matches("tabindex").count(), 2);
        // Nothing to list: headers only; a page of 0 does not divide by zero.
        assert!(table_markup(&[], 20, 0, &words, &date).ends_with("</thead><tbody></tbody>"));
        assert_eq!(
            table_markup(&points, 3, 0, &words, &date)
                .matches("tabindex")
                .count(),
            2
        );
    }

    #[test]
    fn points_come_from_scored_check_ins_of_the_instrument() {
        let instrument = builtin_instrument();
        let mut other = builtin_check_in("b", 2, [50; 4]);
        other.instrument.id = "practice.other".into();
        let mut unscorable = builtin_check_in("c", 3, [50; 4]);
        unscorable.answers.pop();
        let entries = [
            builtin_check_in("a", 1, [92, 88, 100, 75]),
            other,
            unscorable,
            builtin_check_in("d", 4, [10, 20, 30, 40]),
        ];
        let points = chart_points(&instrument, &entries);
        assert_eq!(
            points,
            [
                ChartPoint {
                    completed_at_ms: 1,
                    total: Tenths(355),
                    items: [92, 88, 100, 75].map(Tenths).to_vec(),
                },
                ChartPoint {
                    completed_at_ms: 4,
                    total: Tenths(100),
                    items: [10, 20, 30, 40].map(Tenths).to_vec(),
                },
            ]
        );
    }
}
