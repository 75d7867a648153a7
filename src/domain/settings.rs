//! The practice's configuration: every setting a practice can give, the places it can come
//! from (URL parameters, a configuration file beside the widget, a JSON configuration block,
//! data attributes) and which one wins, which settings a link may never set, and
//! the validation each value passes. A refused value is dropped with a problem the widget shows
//! (naming the setting and what is wrong); the widget keeps running with its default.

use super::colour::{accent_palette, AccentPalette, Rgb};
use super::instrument::Instrument;
use super::json::{self, Json};
use super::summary::is_plain_email_address;
use super::tenths::Tenths;
use super::text::{catalogue_for, fill, join_list, Text, CATALOGUES};

/// Every setting, by the name used in all three places (`data-<name>` as an attribute).
pub const SETTING_NAMES: [&str; 14] = [
    "practice-name",
    "therapist-name",
    "therapist-email",
    "language",
    "accent",
    "title",
    "questionnaire",
    "total-below",
    "item-below",
    "show-history",
    "keep-history",
    "namespace",
    "safety-text",
    "host-origin",
];

/// Settings a link must never set: they decide where the summary can be sent and to whom
/// (`therapist-email`, `therapist-name`), what the client reads in a crisis (`safety-text`),
/// whether and where their check-ins are kept (`keep-history`, `namespace`), and what is asked
/// and when the feedback says "worth talking about" (`questionnaire`, `total-below`,
/// `item-below`: a link could hide every prompt to raise a poor session). Anyone can craft a
/// link to the practice's own address, so on the widget's own page these come only from the
/// page's markup or from a configuration file beside the widget (`?config=<name>`). The others
/// only change how the widget looks or reads (language, accent, title, practice name, whether
/// the history is shown; nothing is deleted) or narrow where the frame's height goes.
pub const NOT_FROM_A_LINK: [&str; 8] = [
    "therapist-email",
    "therapist-name",
    "safety-text",
    "keep-history",
    "namespace",
    "questionnaire",
    "total-below",
    "item-below",
];

/// Where configuration files live, beside the widget's page: `configs/<name>.json`.
pub const CONFIG_FOLDER: &str = "configs/";

/// A configuration file's name as `?config=` gives it: 1-32 of `a-z`, `0-9`, `-`, so it can
/// only ever name a file in the folder beside the widget (no `/`, `.`, `%` or scheme).
pub fn is_config_name(name: &str) -> bool {
    (1..=32).contains(&name.len())
        && name
            .bytes()
            .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-')
}

/// Longest name or title shown; longer values are refused rather than cut.
pub const NAME_LIMIT: usize = 80;
/// Longest safety text (a few sentences with phone numbers).
pub const SAFETY_TEXT_LIMIT: usize = 600;
/// The namespace of a widget given none: the one every earlier version used.
pub const DEFAULT_NAMESPACE: &str = "default";
/// The built-in check-in's id, as the `questionnaire` setting names it.
pub const BUILTIN_QUESTIONNAIRE: &str = "builtin.alliance-checkin";

/// Where a value came from. Later variants win: data attributes are written on the element
/// itself, the configuration block sits inside it, the configuration file was put beside the
/// widget by the practice, and URL parameters are only read when the widget is the whole page
/// (`data-standalone`), where anyone can edit a link (and never for [`NOT_FROM_A_LINK`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Source {
    UrlParameter,
    /// A configuration file beside the widget (`configs/<name>.json`), named by `?config=`.
    ConfigFile,
    ConfigBlock,
    DataAttribute,
}

impl Source {
    /// How a practice wrote `name` in this place: `data-accent`, `?accent=`, `{"accent": …}`.
    pub fn spelling(self, name: &str) -> String {
        match self {
            Source::UrlParameter => format!("?{name}="),
            Source::ConfigFile => format!("{CONFIG_FOLDER}… {{\"{name}\": …}}"),
            Source::ConfigBlock => format!("{{\"{name}\": …}}"),
            Source::DataAttribute => format!("data-{name}"),
        }
    }
}

/// A value as given, before validation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RawValue {
    Text(String),
    /// A JSON object, as compact JSON text (only the configuration block can give one: a
    /// questionnaire definition).
    Object(String),
}

/// The values one place gave.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Layer {
    pub values: Vec<(String, RawValue, Source)>,
}

impl Layer {
    /// Attributes or URL parameters: `lookup` returns the value for a setting's name.
    pub fn of_text(source: Source, lookup: &dyn Fn(&str) -> Option<String>) -> Self {
        let values = SETTING_NAMES
            .iter()
            .filter_map(|name| {
                let value = lookup(name)?.trim().to_owned();
                (!value.is_empty()).then(|| ((*name).to_owned(), RawValue::Text(value), source))
            })
            .collect();
        Layer { values }
    }

    /// The configuration block: a JSON object of settings. A block that is not such an object
    /// is refused whole (with the reason); an unknown setting or a value of the wrong kind is
    /// refused on its own.
    pub fn of_config_block(text: &str) -> (Self, Vec<SettingProblem>) {
        Self::of_json(text, Source::ConfigBlock)
    }

