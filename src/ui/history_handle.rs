//! The history engine as the page's components reach it: one engine per widget, provided once
//! as context. Components read it (tracked, so they re-render when it changes) and hand it the
//! client's intents; every intent is written at once inside the Web Lock, and every other tab's
//! write (a `storage` event) or a return to the tab (`visibilitychange`) syncs it again.
//!
//! A sync that finds text only the stored data's reader reads while that part is not loaded
//! (another tab wrote during a first visit) writes nothing: it loads the part and syncs again,
//! and whatever the client did meanwhile is written then, its `done` run only then. If the
//! part cannot be had, the client is told, and every later sync tries again. The first write
//! that lands fetches the part in the background, for the next visit.

use leptos::{ev, prelude::*};

use crate::browser::clock::{mark, now_ms};
use crate::browser::durability::with_exclusive_lock;
use crate::browser::storage::{perform, read_snapshot, LocalStore};
use crate::domain::history_engine::{HistoryEngine, HistoryNotice, StorageOp};
use crate::ui::notices::{push_notice, Notice};
use crate::ui::parts::{
    fetch_stored_reader_for_next_visit, stored_reader, stored_reader_if_loaded,
};

/// What to do once a write's outcome is known.
type Done = Box<dyn FnOnce(&mut HistoryEngine)>;

/// The widget's history engine, its change counter and the notices it raises.
#[derive(Clone, Copy)]
pub struct HistoryHandle {
    engine: StoredValue<HistoryEngine>,
    changed: RwSignal<u64>,
    notices: RwSignal<Vec<Notice>>,
    /// Runs when the client deleted everything in another tab (the page clears its own state).
    on_erased_elsewhere: StoredValue<Option<Callback<()>>>,
    /// What to run once the syncs that waited for the stored data's reader are done: not
    /// empty exactly while the reader is being loaded.
    waiting: StoredValue<Vec<Done>, LocalStorage>,
}

impl HistoryHandle {
    /// Makes the handle, reads the device once, and follows other tabs' writes from then on.
    pub fn start(engine: HistoryEngine, notices: RwSignal<Vec<Notice>>) -> Self {
        let handle = HistoryHandle {
            engine: StoredValue::new(engine),
            changed: RwSignal::new(0),
            notices,
            on_erased_elsewhere: StoredValue::new(None),
            waiting: StoredValue::new_local(Vec::new()),
        };
        mark("aci-history-read-start");
        handle.sync_now(Box::new(|_| {}));
        mark("aci-history-read-end");
        let storage = window_event_listener(ev::storage, move |event| {
            let concerns = handle
                .engine
                .with_value(|engine| engine.keys().concerns_history(event.key().as_deref()));
            if concerns {
                handle.sync();
            }
        });
        // A phone freezes background tabs; their storage events may arrive late or never.
        let visible = window_event_listener(ev::visibilitychange, move |_| handle.sync());
        on_cleanup(move || {
            storage.remove();
            visible.remove();
        });
        handle
    }

    /// What to run when another tab deleted everything.
    pub fn on_erased_elsewhere(&self, callback: Callback<()>) {
        self.on_erased_elsewhere.set_value(Some(callback));
    }

    /// Reads the engine; the calling view or effect re-runs when it changes.
    pub fn read<T>(&self, read: impl FnOnce(&HistoryEngine) -> T) -> T {
        self.changed.track();
        self.engine.with_value(read)
    }

    /// Reads the engine without subscribing (for event handlers).
    pub fn read_untracked<T>(&self, read: impl FnOnce(&HistoryEngine) -> T) -> T {
        self.engine.with_value(read)
    }

    /// Records the client's intent now, then writes it (inside the Web Lock, against what
    /// storage holds at that moment); `done` runs once the write's outcome is known.
    pub fn change(
        &self,
        intent: impl FnOnce(&mut HistoryEngine),
        done: impl FnOnce(&mut HistoryEngine) + 'static,
    ) {
        self.engine.update_value(intent);
        // One code path for every caller (boxed): each generic copy costs download bytes.
        self.write(Box::new(done));
    }

