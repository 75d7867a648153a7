//! The history engine: what this page knows of the client's history on this device, and the
//! client's own changes (intents) that every write re-applies to whatever storage holds.
//!
//! Storage is shared with other tabs (and other versions of the widget) that write whenever
//! they like; without Web Locks two tabs can read the same text and the later write wins.
//! So the engine never writes back a list it holds: each sync reads every key of the namespace
//! (a [`Snapshot`]), merges what it finds with this page's intents (a semilattice join, see
//! [`merge_histories`]) and plans the writes ([`StorageOp`]). The browser adapter performs
//! them and reports the outcome ([`HistoryEngine::finish`]). Because the intents are kept for
//! the page's life and re-applied after any other tab's write, a stale write from another tab
//! cannot undo a save, a correction, a deletion or an undo made here: the next sync of this tab
//! puts it back. Pure: no web API, time passed in.

use super::backup::{import_into, ImportFile, ImportReport};
use super::checkin::{
    corrected, in_completion_order, indices_by_id, join, later_copy, merge_histories, restored,
    tombstone_of, with_deletion, with_entry, CheckIn, History, Revision, Tombstone,
};
use super::codec::{encode_history, DecodeError, CURRENT_VERSION};
use super::json::{parse, Json};
use super::stored_reader::StoredReader;

/// Why a storage operation failed (reported by the browser adapter).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StorageError {
    /// The browser gives no storage here (blocked, disabled, sandboxed iframe).
    Unavailable,
    /// The origin's quota is used up.
    QuotaExceeded,
    /// Anything else the browser reported, by its error name.
    Failed(String),
}

/// The storage keys of one widget instance, all under a namespace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Keys {
    prefix: String,
}

/// What marks a key holding data set aside because it could not be read.
const UNREADABLE_MARK: &str = ":unreadable:";

/// Whether `key_rest` (a key past its namespace) holds [`UNREADABLE_MARK`]. Compared window by
/// window: `str::contains` links a substring searcher of 1 KB into the first visit.
pub(crate) fn marks_set_aside(key_rest: &str) -> bool {
    key_rest
        .as_bytes()
        .windows(UNREADABLE_MARK.len())
        .any(|window| window == UNREADABLE_MARK.as_bytes())
}

impl Keys {
    pub fn new(namespace: &str) -> Self {
        Keys {
            prefix: format!("alliance-checkin:{namespace}"),
        }
    }

    pub fn history(&self) -> String {
        format!("{}:history", self.prefix)
    }

    /// Where a version keeps its check-ins while the main key holds a newer version's data.
    /// (Version 2 wrote `v1-beside-newer`; this version writes `v3-beside-newer`.)
    pub fn history_beside_newer(&self, version: u32) -> String {
        format!("{}:history:v{version}-beside-newer", self.prefix)
    }

    /// Whether `key` is a key an older or this version keeps beside a newer version's history.
    fn is_beside_newer(&self, key: &str) -> bool {
        key.strip_prefix(self.prefix.as_str())
            .and_then(|rest| rest.strip_prefix(":history:v"))
            .and_then(|rest| rest.strip_suffix("-beside-newer"))
            .is_some_and(|version| {
                !version.is_empty() && version.bytes().all(|b| b.is_ascii_digit())
            })
    }

    /// Records the client's "delete everything": `{"generation":<n>,"erased_at":<ms>}`.
    pub fn erased(&self) -> String {
        format!("{}:erased", self.prefix)
    }

    /// The draft of the check-in in progress in one tab (`id` is that tab's draft id).
    pub fn draft(&self, id: &str) -> String {
        format!("{}:draft:{id}", self.prefix)
    }

    /// The one draft key versions before 3 used.
    pub fn legacy_draft(&self) -> String {
        format!("{}:draft", self.prefix)
    }

    /// Whether `key` holds a draft (this version's or an older one's).
    pub fn is_draft(&self, key: &str) -> bool {
        key == self.legacy_draft()
            || key
                .strip_prefix(self.prefix.as_str())
                .and_then(|rest| rest.strip_prefix(":draft:"))
                .is_some_and(|id| !id.contains(':'))
    }

    /// The client's chosen language (a BCP 47 tag).
    pub fn language(&self) -> String {
        format!("{}:language", self.prefix)
    }

    /// How the client answers (`AnswerStyle::as_str`).
    pub fn answer_style(&self) -> String {
        format!("{}:answer-style", self.prefix)
    }

    /// "no" when the client chose not to keep check-ins on this device.
    pub fn keep_history(&self) -> String {
        format!("{}:keep-history", self.prefix)
    }

    /// The last backup or backup reminder (`BackupMark::encode`).
    pub fn last_backup(&self) -> String {
        format!("{}:last-backup", self.prefix)
    }

    /// What every key of this namespace starts with (see [`Self::owns`]).
    pub fn namespace_start(&self) -> String {
        format!("{}:", self.prefix)
    }

    /// Whether `key` belongs to this namespace.
    pub fn owns(&self, key: &str) -> bool {
        key.strip_prefix(self.prefix.as_str())
            .is_some_and(|rest| rest.starts_with(':'))
    }

    /// Whether `key` holds data set aside because it could not be read.
    pub fn is_set_aside(&self, key: &str) -> bool {
        // After the namespace: a namespace may itself be named `unreadable`.
        key.strip_prefix(self.prefix.as_str())
            .is_some_and(|rest| rest.starts_with(':') && marks_set_aside(rest))
    }

    /// The key to set `of_key`'s unreadable `text` aside under, named by a digest of the text,
    /// and whether `taken` already holds that text there. Two tabs that set the same damaged
    /// text aside at once (without Web Locks) write one copy, not two.
    pub fn set_aside_key(&self, of_key: &str, text: &str, taken: &Snapshot) -> (String, bool) {
        // FNV-1a, 64 bits: a name, not a security measure.
        let digest = text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
        });
        let base = format!("{of_key}{UNREADABLE_MARK}{digest:016x}");
        let mut key = base.clone();
        let mut attempt = 1;
        loop {
            match taken.get(&key) {
                None => return (key, false),
                Some(held) if held == text => return (key, true),
                Some(_) => {
                    attempt += 1;
                    key = format!("{base}-{attempt}");
                }
            }
        }
    }

    /// Whether a `storage` event for `key` concerns the history (`None` means "all cleared").
    pub fn concerns_history(&self, key: Option<&str>) -> bool {
        match key {
            None => true,
            Some(key) => {
                key == self.history()
                    || key == self.erased()
                    || self.is_beside_newer(key)
                    || self.is_set_aside(key)
            }
        }
    }
}

/// Every key of one namespace with its text, as read at one moment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Snapshot {
    items: Vec<(String, String)>,
}

impl Snapshot {
    pub fn new(items: Vec<(String, String)>) -> Self {
        Snapshot { items }
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.items
            .iter()
            .find(|(name, _)| name == key)
            .map(|(_, value)| value.as_str())
    }

    pub fn items(&self) -> &[(String, String)] {
        &self.items
    }
}

/// One write the engine asks for, performed in order; the first failure stops the rest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StorageOp {
    Set { key: String, value: String },
    Remove { key: String },
}

/// More generations than any client deletes everything in a lifetime; a larger one is damage.
pub const MAX_GENERATION: u64 = 1_000_000;