    /// The configuration file `?config=<name>` named: `text` is what the loader read from
    /// `configs/<name>.json` (None: missing or unreadable). Read like the block (the same JSON
    /// object of settings); a bad name, a missing file or one that is not such an object is
    /// named, and nothing of it is used.
    pub fn of_config_file(name: &str, text: Option<&str>) -> (Self, Vec<SettingProblem>) {
        if !is_config_name(name) {
            let setting = Source::UrlParameter.spelling("config");
            return (
                Layer::default(),
                vec![SettingProblem::new(
                    setting,
                    ProblemKind::ConfigNameUnusable,
                )],
            );
        }
        let file = format!("{CONFIG_FOLDER}{name}.json");
        let Some(text) = text else {
            let problem = SettingProblem::new(file, ProblemKind::ConfigFileMissing);
            return (Layer::default(), vec![problem]);
        };
        let (layer, mut problems) = Self::of_json(text, Source::ConfigFile);
        for problem in &mut problems {
            let kind = match &mut problem.kind {
                ProblemKind::BlockNotJson(detail) => {
                    ProblemKind::ConfigFileNotJson(std::mem::take(detail))
                }
                ProblemKind::BlockNotAnObject => ProblemKind::ConfigFileUnusable,
                _ => continue,
            };
            *problem = SettingProblem::new(file.clone(), kind);
        }
        (layer, problems)
    }

    /// URL parameters: a setting that must not come from a link is refused (named), not used.
    pub fn of_url(lookup: &dyn Fn(&str) -> Option<String>) -> (Self, Vec<SettingProblem>) {
        let mut layer = Self::of_text(Source::UrlParameter, lookup);
        let mut problems = Vec::new();
        layer.values.retain(|(name, _, source)| {
            let refused = NOT_FROM_A_LINK.contains(&name.as_str());
            if refused {
                problems.push(SettingProblem::new(
                    source.spelling(name),
                    ProblemKind::NotFromALink,
                ));
            }
            !refused
        });
        (layer, problems)
    }

    fn of_json(text: &str, source: Source) -> (Self, Vec<SettingProblem>) {
        let block = || source.spelling("…");
        let parsed = match json::parse(text) {
            Ok(parsed) => parsed,
            Err(error) => {
                let (line, column) = error.line_and_column(text);
                let detail = format!("{line}:{column}: {}", error.message);
                let problem = SettingProblem::new(block(), ProblemKind::BlockNotJson(detail));
                return (Layer::default(), vec![problem]);
            }
        };
        let Some(members) = parsed.as_object() else {
            let problem = SettingProblem::new(block(), ProblemKind::BlockNotAnObject);
            return (Layer::default(), vec![problem]);
        };
        let mut problems = Vec::new();
        let mut values = Vec::new();
        for (name, value) in members {
            let setting = source.spelling(name);
            if !SETTING_NAMES.contains(&&**name) {
                problems.push(SettingProblem::new(setting, ProblemKind::UnknownSetting));
                continue;
            }
            let raw = match value {
                Json::String(text) => RawValue::Text(text.trim().to_owned()),
                Json::Number(number) => RawValue::Text(number.to_string()),
                Json::Bool(true) => RawValue::Text("yes".into()),
                Json::Bool(false) => RawValue::Text("no".into()),
                Json::Object(_) if name == "questionnaire" => RawValue::Object(value.to_text()),
                Json::Null => continue,
                _ => {
                    problems.push(SettingProblem::new(setting, ProblemKind::WrongType));
                    continue;
                }
            };
            values.push((name.to_string(), raw, source));
        }
        (Layer { values }, problems)
    }
}

/// Which questionnaire to present.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum QuestionnaireChoice {
    /// The built-in check-in.
    #[default]
    Builtin,
    /// A definition held in the page element with this id (`"#my-questionnaire"`).
    Element { id: String, setting: String },
    /// A definition given in the configuration block, as JSON text.
    Definition { json: String, setting: String },
}

/// A number setting, with how the practice wrote it (for messages once it can be checked
/// against the questionnaire).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PointsSetting {
    pub value: Tenths,
    pub setting: String,
}

/// The practice's settings after validation; anything not given or refused is the default.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PracticeSettings {
    /// One plain e-mail address for the summary's e-mail link.
    pub therapist_email: Option<String>,
    /// How the e-mail link names the therapist (plain text).
    pub therapist_name: Option<String>,
    /// A language tag this widget has a catalogue for.
    pub language: Option<String>,
    /// The practice's name (plain text), shown at the top and recorded with each check-in.
    pub practice_name: Option<String>,
    /// The heading shown at the top of the widget, and the page title when it is the page.
    pub title: Option<String>,
    /// The accent colour, shaded for both colour schemes.
    pub accent: Option<AccentPalette>,
    pub questionnaire: QuestionnaireChoice,
    /// Replaces the questionnaire's "worth talking about" total.
    pub total_below: Option<PointsSetting>,
    /// Replaces the questionnaire's single-item threshold.
    pub item_below: Option<PointsSetting>,
    /// Whether the history, its chart and the backup tools are shown.
    pub show_history: bool,
    /// Whether check-ins are kept on the device until the client chooses otherwise.
    pub keep_history: bool,
    /// Separates this widget's stored data from other widgets' on the same site.
    pub namespace: String,
    /// Replaces the safety text on the result screen (plain text; line breaks kept).
    pub safety_text: Option<String>,
    /// The only origin a framing page's height messages go to (all origins when absent).
    pub host_origin: Option<String>,
}

