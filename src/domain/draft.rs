//! Drafts: a check-in in progress, kept so that a reload or a switch to another app loses
//! nothing, and the rule for bringing one back (quietly if recent, as an offer if old).

use super::checkin::InstrumentRef;
use super::codec::DecodeError;
use super::history_engine::{Keys, Snapshot, StorageOp};
use super::instrument::Instrument;
use super::scoring::Answer;
use super::stored_reader::StoredReader;

/// A draft older than this is offered, not restored by itself.
pub const DRAFT_RESTORE_WINDOW_MS: u64 = 24 * 60 * 60 * 1000;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Draft {
    pub saved_at_ms: u64,
    pub instrument: InstrumentRef,
    /// Only the items placed so far.
    pub answers: Vec<Answer>,
    pub note: String,
}

/// What to do with a draft found at start-up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DraftDecision {
    /// Recent: restore it and say so.
    Restore,
    /// Older than a day (or from a clock that has since moved back): ask first.
    Offer,
    /// Empty, or for another questionnaire: nothing to bring back.
    Ignore,
}

impl Draft {
    pub fn is_empty(&self) -> bool {
        self.answers.is_empty() && self.note.is_empty()
    }

    pub fn decide(&self, instrument: &Instrument, now_ms: u64) -> DraftDecision {
        if self.is_empty() || !self.instrument.is(instrument) {
            return DraftDecision::Ignore;
        }
        match now_ms.checked_sub(self.saved_at_ms) {
            Some(age) if age <= DRAFT_RESTORE_WINDOW_MS => DraftDecision::Restore,
            _ => DraftDecision::Offer,
        }
    }
}

/// The draft to bring back at start-up, and what to do with the other draft keys.
///
/// Every tab keeps its check-in in progress under its own key (`Keys::draft`), so a save in one
/// tab never clears another tab's draft, and a draft of another questionnaire is never written
/// over. At start-up the newest draft of this questionnaire is brought back and its key adopted
/// (this page writes there from then on, so a reload finds it again).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DraftChoice {
    /// The key, the draft and whether to restore it or offer it.
    pub found: Option<(String, Draft, DraftDecision)>,
    /// Drafts this version cannot read are set aside (copied to a backup key, then removed);
    /// a newer version's draft is left alone.
    pub ops: Vec<StorageOp>,
}