/// The marker "delete everything" leaves: the generation it started, and when.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ErasedMark {
    pub generation: u64,
    pub erased_at_ms: u64,
}

impl ErasedMark {
    pub fn encode(&self) -> String {
        format!(
            "{{\"generation\":{},\"erased_at\":{}}}",
            self.generation, self.erased_at_ms
        )
    }

    /// `None` for text that holds no generation this version can use (then it counts for
    /// nothing). Members a later version may add are ignored; a generation above
    /// [`MAX_GENERATION`] is not ours. (A stored history records its generation the same way.)
    pub fn decode(text: &str) -> Option<Self> {
        let root = parse(text).ok()?;
        let generation = root.get("generation").and_then(Json::as_u64)?;
        (generation <= MAX_GENERATION).then_some(ErasedMark {
            generation,
            erased_at_ms: root.get("erased_at").and_then(Json::as_u64).unwrap_or(0),
        })
    }
}

/// Something the client should be told, raised by a sync.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HistoryNotice {
    /// The history could not be read; it was set aside under a backup key (shown for rescue).
    UnreadableSetAside,
    /// The history could not be read nor set aside (no room): it stays, and nothing is written
    /// over it.
    UnreadableLeftInPlace,
    /// The main key holds a newer version's history: shown read-only, never written.
    NewerVersion { version: u32 },
    /// The client deleted everything in another tab: this page's copy is gone too.
    ErasedElsewhere,
    /// A write failed: what it was for stays in this page and is tried again at the next sync.
    WriteFailed(StorageError),
    /// The check-in the client corrected had been deleted (in another tab): the deletion
    /// stands, so the correction was not kept.
    CorrectionOfDeleted,
    /// The device holds check-ins this page cannot read until the part of the widget that
    /// reads them is loaded (as a notice: it could not be): they stay as they are, nothing
    /// is written.
    ReaderUnavailable,
}

/// A change the client made, before it is resolved against what the device holds.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Change {
    Save(CheckIn),
    /// The corrected copy (answers, note, edit time); its revision is decided at the sync.
    Correct(CheckIn),
    /// The copy the client saw, and when they deleted it.
    Delete(CheckIn, u64),
    /// The copy the client deleted and now brings back.
    Undo(CheckIn),
}

/// A resolved change: a copy or a deletion to merge in.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Record {
    Copy(CheckIn),
    Deletion(Tombstone),
}

impl Record {
    fn apply(self, history: History) -> History {
        match self {
            Record::Copy(entry) => with_entry(history, entry),
            Record::Deletion(tombstone) => with_deletion(history, tombstone),
        }
    }
}

impl Change {
    fn id(&self) -> &str {
        match self {
            Change::Save(entry)
            | Change::Correct(entry)
            | Change::Delete(entry, _)
            | Change::Undo(entry) => &entry.id,
        }
    }

    /// The record this change makes against `view` (what the device holds joined with this
    /// page's intents); `None` for a correction of a check-in deleted meanwhile.
    fn resolve(&self, view: &History) -> Option<Record> {
        let current = view.entries.iter().find(|kept| kept.id == self.id());
        let deletion = tombstone_of(&view.deleted, self.id());
        match self {
            Change::Save(entry) => Some(Record::Copy(entry.clone())),
            Change::Correct(updated) => current.map(|current| {
                Record::Copy(corrected(CheckIn {
                    revision: current.revision,
                    ..updated.clone()
                }))
            }),
            // The later of the copy the client saw and the one this page now knows ends.
            Change::Delete(seen, at) => Some(Record::Deletion(Tombstone::of(
                match current {
                    Some(current) if later_copy(current, seen) => current,
                    _ => seen,
                },
                *at,
            ))),
            Change::Undo(entry) => {
                let life = deletion
                    .map_or(0, |gone| gone.life)
                    .max(entry.revision.life);
                Some(Record::Copy(restored(CheckIn {
                    revision: Revision {
                        life,
                        edits: entry.revision.edits,
                    },
                    ..entry.clone()
                })))
            }
        }
    }
}

/// How a check-in shown in the list stands on this device.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryStatus {
    /// On the device.
    Saved,
    /// Kept in this page only: the client chose not to keep check-ins here.
    NotKeptByChoice,
    /// Not on the device yet (the last write failed); tried again at the next sync.
    NotSavedYet,
    /// A newer version's check-in: shown, never changed.
    ReadOnly,
}

/// The writes one sync asks for, and what storage will hold once they succeed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    pub ops: Vec<StorageOp>,
    /// This version's history once the writes succeed; `None` when it is what the device held
    /// at the plan (then the engine already holds it: no second copy of a long history).
    target: Option<History>,
    /// Set when this plan carries out "delete everything".
    erases: Option<ErasedMark>,
    /// The report of the import this plan carries out.
    import_report: Option<ImportReport>,
    /// The records of the import this plan carries out: this page's intents once it lands.
    import_records: Option<History>,
    /// Where unreadable history is copied before its key is removed: the op's index and key.
    aside: Option<(usize, String)>,
    /// Unreadable data is in the way of the write this plan needed: it did not plan it.
    blocked: bool,
    /// The history this plan writes to the main key, as text and as read back: the op's index.
    writes_main: Option<(usize, Remembered)>,
    /// The device holds text this page cannot read before it has the reader: nothing planned.
    waits_for_reader: bool,
}

impl Plan {
    /// Whether this plan carries out a restore the client asked for.
    pub fn restores(&self) -> bool {
        self.import_report.is_some()
    }

    /// Whether the device holds text only the reader reads (another tab wrote it, or an
    /// earlier visit did): nothing was planned, and every intent waits. Sync again with the
    /// reader.
    pub fn waits_for_reader(&self) -> bool {
        self.waits_for_reader
    }

    fn waiting() -> Self {
        Plan {
            waits_for_reader: true,
            ..Plan::default()
        }
    }
}

/// A history text of the main key and what it reads as: the last one this page wrote or read.
/// A sync that finds the same text again takes this instead of reading it (so a page that
/// never met another's writes needs no reader; `decode(encode(h)) == h` is a property test).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Remembered {
    text: String,
    history: History,
    version: u32,
}

/// What this page knows and intends. See the module comment.
#[derive(Clone, Debug)]
pub struct HistoryEngine {
    keys: Keys,
    keep_history: bool,
    /// The generation this page is in (the latest it has seen or started).
    generation: u64,
    erased_at_ms: Option<u64>,
    /// This version's records as storage held them at the last sync (or once the last
    /// successful write landed).
    stored: History,
    /// A newer version's check-ins (from the main key), shown read-only.
    read_only: Vec<CheckIn>,
    newer_version: Option<u32>,
    /// This page's own records in `generation`: re-applied at every sync.
    intents: History,
    /// The client's changes since the last sync, not yet turned into records: each is resolved
    /// against what the device holds at the next sync (so a deletion ends the life the device
    /// holds, and a correction counts on from the device's copy).
    fresh: Vec<(u64, Change)>,
    /// The copies this page's deletions ended, by id: an undo brings back that copy (another
    /// tab's correction included), not the older one this page showed.
    ended: Vec<CheckIn>,
    /// Check-ins the client chose not to keep: this page only.
    not_kept: Vec<CheckIn>,
    /// Keys of data set aside as unreadable, from the last sync's scan.
    set_aside: Vec<String>,
    /// "Delete everything" asked for and not yet done.
    erase_requested: bool,
    /// A file to import at the next sync.
    import_requested: Option<ImportFile>,
    /// The report of the last import that landed.
    import_report: Option<ImportReport>,
    notices: Vec<HistoryNotice>,
    /// Why the last sync could not write what it needed, if it could not.
    last_problem: Option<HistoryNotice>,
    /// Whether this page has read the device before (an erasure it finds at its first look
    /// is old news, not something to announce).
    synced_once: bool,
    /// The main key's text as this page last wrote or read it.
    remembered: Option<Remembered>,
}

