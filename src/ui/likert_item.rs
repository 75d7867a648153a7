//! One Likert item: a native `<fieldset>` whose `<legend>` is the item's title and prompt, and one
//! native radio per point with its label always visible. Radios are keyboard operable as a
//! group (Tab in, arrow keys choose), each option is a 44 px target that wraps at 320 px, and
//! nothing is pre-selected. The chosen point's value (`first_value`, `first_value + 1`, …) goes
//! in the same signal a line's tenths go in, so the form, drafts and scoring treat both alike.

use leptos::prelude::*;

use crate::domain::instrument::{Item, Scale};
use crate::domain::text::Text;

/// A Likert item.
#[component]
pub fn LikertItem(
    /// The item to present; its scale must be a Likert scale.
    item: Item,
    /// The chosen point's value; `None` until the client chooses one.
    value: RwSignal<Option<u16>>,
    /// Prefix that makes element ids and the radios' `name` unique on the page (several
    /// widgets may share one).
    id_prefix: String,
    /// The language's strings.
    text: &'static Text,
) -> impl IntoView {
    let (labels, first_value) = match item.scale {
        Scale::Likert {
            labels,
            first_value,
        } => (labels, first_value),
        Scale::VisualAnalogue { .. } => (Vec::new(), 0),
    };
    let name = format!("{id_prefix}-item-{}", item.id);
    let options = labels
        .into_iter()
        .zip(first_value..)
        .map(|(label, point)| {
            let id = format!("{name}-{point}");
            let label_for = id.clone();
            view! {
                <label class="aci-likert__option" for=label_for>
                    <input
                        type="radio"
                        class="aci-likert__input"
                        id=id
                        name=name.clone()
                        value=point.to_string()
                        prop:checked=move || value.get() == Some(point)
                        on:change=move |_| value.set(Some(point))
                    />
                    <span class="aci-likert__label">{label}</span>
                </label>
            }
        })
        .map(IntoAny::into_any)
        .collect_view();

    view! {
        <div class=move || {
            // One class binding, not a `class:` toggle: it shares the code of the other
            // string bindings (see `ui::reactive`).
            if value.get().is_some() { "aci-item aci-likert aci-item--answered" } else { "aci-item aci-likert" }.to_owned()
        }>
            <fieldset class="aci-likert__group">
                <legend class="aci-likert__legend">
                    <span class="aci-item__head">
                        <span class="aci-item__title">{item.title}</span>
                        <span class="aci-item__value" aria-hidden="true">
                            {move || value.get().map_or(text.not_answered_short, |_| "").to_owned()}
                        </span>
                    </span>
                    <span class="aci-item__prompt aci-likert__prompt">{item.prompt}</span>
                </legend>
                <div class="aci-likert__options">{options}</div>
            </fieldset>
        </div>
    }
}
