//! Everything but tables: schemas, indexes, types, domains, views, sequences, comments,
//! policies, extensions, drops and renames.

mod comment;
mod dml;
mod drop;
mod extensions;
mod indexes;
pub(crate) mod known;
mod policies;
mod privileges;
mod schemas;
mod text;
mod types;
pub(crate) mod views;

use sqlparser::ast::{ObjectName, SequenceOptions};

use super::table::{apply_sequence_options, default_sequence};
use super::{name_parts, split_name, Outcome, ReplayError, Replayer, SqlState, R};

pub(crate) use extensions::{exclusion_elements, move_extension};
pub(super) use indexes::dedupe_index_column_names;
pub(crate) use text::{
    function_call_ranges, mentions_identifier, parse_search_path_string, rename_function_calls,
    rename_identifier, set_config_search_path,
};

impl Replayer {
    /// `CREATE SEQUENCE`.
    pub(crate) fn create_sequence(
        &mut self,
        name: &ObjectName,
        if_not_exists: bool,
        options: &[SequenceOptions],
    ) -> R<Outcome> {
        let (schema, n) = split_name(name);
        let schema = self.target_schema(schema)?;
        if self.catalog.schemas[&schema].has_relation(&n) {
            if if_not_exists {
                return Ok(Outcome::Understood);
            }
            return Err(ReplayError::new(
                SqlState::DuplicateTable,
                format!("relation \"{n}\" already exists"),
            ));
        }
        let mut seq = default_sequence(&n, "int8");
        let owned = apply_sequence_options(&mut seq, options);
        seq.owned_by = self.owned_by(owned.as_ref())?;
        self.catalog
            .schemas
            .get_mut(&schema)
            .expect("schema")
            .sequences
            .insert(n, seq);
        Ok(Outcome::Understood)
    }

    /// `OWNED BY table.column` → the owning (table, column); `OWNED BY NONE` → None.
    pub(crate) fn owned_by(&self, o: Option<&ObjectName>) -> R<Option<(String, String)>> {
        let Some(o) = o else { return Ok(None) };
        let mut parts = name_parts(o);
        if parts.len() == 1 && parts[0] == "none" {
            return Ok(None);
        }
        let col = parts.pop().unwrap_or_default();
        let table = ObjectName::from(
            parts
                .into_iter()
                .map(|p| sqlparser::ast::Ident::with_quote('"', p))
                .collect::<Vec<_>>(),
        );
        let (_, t) = self.resolve_table(&table)?;
        Ok(Some((t, col)))
    }
}