/// How one history key of the snapshot read.
enum KeyRead {
    /// This version can read it; `version` is the one that wrote it.
    Ours {
        history: History,
        version: u32,
    },
    Newer {
        version: u32,
        lenient: Option<Vec<CheckIn>>,
    },
    Unreadable,
}

/// The first stored version that records generations.
const FIRST_VERSION_WITH_GENERATIONS: u32 = 3;

fn read_key(text: &str, reader: &StoredReader) -> KeyRead {
    match (reader.history)(text) {
        Ok((history, version)) => KeyRead::Ours { history, version },
        Err(DecodeError::NewerVersion { version }) => KeyRead::Newer {
            version,
            lenient: (reader.newer_history)(text),
        },
        Err(DecodeError::Unreadable(_)) => KeyRead::Unreadable,
    }
}

impl HistoryEngine {
    pub fn new(keys: Keys, keep_history: bool) -> Self {
        HistoryEngine {
            keys,
            keep_history,
            generation: 0,
            erased_at_ms: None,
            stored: History::default(),
            read_only: Vec::new(),
            newer_version: None,
            intents: History::default(),
            fresh: Vec::new(),
            ended: Vec::new(),
            not_kept: Vec::new(),
            set_aside: Vec::new(),
            erase_requested: false,
            import_requested: None,
            import_report: None,
            notices: Vec::new(),
            last_problem: None,
            synced_once: false,
            remembered: None,
        }
    }

    pub fn keys(&self) -> &Keys {
        &self.keys
    }

    // ---- What the page shows ----

    /// This version's check-ins to show, oldest first: what storage holds joined with this
    /// page's intents, and the check-ins not kept, each id once.
    pub fn history(&self) -> Vec<CheckIn> {
        let mut entries = self.own_view().entries;
        for entry in &self.not_kept {
            if !entries.iter().any(|kept| kept.id == entry.id) {
                entries.push(entry.clone());
            }
        }
        in_completion_order(entries)
    }

    /// A newer version's check-ins: shown, never changed (none of them is in [`Self::history`]).
    pub fn read_only(&self) -> &[CheckIn] {
        &self.read_only
    }

    /// Everything the client can see, oldest first: for backups and exports.
    pub fn everything(&self) -> Vec<CheckIn> {
        let mut entries = self.history();
        entries.extend(self.read_only.iter().cloned());
        in_completion_order(entries)
    }

    /// What storage holds joined with this page's intents and fresh changes (this version's
    /// records only).
    fn own_view(&self) -> History {
        let mut view = merge_histories(self.stored.clone(), &self.intents);
        for (_, change) in &self.fresh {
            if let Some(record) = change.resolve(&view) {
                view = record.apply(view);
            }
        }
        view
    }

    /// The deletions to carry in a backup.
    pub fn deletions(&self) -> Vec<Tombstone> {
        self.own_view().deleted
    }

    pub fn status(&self, id: &str) -> EntryStatus {
        let on_device = self.stored.entries.iter().find(|entry| entry.id == id);
        self.status_given(id, on_device.map(|entry| &entry.revision))
    }

    /// The ids of `shown` whose status is not [`EntryStatus::Saved`], with one look at the
    /// device's list per check-in (a `status` call per check-in would scan the whole list
    /// for each: a thousand check-ins took a million comparisons on every change).
    pub fn not_saved(&self, shown: &[CheckIn]) -> Vec<String> {
        let stored = &self.stored.entries;
        let by_id = indices_by_id(stored);
        shown
            .iter()
            .filter(|entry| {
                let on_device = by_id
                    .binary_search_by(|&at| stored[at].id.as_str().cmp(&entry.id))
                    .ok()
                    .map(|found| &stored[by_id[found]].revision);
                self.status_given(&entry.id, on_device) != EntryStatus::Saved
            })
            .map(|entry| entry.id.clone())
            .collect()
    }

    /// The status of `id`, given the revision the device holds of it (if any).
    fn status_given(&self, id: &str, on_device: Option<&Revision>) -> EntryStatus {
        let own = |entry: &CheckIn| entry.id == id;
        if on_device.is_none() && self.not_kept.iter().any(own) {
            return EntryStatus::NotKeptByChoice;
        }
        if self.fresh.iter().any(|(_, change)| change.id() == id) {
            return EntryStatus::NotSavedYet;
        }
        match (
            self.intents.entries.iter().find(|entry| own(entry)),
            on_device,
        ) {
            (Some(intent), Some(stored)) if *stored >= intent.revision => EntryStatus::Saved,
            (Some(_), _) => EntryStatus::NotSavedYet,
            (None, Some(_)) => EntryStatus::Saved,
            (None, None) if self.read_only.iter().any(own) => EntryStatus::ReadOnly,
            (None, None) => EntryStatus::NotSavedYet,
        }
    }

    /// How many check-ins the device holds (this version's), for the backup reminder.
    pub fn stored_count(&self) -> usize {
        self.stored.entries.len()
    }

    pub fn set_aside_keys(&self) -> &[String] {
        &self.set_aside
    }

    pub fn newer_version(&self) -> Option<u32> {
        self.newer_version
    }

    pub fn keep_history(&self) -> bool {
        self.keep_history
    }

    /// The generation this page is in: it changes when the client deletes everything (here or
    /// in another tab), and the page then drops everything it held.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Why the last sync could not write what this page intends, if it could not.
    pub fn last_problem(&self) -> Option<&HistoryNotice> {
        self.last_problem.as_ref()
    }

    pub fn take_notices(&mut self) -> Vec<HistoryNotice> {
        std::mem::take(&mut self.notices)
    }

    pub fn take_import_report(&mut self) -> Option<ImportReport> {
        self.import_report.take()
    }

    // ---- What the client does (each is written at the next sync) ----

    /// A completed check-in. Not written when the client chose not to keep check-ins.
    pub fn save(&mut self, entry: CheckIn) {
        if self.keep_history {
            self.fresh.push((self.generation, Change::Save(entry)));
        } else {
            self.not_kept.push(entry);
        }
    }

    /// The client corrected `entry` (the copy they saw) to `answers`/`note` in `with`.
    pub fn correct(&mut self, updated: CheckIn) {
        let on_device = self.on_device(&updated.id);
        if let Some(kept) = self.not_kept.iter_mut().find(|kept| kept.id == updated.id) {
            *kept = updated.clone();
            if !on_device {
                return;
            }
        }
        self.fresh.push((self.generation, Change::Correct(updated)));
    }

