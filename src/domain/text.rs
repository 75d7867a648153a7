//! Every user-facing string, in one catalogue. Templates name their blanks (`{value}`), so a
//! translation can reorder them; `fill` puts the values in. Adding a language means adding one
//! more `Text` value.

/// One language's strings.
#[derive(Debug)]
pub struct Text {
    pub language_tag: &'static str,
    pub decimal_separator: char,

    // The check-in form.
    pub form_heading: &'static str,
    pub form_intro: &'static str,
    pub honest_answers: &'static str,
    pub not_validated: &'static str,
    pub slider_hint: &'static str,
    pub not_answered_yet: &'static str,
    pub not_answered_short: &'static str,
    /// `{value}` of 10.
    pub value_of_ten: &'static str,
    /// Screen-reader value of a placed slider: `{value}`, `{label}` (the nearer end's label).
    pub value_towards: &'static str,
    pub value_midway: &'static str,
    pub note_label: &'static str,
    pub note_hint: &'static str,
    /// `{used}`, `{limit}`.
    pub note_counter: &'static str,
    /// `{excess}`, `{limit}`.
    pub note_over_limit: &'static str,
    pub submit: &'static str,
    pub one_left: &'static str,
    /// `{count}`.
    pub many_left: &'static str,
    pub note_blocks_submit: &'static str,

    // Drafts.
    pub draft_restored: &'static str,
    pub start_over: &'static str,
    /// `{date}`.
    pub draft_offer: &'static str,
    pub draft_continue: &'static str,
    pub draft_discard: &'static str,

    // The result screen.
    pub result_heading: &'static str,
    pub result_intro: &'static str,
    /// `{total}`, `{max}`.
    pub total_of_max: &'static str,
    pub total_label: &'static str,
    pub first_check_in: &'static str,
    pub higher_than_last_time: &'static str,
    pub same_as_last_time: &'static str,
    pub lower_than_last_time: &'static str,
    pub higher_than_usual: &'static str,
    pub same_as_usual: &'static str,
    pub lower_than_usual: &'static str,
    pub suggestions_heading: &'static str,
    /// `{threshold}`, `{max}`.
    pub signal_total_below: &'static str,
    /// `{items}`.
    pub signal_items_below: &'static str,
    pub signal_lower_than_last_time: &'static str,
    pub signal_lower_than_usual: &'static str,
    /// `{count}`.
    pub signal_ceiling: &'static str,
    /// Shown once under suggestions about a low or lower rating.
    pub lower_is_useful: &'static str,
    pub no_signal: &'static str,
    pub list_and: &'static str,
    pub saved_on_device: &'static str,
    pub safety_heading: &'static str,
    pub safety_text: &'static str,
    pub new_check_in: &'static str,

    // History.
    pub history_heading: &'static str,
    pub history_empty: &'static str,
    /// `{total}`, `{max}`.
    pub history_total: &'static str,
    pub history_other_questionnaire: &'static str,

    // The summary for the therapist (first person: the client sends it).
    /// `{title}`, `{date}`.
    pub summary_heading: &'static str,
    /// `{title}`, `{score}`.
    pub summary_item: &'static str,
    /// `{title}`, `{score}`, `{direction}`.
    pub summary_item_with_direction: &'static str,
    /// `{total}`, `{max}`, `{threshold}`.
    pub summary_total_below: &'static str,
    /// `{total}`, `{max}`, `{threshold}`.
    pub summary_total_at_or_above: &'static str,
    /// `{total}`, `{max}`.
    pub summary_total: &'static str,
    pub summary_first_check_in: &'static str,
    pub summary_higher_than_usual: &'static str,
    pub summary_same_as_usual: &'static str,
    pub summary_lower_than_usual: &'static str,
    pub summary_signals_heading: &'static str,
    /// `{threshold}`, `{max}`.
    pub summary_signal_total_below: &'static str,
    /// `{items}`.
    pub summary_signal_items_below: &'static str,
    pub summary_signal_lower_than_last_time: &'static str,
    pub summary_signal_lower_than_usual: &'static str,
    /// `{count}`.
    pub summary_signal_ceiling: &'static str,
    pub summary_note_heading: &'static str,
    pub summary_trend_heading: &'static str,
    /// `{date}`, `{total}`, `{max}`, `{item}`, `{score}`.
    pub summary_trend_line: &'static str,
    pub summary_footer: &'static str,

