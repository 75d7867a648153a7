//! The widget's root: a layout. It reads the practice's settings and the client's choices,
//! provides the widget context and the history engine once, and places the settings, the
//! messages, the current screen and the history section. The history's rules live in
//! `domain::history_engine`; the check-in in progress in `check_in_form` and `draft_keeper`.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use leptos::{
    either::{Either, EitherOf5},
    ev,
    prelude::*,
};

use crate::browser::clock::{browser_languages, now_ms};
use crate::browser::durability::request_persistent_storage;
use crate::browser::focus::focus_when_rendered;
use crate::browser::ids::new_entry_id;
use crate::browser::storage::{read_preference, write_preference, LocalStore};
use crate::domain::builtin::{builtin_instrument_in, BUILTIN_INSTRUMENT_ID};
use crate::domain::checkin::{note_length, CheckIn, InstrumentRef, NoteLength};
use crate::domain::definition::PracticeQuestionnaire;
use crate::domain::draft::Draft;
use crate::domain::history_engine::{EntryStatus, HistoryEngine, Keys};
use crate::domain::instrument::Instrument;
use crate::domain::preferences::{choose_language, AnswerStyle};
use crate::domain::report::report_for_entry;
use crate::domain::settings::{
    apply_practice_thresholds, PracticeSettings, ProblemKind, QuestionnaireChoice, SettingProblem,
};
use crate::domain::text::{catalogue_for, Text};
use crate::ui::check_in_form::{Answers, CheckInForm, DraftBanner, EarlyAnswers};
use crate::ui::draft_keeper::DraftKeeper;
use crate::ui::history_handle::HistoryHandle;
use crate::ui::history_section::{HistorySection, SectionState};
use crate::ui::notices::{push_notice, Notice, Notices, SettingProblems, UnreadableData};
use crate::ui::parts::{part_or_notice, read_questionnaire, summary_screen};
use crate::ui::result_view::{ResultView, SaveStatus};
use crate::ui::settings_panel::SettingsPanel;
use crate::ui::{button, reactive};

static NEXT_INSTANCE: AtomicU32 = AtomicU32::new(1);

/// A prefix that keeps element ids unique when several widgets share a page.
fn next_id_prefix() -> String {
    format!("aci{}", NEXT_INSTANCE.fetch_add(1, Ordering::Relaxed))
}

/// What the widget shows in place of the form.
#[derive(Clone, Debug, PartialEq)]
pub enum Screen {
    Form,
    Result {
        entry: CheckIn,
        saved: SaveStatus,
    },
    /// The summary of `entry`; Back returns to `back_to`.
    Summary {
        entry: CheckIn,
        back_to: Box<Screen>,
    },
    /// Correcting `entry`, the latest check-in.
    Edit {
        entry: CheckIn,
    },
}

/// The questionnaire in each language it has been shown in, made once per language. Scoring
/// and records use one copy; the wording follows the language (same id, version and scoring).
#[derive(Clone)]
pub struct Questionnaires {
    practice: Option<Arc<PracticeQuestionnaire>>,
    settings: PracticeSettings,
    parsed: StoredValue<Vec<(&'static str, Arc<Instrument>)>>,
}

impl Questionnaires {
    /// The questionnaire in `text`'s language, and any practice threshold it refused.
    fn parse(&self, text: &'static Text) -> (Instrument, Vec<SettingProblem>) {
        let mut instrument = self
            .practice
            .as_deref()
            .and_then(|practice| practice.in_language(text.language_tag))
            .unwrap_or_else(|| builtin_instrument_in(text));
        let problems = apply_practice_thresholds(&mut instrument, &self.settings);
        (instrument, problems)
    }

