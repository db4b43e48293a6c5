//! `CREATE`/`ALTER VIEW` (and materialized views), their queries, options and columns.

use sqlparser::ast::{AlterViewOperation, CreateView, Expr, ObjectName, SqlOption, Value};

use crate::catalog::View;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::pg::deparse::{stored_default, view_query};
use crate::sql::replay::views::ViewState;
use crate::sql::replay::{
    fold, name_parts, split_name, undefined_relation, Outcome, ReplayError, Replayer, SqlState,
    Stmt, R,
};

impl Replayer {
    /// `CREATE [OR REPLACE] [MATERIALIZED] VIEW`.
    pub(crate) fn create_view(
        &mut self,
        stmt: Stmt<'_>,
        v: &CreateView,
        diags: &mut Diagnostics,
    ) -> R<Outcome> {
        if v.temporary {
            let (_, name) = split_name(&v.name);
            self.temp_relations.insert(name);
            return Ok(Outcome::PassedOver);
        }
        let (schema, n) = split_name(&v.name);
        let schema = self.target_schema(schema)?;
        let s = &self.catalog.schemas[&schema];
        if s.views.contains_key(&n) {
            if v.if_not_exists {
                return Ok(Outcome::Understood);
            }
            if !v.or_replace {
                return Err(ReplayError::new(
                    SqlState::DuplicateTable,
                    format!("relation \"{n}\" already exists"),
                ));
            }
        } else if s.has_relation(&n) {
            return Err(ReplayError::new(
                SqlState::DuplicateTable,
                format!("relation \"{n}\" already exists"),
            ));
        }
        let options = match &v.options {
            sqlparser::ast::CreateTableOptions::With(o) => view_options(o),
            _ => Vec::new(),
        };
        let names: Vec<String> = v.columns.iter().map(|c| fold(&c.name)).collect();
        let old = self.catalog.schemas[&schema].views.get(&n);
        let (definition, columns, state) = self.view_query(&v.query, &names, old, &n, stmt, diags);
        storable_columns(&columns)?;
        distinct_column_names(&columns)?;
        let old = self.catalog.schemas[&schema].views.get(&n);
        if let Some(old) = old {
            // What `CREATE OR REPLACE VIEW` may not change (`checkViewColumns`); types are
            // compared only where both were inferred.
            let old_typed = self
                .views
                .get(&(schema.clone(), n.clone()))
                .is_some_and(|s| s.typed);
            replaced_view_columns(&old.columns, &columns, old_typed && state.typed)?;
        }
        let view = View {
            name: n.clone(),
            materialized: v.materialized,
            definition,
            columns,
            indexes: old.map(|old| old.indexes.clone()).unwrap_or_default(),
            options,
            comment: old.and_then(|old| old.comment.clone()),
            row_order: 0,
        };
        self.catalog
            .schemas
            .get_mut(&schema)
            .expect("schema")
            .views
            .insert(n.clone(), view);
        self.view_row_written(&schema, &n);
        self.remember_view(&schema, &n, state);
        Ok(Outcome::Understood)
    }