    /// The client deleted `entry` (the copy they saw). One kept in this page only is simply
    /// dropped; one the device holds (a restore may have put a page-only one there too) gets a
    /// deletion written.
    pub fn delete(&mut self, entry: &CheckIn, now_ms: u64) {
        let page_only = self.not_kept.iter().any(|kept| kept.id == entry.id);
        self.not_kept.retain(|kept| kept.id != entry.id);
        if !page_only || self.on_device(&entry.id) {
            self.fresh
                .push((self.generation, Change::Delete(entry.clone(), now_ms)));
        }
    }

    /// Whether the device holds `id` (or this page has already asked for it to).
    fn on_device(&self, id: &str) -> bool {
        let own = |entry: &CheckIn| entry.id == id;
        self.stored.entries.iter().any(own) || self.intents.entries.iter().any(own)
    }

    /// The client's undo of deleting `entry`: it comes back where it was (on the device, or in
    /// this page only when it was not kept).
    pub fn undo_delete(&mut self, entry: CheckIn, was_kept: bool) {
        if !was_kept {
            self.not_kept.push(entry);
            return;
        }
        let ended = self
            .ended
            .iter()
            .find(|ended| ended.id == entry.id)
            .cloned();
        let entry = match ended {
            Some(ended) if later_copy(&ended, &entry) => ended,
            _ => entry,
        };
        self.fresh.push((self.generation, Change::Undo(entry)));
    }

    /// Adds a backup or history file at the next sync (the report comes with its outcome).
    pub fn import(&mut self, file: ImportFile) {
        self.import_requested = Some(file);
    }

    /// Deletes every key of the namespace at the next sync, and everything this page holds.
    pub fn erase_everything(&mut self) {
        self.erase_requested = true;
        self.intents = History {
            generation: self.generation,
            ..History::default()
        };
        self.fresh.clear();
        self.not_kept.clear();
        self.import_requested = None;
    }

    /// The client's choice to keep check-ins on this device (or not, from now on).
    pub fn set_keep_history(&mut self, keep: bool) {
        self.keep_history = keep;
    }

    /// Forgets data set aside under `key` (the client has rescued it or does not want it).
    pub fn forget_set_aside(&mut self, key: &str) -> Option<StorageOp> {
        self.keys.is_set_aside(key).then(|| {
            self.set_aside.retain(|kept| kept != key);
            StorageOp::Remove { key: key.into() }
        })
    }

    // ---- Syncing with storage ----

    /// Reads `snapshot` (every key of the namespace, read just now) and plans the writes that
    /// put this page's intents (and any requested import or erasure) on the device.
    ///
    /// Without the `reader` (not loaded yet), a plan needs the device to hold no history but
    /// the one this page last wrote or read; otherwise it [waits](Plan::waits_for_reader).
    pub fn plan(
        &mut self,
        snapshot: &Snapshot,
        now_ms: u64,
        reader: Option<&StoredReader>,
    ) -> Plan {
        let main_key = self.keys.history();
        let main_text = snapshot.get(&main_key);
        if self.erase_requested {
            // "Delete everything" needs only the generation the main key records, which needs
            // no reader: an erasure never waits (a wait could let it land after a check-in
            // saved meanwhile in another tab, and erase that too).
            let main_generation = main_text
                .and_then(ErasedMark::decode)
                .map_or(0, |recorded| recorded.generation);
            return self.plan_erasure(snapshot, now_ms, main_generation);
        }
        let beside_unread = reader.is_none()
            && snapshot
                .items()
                .iter()
                .any(|(key, _)| self.keys.is_beside_newer(key));
        let main_read = match main_text.map(|text| self.read_main(text, reader)) {
            Some(None) => return Plan::waiting(),
            _ if beside_unread => return Plan::waiting(),
            read => read.flatten(),
        };
        let main_generation = match &main_read {
            Some(KeyRead::Ours { history, .. }) => history.generation,
            _ => 0,
        };
        let mut ops = Vec::new();
        // Everything of the namespace vanished while this page held check-ins: another
        // version's "delete everything" (it leaves no marker) or the site's data cleared. That
        // is an erasure too: nothing this page held may come back.
        let held_anything = !self.stored.entries.is_empty() || !self.stored.deleted.is_empty();
        if snapshot.items().is_empty() && held_anything {
            self.erased_at_ms = Some(now_ms);
            self.move_to_generation(self.generation.saturating_add(1).min(MAX_GENERATION));
        }
        // A later generation in the marker (or in a main history written after an erasure whose
        // marker is gone): the client deleted everything in another tab.
        let marker = self.read_marker(snapshot);
        let seen = marker.max(main_generation);
        if seen > self.generation {
            self.move_to_generation(seen);
        }
        self.synced_once = true;
        // The marker is gone or behind this page (an older version removed it with everything
        // else): put it back, so no tab brings back what was erased.
        let marker_missing = self.generation > marker;
        if marker_missing {
            ops.push(StorageOp::Set {
                key: self.keys.erased(),
                value: ErasedMark {
                    generation: self.generation,
                    erased_at_ms: self.erased_at_ms.unwrap_or(now_ms),
                }
                .encode(),
            });
        }
        let mut stored = self.empty();
        // What the key this version writes holds now, when this version can read it.
        let mut on_disk = None;
        // Whether `stored` is exactly what that key holds (the usual case: then it is not
        // copied to be compared with the target at the end).
        let mut stored_is_on_disk = false;
        let mut main_writable = true;
        let mut aside = None;
        self.newer_version = None;
        self.read_only.clear();
        match main_read {
            None => {}
            Some(KeyRead::Ours { history, version }) => {
                let before_generations = version < FIRST_VERSION_WITH_GENERATIONS;
                // `stored` is still empty, so it becomes this history unchanged when the
                // history is of this page's generation (a decoded history is canonical).
                if history.generation == self.generation {
                    stored_is_on_disk = true;
                    stored = history;
                } else {
                    on_disk = Some(history.clone());
                    // Written by an older version, or while the marker was gone: what was made
                    // after the erasure counts. Otherwise a stale tab's write counts for nothing.
                    stored = self.absorb(stored, history, marker_missing || before_generations);
                }
            }
            Some(KeyRead::Newer { version, lenient }) => {
                main_writable = false;
                self.newer_version = Some(version);
                self.read_only = lenient.unwrap_or_default();
                self.notice(HistoryNotice::NewerVersion { version });
            }
            Some(KeyRead::Unreadable) => {
                let text = main_text.unwrap_or_default();
                let (key, already) = self.keys.set_aside_key(&main_key, text, snapshot);
                aside = Some((ops.len(), key.clone()));
                if !already {
                    ops.push(StorageOp::Set {
                        key,
                        value: text.into(),
                    });
                }
                ops.push(StorageOp::Remove {
                    key: main_key.clone(),
                });
            }
        }
        // Check-ins an older version (or this one) kept beside a newer version's history.
        let own_beside = self.keys.history_beside_newer(CURRENT_VERSION);
        let mut beside_writable = true;
        // This version's own key beside a newer history that is gone: merged into the main
        // history, then removed (only this version writes it, so nothing writes it back).
        let mut obsolete_beside = None;
        for (key, text) in snapshot.items() {
            if !self.keys.is_beside_newer(key) {
                continue;
            }
            let Some(reader) = reader else {
                continue;
            };
            match read_key(text, reader) {
                KeyRead::Ours { history, version } => {
                    let before_generations = version < FIRST_VERSION_WITH_GENERATIONS;
                    if stored_is_on_disk {
                        stored_is_on_disk = false;
                        on_disk = Some(stored.clone());
                    }
                    if *key == own_beside {
                        if main_writable {
                            obsolete_beside = Some(key.clone());
                        } else {
                            on_disk = Some(history.clone());
                        }
                    }
                    stored = self.absorb(stored, history, before_generations);
                }
                KeyRead::Newer { .. } => {}
                KeyRead::Unreadable => beside_writable &= *key != own_beside,
            }
        }
        let write_key = match (main_writable, beside_writable) {
            (true, _) => Some(main_key),
            (false, true) if self.newer_version.is_some() => Some(own_beside),
            _ => None,
        };
        // A newer version's copy of a check-in this version holds is not shown twice.
        self.read_only
            .retain(|entry| !stored.entries.iter().any(|own| own.id == entry.id));
        self.set_aside = snapshot
            .items()
            .iter()
            .map(|(key, _)| key)
            .filter(|key| self.keys.is_set_aside(key))
            .cloned()
            .collect();
        // The client's changes since the last sync become records, against what the device
        // holds now; from here on they are replayed like every other intent.
        // (Only when there is something to resolve or count: it is a copy of the whole history.)
        let mut view = if self.fresh.is_empty() && self.import_requested.is_none() {
            History::default()
        } else {
            merge_histories(stored.clone(), &self.intents)
        };
        for (_, change) in std::mem::take(&mut self.fresh) {
            match change.resolve(&view) {
                Some(record) => {
                    if let (Change::Delete(..), Some(ended)) = (
                        &change,
                        view.entries.iter().find(|kept| kept.id == change.id()),
                    ) {
                        self.ended.retain(|known| known.id != ended.id);
                        self.ended.push(ended.clone());
                    }
                    view = record.clone().apply(view);
                    self.intents = record.apply(std::mem::take(&mut self.intents));
                }
                None => self.notice(HistoryNotice::CorrectionOfDeleted),
            }
        }
        let mut import_report = None;
        let mut import_records = None;
        // The request is taken by this plan: it lands with it or fails with it (and a restore
        // asked for meanwhile waits for the next plan instead of being cleared by this one).
        if let Some(file) = self.import_requested.take() {
            // Counted against what the device holds; kept as intents like every change, so a
            // stale write from another tab cannot undo the restore either.
            let (_, report) = import_into(view, &file);
            import_report = Some(report);
            import_records = Some(History {
                generation: self.generation,
                entries: file.entries().to_vec(),
                deleted: file.deleted().to_vec(),
            });
        }
        // Without intents or an import the target is what the device holds: `stored` (a
        // canonical history, which a merge with nothing leaves as it is).
        let no_intents = self.intents.entries.is_empty()
            && self.intents.deleted.is_empty()
            && self.intents.generation == stored.generation;
        let target = (!no_intents || import_records.is_some()).then(|| {
            let mut target = merge_histories(stored.clone(), &self.intents);
            if let Some(records) = &import_records {
                target = merge_histories(target, records);
            }
            target
        });
        let held = if stored_is_on_disk {
            Some(&stored)
        } else {
            on_disk.as_ref()
        };
        let planned = target.as_ref().unwrap_or(&stored);
        let needs_write = match held {
            Some(held) => !std::ptr::eq(held, planned) && held != planned,
            None => !planned.entries.is_empty() || !planned.deleted.is_empty(),
        };
        let mut blocked = false;
        let mut writes_main = None;
        if needs_write || obsolete_beside.is_some() {
            match write_key {
                Some(key) => {
                    let text = encode_history(planned);
                    if key == self.keys.history() {
                        let written = Remembered {
                            text: text.clone(),
                            history: planned.clone(),
                            version: CURRENT_VERSION,
                        };
                        writes_main = Some((ops.len(), written));
                    }
                    ops.push(StorageOp::Set { key, value: text });
                }
                None => {
                    blocked = true;
                    self.notice(HistoryNotice::UnreadableLeftInPlace);
                }
            }
        }
        if let (Some(key), false) = (obsolete_beside, blocked) {
            ops.push(StorageOp::Remove { key });
        }
        self.stored = stored;
        Plan {
            ops,
            target,
            erases: None,
            import_report,
            import_records,
            aside,
            blocked,
            writes_main,
            waits_for_reader: false,
        }
    }

