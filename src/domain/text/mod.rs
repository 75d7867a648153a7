//! Every user-facing string, in one catalogue per language (`en.rs`, `es.rs`). Templates name
//! their blanks (`{value}`), so a translation can reorder them; `fill` puts the values in.
//! Adding a language is adding one file and naming it in [`CATALOGUES`], and adding its texts to
//! the built-in check-in's definition (`src/instruments/alliance-checkin.json`): questionnaire
//! wording is data of the questionnaire, not of the widget (a test names any text missing).

mod en;
mod es;

pub use en::{ENGLISH, ENGLISH_LOADER};
pub use es::{SPANISH, SPANISH_LOADER};

/// Every language the widget speaks; the first is the fallback.
pub const CATALOGUES: [&Text; 2] = [&ENGLISH, &SPANISH];

/// The texts the loader (src/web/loader.js) shows when the widget cannot start: no wasm runs
/// then, so .ci/post-build.mjs copies them into the loader (as `@TEXT.<key>@`). Kept apart
/// from [`Text`], so the wasm, which never shows them, does not carry them.
#[derive(Debug)]
pub struct LoaderText {
    pub language_tag: &'static str,
    pub start_failed: &'static str,
    pub start_reload: &'static str,
    /// Inside the first screen's settings disclosure, opened before the widget has loaded (the
    /// panel's controls come with the widget, which then opens it).
    pub settings_soon: &'static str,
}

/// The loader's texts, in the same languages as [`CATALOGUES`].
pub const LOADER_CATALOGUES: [&LoaderText; 2] = [&ENGLISH_LOADER, &SPANISH_LOADER];

/// The catalogue for a BCP 47 tag ("es", "es-MX", "EN-gb"), matched on the primary subtag.
pub fn catalogue_for(tag: &str) -> Option<&'static Text> {
    let primary = tag.split('-').next().unwrap_or_default();
    CATALOGUES
        .into_iter()
        .find(|text| text.language_tag.eq_ignore_ascii_case(primary))
}

