//! What depends on a column or a relation, as PostgreSQL records it in `pg_depend`: a view
//! depends on the relations and columns its query reads, a policy on the columns and relations
//! its expressions read. While they exist, PostgreSQL refuses to drop those (without `CASCADE`,
//! which drops the views and policies too) and to change such a column's type. Only what replay
//! modelled is known: a view or policy whose query it could not analyse never stops a
//! statement.

use super::policies::Key;
use super::table::depends_error;
use super::{ReplayError, Replayer, SqlState, R};

impl Replayer {
    /// The views `(schema, name)` whose query reads column `col` of `schema.rel`, in a fixed
    /// order.
    fn views_reading_column(&self, schema: &str, rel: &str, col: &str) -> Vec<(String, String)> {
        let target = (schema.to_string(), rel.to_string());
        let mut out: Vec<(String, String)> = self
            .views
            .iter()
            .filter(|(_, v)| v.relations.contains(&target))
            .filter(|(_, v)| {
                v.analysed
                    .as_ref()
                    .is_some_and(|a| a.reads_column(schema, rel, col))
            })
            .map(|(k, _)| k.clone())
            .collect();
        out.sort();
        out
    }

    /// `ALTER COLUMN … TYPE` on column `col` of `schema.table`: refused while a view or a
    /// policy reads the column (even for the same type), as PostgreSQL refuses it.
    pub(crate) fn column_type_can_change(&self, schema: &str, table: &str, col: &str) -> R<()> {
        if let Some((_, v)) = self.views_reading_column(schema, table, col).first() {
            return Err(ReplayError::new(
                SqlState::FeatureNotSupported,
                format!(
                    "cannot alter type of a column used by a view or rule (view {v} depends on column \"{col}\")"
                ),
            ));
        }
        if let Some((_, t, p)) = self.policies_reading_column(schema, table, col).first() {
            return Err(ReplayError::new(
                SqlState::FeatureNotSupported,
                format!(
                    "cannot alter type of a column used in a policy definition (policy {p} on table {t} depends on column \"{col}\")"
                ),
            ));
        }
        let t = &self.catalog.schemas[schema].tables[table];
        if let Some(g) = t.columns.iter().find(|c| {
            c.name != col
                && c.generated
                    .as_deref()
                    .is_some_and(|e| super::objects::mentions_identifier(e, col, ""))
        }) {
            return Err(ReplayError::new(
                SqlState::FeatureNotSupported,
                format!(
                    "cannot alter type of a column used by a generated column (column \"{col}\" is used by generated column \"{}\")",
                    g.name
                ),
            ));
        }
        Ok(())
    }

    /// `DROP COLUMN col` of `schema.table`: the views and policies reading it stop the statement
    /// (naming the first) or, with `CASCADE`, are dropped.
    pub(crate) fn drop_column_dependents(
        &mut self,
        schema: &str,
        table: &str,
        col: &str,
        cascade: bool,
    ) -> R<()> {
        let views = self.views_reading_column(schema, table, col);
        // A policy on the table itself reading only this column goes with it too in PostgreSQL
        // only under CASCADE: it depends on the column like any other.
        let policies = self.policies_reading_column(schema, table, col);
        let what = format!("column {col} of table {table}");
        self.drop_dependents(&what, views, policies, cascade)
    }

    /// `DROP TABLE|VIEW schema.rel`: the views and the policies of other tables that read it
    /// stop the statement (naming the first) or, with `CASCADE`, are dropped. `dropping`: every
    /// relation the statement drops (a dependent among them is no obstacle).
    pub(crate) fn drop_relation_dependents(
        &mut self,
        kind: &str,
        schema: &str,
        rel: &str,
        dropping: &[(String, String)],
        cascade: bool,
    ) -> R<()> {
        let target = (schema.to_string(), rel.to_string());
        let mut views: Vec<(String, String)> = self
            .views
            .iter()
            .filter(|(k, v)| **k != target && v.relations.contains(&target))
            .map(|(k, _)| k.clone())
            .filter(|k| !dropping.contains(k))
            .collect();
        views.sort();
        let policies: Vec<Key> = self
            .policies_reading_relation(schema, rel)
            .into_iter()
            .filter(|(s, t, _)| !dropping.contains(&(s.clone(), t.clone())))
            .collect();
        self.drop_dependents(&format!("{kind} {rel}"), views, policies, cascade)
    }

    fn drop_dependents(
        &mut self,
        what: &str,
        views: Vec<(String, String)>,
        policies: Vec<Key>,
        cascade: bool,
    ) -> R<()> {
        if !cascade {
            if let Some((_, v)) = views.first() {
                return Err(depends_error(what, &format!("view {v}")));
            }
            if let Some((_, t, p)) = policies.first() {
                return Err(depends_error(what, &format!("policy {p} on table {t}")));
            }
            return Ok(());
        }
        for (s, v) in views {
            if let Some(schema) = self.catalog.schemas.get_mut(&s) {
                schema.views.remove(&v);
            }
        }
        for key in &policies {
            self.drop_policy_cascaded(key);
        }
        // Views reading the dropped views go too.
        self.prune_views();
        Ok(())
    }
}