    // The summary screen.
    pub share_with_therapist: &'static str,
    pub share_entry: &'static str,
    /// `{date}`: the accessible name of a history entry's share button.
    pub share_entry_label: &'static str,
    pub summary_screen_heading: &'static str,
    pub summary_screen_intro: &'static str,
    pub include_note: &'static str,
    pub include_trend: &'static str,
    pub summary_text_label: &'static str,
    pub summary_edited: &'static str,
    pub summary_regenerate: &'static str,
    pub copy: &'static str,
    pub share: &'static str,
    pub copied: &'static str,
    pub copy_manual: &'static str,
    pub shared: &'static str,
    pub share_failed: &'static str,
    pub leaves_device: &'static str,
    pub back: &'static str,
    /// `{name}`: the e-mail link's label when the practice named the therapist.
    pub email_named_therapist: &'static str,
    pub email_therapist: &'static str,
    pub email_subject: &'static str,

    // Practice settings that were refused.
    pub setting_therapist_email_refused: &'static str,
    pub setting_therapist_name_refused: &'static str,

    // Storage messages.
    pub storage_unavailable: &'static str,
    pub storage_full: &'static str,
    pub save_failed: &'static str,
    pub unreadable_kept_aside: &'static str,
    pub unreadable_left_in_place: &'static str,
    pub newer_version_left_alone: &'static str,
    pub draft_unreadable_kept_aside: &'static str,
    pub dismiss: &'static str,
}