/// Declares [`Text`], one `&'static str` per key, and (for tests) the list of its entries, so
/// every catalogue is checked key by key.
macro_rules! catalogue {
    ($($(#[$doc:meta])* $key:ident,)*) => {
        /// One language's strings. A catalogue that misses a key does not compile.
        #[derive(Debug)]
        pub struct Text {
            /// BCP 47 tag: the widget's `lang`, and the locale for dates.
            pub language_tag: &'static str,
            /// "ltr" or "rtl": the widget's `dir`, and which end of a slider is 0.
            pub text_direction: &'static str,
            pub decimal_separator: char,
            $($(#[$doc])* pub $key: &'static str,)*
        }

        impl Text {
            /// Every key with its string, in declaration order.
            #[cfg(test)]
            pub fn entries(&self) -> Vec<(&'static str, &'static str)> {
                vec![$((stringify!($key), self.$key),)*]
            }
        }
    };
}

catalogue! {
    /// The language's own name, as the language menu shows it ("Español").
    language_name,

    // Settings (the client's own choices, kept on this device).
    settings_heading,
    language_label,
    numbers_instead_of_slider,
    settings_kept,
    setting_not_kept,

    // Answering with whole numbers instead of the slider.
    number_hint,
    /// The accessible name of the fine-tune buttons: `{title}`.
    fine_tune_down,
    fine_tune_up,

    // The check-in form.
    form_heading,
    /// The built-in check-in's introduction.
    form_intro,
    /// The introduction to any other questionnaire (which may have any number of items).
    form_intro_other,
    honest_answers,
    not_validated,
    slider_hint,
    not_answered_yet,
    not_answered_short,
    /// An item's score against the most it can score: `{score}`, `{max}` ("7.5 of 10", "3 of 5").
    score_of_max,
    /// Screen-reader value of a placed slider: `{value}`, `{label}` (the nearer end's label).
    value_towards,
    value_midway,
    note_label,
    note_hint,
    /// `{used}`, `{limit}`.
    note_counter,
    /// `{excess}`, `{limit}`.
    note_over_limit,
    submit,
    one_left,
    /// `{count}`.
    many_left,
    note_blocks_submit,

    // Drafts.
    draft_restored,
    start_over,
    /// `{date}`.
    draft_offer,
    draft_continue,
    draft_discard,

    // The result screen.
    result_heading,
    result_intro,
    /// `{total}`, `{max}`.
    total_of_max,
    total_label,
    first_check_in,
    higher_than_last_time,
    same_as_last_time,
    lower_than_last_time,
    higher_than_usual,
    same_as_usual,
    lower_than_usual,
    suggestions_heading,
    // The parts of the one paragraph after a low or lower rating: what stood out (never the
    // threshold itself), then `lower_is_useful`, the invitation.
    /// A total under the threshold when nothing more specific applies (no number).
    signal_total_below,
    /// `{items}`: under the item floor (no number).
    signal_items_below,
    /// `{items}`: the items that fell.
    signal_items_lower_than_last_time,
    /// `{items}`.
    signal_items_lower_than_usual,
    /// The total fell, no single item did.
    signal_lower_than_last_time,
    signal_lower_than_usual,
    /// `{count}`: the gentle note once per run at the top.
    signal_ceiling,
    /// The invitation that closes the paragraph, with a route other than the therapist.
    lower_is_useful,
    no_signal,
    list_and,
    /// "or", between crisis numbers.
    list_or,
    saved_on_device,
    safety_heading,
    /// Who can see the check-in, and that nobody monitors it (before the crisis sentence).
    safety_text,
    /// `{numbers}`: the crisis numbers of the client's region.
    safety_crisis_numbers,
    /// When the region is unknown.
    safety_crisis_local,
    /// Under the note field, before the crisis sentence.
    note_safety,
    new_check_in,

    // History.
    history_heading,
    history_empty,
    /// `{total}`, `{max}`.
    history_total,
    history_other_questionnaire,

    // The history screen, backups and the client's data.
    /// `{shown}`, `{count}`.
    history_showing,
    history_show_more,
    history_note,
    history_edited,
    history_flag,
    history_read_only,
    delete_entry,
    /// `{date}`.
    delete_entry_label,
    /// `{date}`.
    deleted_entry,
    undo,
    edit_entry,
    /// `{date}`.
    edit_entry_label,
    edit_heading,
    edit_intro,
    save_correction,
    cancel,
    backup_heading,
    backup_intro,
    download_backup,
    copy_backup,
    download_csv,
    backup_copied,
    backup_copy_failed,
    restore_label,
    /// `{added}`, `{present}`, `{rejected}`.
    import_report,
    /// `{number}`, `{field}`.
    import_rejected_entry,
    import_not_a_backup,
    import_damaged,
    import_newer,
    part_unavailable,
    /// Shown while a part is being fetched (the backup panel's buttons).
    part_loading,
    /// A part the server no longer has: a new version went live while this page was open.
    part_updated,
    /// The button that reloads the page after `part_updated`.
    part_reload,
    delete_all,
    delete_all_confirm,
    delete_all_yes,
    deleted_all,
    erased_elsewhere,
    correction_of_deleted,
    /// Check-ins on the device wait for the part that reads them, which could not be loaded.
    reader_unavailable,
    /// `{count}`.
    import_stayed_deleted,
    /// `{count}`.
    import_removed_here,
    import_too_large,
    keep_history,
    keep_history_off,
    not_kept_here,
    reminder_backup,
    reminder_later,
    home_screen_hint,
    unreadable_copy,
    unreadable_download,
    unreadable_waiting,
    unreadable_forget,
    unreadable_copied,

    // The summary for the therapist (first person: the client sends it).
    /// `{title}`, `{date}`.
    summary_heading,
    // The headline: what changed against the usual (or last time).
    summary_first_check_in,
    /// `{items}`: the items that fell.
    summary_items_lower_than_usual,
    /// `{items}`.
    summary_items_lower_than_last_time,
    /// The total fell, no single item did.
    summary_signal_lower_than_usual,
    summary_signal_lower_than_last_time,
    summary_higher_than_usual,
    summary_same_as_usual,
    summary_higher_than_last_time,
    summary_same_as_last_time,
    summary_note_heading,
    /// `{title}`, `{score}`: an item's line, before its comparison.
    summary_item,
    /// `{total}`, `{max}`.
    summary_total,
    /// `{score}`: "usual 9", in brackets after a score.
    summary_usual,
    /// `{score}`.
    summary_last_time,
    /// `{threshold}`: after a score under the practice's threshold.
    summary_under,
    summary_trend_heading,
    /// `{date}`, `{total}`, `{max}`, `{item}`, `{score}`.
    summary_trend_line,
    /// The heading of the lines saying what each question asks.
    summary_asks_heading,
    /// `{title}`, `{prompt}`: what one question asks.
    summary_asks,
    /// The last line of the built-in check-in's summary.
    summary_footer,
    /// The last line of another questionnaire's summary (which may be a validated one).
    summary_footer_other,

    // The summary screen.
    share_with_therapist,
    share_entry,
    /// `{date}`: the accessible name of a history entry's share button.
    share_entry_label,
    summary_screen_heading,
    summary_screen_intro,
    include_note,
    include_trend,
    summary_text_label,
    summary_edited,
    summary_regenerate,
    copy,
    share,
    copied,
    copy_manual,
    shared,
    share_failed,
    leaves_device,
    back,
    /// `{name}`: the e-mail link's label when the practice named the therapist.
    email_named_therapist,
    email_therapist,
    email_subject,

    // Practice settings that were refused.
    /// `{setting}`: as the practice wrote it (`data-accent`); `{reason}`: one of the reasons.
    setting_refused,
    reason_email,
    /// `{limit}`: characters.
    reason_text,
    /// `{languages}`: the tags this widget has.
    reason_language,
    reason_colour,
    reason_yes_no,
    reason_points,
    reason_points_range,
    reason_namespace,
    reason_namespace_shared,
    reason_questionnaire,
    reason_questionnaire_missing,
    reason_origin,
    reason_unknown_setting,
    reason_wrong_type,
    /// `{detail}`: where ("line:column" from the start of the block) and the parser's reason.
    config_block_not_json,
    config_block_not_object,
    questionnaire_invalid,
    reason_not_from_a_link,
    /// `{file}`: `configs/<name>.json`.
    config_file_missing,
    /// `{file}`: `configs/<name>.json`; `{detail}`: where ("line:column") and what.
    config_file_not_json,
    /// `{file}`: `configs/<name>.json`.
    config_file_unusable,

    // Storage messages.
    storage_unavailable,
    storage_full,
    save_failed,
    unreadable_kept_aside,
    unreadable_left_in_place,
    newer_version_left_alone,
    draft_unreadable_kept_aside,

    // The trend chart of the client's check-ins.
    trend_heading,
    /// `{total}`, `{max}`: the chart's accessible name.
    trend_chart_label,
    /// The dashed threshold line's entry in the chart's key (no number: the client's screens
    /// never show a pass mark).
    trend_threshold,
    /// `{limit}` (check-ins drawn), `{count}` (check-ins in all).
    trend_thinned,
    trend_show_items,
    /// `{max}`: the largest item score.
    trend_items_scale,
    trend_show_table,
    trend_table_caption,
    trend_date,
    /// `{count}`: how many more rows.
    trend_show_more,
}

/// Replaces each `{name}` in `template` with its value; a blank with no value stays as written.
/// (A single pass by hand: `str::replace` with a built pattern costs 2 KB of wasm.)
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut filled = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some((before, after)) = rest.split_once('{') {
        filled.push_str(before);
        let blank = after.split_once('}').and_then(|(name, tail)| {
            values
                .iter()
                .find(|(candidate, _)| *candidate == name)
                .map(|(_, value)| (*value, tail))
        });
        match blank {
            Some((value, tail)) => {
                filled.push_str(value);
                rest = tail;
            }
            None => {
                filled.push('{');
                rest = after;
            }
        }
    }
    filled.push_str(rest);
    filled
}

/// Joins names as a sentence list: "A", "A and B", "A, B and C".
pub fn join_list(names: &[String], and: &str) -> String {
    match names {
        [] => String::new(),
        [only] => only.clone(),
        [rest @ .., last] => format!("{} {and} {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_replaces_every_named_blank() {
        assert_eq!(
            fill(ENGLISH.note_counter, &[("used", "12"), ("limit", "1000")]),
            "12 of 1000 characters"
        );
        // Values are inserted as they are (never filled again); unknown blanks stay visible.
        assert_eq!(fill("{a}{a}{b}", &[("a", "x"), ("b", "{a}")]), "xx{a}");
        assert_eq!(fill("{a} {zz} {", &[("a", "é")]), "é {zz} {");
        assert_eq!(fill("no blanks", &[]), "no blanks");
    }

    #[test]
    fn lists_read_as_sentences() {
        let names = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(join_list(&names(&[]), "and"), "");
        assert_eq!(join_list(&names(&["Focus"]), "and"), "Focus");
        assert_eq!(join_list(&names(&["A", "B"]), "and"), "A and B");
        assert_eq!(join_list(&names(&["A", "B", "C"]), "and"), "A, B and C");
    }

    /// The `{blanks}` a template uses, in order of appearance.
    fn blanks(template: &str) -> Vec<&str> {
        template
            .split('{')
            .skip(1)
            .filter_map(|after| after.split_once('}'))
            .map(|(name, _)| name)
            .filter(|name| {
                !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '_')
            })
            .collect()
    }

    #[test]
    fn templates_name_only_known_blanks() {
        // Every blank a template uses must be one `fill` is given somewhere; a typo such as
        // `{vlaue}` would otherwise reach the client as literal braces.
        let known = [
            "value",
            "label",
            "used",
            "limit",
            "excess",
            "count",
            "date",
            "total",
            "max",
            "threshold",
            "items",
            "title",
            "score",
            "direction",
            "item",
            "name",
            "floor",
            "languages",
            "shown",
            "added",
            "present",
            "rejected",
            "number",
            "field",
            "setting",
            "reason",
            "limit",
            "builtin",
            "detail",
            "file",
            "numbers",
            "prompt",
        ];
        for catalogue in CATALOGUES {
            for (key, template) in catalogue.entries() {
                for name in blanks(template) {
                    assert!(
                        known.contains(&name),
                        "{}.{key}: unknown blank {{{name}}}",
                        catalogue.language_tag
                    );
                }
            }
        }
    }

    #[test]
    fn every_catalogue_has_every_key_with_the_same_blanks() {
        let english = ENGLISH.entries();
        for catalogue in CATALOGUES {
            let entries = catalogue.entries();
            assert_eq!(entries.len(), english.len());
            for ((key, template), (_, english_template)) in entries.iter().zip(&english) {
                assert!(
                    !template.trim().is_empty(),
                    "{}.{key} is empty",
                    catalogue.language_tag
                );
                let mut theirs = blanks(template);
                let mut ours = blanks(english_template);
                theirs.sort_unstable();
                ours.sort_unstable();
                assert_eq!(
                    theirs, ours,
                    "{}.{key}: blanks differ",
                    catalogue.language_tag
                );
            }
        }
    }

    #[test]
    fn translations_are_translated() {
        // A string left in English slips through easily; only names and symbols may match.
        let same_in_every_language = [
            "score_of_max",
            "summary_item",
            "summary_asks",
            "summary_heading",
            "total_label",
        ];
        for catalogue in &CATALOGUES[1..] {
            let untranslated: Vec<&str> = catalogue
                .entries()
                .into_iter()
                .zip(ENGLISH.entries())
                .filter(|((key, theirs), (_, ours))| {
                    theirs == ours && !same_in_every_language.contains(key)
                })
                .map(|((key, _), _)| key)
                .collect();
            assert!(
                untranslated.is_empty(),
                "{}: still English: {untranslated:?}",
                catalogue.language_tag
            );
        }
    }

    #[test]
    fn every_key_is_used_by_the_widget() {
        // A key nothing reads is a string no client sees: dead weight in every catalogue.
        fn sources(dir: &std::path::Path, into: &mut String) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    if !path.ends_with("text") {
                        sources(&path, into);
                    }
                } else if path.extension().is_some_and(|ext| ext == "rs") {
                    into.push_str(&std::fs::read_to_string(&path).unwrap());
                }
            }
        }
        let mut code = String::new();
        sources(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut code,
        );
        let unused: Vec<&str> = ENGLISH
            .entries()
            .into_iter()
            .map(|(key, _)| key)
            .filter(|key| !code.contains(&format!(".{key}")))
            .collect();
        assert!(unused.is_empty(), "keys no code reads: {unused:?}");
    }

    #[test]
    fn the_loader_has_its_texts_in_every_language_and_uses_them() {
        let loader = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/web/loader.js"),
        )
        .unwrap();
        for key in ["start_failed", "start_reload"] {
            assert!(loader.contains(&format!("@TEXT.{key}@")), "{key}");
        }
        let tags: Vec<&str> = LOADER_CATALOGUES.iter().map(|t| t.language_tag).collect();
        let widget: Vec<&str> = CATALOGUES.iter().map(|t| t.language_tag).collect();
        assert_eq!(tags, widget);
        for text in &LOADER_CATALOGUES[1..] {
            assert_ne!(text.start_failed, ENGLISH_LOADER.start_failed);
            assert_ne!(text.start_reload, ENGLISH_LOADER.start_reload);
            assert_ne!(text.settings_soon, ENGLISH_LOADER.settings_soon);
        }
        for text in LOADER_CATALOGUES {
            // Copied into JavaScript as JSON by the post-build hook: plain text, no escapes.
            for value in [text.start_failed, text.start_reload, text.settings_soon] {
                assert!(
                    !value.is_empty() && !value.contains(['\\', '"', '{']),
                    "{value}"
                );
            }
        }
    }

    #[test]
    fn languages_are_found_by_their_primary_subtag() {
        assert_eq!(catalogue_for("es-MX").map(|t| t.language_tag), Some("es"));
        assert_eq!(catalogue_for("EN-gb").map(|t| t.language_tag), Some("en"));
        assert_eq!(catalogue_for("fr").map(|t| t.language_tag), None);
        assert_eq!(catalogue_for("").map(|t| t.language_tag), None);
        let tags: Vec<&str> = CATALOGUES.iter().map(|t| t.language_tag).collect();
        assert_eq!(tags, ["en", "es"]);
    }
}
