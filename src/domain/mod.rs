//! The pure domain: instruments, scoring, feedback rules, check-in records, drafts, the storage
//! codec and every user-facing string. Nothing here touches a web API; it is deterministic
//! (time is passed in) and tested on the host with `cargo test`.

pub mod backup;
pub mod builtin;
mod builtin_generated;
pub mod chart;
pub mod checkin;
pub mod codec;
pub mod colour;
pub mod crisis;
pub mod definition;
pub mod draft;
pub mod feedback;
#[cfg(test)]
pub mod fixtures;
pub mod history_engine;
pub mod instrument;
pub mod json;
pub mod preferences;
pub mod reminders;
pub mod report;
#[cfg(test)]
mod review_findings;
#[cfg(test)]
mod review_reader;
pub mod scoring;
pub mod settings;
pub mod skeleton;
mod stored;
pub mod stored_reader;
pub mod summary;
pub mod tenths;
pub mod text;