    /// How the main key's `text` reads: what this page remembers of it, else the reader's
    /// reading (remembered from now on); `None` without the reader.
    fn read_main(&mut self, text: &str, reader: Option<&StoredReader>) -> Option<KeyRead> {
        if let Some(known) = self.remembered.as_ref().filter(|known| known.text == text) {
            return Some(KeyRead::Ours {
                history: known.history.clone(),
                version: known.version,
            });
        }
        let read = read_key(text, reader?);
        if let KeyRead::Ours { history, version } = &read {
            self.remembered = Some(Remembered {
                text: text.to_owned(),
                history: history.clone(),
                version: *version,
            });
        }
        Some(read)
    }

    fn empty(&self) -> History {
        History {
            generation: self.generation,
            ..History::default()
        }
    }

    /// Adds `found` (one key's history) to `stored`. A history of an earlier generation holds
    /// only what "delete everything" removed, except, when `after_erasure` says it was written
    /// after the erasure (by an older version, which knows no generations, or while the marker
    /// was gone), the check-ins made after it.
    fn absorb(&self, stored: History, found: History, after_erasure: bool) -> History {
        let found = if found.generation >= self.generation {
            History {
                generation: self.generation,
                ..found
            }
        } else if after_erasure {
            let erased_at = self.erased_at_ms.unwrap_or(0);
            History {
                generation: self.generation,
                entries: found
                    .entries
                    .into_iter()
                    .filter(|entry| entry.completed_at_ms > erased_at)
                    .collect(),
                deleted: found.deleted,
            }
        } else {
            return stored;
        };
        join(stored, found)
    }

    /// The generation the erasure marker in `snapshot` records (0 without a usable one); the
    /// erasure time is kept for what older versions saved since.
    fn read_marker(&mut self, snapshot: &Snapshot) -> u64 {
        let mark = snapshot
            .get(&self.keys.erased())
            .and_then(ErasedMark::decode);
        if let Some(mark) = mark {
            self.erased_at_ms = Some(mark.erased_at_ms);
        }
        mark.map_or(0, |mark| mark.generation)
    }

    /// Drops everything this page held and intended before generation `seen`, and tells the
    /// client (unless this is the page's first look at the device).
    fn move_to_generation(&mut self, seen: u64) {
        self.generation = seen;
        // What this page held and intended before is gone with everything else; the changes
        // the client made since the last sync were made after the erasure, and stay.
        self.intents = self.empty();
        self.stored = self.empty();
        self.not_kept.clear();
        self.ended.clear();
        // A correction or undo made before the erasure must not bring a check-in back into the
        // new generation; a check-in saved since stays, and so does a deletion (it can only
        // remove, for instance a check-in a restore has just brought back). A page that waited
        // for the reader may hold such changes for longer; what another tab did meanwhile to the
        // same check-in races with them, as a write without Web Locks does.
        self.fresh.retain(|(made_in, change)| {
            *made_in >= seen || matches!(change, Change::Save(_) | Change::Delete(..))
        });
        if self.synced_once {
            self.notice(HistoryNotice::ErasedElsewhere);
        }
    }

