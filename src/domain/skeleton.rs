//! The first screen as plain markup, per language: what a client sees and can already answer
//! while the WebAssembly downloads. `.ci/post-build.mjs` puts it into the loader (through the
//! host-only binary `src/bin/first-screen.rs`), so its words come from the same catalogues and
//! built-in definition the widget renders from and are never written twice. It has the live
//! form's element structure and classes (from the settings disclosure down to the note's
//! counter), so the widget takes over without moving anything; what follows the counter (the
//! safety line, which depends on the browser's region, the finish button and the history) is
//! added below it by the widget. The controls are native (a range per line, the note's
//! textarea); the loader marks a line answered once it is placed and hands what was answered
//! to the widget when it mounts. Element ids carry the `aci0` prefix, which no mounted widget
//! uses.

use super::builtin::builtin_instrument_in;
use super::checkin::NOTE_LIMIT;
use super::instrument::{Scale, VISUAL_ANALOGUE_MAX};
use super::tenths::Tenths;
use super::text::{fill, Text, LOADER_CATALOGUES};

/// Appends `text` with `&`, `<`, `>` and `"` escaped (safe in text and in quoted attributes).
fn escaped(out: &mut String, text: &str) {
    for character in text.chars() {
        match character {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            other => out.push(other),
        }
    }
}

/// Appends `<tag class="class" attributes…>text</tag>`; `attributes` are (name, value) pairs.
fn element(out: &mut String, tag: &str, class: &str, attributes: &[(&str, &str)], text: &str) {
    out.push('<');
    out.push_str(tag);
    out.push_str(" class=\"");
    out.push_str(class);
    out.push('"');
    for (name, value) in attributes {
        out.push(' ');
        out.push_str(name);
        out.push_str("=\"");
        escaped(out, value);
        out.push('"');
    }
    out.push('>');
    escaped(out, text);
    out.push_str("</");
    out.push_str(tag);
    out.push('>');
}