/// Picks the draft to bring back from `snapshot` (see [`DraftChoice`]).
pub fn choose_draft(
    keys: &Keys,
    snapshot: &Snapshot,
    instrument: &Instrument,
    now_ms: u64,
    reader: &StoredReader,
) -> DraftChoice {
    let mut choice = DraftChoice::default();
    for (key, text) in snapshot.items() {
        if !keys.is_draft(key) {
            continue;
        }
        match (reader.draft)(text) {
            Ok(draft) => {
                let decision = draft.decide(instrument, now_ms);
                let newer = choice
                    .found
                    .as_ref()
                    .is_none_or(|(_, best, _)| draft.saved_at_ms > best.saved_at_ms);
                if decision != DraftDecision::Ignore && newer {
                    choice.found = Some((key.clone(), draft, decision));
                }
            }
            Err(DecodeError::NewerVersion { .. }) => {}
            Err(DecodeError::Unreadable(_)) => {
                let (aside, already) = keys.set_aside_key(key, text, snapshot);
                if !already {
                    choice.ops.push(StorageOp::Set {
                        key: aside,
                        value: text.clone(),
                    });
                }
                choice.ops.push(StorageOp::Remove { key: key.clone() });
            }
        }
    }
    choice
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::builtin::builtin_instrument;

    fn draft(saved_at_ms: u64) -> Draft {
        Draft {
            saved_at_ms,
            instrument: InstrumentRef::of(&builtin_instrument()),
            answers: vec![Answer {
                item_id: "focus".into(),
                value: 40,
            }],
            note: String::new(),
        }
    }

    #[test]
    fn a_draft_of_a_version_the_definition_compares_with_restores() {
        // A draft left under version 1 of the built-in (same items, earlier wording) carries
        // on under version 2; a version it does not name is another questionnaire.
        let instrument = builtin_instrument();
        let mut earlier = draft(5);
        earlier.instrument = crate::domain::fixtures::builtin_v1();
        assert_eq!(earlier.decide(&instrument, 5), DraftDecision::Restore);
        earlier.instrument.version = 7;
        assert_eq!(earlier.decide(&instrument, 5), DraftDecision::Ignore);
    }

    #[test]
    fn recent_drafts_restore_and_old_ones_are_offered() {
        let instrument = builtin_instrument();
        let day = DRAFT_RESTORE_WINDOW_MS;
        let now = 10 * day;
        assert_eq!(draft(now).decide(&instrument, now), DraftDecision::Restore);
        assert_eq!(
            draft(now - day).decide(&instrument, now),
            DraftDecision::Restore
        );
        assert_eq!(
            draft(now - day - 1).decide(&instrument, now),
            DraftDecision::Offer
        );
        assert_eq!(
            draft(now + 1).decide(&instrument, now),
            DraftDecision::Offer
        );
    }

    #[test]
    fn empty_or_foreign_drafts_are_ignored() {
        let instrument = builtin_instrument();
        let mut empty = draft(5);
        empty.answers.clear();
        assert_eq!(empty.decide(&instrument, 5), DraftDecision::Ignore);
        let mut note_only = empty.clone();
        note_only.note = "x".into();
        assert_eq!(note_only.decide(&instrument, 5), DraftDecision::Restore);
        let mut foreign = draft(5);
        foreign.instrument.id = "practice.other".into();
        assert_eq!(foreign.decide(&instrument, 5), DraftDecision::Ignore);
    }

    #[test]
    fn each_tab_has_its_own_draft_and_the_newest_of_this_questionnaire_comes_back() {
        use crate::domain::codec::encode_draft;
        let keys = Keys::new("t");
        let instrument = builtin_instrument();
        let mut foreign = draft(900);
        foreign.instrument.id = "practice.other".into();
        let newer = r#"{"format":"alliance-checkin/draft","version":9,"anything":true}"#;
        let snapshot = Snapshot::new(vec![
            (keys.legacy_draft(), encode_draft(&draft(100))),
            (keys.draft("tab-one"), encode_draft(&draft(300))),
            (keys.draft("tab-two"), encode_draft(&foreign)),
            (keys.draft("tab-three"), newer.into()),
            (
                keys.draft("tab-four"),
                "{\"format\":\"alliance-checkin/dr".into(),
            ),
            (keys.history(), "not a draft".into()),
        ]);
        let choice = choose_draft(&keys, &snapshot, &instrument, 400, &StoredReader::new());
        let (key, found, decision) = choice.found.unwrap();
        assert_eq!(
            (key.as_str(), found.saved_at_ms),
            (keys.draft("tab-one").as_str(), 300)
        );
        assert_eq!(decision, DraftDecision::Restore);
        // Only the unreadable one is touched: copied aside, then removed.
        assert_eq!(choice.ops.len(), 2);
        assert!(
            matches!(&choice.ops[0], StorageOp::Set { key, .. } if key.contains(":draft:tab-four:unreadable:"))
        );
        assert_eq!(
            choice.ops[1],
            StorageOp::Remove {
                key: keys.draft("tab-four")
            }
        );
    }

    #[test]
    fn the_keys_a_tab_reads_for_its_draft_are_all_that_choosing_one_looks_at() {
        use crate::domain::codec::encode_draft;
        let keys = Keys::new("t");
        let instrument = builtin_instrument();
        let damaged = "{\"format\":\"alliance-checkin/dr".to_owned();
        let empty = Snapshot::default();
        let (aside, _) = keys.set_aside_key(&keys.draft("tab-four"), &damaged, &empty);
        let everything = Snapshot::new(vec![
            (keys.history(), "a long history".into()),
            (keys.erased(), "{}".into()),
            (keys.legacy_draft(), encode_draft(&draft(100))),
            (keys.draft("tab-one"), encode_draft(&draft(300))),
            (keys.draft("tab-four"), damaged.clone()),
            // Already set aside by another tab: not copied twice.
            (aside, damaged),
            (keys.language(), "es".into()),
        ]);
        let drafts = Snapshot::new(
            everything
                .items()
                .iter()
                .filter(|(key, _)| key.starts_with(&keys.legacy_draft()))
                .cloned()
                .collect(),
        );
        assert_eq!(drafts.items().len(), 4);
        // The history's snapshot reads the namespace the same way: by what its keys start with.
        for (key, _) in everything.items() {
            assert!(
                key.starts_with(&keys.namespace_start()) && keys.owns(key),
                "{key}"
            );
        }
        assert!(!keys.owns("alliance-checkin:tt:history"));
        assert!(!"alliance-checkin:tt:history".starts_with(&keys.namespace_start()));
        assert!(drafts.get(&keys.history()).is_none());
        let (all, only) = (
            choose_draft(&keys, &everything, &instrument, 400, &StoredReader::new()),
            choose_draft(&keys, &drafts, &instrument, 400, &StoredReader::new()),
        );
        assert_eq!(all, only);
        assert_eq!(only.ops.len(), 1, "{:?}", only.ops);
    }
}
