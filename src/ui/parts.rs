//! The parts of the widget a first visit rarely needs (the summary screen, the trend chart, the
//! CSV export, the backup panel's buttons, the readers of stored data and backup files, the
//! rescue of data set aside, the reader of a practice's own questionnaire), each behind an
//! `async` function. The release build
//! (`--cfg aci_lazy`, .ci/build-release) moves each part's code out of the first download into
//! a file of its own that is fetched the first time the part is used (`.ci/split-wasm.mjs`);
//! every other build calls the same code directly. Nothing on the built-in check-in's first
//! screen (the check-in, saving, the result) waits for a part on a first visit; a page
//! configured with a practice's questionnaire waits for its reader before it shows anything,
//! and a device that holds check-ins or drafts has the stored data's reader loaded before the
//! widget starts (`crate::prepare`).
//!
//! A part that cannot be loaded (offline, and never used while online; or gone from the server
//! because a new version went live while the page was open) is an error the caller shows in
//! words: `PartUnavailable`, never a blank screen and never a crash.

#[cfg(aci_lazy)]
use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use leptos::prelude::*;

use crate::domain::backup::{export_csv, ImportError, ImportFile};
use crate::domain::chart::ChartPoint;
use crate::domain::checkin::CheckIn;
use crate::domain::definition::PracticeQuestionnaire;
use crate::domain::instrument::Instrument;
use crate::domain::settings::PracticeSettings;
use crate::domain::stored_reader::StoredReader;
use crate::domain::text::Text;
use crate::ui::backup_panel::BackupActions;
use crate::ui::summary_view::SummaryView;
use crate::ui::trend_chart::TrendChart;

/// A part of the widget could not be loaded: nothing was done, the client can try again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PartUnavailable;

#[cfg(aci_lazy)]
impl From<leptos::wasm_split::SplitLoaderError> for PartUnavailable {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        PartUnavailable
    }
}

