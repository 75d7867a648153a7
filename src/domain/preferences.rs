//! The client's own choices (language, how to answer), and which language wins: the client's
//! choice, then the practice's, then the browser's, then English. Stored as plain words under
//! their own keys, so a value this version does not know (a newer version's language) is left
//! in place and simply not used.

use super::text::{catalogue_for, Text, ENGLISH};

/// How the client answers each 0-10 item.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AnswerStyle {
    /// Tap, drag or arrow along the line.
    #[default]
    Slider,
    /// Choose a whole number 0-10, then fine-tune by 0.1 if wanted.
    Numbers,
}

impl AnswerStyle {
    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            AnswerStyle::Slider => "slider",
            AnswerStyle::Numbers => "numbers",
        }
    }

    /// The style a stored word names, if this version knows it.
    pub fn parse(stored: &str) -> Option<Self> {
        match stored {
            "slider" => Some(AnswerStyle::Slider),
            "numbers" => Some(AnswerStyle::Numbers),
            _ => None,
        }
    }
}

/// The language to speak. Each source is a BCP 47 tag; the first one with a catalogue wins, in
/// this order: the client's stored choice, the practice's setting, the browser's languages (most
/// preferred first), English.
pub fn choose_language(
    client_choice: Option<&str>,
    practice_setting: Option<&str>,
    browser_languages: &[String],
) -> &'static Text {
    client_choice
        .into_iter()
        .chain(practice_setting)
        .chain(browser_languages.iter().map(String::as_str))
        .find_map(catalogue_for)
        .unwrap_or(&ENGLISH)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(client: Option<&str>, practice: Option<&str>, browser: &[&str]) -> &'static str {
        let browser: Vec<String> = browser.iter().map(|tag| (*tag).to_owned()).collect();
        choose_language(client, practice, &browser).language_tag
    }

    #[test]
    fn the_client_wins_then_the_practice_then_the_browser_then_english() {
        assert_eq!(tag(Some("en"), Some("es"), &["es-MX"]), "en");
        assert_eq!(tag(None, Some("es"), &["en-GB"]), "es");
        assert_eq!(tag(None, None, &["es-MX", "en"]), "es");
        assert_eq!(tag(None, None, &[]), "en");
    }

    #[test]
    fn unknown_languages_are_skipped_not_errors() {
        // A newer version's choice, or a browser preferring a language we lack.
        assert_eq!(tag(Some("fr"), None, &["de-DE", "ES"]), "es");
        assert_eq!(tag(Some(""), Some("xx"), &["pt-BR"]), "en");
    }

    #[test]
    fn answer_styles_round_trip_and_unknown_words_are_none() {
        for style in [AnswerStyle::Slider, AnswerStyle::Numbers] {
            assert_eq!(AnswerStyle::parse(style.as_str()), Some(style));
        }
        assert_eq!(AnswerStyle::parse("dial"), None);
    }
}