    fn plan_erasure(&mut self, snapshot: &Snapshot, now_ms: u64, main_generation: u64) -> Plan {
        let seen = self.read_marker(snapshot).max(main_generation);
        let mark = ErasedMark {
            generation: seen
                .max(self.generation)
                .saturating_add(1)
                .min(MAX_GENERATION),
            erased_at_ms: now_ms,
        };
        // The client's choice not to keep check-ins outlives "delete everything" (it is no
        // check-in, and dropping it would start keeping them again on the next visit).
        let keep_choice = self.keys.keep_history();
        let erased_key = self.keys.erased();
        let main_key = self.keys.history();
        // The history first (it frees the most room), then the marker every tab honours, then
        // everything else of the namespace.
        let mut ops = vec![
            StorageOp::Remove {
                key: main_key.clone(),
            },
            StorageOp::Set {
                key: erased_key.clone(),
                value: mark.encode(),
            },
        ];
        ops.extend(
            snapshot
                .items()
                .iter()
                .filter(|(key, _)| *key != erased_key && *key != main_key)
                .filter(|(key, value)| *key != keep_choice || value != "no")
                .map(|(key, _)| StorageOp::Remove { key: key.clone() }),
        );
        Plan {
            ops,
            target: Some(History {
                generation: mark.generation,
                ..History::default()
            }),
            erases: Some(mark),
            ..Plan::default()
        }
    }

    /// Takes the outcome of performing `plan`'s writes: `Ok` when all landed, or the index of
    /// the write that failed and why (the writes before it landed, none after it ran).
    pub fn finish(&mut self, plan: Plan, outcome: Result<(), (usize, StorageError)>) {
        if plan.waits_for_reader {
            self.last_problem = Some(HistoryNotice::ReaderUnavailable);
            return;
        }
        if let Some((index, written)) = plan.writes_main {
            if outcome
                .as_ref()
                .err()
                .is_none_or(|(failed, _)| *failed > index)
            {
                self.remembered = Some(written);
            }
        }
        // Unreadable history is said to be set aside only once the copy has landed.
        if let Some((index, key)) = &plan.aside {
            let copied = match &outcome {
                Ok(()) => true,
                Err((failed, _)) => failed > index,
            };
            if copied {
                if !self.set_aside.contains(key) {
                    self.set_aside.push(key.clone());
                }
                self.notice(HistoryNotice::UnreadableSetAside);
            } else {
                self.notice(HistoryNotice::UnreadableLeftInPlace);
            }
        }
        if plan.blocked {
            self.last_problem = Some(HistoryNotice::UnreadableLeftInPlace);
            return;
        }
        self.last_problem = outcome
            .as_ref()
            .err()
            .map(|(_, error)| HistoryNotice::WriteFailed(error.clone()));
        match outcome {
            Ok(()) => {
                if let Some(mark) = plan.erases {
                    self.erase_requested = false;
                    self.generation = mark.generation;
                    self.erased_at_ms = Some(mark.erased_at_ms);
                    self.intents = History {
                        generation: mark.generation,
                        ..History::default()
                    };
                    self.read_only.clear();
                    self.newer_version = None;
                    self.set_aside.clear();
                    self.not_kept.clear();
                }
                if let Some(target) = plan.target {
                    self.stored = target;
                }
                if let Some(records) = plan.import_records {
                    // From now on the restore is replayed like every other change.
                    self.intents = merge_histories(std::mem::take(&mut self.intents), &records);
                }
                if plan.import_report.is_some() {
                    self.import_report = plan.import_report;
                }
            }
            Err((_, error)) => {
                if plan.erases.is_some() {
                    // Tried again at the next sync; the page already holds nothing.
                    self.notice(HistoryNotice::WriteFailed(error));
                    return;
                }
                self.notice(HistoryNotice::WriteFailed(error));
            }
        }
    }

    /// The device holds check-ins only the reader reads, and it could not be loaded (offline,
    /// or a new version went live): nothing was written; the intents wait for the next sync.
    pub fn reader_unavailable(&mut self) {
        self.last_problem = Some(HistoryNotice::ReaderUnavailable);
        self.notice(HistoryNotice::ReaderUnavailable);
    }

    /// Storage could not even be read: nothing was written; the intents wait for the next sync.
    pub fn storage_unreachable(&mut self, error: StorageError) {
        self.import_requested = None;
        self.last_problem = Some(HistoryNotice::WriteFailed(error.clone()));
        self.notice(HistoryNotice::WriteFailed(error));
    }