pub const ENGLISH: Text = Text {
    language_tag: "en",
    decimal_separator: '.',

    form_heading: "How did today's session go?",
    form_intro: "Four quick questions. Your answers stay on this device unless you choose to share them.",
    honest_answers: "Honest answers help most: a lower rating is useful information, not a complaint.",
    not_validated: "This check-in is not a validated clinical questionnaire. It is a simple way to reflect on how a session went.",
    slider_hint: "Tap or drag along the line, or use the arrow keys.",
    not_answered_yet: "not answered yet",
    not_answered_short: "Not answered",
    value_of_ten: "{value} of 10",
    value_towards: "{value} of 10, towards “{label}”",
    value_midway: "{value} of 10, midway",
    note_label: "Anything you'd like your therapist to know?",
    note_hint: "Optional. It is only shared if you share it.",
    note_counter: "{used} of {limit} characters",
    note_over_limit: "Your note is {excess} characters over the limit of {limit}. Nothing has been cut: please shorten it to finish.",
    submit: "Finish check-in",
    one_left: "1 question left to answer.",
    many_left: "{count} questions left to answer.",
    note_blocks_submit: "Shorten your note to finish.",

    draft_restored: "We kept your unfinished check-in, so you can carry on where you left off.",
    start_over: "Start over",
    draft_offer: "You have an unfinished check-in from {date}.",
    draft_continue: "Continue it",
    draft_discard: "Start a new one",

    result_heading: "Thank you for checking in",
    result_intro: "Here is how today went, in your own ratings.",
    total_of_max: "{total} of {max}",
    total_label: "Total",
    first_check_in: "This is your first check-in here, so there is nothing to compare with yet.",
    higher_than_last_time: "higher than last time",
    same_as_last_time: "about the same as last time",
    lower_than_last_time: "lower than last time",
    higher_than_usual: "higher than your usual",
    same_as_usual: "about the same as your usual",
    lower_than_usual: "lower than your usual",
    suggestions_heading: "Something to consider",
    signal_total_below: "Your total is under {threshold} of {max}. That is worth mentioning to your therapist.",
    signal_items_below: "You gave {items} a lower rating. If you feel able, tell your therapist what would help.",
    signal_lower_than_last_time: "Today was lower than last time. Saying so early gives your therapist a chance to adjust how you work together.",
    signal_lower_than_usual: "Today was lower than your usual. Saying so early gives your therapist a chance to adjust how you work together.",
    signal_ceiling: "You have rated everything at or near the top {count} times in a row. That is good to hear. If anything, even something small, could work better, saying so helps your therapist too.",
    lower_is_useful: "A lower rating is useful information, not a complaint, and you decide what to share.",
    no_signal: "If anything comes to mind later, you can bring it up at your next session.",
    list_and: "and",
    saved_on_device: "Saved on this device.",
    safety_heading: "Private, and not monitored",
    safety_text: "Nobody reads it unless you send it to someone. It is not a crisis service: if you are in crisis or might harm yourself, call your local emergency number now (for example 911, 999 or 112).",
    new_check_in: "Back to the start",

    history_heading: "Your check-ins on this device",
    history_empty: "None yet. Completed check-ins are kept here, on this device only.",
    history_total: "Total {total} of {max}",
    history_other_questionnaire: "another questionnaire",

    summary_heading: "{title}, {date}",
    summary_item: "{title}: {score}",
    summary_item_with_direction: "{title}: {score}, {direction}",
    summary_total_below: "Total: {total} of {max} (under {threshold}, worth talking about)",
    summary_total_at_or_above: "Total: {total} of {max} ({threshold} or more)",
    summary_total: "Total: {total} of {max}",
    summary_first_check_in: "This is my first check-in here.",
    summary_higher_than_usual: "higher than my usual",
    summary_same_as_usual: "about the same as my usual",
    summary_lower_than_usual: "lower than my usual",
    summary_signals_heading: "Worth talking about:",
    summary_signal_total_below: "My total is under {threshold} of {max}.",
    summary_signal_items_below: "I rated {items} under {floor}.",
    summary_signal_lower_than_last_time: "This was lower than last time.",
    summary_signal_lower_than_usual: "This was lower than my usual.",
    summary_signal_ceiling: "I have rated everything at or near the top {count} times in a row, so small things may not show in the numbers.",
    summary_note_heading: "My note:",
    summary_trend_heading: "Recent check-ins (oldest first):",
    summary_trend_line: "{date}: {total} of {max} (lowest: {item} {score})",
    summary_footer: "From my Alliance Check-in (not a validated clinical questionnaire).",

    share_with_therapist: "Share with my therapist",
    share_entry: "Share",
    share_entry_label: "Share the check-in from {date}",
    summary_screen_heading: "Your summary for your therapist",
    summary_screen_intro: "This is exactly what will be copied or shared. You can change it first.",
    include_note: "Include my note",
    include_trend: "Include my recent check-ins",
    summary_text_label: "Summary text",
    summary_edited: "You have changed the text, so the switches are paused.",
    summary_regenerate: "Start again from the generated text",
    copy: "Copy",
    share: "Share…",
    copied: "Copied. Paste it into your message to your therapist.",
    copy_manual: "Could not copy automatically. The text is selected: use your device's Copy, then paste it into your message.",
    shared: "Shared.",
    share_failed: "Sharing did not work here. You can copy the text instead.",
    leaves_device: "The copied text leaves this device through whatever app you paste it into.",
    back: "Back",
    email_named_therapist: "Email it to {name}",
    email_therapist: "Email it to my therapist",
    email_subject: "My check-in",

    setting_therapist_email_refused: "Set-up problem for the practice: the therapist email (data-therapist-email) is not one plain email address, so the email button is left out. Copying and sharing still work.",
    setting_therapist_name_refused: "Set-up problem for the practice: the therapist name (data-therapist-name) is longer than 80 characters or has a line break, so it is not shown.",

    storage_unavailable: "This browser is not letting the check-in save anything on this device (storage is blocked or turned off). You can still fill it in, but it will not be kept after you close the page.",
    storage_full: "There is no room left to save on this device, so this check-in was not saved. It is still shown here.",
    save_failed: "This check-in could not be saved on this device. It is still shown here.",
    unreadable_kept_aside: "Check-ins saved earlier on this device could not be read. They have been set aside unchanged (nothing was deleted), and new check-ins start a fresh list.",
    unreadable_left_in_place: "Check-ins saved earlier on this device could not be read, and there was no room to set them aside. They are left exactly as they were, and new check-ins cannot be saved until there is space.",
    newer_version_left_alone: "Your check-ins were saved by a newer version of this check-in. They are left untouched; check-ins made with this version are kept separately.",
    draft_unreadable_kept_aside: "An unfinished check-in saved earlier could not be read. It has been set aside unchanged.",
    dismiss: "Dismiss",
};

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
        ];
        let text = format!("{ENGLISH:?}");
        let mut rest = text.as_str();
        while let Some(start) = rest.find('{') {
            let after = &rest[start + 1..];
            let end = after.find('}').unwrap_or(0);
            let name = &after[..end];
            if !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
                assert!(known.contains(&name), "unknown blank {{{name}}}");
            }
            rest = &after[end..];
        }
    }
}
