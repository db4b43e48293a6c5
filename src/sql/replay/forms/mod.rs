//! Applying the statements schemagen's own parsers read ([`PgStatement`]): `ALTER INDEX`,
//! `ALTER SEQUENCE`, `ALTER DOMAIN`, `CREATE DOMAIN`, composite types' attributes, `SET SCHEMA`,
//! and statements that only name an object.

mod alters;
mod set_schema;
mod types;

use super::{fold, Outcome, Replayer, Stmt, R};
use crate::diagnostics::Diagnostics;
use crate::sql::parse::ast::PgStatement;

pub(crate) use alters::alter_sequence_options;

impl Replayer {
    /// Applies a statement read by schemagen's own parsers.
    pub(crate) fn apply_pg(
        &mut self,
        stmt: Stmt<'_>,
        pg: &PgStatement,
        diags: &mut Diagnostics,
    ) -> R<Outcome> {
        let _ = (stmt, &diags);
        match pg {
            PgStatement::AlterTable(at) => self.alter_table(at),
            PgStatement::AlterIndex(a) => self.alter_index_pg(a),
            PgStatement::AlterSequence(a) => self.alter_sequence(a),
            PgStatement::AlterDomain(a) => self.alter_domain(a),
            PgStatement::AlterTypeAttributes { name, actions } => {
                self.alter_type_attributes(name, actions)
            }
            PgStatement::SetSchema {
                kind,
                if_exists,
                name,
                schema,
            } => self.set_schema(kind, *if_exists, name, schema),
            PgStatement::Touch {
                kind,
                if_exists,
                name,
            } => match name {
                Some(name) => self.touch(kind, *if_exists, name),
                None => Ok(Outcome::Understood),
            },
            PgStatement::AlterExtension { name, set_schema } => {
                self.alter_extension(name, set_schema.as_ref())
            }
            PgStatement::CreateDomain(d) => {
                let checks: Vec<(Option<String>, sqlparser::ast::Expr)> = d
                    .checks
                    .iter()
                    .map(|(n, e)| (n.as_ref().map(fold), e.clone()))
                    .collect();
                self.define_domain(
                    &d.name,
                    &d.data_type,
                    d.default.as_ref(),
                    d.not_null,
                    &checks,
                )
            }
        }
    }
}
