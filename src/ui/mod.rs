//! The user interface: Leptos components that present the domain's data and call the browser
//! adapters. No scoring rule or stored format is decided here.

pub mod app;
pub mod backup_panel;
pub mod check_in_form;
pub mod draft_keeper;
pub mod history_handle;
pub mod history_list;
pub mod history_section;
pub mod likert_item;
pub mod line_item;
pub mod note_field;
pub mod notices;
pub mod parts;
pub mod result_view;
pub mod settings_panel;
pub mod summary_view;
pub mod trend_chart;