impl Default for PracticeSettings {
    fn default() -> Self {
        PracticeSettings {
            therapist_email: None,
            therapist_name: None,
            language: None,
            practice_name: None,
            title: None,
            accent: None,
            questionnaire: QuestionnaireChoice::Builtin,
            total_below: None,
            item_below: None,
            show_history: true,
            keep_history: true,
            namespace: DEFAULT_NAMESPACE.into(),
            safety_text: None,
            host_origin: None,
        }
    }
}

/// What is wrong with a value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProblemKind {
    /// Not exactly one plain e-mail address (a second recipient, a header, spaces...).
    NotPlainEmail,
    /// Too long, or holding a line break or control character where one line is expected.
    TextUnusable {
        limit: usize,
    },
    LanguageUnknown,
    NotAColour,
    NotYesOrNo,
    NotPoints,
    /// A threshold beyond what the questionnaire can score.
    PointsOutOfRange {
        max: Tenths,
    },
    NamespaceUnusable,
    /// Another widget on the page already uses this namespace.
    NamespaceShared,
    QuestionnaireUnknown,
    /// `#id` names no element holding a definition.
    QuestionnaireMissing,
    /// The definition's problems, each "path: message".
    QuestionnaireInvalid(Vec<String>),
    OriginUnusable,
    /// The configuration block is not JSON: where, as "line:column" counted from the start of
    /// the block (the column in characters), and the parser's message.
    BlockNotJson(String),
    BlockNotAnObject,
    UnknownSetting,
    /// A list or an object where text, a number or true/false belongs.
    WrongType,
    /// A URL parameter for a setting only the page or a configuration file may give.
    NotFromALink,
    /// `?config=` is not 1-32 of `a-z`, `0-9`, `-`.
    ConfigNameUnusable,
    /// The configuration file is missing or could not be read.
    ConfigFileMissing,
    /// The configuration file is not JSON (where and what, as for the block).
    ConfigFileNotJson(String),
    /// The configuration file is JSON, but not an object of settings.
    ConfigFileUnusable,
}

/// A refused value: the setting as the practice wrote it, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettingProblem {
    pub setting: String,
    pub kind: ProblemKind,
}

impl SettingProblem {
    pub fn new(setting: String, kind: ProblemKind) -> Self {
        SettingProblem { setting, kind }
    }

    /// The message shown in the widget, and for a questionnaire the list of its problems.
    pub fn message(&self, text: &Text) -> (String, Vec<String>) {
        let limit;
        let max;
        let languages;
        let reason = match &self.kind {
            ProblemKind::NotPlainEmail => text.reason_email.to_owned(),
            ProblemKind::TextUnusable { limit: chars } => {
                limit = chars.to_string();
                fill(text.reason_text, &[("limit", &limit)])
            }
            ProblemKind::LanguageUnknown => {
                let tags: Vec<String> = CATALOGUES
                    .iter()
                    .map(|catalogue| catalogue.language_tag.to_owned())
                    .collect();
                languages = join_list(&tags, text.list_and);
                fill(text.reason_language, &[("languages", &languages)])
            }
            ProblemKind::NotAColour => text.reason_colour.to_owned(),
            ProblemKind::NotYesOrNo => text.reason_yes_no.to_owned(),
            ProblemKind::NotPoints => text.reason_points.to_owned(),
            ProblemKind::PointsOutOfRange { max: most } => {
                max = most.format_with(text.decimal_separator);
                fill(text.reason_points_range, &[("max", &max)])
            }
            ProblemKind::NamespaceUnusable => text.reason_namespace.to_owned(),
            ProblemKind::NamespaceShared => text.reason_namespace_shared.to_owned(),
            ProblemKind::QuestionnaireUnknown => fill(
                text.reason_questionnaire,
                &[("builtin", BUILTIN_QUESTIONNAIRE)],
            ),
            ProblemKind::QuestionnaireMissing => text.reason_questionnaire_missing.to_owned(),
            ProblemKind::QuestionnaireInvalid(errors) => {
                let message = fill(text.questionnaire_invalid, &[("setting", &self.setting)]);
                return (message, errors.clone());
            }
            ProblemKind::OriginUnusable => text.reason_origin.to_owned(),
            ProblemKind::BlockNotJson(detail) => {
                let message = fill(text.config_block_not_json, &[("detail", detail)]);
                return (message, Vec::new());
            }
            ProblemKind::BlockNotAnObject => {
                return (text.config_block_not_object.to_owned(), Vec::new())
            }
            ProblemKind::UnknownSetting => text.reason_unknown_setting.to_owned(),
            ProblemKind::NotFromALink => text.reason_not_from_a_link.to_owned(),
            // The same rule as a namespace's, so the same words.
            ProblemKind::ConfigNameUnusable => text.reason_namespace.to_owned(),
            ProblemKind::ConfigFileMissing | ProblemKind::ConfigFileUnusable => {
                let template = if self.kind == ProblemKind::ConfigFileMissing {
                    text.config_file_missing
                } else {
                    text.config_file_unusable
                };
                return (fill(template, &[("file", &self.setting)]), Vec::new());
            }
            ProblemKind::ConfigFileNotJson(detail) => {
                let values = [("file", self.setting.as_str()), ("detail", detail)];
                return (fill(text.config_file_not_json, &values), Vec::new());
            }
            ProblemKind::WrongType => text.reason_wrong_type.to_owned(),
        };
        let message = fill(
            text.setting_refused,
            &[("setting", &self.setting), ("reason", &reason)],
        );
        (message, Vec::new())
    }
}