/// `part!(file: pub fn name(args) -> T { body })` declares `async fn name(args) ->
/// Result<T, PartUnavailable>`. With `--cfg aci_lazy` its body is a split point of
/// `wasm_split` (Leptos 0.8's `#[lazy]` underneath, with load failures as errors instead of a
/// panic): the body and whatever only it uses go to the file `file`.
macro_rules! part {
    ($file:ident: $(#[$meta:meta])* pub fn $name:ident($($arg:ident: $ty:ty),* $(,)?) -> $ret:ty $body:block) => {
        $(#[$meta])*
        #[cfg(aci_lazy)]
        #[leptos::wasm_split::wasm_split($file, wasm_split_path = ::leptos::wasm_split, fallible)]
        pub fn $name($($arg: $ty),*) -> Result<$ret, PartUnavailable> {
            Ok($body)
        }

        $(#[$meta])*
        #[cfg(not(aci_lazy))]
        pub async fn $name($($arg: $ty),*) -> Result<$ret, PartUnavailable> {
            Ok($body)
        }
    };
}

part!(csv:
    /// The CSV file of `entries` for a spreadsheet, with a byte-order mark first (without it
    /// Excel on Windows reads UTF-8 as a legacy code page and garbles every accent in a note).
    pub fn csv_file(entries: Vec<CheckIn>, instrument: Arc<Instrument>) -> String {
        let mut contents = String::from('\u{feff}');
        contents.push_str(&export_csv(&entries, &instrument));
        contents
    }
);

part!(definition:
    /// A practice's questionnaire definition read in every language of the widget, or every
    /// problem found in it, each with its path (see `PracticeQuestionnaire::read`). The built-in
    /// check-in needs no reader (`domain::builtin`), so only a page configured with a practice's
    /// questionnaire loads this part, before it shows the form.
    pub fn read_questionnaire(definition: String) -> Result<PracticeQuestionnaire, Vec<String>> {
        PracticeQuestionnaire::read(&definition)
    }
);

part!(stored:
    /// The readers of the stored history and drafts and of backup files (see
    /// `domain::stored_reader`): [`stored_reader`] loads them once.
    pub fn stored_reader_part() -> StoredReader {
        StoredReader::new()
    }
);

#[cfg(aci_lazy)]
thread_local! {
    static STORED_READER: Cell<Option<StoredReader>> = const { Cell::new(None) };
    static FETCHED_FOR_NEXT_VISIT: Cell<bool> = const { Cell::new(false) };
}

/// The readers of stored data if they are loaded; a build without parts always has them.
pub fn stored_reader_if_loaded() -> Option<StoredReader> {
    #[cfg(aci_lazy)]
    let loaded = STORED_READER.get();
    #[cfg(not(aci_lazy))]
    let loaded = Some(StoredReader::new());
    loaded
}

/// The readers of stored data, loaded the first time they are asked for. (Boxed: the part's
/// loader is one state machine, not one inlined into each of the four places that await it.)
pub fn stored_reader() -> Pin<Box<dyn Future<Output = Result<StoredReader, PartUnavailable>>>> {
    Box::pin(async {
        if let Some(reader) = stored_reader_if_loaded() {
            return Ok(reader);
        }
        let reader = stored_reader_part().await?;
        #[cfg(aci_lazy)]
        STORED_READER.set(Some(reader));
        Ok(reader)
    })
}

/// Fetches the readers of stored data in the background, once per page, after this page saved
/// check-ins the next visit must read: the service worker keeps them then, so that visit reads
/// the device offline too. A first visit downloads them only after the client's first save,
/// never before the widget shows.
pub fn fetch_stored_reader_for_next_visit() {
    #[cfg(aci_lazy)]
    if STORED_READER.get().is_none() && !FETCHED_FOR_NEXT_VISIT.replace(true) {
        leptos::task::spawn_local(async {
            let _ = stored_reader().await;
        });
    }
}

/// A picked file read as a backup, or the words that say why it is not one.
pub async fn read_backup(
    contents: String,
    text: &'static Text,
) -> Result<Result<ImportFile, &'static str>, PartUnavailable> {
    let reader = stored_reader().await?;
    Ok((reader.backup)(&contents).map_err(|error| match error {
        ImportError::NotOurs(_) => text.import_not_a_backup,
        ImportError::Damaged(_) => text.import_damaged,
        ImportError::NewerVersion { .. } => text.import_newer,
    }))
}

part!(chart:
    /// The trend chart of `points` (see `TrendChart`).
    pub fn trend_chart(
        points: Vec<ChartPoint>,
        instrument: Arc<Instrument>,
        text: &'static Text,
        id_prefix: String,
    ) -> AnyView {
        view! { <TrendChart points=points instrument=instrument text=text id_prefix=id_prefix/> }
            .into_any()
    }
);

part!(summary:
    /// The summary screen (see `SummaryView`).
    pub fn summary_screen(
        instrument: Arc<Instrument>,
        entry: CheckIn,
        history: Vec<CheckIn>,
        settings: PracticeSettings,
        text: &'static Text,
        id_prefix: String,
        on_back: Callback<()>,
    ) -> AnyView {
        view! {
            <SummaryView
                instrument=instrument
                entry=entry
                history=history
                settings=settings
                text=text
                id_prefix=id_prefix
                on_back=on_back
            />
        }
        .into_any()
    }
);

/// A part's view, or the words that say it could not be loaded (in place of the part): if the
/// server answered without the part, a new version went live while the page was open (its
/// parts have other names), so the page offers to reload; otherwise the client is offline.
pub fn part_or_notice(part: Result<AnyView, PartUnavailable>, text: &'static Text) -> AnyView {
    match part {
        Ok(view) => view,
        Err(PartUnavailable) if part_gone() => view! {
            <p class="aci-notice aci-notice--error" role="alert">
                {text.part_updated}" "{reload_button(text)}
            </p>
        }
        .into_any(),
        Err(PartUnavailable) => {
            view! { <p class="aci-notice aci-notice--error" role="alert">{text.part_unavailable}</p> }
                .into_any()
        }
    }
}

/// The button that reloads the page, after a new version went live while it was open.
pub fn reload_button(text: &'static Text) -> impl IntoView {
    view! {
        <button type="button" class="aci-button" on:click=|_| {
            let _ = window().location().reload();
        }>{text.part_reload}</button>
    }
}

/// Whether a part's request was answered without the part (`aciPartGone`, set by the parts'
/// JS module, .ci/split-wasm.mjs): a 404, or a host's page for any missing name.
pub fn part_gone() -> bool {
    js_sys::Reflect::get(&js_sys::global(), &"aciPartGone".into())
        .is_ok_and(|gone| gone.is_truthy())
}

part!(rescue:
    /// The rescue of data set aside (see `notices::UnreadableData`).
    pub fn rescue_rows(keys: Vec<String>, text: &'static Text) -> AnyView {
        crate::ui::notices::rescue_rows_view(keys, text)
    }
);

part!(backup:
    /// The backup panel's buttons (see `backup_panel::backup_actions_view`): most visits never
    /// open the panel.
    pub fn backup_actions(actions: BackupActions) -> AnyView {
        crate::ui::backup_panel::backup_actions_view(actions)
    }
);
