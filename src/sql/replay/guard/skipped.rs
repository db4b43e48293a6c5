//! Statements that were not understood, indexed by the names they mention, so an error that
//! follows from one ("relation \"private.inventory_units\" does not exist" after the `DO` block
//! that would have moved it was skipped) can say so.

use std::collections::HashMap;

/// Names mentioned by skipped statements → where the latest such statement is.
#[derive(Debug, Clone, Default)]
pub(crate) struct Skipped {
    by_name: HashMap<String, usize>,
    locations: Vec<String>,
}

/// Identifier-like words of a text (string literals included: dynamic SQL names objects in
/// strings), lower-cased; short words are left out.
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
        .filter(|w| w.len() >= 3 && !w.chars().all(|c| c.is_ascii_digit()))
        .map(|w| w.to_lowercase())
}

impl Skipped {
    /// Records a statement that was not understood, at `location` (`file:line:col`).
    pub(crate) fn record(&mut self, location: String, text: &str) {
        let id = self.locations.len();
        self.locations.push(location);
        for w in words(text) {
            self.by_name.insert(w, id);
        }
    }

    /// For an error naming an object that does not exist (or already does), the skipped
    /// statement that probably explains it.
    pub(crate) fn explain(&self, message: &str) -> Option<String> {
        if self.locations.is_empty()
            || !(message.contains("does not exist") || message.contains("already exists"))
        {
            return None;
        }
        // Quoted names in the message, most specific (the object itself) first.
        let mut names: Vec<&str> = message.split('"').skip(1).step_by(2).collect();
        names.sort_by_key(|n| std::cmp::Reverse(n.len()));
        for n in names {
            let last = n.rsplit('.').next().unwrap_or(n).to_lowercase();
            if let Some(&id) = self.by_name.get(&last) {
                return Some(format!(
                    "probably because the statement at {} was not understood",
                    self.locations[id]
                ));
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explains_errors_about_names_a_skipped_statement_mentions() {
        let mut s = Skipped::default();
        s.record(
            "m.sql:3:1".into(),
            "DO $$ BEGIN FOREACH t IN ARRAY ARRAY['inventory_units'] LOOP … END $$",
        );
        assert_eq!(
            s.explain("relation \"private.inventory_units\" does not exist")
                .as_deref(),
            Some("probably because the statement at m.sql:3:1 was not understood")
        );
        assert_eq!(s.explain("relation \"other\" does not exist"), None);
        assert_eq!(s.explain("syntax error"), None);
    }
}