    pub fn in_language(&self, text: &'static Text) -> Arc<Instrument> {
        if let Some(found) = self.parsed.with_value(|parsed| {
            parsed
                .iter()
                .find(|(tag, _)| *tag == text.language_tag)
                .map(|(_, instrument)| instrument.clone())
        }) {
            return found;
        }
        let instrument = Arc::new(self.parse(text).0);
        self.parsed
            .update_value(|parsed| parsed.push((text.language_tag, instrument.clone())));
        instrument
    }
}

/// What every part of the widget reads: the practice's settings, the element-id prefix, the
/// client's language and answer style, the questionnaire, the screen and the messages.
#[derive(Clone)]
pub struct WidgetContext {
    pub settings: PracticeSettings,
    pub keys: Keys,
    pub id_prefix: String,
    pub language: RwSignal<&'static Text>,
    pub answer_style: RwSignal<AnswerStyle>,
    pub keep_history: RwSignal<bool>,
    pub screen: RwSignal<Screen>,
    pub notices: RwSignal<Vec<Notice>>,
    pub questionnaires: Questionnaires,
    /// Opens the summary of a check-in (from the result or from the history).
    pub open_summary: Callback<CheckIn>,
    /// Starts correcting the latest check-in.
    pub start_correction: Callback<CheckIn>,
    /// The history engine's handle, made once per widget.
    pub history: HistoryHandle,
    /// The history section's state, which outlives a rebuild of the section.
    pub section: SectionState,
}

impl WidgetContext {
    /// The id of an element of this widget.
    pub fn id(&self, name: &str) -> String {
        format!("{}-{name}", self.id_prefix)
    }
}

/// A preference the client chose on this device, if storage gives one.
fn stored_preference(key: String) -> Option<String> {
    LocalStore::open()
        .ok()
        .and_then(|store| read_preference(&store, &key).ok().flatten())
}

/// The whole widget. With a practice's questionnaire, its reader (a part loaded on first use,
/// src/ui/parts.rs) reads the definition first: until then nothing is shown (the loader shows
/// no first screen for a practice's questionnaire either), and if the part cannot be loaded
/// the widget says so instead of showing the built-in check-in, whose answers would be saved
/// under another questionnaire.
#[component]
pub fn App(
    /// What the client answered on the loader's first screen before the widget arrived.
    #[prop(optional)]
    early: EarlyAnswers,
) -> impl IntoView {
    // The practice's settings from the host element (the defaults when mounted without them).
    let (settings, mut setting_problems) =
        use_context::<(PracticeSettings, Vec<SettingProblem>)>().unwrap_or_default();
    let QuestionnaireChoice::Definition { json, setting } = settings.questionnaire.clone() else {
        return Either::Left(view! {
            <Widget settings=settings setting_problems=setting_problems early=early practice=None/>
        });
    };
    let reading = read_questionnaire(json);
    Either::Right(Suspend::new(async move {
        let practice = match reading.await {
            Ok(Ok(practice)) => Some(Arc::new(practice)),
            // Every problem of the definition named for the practice; the built-in is shown.
            Ok(Err(errors)) => {
                setting_problems.push(SettingProblem::new(
                    setting,
                    ProblemKind::QuestionnaireInvalid(errors),
                ));
                None
            }
            Err(unavailable) => {
                let text = choose_language(
                    stored_preference(Keys::new(&settings.namespace).language()).as_deref(),
                    settings.language.as_deref(),
                    &browser_languages(),
                );
                return view! {
                    <div class="aci" lang=text.language_tag dir=text.text_direction>
                        {part_or_notice(Err(unavailable), text)}
                    </div>
                }
                .into_any();
            }
        };
        view! {
            <Widget settings=settings setting_problems=setting_problems early=early practice=practice/>
        }
        .into_any()
    }))
}

/// The widget once its questionnaire is known: `practice` when a practice's definition was
/// read, else the built-in check-in.
#[component]
fn Widget(
    settings: PracticeSettings,
    mut setting_problems: Vec<SettingProblem>,
    early: EarlyAnswers,
    practice: Option<Arc<PracticeQuestionnaire>>,
) -> impl IntoView {
    let keys = Keys::new(&settings.namespace);
    let id_prefix = next_id_prefix();
    let notices = RwSignal::new(Vec::<Notice>::new());
    let questionnaire_language = practice
        .as_ref()
        .and_then(|practice| practice.language.clone());
    // The client > the practice > the questionnaire's own language > the browser > English.
    let language = RwSignal::new(choose_language(
        stored_preference(keys.language()).as_deref(),
        settings
            .language
            .as_deref()
            .or(questionnaire_language.as_deref()),
        &browser_languages(),
    ));
    let answer_style = RwSignal::new(
        stored_preference(keys.answer_style())
            .and_then(|stored| AnswerStyle::parse(&stored))
            .unwrap_or_default(),
    );
    // The client's choice wins over the practice's default.
    let keep_history = RwSignal::new(match stored_preference(keys.keep_history()).as_deref() {
        Some("no") => false,
        Some("yes") => true,
        _ => settings.keep_history,
    });
    let questionnaires = Questionnaires {
        practice,
        settings: settings.clone(),
        parsed: StoredValue::new(Vec::new()),
    };
    let (first_instrument, instrument_problems) = questionnaires.parse(language.get_untracked());
    setting_problems.extend(instrument_problems);
    let instrument = Arc::new(first_instrument);

    let history = HistoryHandle::start(
        HistoryEngine::new(keys.clone(), keep_history.get_untracked()),
        notices,
    );
    let answers = Answers::new(&instrument);
    let edit_answers = Answers::new(&instrument);
    let drafts = DraftKeeper::start(&keys, &instrument, &answers, notices);
    // What the client answered before the widget arrived wins over a restored draft.
    answers.adopt(&instrument, &early);
    let screen = RwSignal::new(Screen::Form);

    let section = SectionState::new(&keys);
    // Another tab deleted everything: so does this page (the check-in in progress included).
    history.on_erased_elsewhere(Callback::new({
        let answers = answers.clone();
        move |()| {
            answers.clear();
            drafts.discard();
            section.clear();
            screen.set(Screen::Form);
        }
    }));

    // Keep the check-in in progress, so a reload or a switch to another app loses nothing.
    Effect::new({
        let (instrument, answers) = (instrument.clone(), answers.clone());
        move |_| {
            let placed = answers.placed(&instrument);
            let note = answers.note.get();
            let on_form = screen.with(|screen| matches!(screen, Screen::Form));
            let offer_pending = drafts.offer_pending();
            if !on_form {
                return;
            }
            // The client chose not to keep check-ins here: nor the one in progress (an offered
            // old draft waits for the client's choice either way).
            if !keep_history.get() {
                if !offer_pending {
                    drafts.clear();
                }
                return;
            }
            let draft = Draft {
                saved_at_ms: now_ms(),
                instrument: InstrumentRef::of(&instrument),
                answers: placed,
                note,
            };
            // While an old draft is offered, what the client answers meanwhile (on the first
            // screen, say) is kept under this tab's own key, never over the offered one.
            if offer_pending && draft.is_empty() {
                return;
            }
            drafts.keep(&draft);
        }
    });

    // Shows the result of a finished or corrected check-in. Keyboard and screen-reader users
    // land on its heading, not on a vanished button.
    let show = Callback::new({
        let result_prefix = id_prefix.clone();
        move |(entry, saved): (CheckIn, SaveStatus)| {
            screen.set(Screen::Result { entry, saved });
            focus_when_rendered(format!("{result_prefix}-result-heading"));
        }
    });
    // How the engine says `id` stands once its write is done.
    let save_status = |engine: &HistoryEngine, id: &str| match engine.status(id) {
        EntryStatus::Saved | EntryStatus::ReadOnly => SaveStatus::Saved,
        EntryStatus::NotKeptByChoice => SaveStatus::NotSaved(Notice::NotKeptByChoice),
        EntryStatus::NotSavedYet => SaveStatus::NotSaved(
            engine
                .last_problem()
                .map_or(Notice::SaveFailed, Notice::of_history),
        ),
    };
    let submit = Callback::new({
        let (instrument, answers) = (instrument.clone(), answers.clone());
        let (practice, therapist) = (
            settings.practice_name.clone(),
            settings.therapist_name.clone(),
        );
        move |()| {
            let placed = answers.placed_now(&instrument);
            let note = answers.note.get_untracked();
            if placed.len() != instrument.items.len()
                || matches!(note_length(&note), NoteLength::Over { .. })
            {
                return;
            }
            let now = now_ms();
            let entry = CheckIn {
                id: new_entry_id(now),
                completed_at_ms: now,
                instrument: InstrumentRef::of(&instrument),
                answers: placed,
                note,
                practice: practice.clone(),
                therapist: therapist.clone(),
                edited_at_ms: None,
                revision: Default::default(),
            };
            // The draft stays on the device until the check-in is saved.
            let draft_key = drafts.detach();
            answers.clear();
            drafts.banner.set(DraftBanner::Hidden);
            let id = entry.id.clone();
            history.change(
                move |engine| engine.save(entry.clone()),
                move |engine| {
                    let saved = save_status(engine, &id);
                    if saved == SaveStatus::Saved {
                        // Saved: this tab's draft has done its job (another tab's stays).
                        drafts.remove(&draft_key);
                        request_persistent_storage();
                    }
                    let entry = engine.history().into_iter().find(|entry| entry.id == id);
                    if let Some(entry) = entry {
                        show.run((entry, saved));
                    }
                },
            );
        }
    });

    let save_correction = Callback::new({
        let (instrument, edit_answers) = (instrument.clone(), edit_answers.clone());
        move |()| {
            let Screen::Edit { entry } = screen.get_untracked() else {
                return;
            };
            let placed = edit_answers.placed_now(&instrument);
            let note = edit_answers.note.get_untracked();
            if placed.len() != instrument.items.len()
                || matches!(note_length(&note), NoteLength::Over { .. })
            {
                return;
            }
            let updated = CheckIn {
                answers: placed,
                note,
                edited_at_ms: Some(now_ms()),
                ..entry
            };
            let id = updated.id.clone();
            history.change(
                move |engine| engine.correct(updated),
                move |engine| {
                    let saved = save_status(engine, &id);
                    // What the device holds now (another tab may have corrected it too).
                    if let Some(entry) = engine.history().into_iter().find(|entry| entry.id == id) {
                        show.run((entry, saved));
                    } else {
                        screen.set(Screen::Form);
                    }
                },
            );
        }
    });
    let start_correction = Callback::new({
        let (instrument, edit_answers) = (instrument.clone(), edit_answers.clone());
        let id_prefix = id_prefix.clone();
        move |entry: CheckIn| {
            edit_answers.restore_entry(&instrument, &entry);
            screen.set(Screen::Edit { entry });
            focus_when_rendered(format!("{id_prefix}-form-heading"));
        }
    });
    let start_over = Callback::new({
        let answers = answers.clone();
        move |()| {
            answers.clear();
            drafts.discard();
        }
    });
    let continue_draft = Callback::new({
        let (instrument, answers) = (instrument.clone(), answers.clone());
        move |()| drafts.continue_offered(&instrument, &answers)
    });
    // Set when the client opens the summary: its heading takes the focus once the summary is
    // shown (its code may still be loading, src/ui/parts.rs), but not when a language switch
    // shows it again.
    let focus_summary = StoredValue::new(false);
    let open_summary = Callback::new(move |entry: CheckIn| {
        // A summary opened from a summary (a history row's Share while one is shown) replaces
        // it: Back leaves the summaries, instead of showing the one before, which for the same
        // check-in looks as if Back did nothing.
        let back_to = match screen.get_untracked() {
            Screen::Summary { back_to, .. } => back_to,
            other => Box::new(other),
        };
        focus_summary.set_value(true);
        screen.set(Screen::Summary { entry, back_to });
    });
    let close_summary = Callback::new(move |()| {
        if let Screen::Summary { back_to, .. } = screen.get_untracked() {
            screen.set(*back_to);
        }
    });
    let back_to_form = Callback::new({
        let id_prefix = id_prefix.clone();
        move |()| {
            screen.set(Screen::Form);
            focus_when_rendered(format!("{id_prefix}-form-heading"));
        }
    });
    let cancel_correction = Callback::new(move |()| screen.set(Screen::Form));
    let no_draft_banner = RwSignal::new(DraftBanner::Hidden);

    let keep_preference = move |key: String, value: &str| {
        let kept = LocalStore::open().and_then(|store| write_preference(&store, &key, value));
        if kept.is_err() {
            push_notice(notices, Notice::SettingNotKept);
        }
    };
    // Open after a language switch, which re-renders the widget in the new language.
    let settings_open = StoredValue::new(false);
    let on_language = Callback::new({
        let (keys, id_prefix) = (keys.clone(), id_prefix.clone());
        move |tag: String| {
            if let Some(text) = catalogue_for(&tag) {
                settings_open.set_value(true);
                language.set(text);
                keep_preference(keys.language(), text.language_tag);
                focus_when_rendered(format!("{id_prefix}-language"));
            }
        }
    });
    let on_answer_style = Callback::new({
        let keys = keys.clone();
        move |style: AnswerStyle| {
            answer_style.set(style);
            keep_preference(keys.answer_style(), style.as_str());
        }
    });
    let on_keep_history = Callback::new({
        let keys = keys.clone();
        move |keep: bool| {
            keep_history.set(keep);
            history.change(move |engine| engine.set_keep_history(keep), |_| {});
            keep_preference(keys.keep_history(), if keep { "yes" } else { "no" });
        }
    });
    // The client's choice made in another tab applies here too: a tab left open must not go on
    // keeping check-ins after the client said not to.
    let keep_choice_listener = window_event_listener(ev::storage, {
        let (key, practice_default) = (keys.keep_history(), settings.keep_history);
        move |event| {
            if event.key().as_deref() != Some(key.as_str()) {
                return;
            }
            let keep = match event.new_value().as_deref() {
                Some("no") => false,
                Some("yes") => true,
                _ => practice_default,
            };
            if keep != keep_history.get_untracked() {
                keep_history.set(keep);
                history.change(move |engine| engine.set_keep_history(keep), |_| {});
            }
        }
    });
    on_cleanup(move || keep_choice_listener.remove());

    let context = WidgetContext {
        settings: settings.clone(),
        keys,
        id_prefix: id_prefix.clone(),
        language,
        answer_style,
        keep_history,
        screen,
        notices,
        questionnaires: questionnaires.clone(),
        open_summary,
        start_correction,
        history,
        section,
    };
    provide_context(context.clone());

    let header = (settings.title.is_some() || settings.practice_name.is_some()).then(|| {
        let (title, practice_name) = (settings.title.clone(), settings.practice_name.clone());
        move || {
            view! {
                <header class="aci-header">
                    {practice_name.clone().map(|name| view! { <p class="aci-header__practice">{name}</p> }.into_any())}
                    {title.clone().map(|title| view! { <p class="aci-header__title">{title}</p> }.into_any())}
                </header>
            }
            .into_any()
        }
    });
    let show_history = settings.show_history;
    // Everything the client reads is rebuilt when the language changes; the state above is not.
    let screen_view = move |text: &'static Text, instrument: Arc<Instrument>| {
        let (settings, answers, edit_answers, id_prefix) = (
            settings.clone(),
            answers.clone(),
            edit_answers.clone(),
            id_prefix.clone(),
        );
        // One `EitherOf5` made `AnyView`: the form and a correction (the same component) stay
        // different branches, so a switch between them builds the screen anew.
        reactive(move || {
            match screen.get() {
                Screen::Form => EitherOf5::A(view! {
                    <CheckInForm
                        instrument=instrument.clone()
                        values=answers.values.clone()
                        note=answers.note
                        id_prefix=id_prefix.clone()
                        text=text
                        draft_banner=drafts.banner
                        answer_style=answer_style
                        on_submit=submit
                        on_start_over=start_over
                        on_continue_draft=continue_draft
                    />
                }),
                Screen::Edit { entry } => EitherOf5::E(view! {
                    <CheckInForm
                        instrument=instrument.clone()
                        values=edit_answers.values.clone()
                        note=edit_answers.note
                        id_prefix=id_prefix.clone()
                        text=text
                        draft_banner=no_draft_banner
                        answer_style=answer_style
                        on_submit=save_correction
                        on_start_over=cancel_correction
                        on_continue_draft=cancel_correction
                        correcting=(entry.completed_at_ms, cancel_correction)
                    />
                }),
                Screen::Summary { entry, .. } => {
                    let summary = summary_screen(
                        instrument.clone(),
                        entry,
                        history.read_untracked(HistoryEngine::history),
                        settings.clone(),
                        text,
                        id_prefix.clone(),
                        close_summary,
                    );
                    let heading = format!("{id_prefix}-summary-heading");
                    EitherOf5::D(Suspend::new(async move {
                        let summary = summary.await;
                        if focus_summary.try_update_value(std::mem::take) == Some(true) {
                            focus_when_rendered(heading);
                        }
                        summary.unwrap_or_else(|unavailable| {
                            view! {
                                {part_or_notice(Err(unavailable), text)}
                                {button("aci-button aci-button--quiet", text.back, move || close_summary.run(()))}
                            }
                            .into_any()
                        })
                    }))
                }
                Screen::Result { entry, saved } => {
                    let all = history.read_untracked(HistoryEngine::history);
                    match report_for_entry(text, &instrument, &entry, &all) {
                        Ok(report) => EitherOf5::B(view! {
                            <ResultView
                                report=report
                                saved=saved
                                text=text
                                safety_text=settings.safety_text.clone()
                                id_prefix=id_prefix.clone()
                                on_done=back_to_form
                                on_share={
                                    let entry = entry.clone();
                                    Callback::new(move |()| open_summary.run(entry.clone()))
                                }
                            />
                        }),
                        // Unreachable for an entry built from a complete form; show the form.
                        Err(_) => EitherOf5::C(view! { <p>{text.save_failed}</p> }),
                    }
                }
            }
            .into_any()
        })
    };

    reactive(move || {
        let text = language.get();
        let shown_instrument = questionnaires.in_language(text);
        view! {
            <div class="aci" lang=text.language_tag dir=text.text_direction>
                {header.as_ref().map(|header| header())}
                <SettingsPanel
                    text=text
                    answer_style=answer_style
                    open=settings_open.get_value()
                    id_prefix=context.id_prefix.clone()
                    on_language=on_language
                    on_answer_style=on_answer_style
                    keep_history=keep_history
                    on_keep_history=on_keep_history
                />
                <SettingProblems problems=setting_problems.clone() text=text/>
                <Notices notices=notices text=text/>
                <UnreadableData text=text/>
                {screen_view(text, shown_instrument.clone())}
                {show_history.then(|| view! { <HistorySection text=text instrument=shown_instrument.clone()/> }.into_any())}
                {(shown_instrument.id == BUILTIN_INSTRUMENT_ID)
                    .then(|| view! { <p class="aci-footnote">{text.not_validated}</p> }.into_any())}
            </div>
        }
        .into_any()
    })
}