    fn notice(&mut self, notice: HistoryNotice) {
        if !self.notices.contains(&notice) {
            self.notices.push(notice);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::codec::{decode_history, encode_history};
    use crate::domain::fixtures::{builtin_check_in, history, Device};

    const NOW: u64 = 1_800_000_000_000;

    fn keys() -> Keys {
        Keys::new("t")
    }

    fn ids(entries: &[CheckIn]) -> Vec<&str> {
        entries.iter().map(|entry| entry.id.as_str()).collect()
    }

    #[test]
    fn a_first_visit_without_the_reader_saves_and_reads_back_its_own_writes() {
        let mut device = Device::default();
        let mut engine = HistoryEngine::new(keys(), true);
        assert!(!device.sync_reading_with(&mut engine, NOW, None));
        engine.save(builtin_check_in("a", NOW - 20, [90; 4]));
        assert!(!device.sync_reading_with(&mut engine, NOW, None));
        engine.save(builtin_check_in("b", NOW - 10, [80; 4]));
        // The second save reads the first one's text back without the reader.
        assert!(!device.sync_reading_with(&mut engine, NOW, None));
        assert_eq!(device.main_ids(&keys()), ["a", "b"]);
        assert_eq!(engine.status("b"), EntryStatus::Saved);
        let settled = device.clone();
        assert!(!device.sync_reading_with(&mut engine, NOW, None));
        assert_eq!(device, settled);
    }

    #[test]
    fn another_tabs_write_waits_for_the_reader_and_loses_nothing() {
        let mut device = Device::default();
        let mut first_visit = HistoryEngine::new(keys(), true);
        device.sync_reading_with(&mut first_visit, NOW, None);
        let mut other_tab = HistoryEngine::new(keys(), true);
        device.sync(&mut other_tab, NOW);
        other_tab.save(builtin_check_in("other", NOW - 30, [50; 4]));
        device.sync(&mut other_tab, NOW);
        // This page cannot read what the other tab wrote: it writes nothing over it, and the
        // check-in saved here waits (not saved yet, and why).
        first_visit.save(builtin_check_in("mine", NOW - 20, [90; 4]));
        let before = device.clone();
        assert!(device.sync_reading_with(&mut first_visit, NOW, None));
        assert_eq!(device, before);
        assert_eq!(first_visit.status("mine"), EntryStatus::NotSavedYet);
        assert_eq!(
            first_visit.last_problem(),
            Some(&HistoryNotice::ReaderUnavailable)
        );
        // Beside a newer version's history, another key only the reader reads.
        let mut beside = HistoryEngine::new(keys(), true);
        let mut newer = before.clone();
        newer.0.insert(
            keys().history_beside_newer(1),
            before.0[&keys().history()].clone(),
        );
        newer.0.remove(&keys().history());
        assert!(newer.sync_reading_with(&mut beside, NOW, None));
        // "Delete everything" never waits (it needs only the generation, read without the
        // reader): it lands now, and the save made before it in this page stays out of it.
        first_visit.erase_everything();
        assert!(!device.sync_reading_with(&mut first_visit, NOW, None));
        assert!(first_visit.last_problem().is_none());
        assert!(!device.0.contains_key(&keys().history()));
    }

    #[test]
    fn a_waiting_save_is_written_once_the_reader_comes() {
        let mut device = Device::default();
        let mut other_tab = HistoryEngine::new(keys(), true);
        other_tab.save(builtin_check_in("other", NOW - 30, [50; 4]));
        device.sync(&mut other_tab, NOW);
        let mut first_visit = HistoryEngine::new(keys(), true);
        first_visit.save(builtin_check_in("mine", NOW - 20, [90; 4]));
        assert!(device.sync_reading_with(&mut first_visit, NOW, None));
        assert!(!device.sync_reading_with(&mut first_visit, NOW, Some(&StoredReader::new())));
        assert_eq!(device.main_ids(&keys()), ["other", "mine"]);
        assert_eq!(first_visit.status("mine"), EntryStatus::Saved);
        assert!(first_visit.last_problem().is_none());
    }

    #[test]
    fn an_old_versions_save_beside_a_newer_history_is_shown_once_and_kept() {
        let mine = builtin_check_in("a", NOW - 10, [90; 4]);
        let old_tab = builtin_check_in("b", NOW - 5, [80; 4]);
        // What version 2 writes beside a history it cannot read: its own format, version 2.
        let beside = encode_history(&history(vec![old_tab.clone()], vec![]))
            .replace("\"version\":3,\"generation\":0,", "\"version\":2,");
        let mut storage = Device::holding([
            (
                keys().history(),
                encode_history(&history(vec![mine], vec![])),
            ),
            (keys().history_beside_newer(1), beside),
        ]);
        let mut engine = HistoryEngine::new(keys(), true);
        storage.sync(&mut engine, NOW);
        assert_eq!(ids(&engine.history()), ["a", "b"]);
        assert_eq!(ids(&storage.main_history(&keys()).entries), ["a", "b"]);
        // The old tab's key is left for it; reading it again changes nothing.
        let before = storage.clone();
        storage.sync(&mut engine, NOW);
        assert_eq!(storage, before);
    }

    #[test]
    fn the_list_marks_as_not_saved_exactly_what_status_says_is_not_saved() {
        let on_device = builtin_check_in("a", NOW - 30, [90; 4]);
        let mut storage = Device::holding([(
            keys().history(),
            encode_history(&history(vec![on_device], vec![])),
        )]);
        let mut engine = HistoryEngine::new(keys(), true);
        storage.sync(&mut engine, NOW);
        // Saved; then one not kept by choice; then a save whose write failed (not saved yet).
        engine.save(builtin_check_in("b", NOW - 20, [80; 4]));
        storage.sync(&mut engine, NOW);
        engine.set_keep_history(false);
        engine.save(builtin_check_in("c", NOW - 10, [70; 4]));
        storage.sync(&mut engine, NOW);
        engine.set_keep_history(true);
        engine.save(builtin_check_in("d", NOW - 5, [60; 4]));
        let full = engine.plan(&storage.snapshot(&keys()), NOW, Some(&StoredReader::new()));
        engine.finish(full, Err((0, StorageError::QuotaExceeded)));
        assert_eq!(engine.status("c"), EntryStatus::NotKeptByChoice);
        assert_eq!(engine.status("d"), EntryStatus::NotSavedYet);
        let shown = engine.history();
        let by_status: Vec<String> = shown
            .iter()
            .filter(|entry| engine.status(&entry.id) != EntryStatus::Saved)
            .map(|entry| entry.id.clone())
            .collect();
        assert_eq!(by_status, ["c", "d"]);
        assert_eq!(engine.not_saved(&shown), by_status);
    }

    #[test]
    fn a_stale_write_from_another_tab_does_not_undo_a_deletion_here() {
        let (a, b) = (
            builtin_check_in("a", NOW - 10, [90; 4]),
            builtin_check_in("b", NOW - 5, [80; 4]),
        );
        let stale = encode_history(&history(vec![a.clone(), b.clone()], vec![]));
        let mut storage = Device::holding([(keys().history(), stale.clone())]);
        let mut engine = HistoryEngine::new(keys(), true);
        storage.sync(&mut engine, NOW);
        engine.delete(&a, NOW);
        storage.sync(&mut engine, NOW);
        assert_eq!(ids(&storage.main_history(&keys()).entries), ["b"]);
        // Another tab (no Web Locks) read before the deletion and writes now.
        storage = Device::holding([(keys().history(), stale)]);
        storage.sync(&mut engine, NOW);
        assert_eq!(
            ids(&storage.main_history(&keys()).entries),
            ["b"],
            "the deletion is replayed"
        );
        assert_eq!(ids(&engine.history()), ["b"]);
    }

    #[test]
    fn an_undo_is_written_even_when_the_client_keeps_nothing_new() {
        let a = builtin_check_in("a", NOW - 10, [90; 4]);
        let mut storage = Device::holding([(
            keys().history(),
            encode_history(&history(vec![a.clone()], vec![])),
        )]);
        let mut engine = HistoryEngine::new(keys(), false);
        storage.sync(&mut engine, NOW);
        engine.delete(&a, NOW);
        storage.sync(&mut engine, NOW);
        assert!(storage.main_history(&keys()).entries.is_empty());
        engine.undo_delete(a, true);
        storage.sync(&mut engine, NOW);
        // A later visit reads it back.
        let mut next_visit = HistoryEngine::new(keys(), false);
        storage.sync(&mut next_visit, NOW);
        assert_eq!(ids(&next_visit.history()), ["a"]);
    }

    #[test]
    fn a_correction_of_a_check_in_deleted_elsewhere_is_not_claimed_saved() {
        let a = builtin_check_in("a", NOW - 10, [90; 4]);
        let mut storage = Device::holding([(
            keys().history(),
            encode_history(&history(vec![a.clone()], vec![])),
        )]);
        let mut here = HistoryEngine::new(keys(), true);
        storage.sync(&mut here, NOW);
        let mut elsewhere = HistoryEngine::new(keys(), true);
        storage.sync(&mut elsewhere, NOW);
        elsewhere.delete(&a, NOW);
        storage.sync(&mut elsewhere, NOW);
        let mut corrected = a.clone();
        corrected.note = "later thoughts".into();
        // This tab's clock runs hours ahead: it makes no difference.
        corrected.edited_at_ms = Some(NOW + 10 * 3_600_000);
        here.correct(corrected);
        storage.sync(&mut here, NOW);
        assert!(here.history().is_empty());
        assert!(here
            .take_notices()
            .contains(&HistoryNotice::CorrectionOfDeleted));
        assert!(storage.main_history(&keys()).entries.is_empty());
    }

    #[test]
    fn a_correction_counts_on_from_the_devices_copy_whatever_the_clocks() {
        let a = builtin_check_in("a", NOW - 10, [90; 4]);
        let mut storage = Device::holding([(
            keys().history(),
            encode_history(&history(vec![a.clone()], vec![])),
        )]);
        let mut fast = HistoryEngine::new(keys(), true);
        let mut slow = HistoryEngine::new(keys(), true);
        storage.sync(&mut fast, NOW);
        storage.sync(&mut slow, NOW);
        let mut first = a.clone();
        first.note = "first".into();
        first.edited_at_ms = Some(NOW + 3_600_000);
        fast.correct(first);
        storage.sync(&mut fast, NOW);
        // The slow tab corrects after it, with a clock an hour behind: its correction wins.
        let mut second = a.clone();
        second.note = "second".into();
        second.edited_at_ms = Some(NOW - 3_600_000);
        slow.correct(second);
        storage.sync(&mut slow, NOW);
        storage.sync(&mut fast, NOW);
        assert_eq!(storage.main_history(&keys()).entries[0].note, "second");
        assert_eq!(fast.history()[0].note, "second");
    }

    #[test]
    fn delete_everything_is_honoured_by_a_tab_that_had_not_heard_of_it() {
        let a = builtin_check_in("a", NOW - 10, [90; 4]);
        let stale = encode_history(&history(vec![a.clone()], vec![]));
        let mut storage = Device::holding([(keys().history(), stale.clone())]);
        let mut eraser = HistoryEngine::new(keys(), true);
        let mut other = HistoryEngine::new(keys(), true);
        storage.sync(&mut eraser, NOW);
        storage.sync(&mut other, NOW);
        eraser.erase_everything();
        storage.sync(&mut eraser, NOW);
        // The other tab's stale write lands after the erasure.
        storage.0.insert(keys().history(), stale);
        storage.sync(&mut other, NOW);
        assert!(other.history().is_empty());
        assert!(other
            .take_notices()
            .contains(&HistoryNotice::ErasedElsewhere));
        assert!(storage.main_history(&keys()).entries.is_empty());
        // What it saves afterwards is kept.
        other.save(builtin_check_in("n", NOW, [70; 4]));
        storage.sync(&mut other, NOW);
        storage.sync(&mut eraser, NOW);
        assert_eq!(ids(&eraser.history()), ["n"]);
    }

    #[test]
    fn set_aside_data_is_found_by_every_later_visit() {
        let mut storage = Device::holding([(
            keys().history(),
            "{\"format\":\"alliance-checkin/hist".to_owned(),
        )]);
        let mut first = HistoryEngine::new(keys(), true);
        storage.sync(&mut first, NOW);
        assert_eq!(first.set_aside_keys().len(), 1);
        let mut later = HistoryEngine::new(keys(), true);
        storage.sync(&mut later, NOW);
        assert_eq!(later.set_aside_keys(), first.set_aside_keys());
        assert!(later.take_notices().is_empty(), "nothing new was set aside");
        let key = later.set_aside_keys()[0].clone();
        assert_eq!(
            later.forget_set_aside(&key),
            Some(StorageOp::Remove { key })
        );
        assert_eq!(
            later.forget_set_aside(&keys().history()),
            None,
            "only set-aside data"
        );
    }

    #[test]
    fn keys_of_another_namespace_are_never_ours() {
        let ours = Keys::new("a");
        assert!(!ours.owns("alliance-checkin:ab:history"));
        assert!(!ours.is_set_aside("alliance-checkin:ab:history:unreadable:1"));
        assert!(ours.is_set_aside("alliance-checkin:a:history:unreadable:1"));
        assert!(ours.is_draft("alliance-checkin:a:draft"));
        assert!(ours.is_draft("alliance-checkin:a:draft:19aa-01"));
        assert!(!ours.is_draft("alliance-checkin:a:draft:unreadable:5"));
        assert!(ours.is_beside_newer("alliance-checkin:a:history:v1-beside-newer"));
        assert!(!ours.is_beside_newer("alliance-checkin:a:history:vx-beside-newer"));
    }

    /// A sync with nothing of this page's to write (`Plan::target` is None) keeps the engine's
    /// copy of the device as it is: against every kind of main key (this generation's, an
    /// earlier one's, an older version's, unreadable, a newer version's), marker and key beside
    /// a newer history, for a page new to the device and for one that already holds check-ins,
    /// what the engine counts as saved is what the main key holds once the writes landed, and
    /// a second sync has nothing left to write.
    #[test]
    fn a_sync_with_nothing_to_write_keeps_what_the_device_holds() {
        let k = keys();
        let entry = |id: &str| builtin_check_in(id, NOW - 100, [60; 4]);
        let at = |generation: u64, ids: &[&str]| {
            let mut held = history(ids.iter().map(|id| entry(id)).collect(), vec![]);
            held.generation = generation;
            encode_history(&held)
        };
        let v2 = encode_history(&history(vec![entry("old")], vec![]))
            .replace("\"version\":3,\"generation\":0,", "\"version\":2,");
        let mains: Vec<Option<String>> = vec![
            None,
            Some(at(0, &["a", "b"])),
            Some(at(1, &["a"])),
            Some(at(2, &["a", "c"])),
            Some(v2.clone()),
            Some("{\"format\":\"alliance-checkin/history\",\"version\":3,\"entr".into()),
            Some(at(0, &["n"]).replace("\"version\":3", "\"version\":9")),
        ];
        let markers = [None, Some(1), Some(2)];
        let besides: Vec<Vec<(String, String)>> = vec![
            vec![],
            vec![(k.history_beside_newer(CURRENT_VERSION), at(2, &["s"]))],
            vec![(k.history_beside_newer(1), v2)],
        ];
        for main in &mains {
            for marker in markers {
                for beside in &besides {
                    for prior in [false, true] {
                        let mut device = Device::default();
                        let mut engine = HistoryEngine::new(k.clone(), true);
                        if prior {
                            // A page that already holds check-ins of generation 2 (and intends
                            // nothing: what it saved has landed).
                            device.0.insert(k.history(), at(2, &["p"]));
                            device.0.insert(
                                k.erased(),
                                ErasedMark {
                                    generation: 2,
                                    erased_at_ms: NOW - 1_000,
                                }
                                .encode(),
                            );
                            device.sync(&mut engine, NOW);
                            device = Device::default();
                        }
                        if let Some(main) = main {
                            device.0.insert(k.history(), main.clone());
                        }
                        if let Some(generation) = marker {
                            let mark = ErasedMark {
                                generation,
                                erased_at_ms: NOW - 1_000,
                            };
                            device.0.insert(k.erased(), mark.encode());
                        }
                        device.0.extend(beside.iter().cloned());
                        let case = format!(
                            "main {main:?}, marker {marker:?}, beside {beside:?}, prior {prior}"
                        );
                        device.sync(&mut engine, NOW);
                        let settled = device.clone();
                        device.sync(&mut engine, NOW);
                        assert_eq!(device, settled, "a second sync wrote again: {case}");
                        let main_now = device
                            .0
                            .get(&k.history())
                            .and_then(|text| decode_history(text).ok());
                        let held = match (&main_now, engine.newer_version()) {
                            (Some(main), None) => main.clone(),
                            _ => device
                                .0
                                .get(&k.history_beside_newer(CURRENT_VERSION))
                                .and_then(|text| decode_history(text).ok())
                                .unwrap_or_default(),
                        };
                        assert_eq!(engine.stored_count(), held.entries.len(), "{case}");
                        assert_eq!(
                            engine.not_saved(&held.entries),
                            Vec::<String>::new(),
                            "{case}"
                        );
                        assert_eq!(ids(&engine.history()), ids(&held.entries), "{case}");
                    }
                }
            }
        }
    }
}