    /// A view's definition, columns and dependencies from its query (see [`view_query`]); the
    /// comments of columns the view already had (`CREATE OR REPLACE`) are kept. Columns whose
    /// type could not be inferred are reported.
    fn view_query(
        &self,
        query: &sqlparser::ast::Query,
        names: &[String],
        old: Option<&View>,
        view: &str,
        stmt: Stmt<'_>,
        diags: &mut Diagnostics,
    ) -> (String, Vec<crate::catalog::Column>, ViewState) {
        let ctx = self.expr_ctx(&[]);
        let shape = view_query(query, names, &ctx);
        if shape.columns.is_empty() {
            diags.push(
                Diagnostic::warning(
                    format!("the columns of view \"{view}\" could not be inferred"),
                    Some(stmt.raw.span),
                )
                .with_label(format!("in `{}`", stmt.head())),
            );
        } else if !shape.untyped.is_empty() {
            diags.push(
                Diagnostic::warning(
                    format!(
                        "the type of view column(s) {} of \"{view}\" could not be inferred; \
                         they are given type text",
                        shape
                            .untyped
                            .iter()
                            .map(|c| format!("\"{c}\""))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    Some(stmt.raw.span),
                )
                .with_label(format!("in `{}`", stmt.head())),
            );
        }
        let mut columns = shape.columns;
        if let Some(old) = old {
            for c in &mut columns {
                if let Some(o) = old.columns.iter().find(|o| o.name == c.name) {
                    c.comment = o.comment.clone();
                }
            }
        }
        let definition = shape.definition.unwrap_or_else(|| query.to_string());
        let state = ViewState {
            analysed: shape.analysed,
            relations: shape.relations,
            typed: shape.untyped.is_empty() && !columns.is_empty(),
        };
        (definition, columns, state)
    }

    /// `ALTER VIEW`.
    pub(crate) fn alter_view(
        &mut self,
        stmt: Stmt<'_>,
        a: &sqlparser::ast::AlterView,
        diags: &mut Diagnostics,
    ) -> R<Outcome> {
        let (schema, n) = split_name(&a.name);
        let Some(schema) = self.find_in_path(schema.as_deref(), &|s| s.views.contains_key(&n))
        else {
            if a.if_exists {
                return Ok(Outcome::Understood);
            }
            return Err(undefined_relation(schema.as_deref(), &n));
        };
        match &a.operation {
            AlterViewOperation::RenameTo { new_name } => {
                let old = ObjectName::from(vec![
                    sqlparser::ast::Ident::with_quote('"', schema.clone()),
                    sqlparser::ast::Ident::with_quote('"', n.clone()),
                ]);
                self.rename_relation(&old, new_name, false)?;
            }
            AlterViewOperation::RenameColumn {
                old_column_name,
                new_column_name,
            } => {
                self.rename_view_column(
                    &schema,
                    &n,
                    &fold(old_column_name),
                    &fold(new_column_name),
                )?;
            }
            AlterViewOperation::SetOptions { options } => {
                self.set_view_options(&schema, &n, view_options(options), &[]);
            }
            AlterViewOperation::ResetOptions { options } => {
                let keys: Vec<String> = options.iter().map(fold).collect();
                self.set_view_options(&schema, &n, Vec::new(), &keys);
            }
            AlterViewOperation::SetSchema { schema_name } => {
                let target = schema_name.0.last().and_then(|p| p.as_ident()).cloned();
                let old = ObjectName::from(vec![
                    sqlparser::ast::Ident::with_quote('"', schema.clone()),
                    sqlparser::ast::Ident::with_quote('"', n.clone()),
                ]);
                if let Some(target) = target {
                    return self.set_schema("view", false, &old, &target);
                }
            }
            AlterViewOperation::AlterColumn { column_name, op } => {
                self.alter_view_column(&schema, &n, &fold(column_name), op)?;
            }
            AlterViewOperation::As { query, columns, .. } => {
                let names: Vec<String> = columns.iter().map(fold).collect();
                let old = &self.catalog.schemas[&schema].views[&n];
                let (definition, columns, state) =
                    self.view_query(query, &names, Some(old), &n, stmt, diags);
                self.remember_view(&schema, &n, state);
                let v = self.view_mut(&schema, &n);
                v.definition = definition;
                v.columns = columns;
            }
            _ => {}
        }
        Ok(Outcome::Understood)
    }

    /// `ALTER VIEW v ALTER COLUMN c SET DEFAULT e | DROP DEFAULT` (also spelt `ALTER TABLE`):
    /// the default INSERTs through the view use. Other column changes are refused on a view.
    pub(crate) fn alter_view_column(
        &mut self,
        schema: &str,
        view: &str,
        col: &str,
        op: &sqlparser::ast::AlterColumnOperation,
    ) -> R<()> {
        use sqlparser::ast::AlterColumnOperation as Op;
        let Some(v) = self.catalog.schemas[schema].views.get(view) else {
            return Err(undefined_relation(Some(schema), view));
        };
        let Some(column) = v.columns.iter().find(|c| c.name == col) else {
            return Err(ReplayError::new(
                SqlState::UndefinedColumn,
                format!("column \"{col}\" of relation \"{view}\" does not exist"),
            ));
        };
        let default = match op {
            Op::SetDefault { value } => {
                stored_default(value, &column.ty, &self.table_ctx(schema, view, &v.columns))
            }
            Op::DropDefault => None,
            _ => {
                return Err(ReplayError::new(
                    SqlState::InvalidDefinition,
                    format!("\"{view}\" is not a table"),
                ))
            }
        };
        let v = self
            .catalog
            .view_mut(schema, view)
            .ok_or_else(|| undefined_relation(Some(schema), view))?;
        if let Some(c) = v.columns.iter_mut().find(|c| c.name == col) {
            c.default = default;
        }
        Ok(())
    }

    /// `ALTER VIEW v RENAME COLUMN old TO new` (also spelt `ALTER TABLE`).
    pub(crate) fn rename_view_column(
        &mut self,
        schema: &str,
        view: &str,
        old: &str,
        new: &str,
    ) -> R<()> {
        let v = self
            .catalog
            .view_mut(schema, view)
            .ok_or_else(|| undefined_relation(Some(schema), view))?;
        if v.columns.iter().any(|c| c.name == new) {
            return Err(ReplayError::new(
                SqlState::DuplicateColumn,
                format!("column \"{new}\" of relation \"{view}\" already exists"),
            ));
        }
        let Some(c) = v.columns.iter_mut().find(|c| c.name == old) else {
            return Err(ReplayError::new(
                SqlState::UndefinedColumn,
                format!("column \"{old}\" does not exist"),
            ));
        };
        c.name = new.to_string();
        self.column_renamed(schema, view, old, new);
        Ok(())
    }
}

/// `WITH (security_invoker = true)` → `["security_invoker=true"]`.
pub(crate) fn view_options(o: &[SqlOption]) -> Vec<String> {
    let out: Vec<String> = o
        .iter()
        .filter_map(|o| match o {
            SqlOption::KeyValue { key, value } => {
                let v = match value {
                    Expr::Value(v) => match &v.value {
                        Value::Boolean(b) => b.to_string(),
                        Value::SingleQuotedString(s) => s.clone(),
                        other => other.to_string(),
                    },
                    Expr::Identifier(id) => id.value.to_ascii_lowercase(),
                    other => other.to_string(),
                };
                Some(format!("{}={}", name_parts(key).join("."), v))
            }
            // A boolean parameter without a value is true.
            SqlOption::Ident(key) => Some(format!("{}=true", name_parts(key).join("."))),
            _ => None,
        })
        .collect();
    out
}

/// A relation's column names are distinct ("column specified more than once").
pub(crate) fn distinct_column_names(columns: &[crate::catalog::Column]) -> R<()> {
    let mut seen = std::collections::HashSet::new();
    match columns.iter().find(|c| !seen.insert(c.name.as_str())) {
        Some(c) => Err(ReplayError::new(
            SqlState::DuplicateColumn,
            format!("column \"{}\" specified more than once", c.name),
        )),
        None => Ok(()),
    }
}

/// `CREATE OR REPLACE VIEW` keeps the view's columns, in order, with their names and types
/// (PostgreSQL's `checkViewColumns`); it may only add columns at the end. `types`: whether
/// to compare the types.
fn replaced_view_columns(
    old: &[crate::catalog::Column],
    new: &[crate::catalog::Column],
    types: bool,
) -> R<()> {
    let error = |m: String| Err(ReplayError::new(SqlState::InvalidDefinition, m));
    if new.len() < old.len() {
        return error("cannot drop columns from view".into());
    }
    for (o, n) in old.iter().zip(new) {
        if o.name != n.name {
            return error(format!(
                "cannot change name of view column \"{}\" to \"{}\"",
                o.name, n.name
            ));
        }
        if types && o.ty != n.ty {
            return error(format!(
                "cannot change data type of view column \"{}\" from {} to {}",
                o.name,
                o.ty.format(false),
                n.ty.format(false)
            ));
        }
    }
    Ok(())
}

/// `row(…)` and other anonymous records cannot be stored as a column's type (a view's or
/// `CREATE TABLE … AS`'s): PostgreSQL refuses the statement.
pub(crate) fn storable_columns(columns: &[crate::catalog::Column]) -> R<()> {
    match columns
        .iter()
        .find(|c| c.ty.schema == "pg_catalog" && c.ty.name == "record")
    {
        Some(c) => Err(ReplayError::new(
            SqlState::InvalidDefinition,
            format!("column \"{}\" has pseudo-type record", c.name),
        )),
        None => Ok(()),
    }
}

impl Replayer {
    /// `SET (key=value, …)` and `RESET (key, …)` of view `schema.name`'s options.
    pub(crate) fn set_view_options(
        &mut self,
        schema: &str,
        name: &str,
        set: Vec<String>,
        reset: &[String],
    ) {
        self.view_row_written(schema, name);
        let v = self.view_mut(schema, name);
        let key_of = |o: &str| o.split('=').next().unwrap_or("").to_string();
        v.options.retain(|o| !reset.contains(&key_of(o)));
        for o in set {
            let key = key_of(&o);
            match v.options.iter_mut().find(|x| key_of(x) == key) {
                Some(x) => *x = o,
                None => v.options.push(o),
            }
        }
    }

    /// The `pg_class` row of view `schema.name` was written: it now stands after every other
    /// (see [`View::row_order`]).
    pub(crate) fn view_row_written(&mut self, schema: &str, name: &str) {
        self.row_clock += 1;
        let clock = self.row_clock;
        if let Some(v) = self
            .catalog
            .schemas
            .get_mut(schema)
            .and_then(|s| s.views.get_mut(name))
        {
            v.row_order = clock;
        }
    }

    /// Every view of `schema` had its row written in one statement (`GRANT … ON ALL TABLES IN
    /// SCHEMA`): PostgreSQL writes them in the order their rows stand.
    pub(crate) fn schema_view_rows_written(&mut self, schema: &str) {
        let Some(s) = self.catalog.schemas.get(schema) else {
            return;
        };
        let mut views: Vec<(u64, String)> = s
            .views
            .values()
            .filter(|v| !v.materialized)
            .map(|v| (v.row_order, v.name.clone()))
            .collect();
        views.sort();
        for (_, v) in views {
            self.view_row_written(schema, &v);
        }
    }
}