fn one_line_text(value: &str, limit: usize) -> Result<String, ProblemKind> {
    if value.chars().count() <= limit && !value.chars().any(char::is_control) {
        Ok(value.to_owned())
    } else {
        Err(ProblemKind::TextUnusable { limit })
    }
}

fn yes_or_no(value: &str) -> Result<bool, ProblemKind> {
    match value.to_ascii_lowercase().as_str() {
        "yes" | "true" => Ok(true),
        "no" | "false" => Ok(false),
        _ => Err(ProblemKind::NotYesOrNo),
    }
}

/// An origin such as `https://www.practice.example` or `http://localhost:8000`: scheme, host
/// and optional port, nothing else.
pub fn is_plain_origin(value: &str) -> bool {
    let Some((scheme, rest)) = value
        .split_once(':')
        .and_then(|(scheme, rest)| Some((scheme, rest.strip_prefix("//")?)))
    else {
        return false;
    };
    let (host, port) = match rest.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (rest, None),
    };
    matches!(scheme, "https" | "http")
        && !host.is_empty()
        && host
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'-'))
        && port.is_none_or(|port| {
            (1..=5).contains(&port.len()) && port.bytes().all(|byte| byte.is_ascii_digit())
        })
}

/// Combines the layers (later ones win, see [`Source`]) and validates every value.
pub fn resolve(layers: &[Layer]) -> (PracticeSettings, Vec<SettingProblem>) {
    let mut settings = PracticeSettings::default();
    let mut problems = Vec::new();
    for name in SETTING_NAMES {
        let Some((raw, source)) = layers.iter().rev().find_map(|layer| {
            layer
                .values
                .iter()
                .find(|(given, _, _)| given == name)
                .map(|(_, raw, source)| (raw, *source))
        }) else {
            continue;
        };
        let setting = source.spelling(name);
        let outcome = match raw {
            RawValue::Object(definition) if name == "questionnaire" => {
                settings.questionnaire = QuestionnaireChoice::Definition {
                    json: definition.clone(),
                    setting: setting.clone(),
                };
                Ok(())
            }
            RawValue::Object(_) => Err(ProblemKind::WrongType),
            RawValue::Text(value) => apply(&mut settings, name, value, &setting),
        };
        if let Err(kind) = outcome {
            problems.push(SettingProblem::new(setting, kind));
        }
    }
    (settings, problems)
}

fn apply(
    settings: &mut PracticeSettings,
    name: &str,
    value: &str,
    setting: &str,
) -> Result<(), ProblemKind> {
    let points = |value: &str| {
        Tenths::parse_points(value)
            .map(|value| PointsSetting {
                value,
                setting: setting.to_owned(),
            })
            .ok_or(ProblemKind::NotPoints)
    };
    match name {
        "practice-name" => settings.practice_name = Some(one_line_text(value, NAME_LIMIT)?),
        "therapist-name" => settings.therapist_name = Some(one_line_text(value, NAME_LIMIT)?),
        "title" => settings.title = Some(one_line_text(value, NAME_LIMIT)?),
        "therapist-email" => {
            if !is_plain_email_address(value) {
                return Err(ProblemKind::NotPlainEmail);
            }
            settings.therapist_email = Some(value.to_owned());
        }
        "language" => {
            catalogue_for(value).ok_or(ProblemKind::LanguageUnknown)?;
            settings.language = Some(value.to_owned());
        }
        "accent" => {
            let colour = Rgb::parse_hex(value).ok_or(ProblemKind::NotAColour)?;
            settings.accent = Some(accent_palette(colour));
        }
        "questionnaire" => {
            settings.questionnaire = if value == BUILTIN_QUESTIONNAIRE {
                QuestionnaireChoice::Builtin
            } else if let Some(id) = value.strip_prefix('#').filter(|id| {
                !id.is_empty()
                    && id.bytes().all(|byte| {
                        byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b':')
                    })
            }) {
                QuestionnaireChoice::Element {
                    id: id.to_owned(),
                    setting: setting.to_owned(),
                }
            } else {
                return Err(ProblemKind::QuestionnaireUnknown);
            }
        }
        "total-below" => settings.total_below = Some(points(value)?),
        "item-below" => settings.item_below = Some(points(value)?),
        "show-history" => settings.show_history = yes_or_no(value)?,
        "keep-history" => settings.keep_history = yes_or_no(value)?,
        "namespace" => {
            let usable = (1..=32).contains(&value.len())
                && value
                    .bytes()
                    .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-');
            if !usable {
                return Err(ProblemKind::NamespaceUnusable);
            }
            settings.namespace = value.to_owned();
        }
        "safety-text" => {
            let usable = value.chars().count() <= SAFETY_TEXT_LIMIT
                && !value
                    .chars()
                    .any(|character| character.is_control() && character != '\n');
            if !usable {
                return Err(ProblemKind::TextUnusable {
                    limit: SAFETY_TEXT_LIMIT,
                });
            }
            settings.safety_text = Some(value.to_owned());
        }
        "host-origin" => {
            if !is_plain_origin(value) {
                return Err(ProblemKind::OriginUnusable);
            }
            settings.host_origin = Some(value.to_owned());
        }
        _ => return Err(ProblemKind::UnknownSetting),
    }
    Ok(())
}

