//! The check-in in progress, kept on the device so that a reload or a switch to another app
//! loses nothing. Each tab writes under its own draft key (see `domain::draft::choose_draft`),
//! so a save in one tab never clears another tab's check-in in progress. A draft brought back
//! at start-up is copied into this tab's key; its old key is removed only while it still holds
//! what was read (a tab still typing there keeps its draft).

use leptos::prelude::*;

use crate::browser::clock::now_ms;
use crate::browser::ids::new_entry_id;
use crate::browser::storage::{perform, read_keys, LocalStore};
use crate::domain::codec::encode_draft;
use crate::domain::draft::{choose_draft, Draft, DraftDecision};
use crate::domain::history_engine::Keys;
use crate::domain::instrument::Instrument;
use crate::ui::check_in_form::{Answers, DraftBanner};
use crate::ui::notices::{push_notice, Notice};
use crate::ui::parts::stored_reader_if_loaded;

/// This tab's draft: its key, whether it wrote there, and the banner above the form.
#[derive(Clone, Copy)]
pub struct DraftKeeper {
    keys: StoredValue<Keys>,
    key: StoredValue<String>,
    wrote: StoredValue<bool>,
    /// The key and text of the draft brought back, until this tab has its own copy.
    source: StoredValue<Option<(String, String)>>,
    pub banner: RwSignal<DraftBanner>,
}

impl DraftKeeper {
    /// Finds the newest draft of `instrument` on the device: a recent one goes back into
    /// `answers` (and this tab takes over its key), an old one is offered. Drafts this version
    /// cannot read are set aside; a newer version's are left alone.
    pub fn start(
        keys: &Keys,
        instrument: &Instrument,
        answers: &Answers,
        notices: RwSignal<Vec<Notice>>,
    ) -> Self {
        let now = now_ms();
        let keeper = DraftKeeper {
            keys: StoredValue::new(keys.clone()),
            key: StoredValue::new(keys.draft(&new_entry_id(now))),
            wrote: StoredValue::new(false),
            source: StoredValue::new(None),
            banner: RwSignal::new(DraftBanner::Hidden),
        };
        // Without the stored data's reader (its part could not be loaded before the widget
        // started) the drafts stay as they are, for a later visit.
        let Some(reader) = stored_reader_if_loaded() else {
            return keeper;
        };
        let Ok(store) = LocalStore::open() else {
            return keeper;
        };
        // The drafts and their set-aside copies only (every such key starts with the legacy
        // draft key): not the history, which its handle reads.
        let Ok(snapshot) = read_keys(&store, &keys.legacy_draft()) else {
            return keeper;
        };
        let choice = choose_draft(keys, &snapshot, instrument, now, &reader);
        if !choice.ops.is_empty() && perform(&store, &choice.ops).is_ok() {
            push_notice(notices, Notice::DraftUnreadableKeptAside);
        }
        if let Some((key, draft, decision)) = choice.found {
            let text = snapshot.get(&key).unwrap_or_default().to_owned();
            keeper.source.set_value(Some((key, text)));
            match decision {
                DraftDecision::Restore => {
                    answers.restore(instrument, &draft);
                    keeper.banner.set(DraftBanner::Restored);
                }
                DraftDecision::Offer => keeper.banner.set(DraftBanner::Offered(draft)),
                DraftDecision::Ignore => {}
            }
        }
        keeper
    }

    /// Whether an old draft waits for the client's choice (then nothing overwrites it).
    pub fn offer_pending(&self) -> bool {
        self.banner
            .with(|banner| matches!(banner, DraftBanner::Offered(_)))
    }

    /// Keeps `draft` under this tab's key (an empty one removes it). The draft brought back is
    /// removed once this tab holds its own copy, except while it is offered: then it waits for
    /// the client's choice.
    pub fn keep(&self, draft: &Draft) {
        if draft.is_empty() {
            self.clear();
            return;
        }
        let Ok(store) = LocalStore::open() else {
            return;
        };
        if store
            .set(&self.key.get_value(), &encode_draft(draft))
            .is_ok()
        {
            self.wrote.set_value(true);
            let offered = self
                .banner
                .with_untracked(|banner| matches!(banner, DraftBanner::Offered(_)));
            if !offered {
                self.forget_source(&store);
            }
        }
    }

    /// Removes the key of the draft brought back, if it still holds what was read.
    fn forget_source(&self, store: &LocalStore) {
        if let Some((key, text)) = self.source.get_value() {
            if store.get(&key).ok().flatten().is_none_or(|now| now == text)
                && store.remove(&key).is_ok()
            {
                self.source.set_value(None);
            }
        }
    }

    /// Removes this tab's draft (after a save, "start over", or when the client chose not to
    /// keep check-ins). Another tab's draft is never touched.
    pub fn clear(&self) {
        let Ok(store) = LocalStore::open() else {
            return;
        };
        self.forget_source(&store);
        if self.wrote.get_value() && store.remove(&self.key.get_value()).is_ok() {
            self.wrote.set_value(false);
        }
    }

    /// Hands this tab's draft over to a check-in being saved: its key is returned (remove it
    /// with [`Self::remove`] once the check-in is on the device) and the next check-in in this
    /// tab gets a fresh key.
    pub fn detach(&self) -> Option<String> {
        let key = self.key.get_value();
        self.key.set_value(
            self.keys
                .with_value(|keys| keys.draft(&new_entry_id(now_ms()))),
        );
        let wrote = self.wrote.get_value();
        self.wrote.set_value(false);
        wrote.then_some(key)
    }

