//! Thin browser adapters: the only code that touches web APIs (storage, clock, randomness).
//! Each returns typed errors for the UI to explain; none of them panics on a browser refusal.

pub mod clock;
pub mod durability;
pub mod files;
pub mod focus;
pub mod host;
pub mod ids;
pub mod sharing;
pub mod storage;
