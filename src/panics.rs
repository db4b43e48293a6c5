//! Internal errors: a panic inside schemagen, caught at a statement, is reported as one line of
//! diagnostics, never as the panic hook's output (message, location, backtrace).

use std::cell::{Cell, RefCell};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Once;

thread_local! {
    /// Whether this thread is inside [`guarded`].
    static QUIET: Cell<bool> = const { Cell::new(false) };
    /// Where the last quiet panic happened.
    static WHERE: RefCell<Option<String>> = const { RefCell::new(None) };
}

static HOOK: Once = Once::new();

/// Installs (once per process) a panic hook that stays silent on threads inside [`guarded`] and
/// defers to the previous hook everywhere else.
fn install() {
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if QUIET.with(Cell::get) {
                let at = info
                    .location()
                    .map(|l| format!("{}:{}", l.file(), l.line()));
                WHERE.with(|w| *w.borrow_mut() = at);
            } else {
                previous(info);
            }
        }));
    });
}

/// A panic caught by [`guarded`]: its first line and where in schemagen it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Panic {
    /// The first line of the panic's message (`panic` when it carried none).
    pub message: String,
    /// `file:line` in schemagen's source, when the hook saw it.
    pub at: Option<String>,
}

impl std::fmt::Display for Panic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.at {
            Some(at) => write!(f, "{} (at {at})", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for Panic {}

/// Runs `f`; a panic in it is caught and returned as a [`Panic`] (one line: its message and
/// where in schemagen it happened), with nothing printed.
pub fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, Panic> {
    install();
    let before = QUIET.with(|q| q.replace(true));
    let result = catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(before));
    result.map_err(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic".to_string());
        Panic {
            message: message.lines().next().unwrap_or("").to_string(),
            at: WHERE.with(|w| w.borrow_mut().take()),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_one_line() {
        let v: Vec<u8> = Vec::new();
        let i = v.len() + 3;
        let r = guarded(|| v[i]);
        let e = r.unwrap_err().to_string();
        assert!(e.contains("index out of bounds"), "{e}");
        assert!(e.contains("src/panics.rs"), "{e}");
        assert!(!e.contains('\n'));
        assert_eq!(guarded(|| 2 + 2), Ok(4));
    }
}