/// The built-in check-in's first screen in `text`'s language, answered with sliders (the
/// default answer style). The root carries what the loader needs to show a placed line and a
/// typed note in these words: `data-value` (the line's value words, `{score}` left blank),
/// `data-decimal` (the decimal separator) and `data-counter` (the note counter, `{used}` left
/// blank).
pub fn first_screen(text: &Text) -> String {
    let instrument = builtin_instrument_in(text);
    let max = Tenths(i32::from(VISUAL_ANALOGUE_MAX)).format_with(text.decimal_separator);
    let limit = NOTE_LIMIT.to_string();
    let mut out = String::with_capacity(4096);
    out.push_str("<div class=\"aci\" lang=\"");
    out.push_str(text.language_tag);
    out.push_str("\" dir=\"");
    out.push_str(text.text_direction);
    out.push_str("\" data-first-screen data-value=\"");
    escaped(&mut out, &fill(text.score_of_max, &[("max", &max)]));
    out.push_str("\" data-decimal=\"");
    escaped(&mut out, &text.decimal_separator.to_string());
    out.push_str("\" data-counter=\"");
    escaped(&mut out, &fill(text.note_counter, &[("limit", &limit)]));
    out.push_str("\">");
    out.push_str("<details class=\"aci-settings\">");
    element(
        &mut out,
        "summary",
        "aci-settings__summary",
        &[],
        text.settings_heading,
    );
    // The panel's controls come with the widget; opened before, it says so, and the loader
    // opens the widget's panel in its place.
    if let Some(loader) = LOADER_CATALOGUES
        .iter()
        .find(|loader| loader.language_tag == text.language_tag)
    {
        out.push_str("<div class=\"aci-settings__body\">");
        element(&mut out, "p", "aci-muted", &[], loader.settings_soon);
        out.push_str("</div>");
    }
    out.push_str("</details><div class=\"aci-notices\" role=\"status\"></div>");
    out.push_str("<form class=\"aci-form\" novalidate>");
    element(&mut out, "h2", "aci-heading", &[], text.form_heading);
    element(&mut out, "p", "aci-lead", &[], text.form_intro);
    element(&mut out, "p", "aci-muted", &[], text.honest_answers);
    element(&mut out, "p", "aci-hint", &[], text.slider_hint);
    out.push_str("<div class=\"aci-items\">");
    for item in &instrument.items {
        let Scale::VisualAnalogue {
            low_label,
            high_label,
        } = &item.scale
        else {
            continue;
        };
        let id = format!("aci0-item-{}", item.id);
        let (title_id, prompt_id, ends_id) = (
            format!("{id}-title"),
            format!("{id}-prompt"),
            format!("{id}-ends"),
        );
        out.push_str("<div class=\"aci-item\"><div class=\"aci-item__head\">");
        element(
            &mut out,
            "span",
            "aci-item__title",
            &[("id", &title_id)],
            &item.title,
        );
        element(
            &mut out,
            "span",
            "aci-item__value",
            &[("aria-hidden", "true")],
            text.not_answered_short,
        );
        out.push_str("</div>");
        element(
            &mut out,
            "p",
            "aci-item__prompt",
            &[("id", &prompt_id)],
            &item.prompt,
        );
        let described_by = format!("{prompt_id} {ends_id}");
        element(
            &mut out,
            "input",
            "aci-range",
            &[
                ("type", "range"),
                ("id", &id),
                ("min", "0"),
                ("max", &VISUAL_ANALOGUE_MAX.to_string()),
                ("step", "1"),
                ("aria-labelledby", &title_id),
                ("aria-describedby", &described_by),
                ("aria-valuetext", text.not_answered_yet),
            ],
            "",
        );
        // `<input>` is a void element: drop the closing tag `element` wrote.
        out.truncate(out.len() - "</input>".len());
        out.push_str("<div class=\"aci-item__ends\" id=\"");
        out.push_str(&ends_id);
        out.push_str("\">");
        element(&mut out, "span", "aci-item__end", &[], low_label);
        element(
            &mut out,
            "span",
            "aci-item__end aci-item__end--high",
            &[],
            high_label,
        );
        out.push_str("</div></div>");
    }
    out.push_str("</div>");
    if let Some(attribution) = &instrument.attribution {
        element(
            &mut out,
            "p",
            "aci-footnote aci-likert-attribution",
            &[],
            attribution,
        );
    }
    out.push_str("<div class=\"aci-note\">");
    element(
        &mut out,
        "label",
        "aci-note__label",
        &[("for", "aci0-note")],
        text.note_label,
    );
    element(
        &mut out,
        "p",
        "aci-note__hint",
        &[("id", "aci0-note-hint")],
        text.note_hint,
    );
    element(
        &mut out,
        "textarea",
        "aci-note__field",
        &[
            ("dir", "auto"),
            ("id", "aci0-note"),
            ("rows", "4"),
            ("aria-describedby", "aci0-note-hint aci0-note-counter"),
        ],
        "",
    );
    element(
        &mut out,
        "p",
        "aci-note__counter",
        &[("id", "aci0-note-counter")],
        &fill(text.note_counter, &[("used", "0"), ("limit", &limit)]),
    );
    element(&mut out, "p", "aci-note__error", &[], "");
    out.push_str("</div></form></div>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::text::{CATALOGUES, ENGLISH, SPANISH};

    #[test]
    fn every_language_gets_its_own_words_and_the_same_controls() {
        let english = first_screen(&ENGLISH);
        let spanish = first_screen(&SPANISH);
        assert!(english.contains(ENGLISH.form_heading));
        assert!(english.contains("lang=\"en\""));
        assert!(spanish.contains("lang=\"es\""));
        assert!(spanish.contains(SPANISH.slider_hint));
        // Settings opened before the widget loads say that their controls are coming.
        assert!(english.contains(
            "<div class=\"aci-settings__body\"><p class=\"aci-muted\">The settings appear once"
        ));
        assert!(spanish.contains("Los ajustes aparecen cuando"));
        for catalogue in CATALOGUES {
            let markup = first_screen(catalogue);
            assert_eq!(markup.matches("type=\"range\"").count(), 4);
            assert_eq!(markup.matches("<textarea").count(), 1);
            // No control is pre-set: no value, nothing answered.
            assert!(!markup.contains("value=\"5"));
            assert!(!markup.contains("aci-item--answered"));
        }
    }

    #[test]
    fn the_loader_gets_the_words_for_a_placed_line_and_a_typed_note() {
        let english = first_screen(&ENGLISH);
        assert!(
            english.contains("data-value=\"{score} of 10\""),
            "{english}"
        );
        assert!(english.contains("data-counter=\"{used} of 1000 characters\""));
        let spanish = first_screen(&SPANISH);
        assert!(spanish.contains("data-decimal=\",\""));
    }

    #[test]
    fn markup_characters_in_the_words_are_escaped() {
        let mut out = String::new();
        element(&mut out, "p", "x", &[("title", "a\"b")], "<b>&</b>");
        assert_eq!(
            out,
            "<p class=\"x\" title=\"a&quot;b\">&lt;b&gt;&amp;&lt;/b&gt;</p>"
        );
    }
}