/// Puts the practice's thresholds into `instrument` (practice settings win over the
/// questionnaire's defaults). A value beyond what the questionnaire can score is refused.
pub fn apply_practice_thresholds(
    instrument: &mut Instrument,
    settings: &PracticeSettings,
) -> Vec<SettingProblem> {
    let mut problems = Vec::new();
    let total_max = instrument.max_total();
    let item_max = instrument.max_item_score();
    for (given, max, threshold) in [
        (
            &settings.total_below,
            total_max,
            &mut instrument.thresholds.total_below,
        ),
        (
            &settings.item_below,
            item_max,
            &mut instrument.thresholds.item_below,
        ),
    ] {
        let Some(given) = given else { continue };
        if given.value > max {
            problems.push(SettingProblem::new(
                given.setting.clone(),
                ProblemKind::PointsOutOfRange { max },
            ));
        } else {
            *threshold = Some(given.value);
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::text::ENGLISH;

    fn attributes(pairs: &[(&str, &str)]) -> Layer {
        Layer::of_text(Source::DataAttribute, &|name| {
            pairs
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned())
        })
    }

    fn read(pairs: &[(&str, &str)]) -> (PracticeSettings, Vec<SettingProblem>) {
        resolve(&[attributes(pairs)])
    }

    fn kinds(problems: &[SettingProblem]) -> Vec<ProblemKind> {
        problems
            .iter()
            .map(|problem| problem.kind.clone())
            .collect()
    }

    #[test]
    fn nothing_set_is_the_defaults_and_nothing_to_report() {
        assert_eq!(read(&[]), (PracticeSettings::default(), vec![]));
        assert_eq!(
            read(&[("therapist-email", "  ")]),
            (PracticeSettings::default(), vec![])
        );
        assert_eq!(PracticeSettings::default().namespace, "default");
    }

    #[test]
    fn a_plain_address_and_a_name_with_markup_are_kept_as_text() {
        let (settings, problems) = read(&[
            ("therapist-email", " sam@practice.example "),
            ("therapist-name", "Dr Sam <b>Lee</b>"),
            ("title", "<img src=x onerror=alert(1)>"),
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
        assert_eq!(
            settings.title.as_deref(),
            Some("<img src=x onerror=alert(1)>")
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
            let (settings, problems) = read(&[("therapist-email", hostile)]);
            assert_eq!(settings.therapist_email, None, "{hostile}");
            assert_eq!(kinds(&problems), vec![ProblemKind::NotPlainEmail]);
            assert_eq!(problems[0].setting, "data-therapist-email");
        }
    }

    #[test]
    fn a_language_must_be_one_the_widget_has() {
        let (settings, problems) = read(&[("language", "es-MX")]);
        assert_eq!(settings.language.as_deref(), Some("es-MX"));
        assert!(problems.is_empty());
        let (settings, problems) = read(&[("language", "klingon")]);
        assert_eq!(settings.language, None);
        assert_eq!(kinds(&problems), vec![ProblemKind::LanguageUnknown]);
    }

    #[test]
    fn names_too_long_or_with_line_breaks_are_refused() {
        let long = "x".repeat(NAME_LIMIT + 1);
        for unusable in [long.as_str(), "Sam\nLee"] {
            for name in ["therapist-name", "practice-name", "title"] {
                let (settings, problems) = read(&[(name, unusable)]);
                assert_eq!(settings, PracticeSettings::default());
                assert_eq!(
                    kinds(&problems),
                    vec![ProblemKind::TextUnusable { limit: NAME_LIMIT }]
                );
            }
        }
    }

    #[test]
    fn an_accent_is_only_ever_a_colour() {
        let (settings, problems) = read(&[("accent", "#FFDD00")]);
        assert!(problems.is_empty());
        let palette = settings.accent.unwrap();
        // Every value the widget writes into its styles is a colour it formatted itself.
        for (property, value) in palette.custom_properties() {
            assert!(property.starts_with("--aci-practice-accent"));
            assert_eq!(value.len(), 7);
            assert!(Rgb::parse_hex(&value).is_some(), "{value}");
        }
        for hostile in [
            "url(https://evil.example/track.png)",
            "#fff; background-image: url(x)",
            "red",
            "var(--x)",
            "expression(alert(1))",
        ] {
            let (settings, problems) = read(&[("accent", hostile)]);
            assert_eq!(settings.accent, None, "{hostile}");
            assert_eq!(kinds(&problems), vec![ProblemKind::NotAColour]);
        }
    }

    #[test]
    fn yes_no_numbers_namespaces_and_origins_are_checked() {
        let (settings, problems) = read(&[
            ("show-history", "no"),
            ("keep-history", "No"),
            ("total-below", "30"),
            ("item-below", "6.5"),
            ("namespace", "clinic-2"),
            ("host-origin", "https://www.practice.example"),
        ]);
        assert!(problems.is_empty(), "{problems:?}");
        assert!(!settings.show_history && !settings.keep_history);
        assert_eq!(settings.total_below.unwrap().value, Tenths(300));
        assert_eq!(settings.item_below.unwrap().value, Tenths(65));
        assert_eq!(settings.namespace, "clinic-2");
        let (_, problems) = read(&[
            ("show-history", "sometimes"),
            ("total-below", "thirty"),
            ("namespace", "Clinic 2"),
            ("host-origin", "https://www.practice.example/path"),
        ]);
        assert_eq!(
            kinds(&problems),
            vec![
                ProblemKind::NotPoints,
                ProblemKind::NotYesOrNo,
                ProblemKind::NamespaceUnusable,
                ProblemKind::OriginUnusable
            ]
        );
        assert!(is_plain_origin("http://localhost:8080"));
        assert!(!is_plain_origin("javascript://x"));
        assert!(!is_plain_origin("https://a.example:99999x"));
    }

    #[test]
    fn a_questionnaire_is_the_builtin_or_an_element_id() {
        let (settings, _) = read(&[("questionnaire", "#my-scale")]);
        assert_eq!(
            settings.questionnaire,
            QuestionnaireChoice::Element {
                id: "my-scale".into(),
                setting: "data-questionnaire".into()
            }
        );
        let (settings, problems) = read(&[("questionnaire", "https://evil.example/q.json")]);
        assert_eq!(settings.questionnaire, QuestionnaireChoice::Builtin);
        assert_eq!(kinds(&problems), vec![ProblemKind::QuestionnaireUnknown]);
    }

    #[test]
    fn attributes_win_over_the_block_which_wins_over_the_url() {
        let url = Layer::of_text(Source::UrlParameter, &|name| match name {
            "practice-name" => Some("From the link".into()),
            "title" => Some("Link title".into()),
            "language" => Some("es".into()),
            _ => None,
        });
        let (block, problems) = Layer::of_config_block(
            r##"{"practice-name": "From the block", "title": "Block title", "show-history": false}"##,
        );
        assert!(problems.is_empty());
        let element = attributes(&[("practice-name", "From the element")]);
        let (settings, problems) = resolve(&[url, block, element]);
        assert!(problems.is_empty());
        assert_eq!(settings.practice_name.as_deref(), Some("From the element"));
        assert_eq!(settings.title.as_deref(), Some("Block title"));
        assert_eq!(settings.language.as_deref(), Some("es"));
        assert!(!settings.show_history);
    }

    #[test]
    fn a_syntax_error_is_placed_by_line_and_column_in_characters() {
        // "Clínica Río" has two accented letters, each two bytes: a byte count would say 36.
        let block = "{\n  \"practice-name\": \"Clínica Río\" \"title\": \"x\"\n}";
        let (_, problems) = Layer::of_config_block(block);
        let detail = "2:34: expected , or }";
        assert_eq!(problems[0].kind, ProblemKind::BlockNotJson(detail.into()));
        let (message, _) = problems[0].message(&ENGLISH);
        let said = format!("not valid JSON ({detail}, counted from the start of the block)");
        assert!(message.contains(&said), "{message}");
        // The file says the same, with its name.
        let (_, problems) = Layer::of_config_file("riverside", Some(block));
        assert_eq!(problems[0].setting, "configs/riverside.json");
        assert_eq!(
            problems[0].kind,
            ProblemKind::ConfigFileNotJson(detail.into())
        );
        let (message, _) = problems[0].message(&crate::domain::text::SPANISH);
        assert!(
            message.contains("configs/riverside.json no es JSON válido (2:34:"),
            "{message}"
        );
        // Lines end at LF, CRLF or a lone CR (an old Mac editor's files), as editors count them.
        for file in [
            "{\r\n\"a\": 1\r\n\"b\"",
            "{\r\"a\": 1\r\"b\"",
            "{\n\"a\": 1\n\"b\"",
        ] {
            let (_, problems) = Layer::of_config_file("riverside", Some(file));
            let kind = ProblemKind::ConfigFileNotJson("3:1: expected , or }".into());
            assert_eq!(problems[0].kind, kind, "{file:?}");
        }
        // A file that is JSON but not an object of settings is still said to be that.
        let (_, problems) = Layer::of_config_file("riverside", Some("[1]"));
        assert_eq!(kinds(&problems), vec![ProblemKind::ConfigFileUnusable]);
    }

    #[test]
    fn a_block_that_is_not_a_settings_object_is_named() {
        let (_, problems) = Layer::of_config_block("{\"title\": ");
        assert!(matches!(problems[0].kind, ProblemKind::BlockNotJson(_)));
        let (_, problems) = Layer::of_config_block("[1, 2]");
        assert_eq!(kinds(&problems), vec![ProblemKind::BlockNotAnObject]);
        let (layer, problems) =
            Layer::of_config_block(r##"{"colour": "#fff", "title": ["a"], "accent": "#123"}"##);
        assert_eq!(
            kinds(&problems),
            vec![ProblemKind::UnknownSetting, ProblemKind::WrongType]
        );
        assert_eq!(problems[0].setting, "{\"colour\": …}");
        assert_eq!(layer.values.len(), 1);
    }

    #[test]
    fn a_definition_in_the_block_is_kept_as_json_text() {
        let (block, _) = Layer::of_config_block(r#"{"questionnaire": {"id": "x", "items": []}}"#);
        let (settings, problems) = resolve(&[block]);
        assert!(problems.is_empty());
        let QuestionnaireChoice::Definition { json, setting } = settings.questionnaire else {
            panic!("not a definition");
        };
        assert_eq!(json, r#"{"id":"x","items":[]}"#);
        assert_eq!(setting, "{\"questionnaire\": …}");
    }

    #[test]
    fn the_safety_text_keeps_line_breaks_but_not_other_controls() {
        let (settings, problems) = read(&[("safety-text", "Call 988.\nOr text HOME to 741741.")]);
        assert!(problems.is_empty());
        assert_eq!(
            settings.safety_text.as_deref(),
            Some("Call 988.\nOr text HOME to 741741.")
        );
        let (_, problems) = read(&[("safety-text", "Call\u{7}988")]);
        assert_eq!(
            kinds(&problems),
            vec![ProblemKind::TextUnusable {
                limit: SAFETY_TEXT_LIMIT
            }]
        );
    }

    #[test]
    fn practice_thresholds_replace_the_questionnaires_within_its_range() {
        use crate::domain::builtin::builtin_instrument;
        let (settings, _) = read(&[("total-below", "30"), ("item-below", "6")]);
        let mut instrument = builtin_instrument();
        assert!(apply_practice_thresholds(&mut instrument, &settings).is_empty());
        assert_eq!(instrument.thresholds.total_below, Some(Tenths(300)));
        assert_eq!(instrument.thresholds.item_below, Some(Tenths(60)));
        let (settings, _) = read(&[("total-below", "50"), ("item-below", "10.5")]);
        let mut instrument = builtin_instrument();
        let problems = apply_practice_thresholds(&mut instrument, &settings);
        assert_eq!(
            kinds(&problems),
            vec![
                ProblemKind::PointsOutOfRange { max: Tenths(400) },
                ProblemKind::PointsOutOfRange { max: Tenths(100) }
            ]
        );
        assert_eq!(instrument, builtin_instrument());
        let (message, _) = problems[0].message(&ENGLISH);
        assert!(message.contains("from 0 to 40"), "{message}");
    }

    fn link(pairs: &'static [(&'static str, &'static str)]) -> (Layer, Vec<SettingProblem>) {
        Layer::of_url(&|name| {
            pairs
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned())
        })
    }

    #[test]
    fn a_link_cannot_redirect_the_summary_replace_the_crisis_text_or_drop_the_history() {
        let (layer, problems) = link(&[
            ("therapist-email", "evil@x.example"),
            ("therapist-name", "Not your therapist"),
            ("safety-text", "Nobody to call."),
            ("keep-history", "no"),
            ("namespace", "x"),
            ("questionnaire", "#evil"),
            ("total-below", "0"),
            ("item-below", "0"),
            ("language", "es"),
            ("accent", "#7a3e9d"),
            ("title", "Check-in"),
            ("practice-name", "Riverside"),
            ("show-history", "no"),
            ("host-origin", "https://www.riverside.example"),
        ]);
        let refused: Vec<&str> = problems.iter().map(|p| p.setting.as_str()).collect();
        assert_eq!(
            refused,
            [
                "?therapist-name=",
                "?therapist-email=",
                "?questionnaire=",
                "?total-below=",
                "?item-below=",
                "?keep-history=",
                "?namespace=",
                "?safety-text="
            ]
        );
        assert!(problems.iter().all(|p| p.kind == ProblemKind::NotFromALink));
        let (settings, more) = resolve(&[layer]);
        assert!(more.is_empty(), "{more:?}");
        let defaults = PracticeSettings::default();
        assert_eq!(settings.therapist_email, None);
        assert_eq!(settings.therapist_name, None);
        assert_eq!(settings.safety_text, None);
        assert!(settings.keep_history);
        assert_eq!(settings.namespace, defaults.namespace);
        assert_eq!(settings.questionnaire, QuestionnaireChoice::Builtin);
        assert_eq!((settings.total_below, settings.item_below), (None, None));
        // What only changes how the widget looks or reads still comes from the link.
        assert_eq!(settings.language.as_deref(), Some("es"));
        assert!(settings.accent.is_some());
        assert_eq!(settings.title.as_deref(), Some("Check-in"));
        assert_eq!(settings.practice_name.as_deref(), Some("Riverside"));
        assert!(!settings.show_history);
        assert!(settings.host_origin.is_some());
        // The message names the parameter, in every language.
        let (message, _) = problems[1].message(&ENGLISH);
        assert!(message.contains("?therapist-email="), "{message}");
        assert!(message.contains("a link cannot change it"), "{message}");
        let (mensaje, _) = problems[1].message(&crate::domain::text::SPANISH);
        assert!(mensaje.contains("?therapist-email="), "{mensaje}");
        assert!(
            mensaje.contains("un enlace no puede cambiarlo"),
            "{mensaje}"
        );
        for name in NOT_FROM_A_LINK {
            assert!(SETTING_NAMES.contains(&name), "{name}");
        }
    }

    #[test]
    fn a_configuration_file_gives_what_a_link_cannot_and_wins_over_the_link() {
        let (url, _) = link(&[("title", "From the link"), ("language", "es")]);
        let (file, problems) = Layer::of_config_file(
            "riverside",
            Some(
                r#"{"therapist-email": "sam@riverside.example", "keep-history": false,
                     "title": "From the file", "safety-text": "Call 988."}"#,
            ),
        );
        assert!(problems.is_empty(), "{problems:?}");
        let (settings, problems) = resolve(&[url, file]);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            settings.therapist_email.as_deref(),
            Some("sam@riverside.example")
        );
        assert!(!settings.keep_history);
        assert_eq!(settings.title.as_deref(), Some("From the file"));
        assert_eq!(settings.language.as_deref(), Some("es"));
        assert_eq!(settings.safety_text.as_deref(), Some("Call 988."));
        // The markup still wins over the file.
        let (file, _) = Layer::of_config_file("riverside", Some(r#"{"title": "File"}"#));
        let (settings, _) = resolve(&[file, attributes(&[("title", "Element")])]);
        assert_eq!(settings.title.as_deref(), Some("Element"));
        // A value the file gets wrong is named with the file's folder.
        let (file, _) = Layer::of_config_file("riverside", Some(r#"{"accent": "red"}"#));
        let (_, problems) = resolve(&[file]);
        assert_eq!(problems[0].setting, "configs/… {\"accent\": …}");
    }

    #[test]
    fn a_configuration_file_name_can_only_name_a_file_beside_the_widget() {
        for name in ["riverside", "clinic-2", "a", &"x".repeat(32)] {
            assert!(is_config_name(name), "{name}");
        }
        for hostile in [
            "",
            "../secrets",
            "..",
            "a/b",
            "a.json",
            "Riverside",
            "https://evil.example/x",
            "//evil.example",
            "%2e%2e",
            "a b",
            &"x".repeat(33),
        ] {
            assert!(!is_config_name(hostile), "{hostile}");
            let (layer, problems) = Layer::of_config_file(hostile, Some(r#"{"title": "x"}"#));
            assert!(layer.values.is_empty());
            assert_eq!(kinds(&problems), vec![ProblemKind::ConfigNameUnusable]);
            assert_eq!(problems[0].setting, "?config=");
        }
    }

    #[test]
    fn a_missing_or_malformed_configuration_file_is_named_and_nothing_of_it_used() {
        let (layer, problems) = Layer::of_config_file("riverside", None);
        assert!(layer.values.is_empty());
        assert_eq!(kinds(&problems), vec![ProblemKind::ConfigFileMissing]);
        let (message, _) = problems[0].message(&ENGLISH);
        assert!(message.contains("configs/riverside.json"), "{message}");
        assert!(message.contains("could not be read"), "{message}");
        let (mensaje, _) = problems[0].message(&crate::domain::text::SPANISH);
        assert!(mensaje.contains("configs/riverside.json"), "{mensaje}");
        for (malformed, kind) in [
            (
                "{\"therapist-email\": ",
                ProblemKind::ConfigFileNotJson("1:21: unexpected end".into()),
            ),
            ("[1]", ProblemKind::ConfigFileUnusable),
            (
                "<html>",
                ProblemKind::ConfigFileNotJson("1:1: unexpected character".into()),
            ),
        ] {
            let (layer, problems) = Layer::of_config_file("riverside", Some(malformed));
            assert!(layer.values.is_empty(), "{malformed}");
            assert_eq!(kinds(&problems), vec![kind]);
            let (message, _) = problems[0].message(&ENGLISH);
            assert!(message.contains("configs/riverside.json"), "{message}");
        }
        let (settings, _) = resolve(&[Layer::of_config_file("riverside", None).0]);
        assert_eq!(settings, PracticeSettings::default());
    }

    #[test]
    fn messages_name_the_setting_and_the_reason() {
        let (_, problems) = read(&[("accent", "url(x)")]);
        let (message, details) = problems[0].message(&ENGLISH);
        assert!(message.contains("data-accent"), "{message}");
        assert!(message.contains("#1b6670"), "{message}");
        assert!(details.is_empty());
        let problem = SettingProblem::new(
            "data-questionnaire".into(),
            ProblemKind::QuestionnaireInvalid(vec!["items[3].scale.points: must be 2..=11".into()]),
        );
        let (message, details) = problem.message(&ENGLISH);
        assert!(message.contains("data-questionnaire"), "{message}");
        assert_eq!(details, ["items[3].scale.points: must be 2..=11"]);
    }
}
