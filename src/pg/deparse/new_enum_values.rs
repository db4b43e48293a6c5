//! Enum labels added in the transaction being replayed (`ALTER TYPE … ADD VALUE`). PostgreSQL
//! 15 refuses to read such a label (`enum_in`) until the transaction commits: "unsafe use of new
//! value" (55P04), raised while a statement is analysed, as its constants are coerced. The
//! replayer names the labels for one statement ([`watch`]); the coercion of a constant to an
//! enum type reports the first one it meets ([`note`]).

use std::cell::RefCell;

use super::typesys::Ty;

/// `(schema, enum type, label)`.
pub(crate) type NewEnumValue = (String, String, String);

struct Watch {
    values: Vec<NewEnumValue>,
    hit: Option<NewEnumValue>,
}

thread_local! {
    static WATCH: RefCell<Option<Watch>> = const { RefCell::new(None) };
}

/// Runs `f` (the replay of one statement) with `values` watched: returns what it returned and
/// the first watched label a constant was coerced to. Nested calls watch nothing more.
pub(crate) fn watch<T>(
    values: &[NewEnumValue],
    f: impl FnOnce() -> T,
) -> (T, Option<NewEnumValue>) {
    let outer = WATCH.with(|w| w.borrow().is_some());
    if outer || values.is_empty() {
        return (f(), None);
    }
    WATCH.with(|w| {
        *w.borrow_mut() = Some(Watch {
            values: values.to_vec(),
            hit: None,
        })
    });
    // Cleared also when `f` unwinds (the replay catches panics per statement).
    struct Clear;
    impl Drop for Clear {
        fn drop(&mut self) {
            WATCH.with(|w| *w.borrow_mut() = None);
        }
    }
    let clear = Clear;
    let out = f();
    let hit = WATCH.with(|w| w.borrow_mut().as_mut().and_then(|w| w.hit.take()));
    drop(clear);
    (out, hit)
}

/// A constant `value` coerced to `ty` (an enum, or an array of one: its elements).
pub(crate) fn note(ty: &Ty, value: &str) {
    WATCH.with(|w| {
        let mut w = w.borrow_mut();
        let Some(w) = w.as_mut() else {
            return;
        };
        if w.hit.is_some() {
            return;
        }
        let of_type = |v: &&NewEnumValue| v.0 == ty.schema && v.1 == ty.name;
        if !w.values.iter().any(|v| of_type(&v)) {
            return;
        }
        let labels: Vec<String> = if ty.array {
            value
                .trim()
                .trim_start_matches('{')
                .trim_end_matches('}')
                .split(',')
                .map(|e| e.trim().trim_matches('"').to_string())
                .collect()
        } else {
            vec![value.to_string()]
        };
        w.hit = w
            .values
            .iter()
            .filter(of_type)
            .find(|v| labels.contains(&v.2))
            .cloned();
    });
}
