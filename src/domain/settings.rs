//! What the practice set on the host element (`data-therapist-email`, `data-therapist-name`,
//! `data-practice-name`, `data-language`), validated. A value that fails validation is dropped with a problem the widget shows; the
//! widget keeps running without it. (The full configuration surface builds on this.)

use super::summary::is_plain_email_address;
use super::text::catalogue_for;

/// The attribute naming the therapist's e-mail address.
pub const THERAPIST_EMAIL_ATTRIBUTE: &str = "data-therapist-email";
/// The attribute naming the therapist.
pub const THERAPIST_NAME_ATTRIBUTE: &str = "data-therapist-name";
/// The attribute naming the practice (recorded with each check-in).
pub const PRACTICE_NAME_ATTRIBUTE: &str = "data-practice-name";
/// The attribute naming the practice's language for its clients (a BCP 47 tag).
pub const LANGUAGE_ATTRIBUTE: &str = "data-language";
/// Longest therapist name shown; longer values are refused rather than cut.
pub const NAME_LIMIT: usize = 80;

/// The practice's settings after validation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HostSettings {
    /// One plain e-mail address for the summary's e-mail link.
    pub therapist_email: Option<String>,
    /// How the e-mail link names the therapist (plain text).
    pub therapist_name: Option<String>,
    /// A language tag this widget has a catalogue for.
    pub language: Option<String>,
    /// The practice's name (plain text), recorded with each check-in.
    pub practice_name: Option<String>,
}

/// A setting that was refused, and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SettingProblem {
    /// Not exactly one plain e-mail address (a second recipient, a header, spaces...).
    TherapistEmailNotPlain,
    /// Longer than [`NAME_LIMIT`] characters or containing a line break or control character.
    TherapistNameUnusable,
    /// Not a language this widget has.
    LanguageUnknown,
    /// Longer than [`NAME_LIMIT`] characters or containing a line break or control character.
    PracticeNameUnusable,
}

/// Reads and validates the settings; `attribute` returns an attribute's value when present.
/// Values are trimmed; empty ones count as absent.
pub fn read_host_settings(
    attribute: &dyn Fn(&str) -> Option<String>,
) -> (HostSettings, Vec<SettingProblem>) {
    let value = |name: &str| {
        attribute(name)
            .map(|value| value.trim().to_owned())
            .filter(|value| !value.is_empty())
    };
    let mut problems = Vec::new();
    let therapist_email = value(THERAPIST_EMAIL_ATTRIBUTE).filter(|address| {
        let plain = is_plain_email_address(address);
        if !plain {
            problems.push(SettingProblem::TherapistEmailNotPlain);
        }
        plain
    });
    let usable_name =
        |name: &String| name.chars().count() <= NAME_LIMIT && !name.chars().any(char::is_control);
    let therapist_name = value(THERAPIST_NAME_ATTRIBUTE).filter(|name| {
        let usable = usable_name(name);
        if !usable {
            problems.push(SettingProblem::TherapistNameUnusable);
        }
        usable
    });
    let practice_name = value(PRACTICE_NAME_ATTRIBUTE).filter(|name| {
        let usable = usable_name(name);
        if !usable {
            problems.push(SettingProblem::PracticeNameUnusable);
        }
        usable
    });
    let language = value(LANGUAGE_ATTRIBUTE).filter(|tag| {
        let known = catalogue_for(tag).is_some();
        if !known {
            problems.push(SettingProblem::LanguageUnknown);
        }
        known
    });
    (
        HostSettings {
            therapist_email,
            therapist_name,
            language,
            practice_name,
        },
        problems,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(pairs: &[(&str, &str)]) -> (HostSettings, Vec<SettingProblem>) {
        read_host_settings(&|name| {
            pairs
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned())
        })
    }

    #[test]
    fn nothing_set_is_nothing_to_report() {
        assert_eq!(read(&[]), (HostSettings::default(), vec![]));
        assert_eq!(
            read(&[(THERAPIST_EMAIL_ATTRIBUTE, "  ")]),
            (HostSettings::default(), vec![])
        );
    }

    #[test]
    fn a_plain_address_and_name_are_kept_trimmed() {
        let (settings, problems) = read(&[
            (THERAPIST_EMAIL_ATTRIBUTE, " sam@practice.example "),
            (THERAPIST_NAME_ATTRIBUTE, "Dr Sam <b>Lee</b>"),
        ]);
        assert!(problems.is_empty());
        assert_eq!(
            settings.therapist_email.as_deref(),
            Some("sam@practice.example")
        );
        // Markup is not refused: the widget renders names as text, never as HTML.
        assert_eq!(
            settings.therapist_name.as_deref(),
            Some("Dr Sam <b>Lee</b>")
        );
    }

    #[test]
    fn addresses_that_could_add_recipients_or_headers_are_refused() {
        for hostile in [
            "sam@practice.example,eve@evil.example",
            "sam@practice.example?bcc=eve@evil.example",
            "sam@practice.example\r\nBcc: eve@evil.example",
            "Sam <sam@practice.example>",
            "not an address",
        ] {
            let (settings, problems) = read(&[(THERAPIST_EMAIL_ATTRIBUTE, hostile)]);
            assert_eq!(settings.therapist_email, None, "{hostile}");
            assert_eq!(problems, vec![SettingProblem::TherapistEmailNotPlain]);
        }
    }

    #[test]
    fn a_language_must_be_one_the_widget_has() {
        let (settings, problems) = read(&[(LANGUAGE_ATTRIBUTE, "es-MX")]);
        assert_eq!(settings.language.as_deref(), Some("es-MX"));
        assert!(problems.is_empty());
        let (settings, problems) = read(&[(LANGUAGE_ATTRIBUTE, "klingon")]);
        assert_eq!(settings.language, None);
        assert_eq!(problems, vec![SettingProblem::LanguageUnknown]);
    }

    #[test]
    fn names_too_long_or_with_line_breaks_are_refused() {
        let long = "x".repeat(NAME_LIMIT + 1);
        for unusable in [long.as_str(), "Sam\nLee"] {
            let (settings, problems) = read(&[(THERAPIST_NAME_ATTRIBUTE, unusable)]);
            assert_eq!(settings.therapist_name, None);
            assert_eq!(problems, vec![SettingProblem::TherapistNameUnusable]);
            let (settings, problems) = read(&[(PRACTICE_NAME_ATTRIBUTE, unusable)]);
            assert_eq!(settings.practice_name, None);
            assert_eq!(problems, vec![SettingProblem::PracticeNameUnusable]);
        }
    }
}