    fn write(&self, done: Done) {
        self.changed.update(|count| *count += 1);
        let handle = *self;
        with_exclusive_lock(&self.lock_name(), move || handle.sync_now(done));
    }

    /// Reads the device and writes what this page intends (after another tab's write).
    pub fn sync(&self) {
        self.write(Box::new(|_| {}));
    }

    /// Removes one storage key the engine agrees to forget (rescued unreadable data).
    pub fn forget(&self, key: &str) {
        let op = self
            .engine
            .try_update_value(|engine| engine.forget_set_aside(key))
            .flatten();
        if let Some(op) = op {
            let removed = LocalStore::open()
                .map_err(|error| (0, error))
                .and_then(|store| perform(&store, std::slice::from_ref::<StorageOp>(&op)));
            if let Err((_, error)) = removed {
                push_notice(self.notices, Notice::of_storage_error(&error));
            }
            self.changed.update(|count| *count += 1);
        }
    }

    fn lock_name(&self) -> String {
        self.engine.with_value(|engine| engine.keys().history())
    }

    fn sync_now(&self, done: Done) {
        let reader = stored_reader_if_loaded();
        let synced = self.engine.try_update_value(|engine| {
            let waits = match LocalStore::open().and_then(|store| {
                let snapshot = read_snapshot(&store, engine.keys())?;
                Ok((store, snapshot))
            }) {
                Ok((store, snapshot)) => {
                    let plan = engine.plan(&snapshot, now_ms(), reader.as_ref());
                    let waits = plan.waits_for_reader();
                    let wrote = !plan.ops.is_empty();
                    let outcome = perform(&store, &plan.ops);
                    if wrote && outcome.is_ok() {
                        fetch_stored_reader_for_next_visit();
                    }
                    engine.finish(plan, outcome);
                    waits
                }
                Err(error) => {
                    engine.storage_unreachable(error);
                    false
                }
            };
            (waits, engine.take_notices())
        });
        let Some((waits, notices)) = synced else {
            return;
        };
        if waits {
            let loading = self.waiting.with_value(|waiting| !waiting.is_empty());
            self.waiting.update_value(|waiting| waiting.push(done));
            if !loading {
                self.load_reader();
            }
        } else {
            self.finish_sync(notices, done);
        }
    }

    /// Loads the stored data's reader, then syncs again; or, if it cannot be had, says so and
    /// runs what waited (the intents stay for the next sync, which tries again).
    fn load_reader(&self) {
        let handle = *self;
        leptos::task::spawn_local(async move {
            let loaded = stored_reader().await;
            // The widget may be gone by now (unmounted while the part loaded).
            if handle.engine.is_disposed() {
                return;
            }
            let waited = handle.waiting.try_update_value(std::mem::take);
            let done: Done = Box::new(move |engine| {
                for done in waited.into_iter().flatten() {
                    done(engine);
                }
            });
            if loaded.is_ok() {
                // What said the check-ins cannot be read yet no longer holds.
                handle.notices.update(|shown| {
                    shown.retain(|notice| {
                        !matches!(notice, Notice::ReaderUnavailable | Notice::ReaderGone)
                    })
                });
                with_exclusive_lock(&handle.lock_name(), move || handle.sync_now(done));
            } else {
                let notices = handle.engine.try_update_value(|engine| {
                    engine.reader_unavailable();
                    engine.take_notices()
                });
                handle.finish_sync(notices.unwrap_or_default(), done);
            }
        });
    }

    fn finish_sync(&self, notices: Vec<HistoryNotice>, done: Done) {
        // The page learns of an erasure elsewhere before it shows what the client just did
        // (a check-in finished after the erasure is shown, not cleared away with the rest).
        for notice in notices {
            if notice == HistoryNotice::ErasedElsewhere {
                if let Some(callback) = self.on_erased_elsewhere.get_value() {
                    callback.run(());
                }
            }
            push_notice(self.notices, Notice::of_history(&notice));
        }
        self.engine.update_value(done);
        self.changed.update(|count| *count += 1);
    }
}