    /// Removes a draft key handed over by [`Self::detach`].
    pub fn remove(&self, key: &Option<String>) {
        let Ok(store) = LocalStore::open() else {
            return;
        };
        self.forget_source(&store);
        if let Some(key) = key {
            let _ = store.remove(key);
        }
    }

    /// The client took up the offered old draft.
    pub fn continue_offered(&self, instrument: &Instrument, answers: &Answers) {
        if let DraftBanner::Offered(draft) = self.banner.get_untracked() {
            answers.restore(instrument, &draft);
        }
        self.banner.set(DraftBanner::Hidden);
    }

    /// The client started over (or finished): the banner goes and the draft with it.
    pub fn discard(&self) {
        self.clear();
        self.banner.set(DraftBanner::Hidden);
    }
}

/// The first screen's take-over (`Answers::adopt`) against drafts brought back: scenarios an
/// attacker review found where what the client answered or wrote was lost, now kept.
#[cfg(test)]
mod first_screen_take_over {
    use super::*;
    use crate::domain::builtin::builtin_instrument_in;
    use crate::domain::checkin::InstrumentRef;
    use crate::domain::scoring::Answer;
    use crate::domain::text::ENGLISH;
    use crate::ui::check_in_form::EarlyAnswers;

    fn keeper_offering(draft: Draft) -> DraftKeeper {
        let keys = Keys::new("default");
        DraftKeeper {
            key: StoredValue::new(keys.draft("tab")),
            keys: StoredValue::new(keys),
            wrote: StoredValue::new(false),
            source: StoredValue::new(None),
            banner: RwSignal::new(DraftBanner::Offered(draft)),
        }
    }

    fn draft(instrument: &Instrument, answers: &[(&str, u16)], note: &str) -> Draft {
        Draft {
            saved_at_ms: 1,
            instrument: InstrumentRef::of(instrument),
            answers: answers
                .iter()
                .map(|(id, value)| Answer {
                    item_id: (*id).into(),
                    value: *value,
                })
                .collect(),
            note: note.into(),
        }
    }

    /// An old draft is offered (not restored) at mount; the client placed a line and typed a
    /// note on the first screen, then takes up the offered draft ("Continue"): the lines placed
    /// and the note typed before the wasm win over the draft, for what they touched.
    #[test]
    fn taking_up_an_offered_draft_keeps_the_answers_given_on_the_first_screen() {
        let instrument = builtin_instrument_in(&ENGLISH);
        let answers = Answers::new(&instrument);
        let keeper = keeper_offering(draft(
            &instrument,
            &[("connection", 20), ("focus", 40)],
            "old note",
        ));
        answers.adopt(
            &instrument,
            &EarlyAnswers::read(Some("connection=90,overall=60"), Some("typed first".into())),
        );
        keeper.continue_offered(&instrument, &answers);
        let values: Vec<_> = answers
            .values
            .iter()
            .map(|value| value.get_untracked())
            .collect();
        assert_eq!(
            (values[0], values[3]),
            (Some(90), Some(60)),
            "the lines placed on the first screen are kept over the offered draft: {values:?}"
        );
        assert_eq!(values[1], Some(40), "the draft fills what was not touched");
        assert!(
            answers.note.get_untracked().contains("typed first"),
            "the note typed on the first screen is kept: {:?}",
            answers.note.get_untracked()
        );
    }

    /// A recent draft with a note is restored at mount. The first screen never shows it (its
    /// note field is empty), so a client who types one character there and deletes it hands
    /// over `note = ""`: that must not erase a note written earlier (maybe about risk).
    #[test]
    fn an_emptied_first_screen_note_keeps_the_restored_drafts_unseen_note() {
        let instrument = builtin_instrument_in(&ENGLISH);
        let answers = Answers::new(&instrument);
        answers.restore(
            &instrument,
            &draft(
                &instrument,
                &[("connection", 70)],
                "what I wrote last night",
            ),
        );
        answers.adopt(&instrument, &EarlyAnswers::read(None, Some(String::new())));
        assert_eq!(answers.note.get_untracked(), "what I wrote last night");
    }

    /// Same, but the client typed a few words on the first screen: both notes are kept.
    #[test]
    fn a_first_screen_note_goes_after_the_restored_drafts_unseen_note() {
        let instrument = builtin_instrument_in(&ENGLISH);
        let answers = Answers::new(&instrument);
        answers.restore(
            &instrument,
            &draft(
                &instrument,
                &[("connection", 70)],
                "what I wrote last night",
            ),
        );
        answers.adopt(&instrument, &EarlyAnswers::read(None, Some("ok".into())));
        let note = answers.note.get_untracked();
        assert!(
            note.contains("what I wrote last night") && note.contains("ok"),
            "both notes are kept: {note:?}"
        );
    }

    /// Hostile `id=tenths` lists never panic and never set a line out of range or one that
    /// does not exist.
    #[test]
    fn hostile_early_lines_neither_panic_nor_leave_the_range() {
        let instrument = builtin_instrument_in(&ENGLISH);
        for hostile in [
            "connection=65535,focus=-1,overall=+7,=5,approach",
            "connection=99999999999999999999,focus=1e3,,,=,==,connection=5",
            "nope=50,connection=\u{0}1,focus= 5,overall=5 ",
            "\u{feff}connection=50,connection=60",
        ] {
            let answers = Answers::new(&instrument);
            answers.adopt(&instrument, &EarlyAnswers::read(Some(hostile), None));
            for value in &answers.values {
                if let Some(tenths) = value.get_untracked() {
                    assert!(tenths <= 100, "{hostile}: {tenths}");
                }
            }
        }
    }
}
