//! @generated from src/instruments/alliance-checkin.json by `generated_source` in
//! builtin.rs, never by hand: `UPDATE_EXPECT=1 cargo test --lib builtin` writes it
//! again, and a test fails while it differs from what the JSON gives. The built-in
//! check-in as the definition reader reads it, in every language of the widget, so
//! the widget does not need that reader for it.

#[allow(unused_imports)]
use super::instrument::{CeilingRule, Instrument, Item, Scale, Scoring, Subscale, Thresholds};
#[allow(unused_imports)]
use super::tenths::Tenths;

/// The texts that differ between languages, per language (in `CATALOGUES`' order).
#[rustfmt::skip]
const TEXTS: [[&str; 18]; 2] = [
    // en
    [
        "Session check-in",
        "The format (four 0-10 lines, a total out of 40) and the thresholds follow the conventions of the Session Rating Scale (Duncan, Miller et al., 2003) and PCOMS; the wording is our own. Those thresholds were set for the SRS's wording and are not validated for ours. Not affiliated with the scale's authors.",
        "Connection",
        "Today, with my therapist…",
        "I held back, in case I was judged",
        "I could be open without feeling judged",
        "Topics",
        "What we worked on today…",
        "was decided without me",
        "was something I had a real say in",
        "Way of working",
        "The way we worked today…",
        "didn't make sense to me",
        "made sense to me",
        "Overall",
        "Looking back on today's session…",
        "it wasn't worth my time",
        "it was time well spent",
    ],
    // es
    [
        "Valoración de la sesión",
        "El formato (cuatro líneas de 0 a 10, un total sobre 40) y los umbrales siguen las convenciones de la Session Rating Scale (Duncan, Miller et al., 2003) y de PCOMS; la redacción es nuestra. Esos umbrales se fijaron para la redacción de la SRS y no están validados para la nuestra. Sin relación con los autores de la escala.",
        "Conexión",
        "Hoy, con mi terapeuta…",
        "me guardé cosas por miedo a que me juzgara",
        "pude abrirme sin miedo a que me juzgara",
        "Temas",
        "Lo que trabajamos hoy…",
        "se decidió sin contar conmigo",
        "lo decidimos contando conmigo",
        "Forma de trabajar",
        "La forma en que trabajamos hoy…",
        "no tenía sentido para mí",
        "tenía sentido para mí",
        "En general",
        "Pensando en la sesión de hoy…",
        "no valió la pena",
        "fue un tiempo bien aprovechado",
    ],
];

/// The built-in check-in worded in `language`, one of the widget's language tags
/// (any other gets the first language's words).
#[rustfmt::skip]
pub(super) fn instrument_in(language: &str) -> Instrument {
    let t = match language {
        "es" => &TEXTS[1],
        _ => &TEXTS[0],
    };
    Instrument {
        id: "builtin.alliance-checkin".into(),
        version: 2,
        compares_with: vec![1],
        title: t[0].into(),
        language: None,
        attribution: Some(t[1].into()),
        items: vec![
            Item {
                id: "connection".into(),
                title: t[2].into(),
                prompt: t[3].into(),
                scale: Scale::VisualAnalogue { low_label: t[4].into(), high_label: t[5].into() },
                reverse: false,
            },
            Item {
                id: "focus".into(),
                title: t[6].into(),
                prompt: t[7].into(),
                scale: Scale::VisualAnalogue { low_label: t[8].into(), high_label: t[9].into() },
                reverse: false,
            },
            Item {
                id: "way-of-working".into(),
                title: t[10].into(),
                prompt: t[11].into(),
                scale: Scale::VisualAnalogue { low_label: t[12].into(), high_label: t[13].into() },
                reverse: false,
            },
            Item {
                id: "overall".into(),
                title: t[14].into(),
                prompt: t[15].into(),
                scale: Scale::VisualAnalogue { low_label: t[16].into(), high_label: t[17].into() },
                reverse: false,
            },
        ],
        subscales: vec![
        ],
        scoring: Scoring::Sum,
        thresholds: Thresholds { total_below: Some(Tenths(360)), item_below: Some(Tenths(75)), item_same_band: Tenths(5), total_same_band: Tenths(20), total_drop: Some(Tenths(20)), item_drop: Some(Tenths(10)), ceiling: Some(CeilingRule { item_at_least: Tenths(95), run_length: 3 }) },
    }
}
