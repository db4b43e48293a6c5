//! `COMMENT ON` every kind of object.

use sqlparser::ast::{CommentObject, ObjectName};

use crate::sql::replay::{
    name_parts, split_name, word_of, Outcome, ReplayError, Replayer, SqlState, Stmt, R,
};

impl Replayer {
    /// `COMMENT ON …`.
    pub(crate) fn comment(
        &mut self,
        object: CommentObject,
        name: &ObjectName,
        text: Option<&str>,
        if_exists: bool,
    ) -> R<Outcome> {
        let text = text.map(str::to_string);
        let missing = |what: &str| {
            if if_exists {
                Ok(Outcome::Understood)
            } else {
                Err(ReplayError::new(
                    SqlState::UndefinedObject,
                    what.to_string(),
                ))
            }
        };
        match object {
            CommentObject::Table | CommentObject::View | CommentObject::MaterializedView => {
                let (schema, n) = split_name(name);
                let Some(s) = self.find_in_path(schema.as_deref(), &|s| {
                    s.tables.contains_key(&n) || s.views.contains_key(&n)
                }) else {
                    return missing(&format!("relation \"{n}\" does not exist"));
                };
                let sc = self.catalog.schemas.get_mut(&s).expect("schema");
                if let Some(t) = sc.tables.get_mut(&n) {
                    t.comment = text;
                } else if let Some(v) = sc.views.get_mut(&n) {
                    v.comment = text;
                }
            }
            CommentObject::Column => {
                let mut parts = name_parts(name);
                let col = parts.pop().unwrap_or_default();
                let table = parts.pop().unwrap_or_default();
                let schema = parts.pop();
                let Some(s) = self.find_in_path(schema.as_deref(), &|s| {
                    s.tables.contains_key(&table)
                        || s.views.contains_key(&table)
                        || s.composites.contains_key(&table)
                }) else {
                    return missing(&format!("relation \"{table}\" does not exist"));
                };
                // A composite type's attribute: its comment is not modelled.
                if let Some(c) = self.catalog.schemas[&s].composites.get(&table) {
                    if c.attributes.iter().any(|(a, _)| *a == col) {
                        return Ok(Outcome::Understood);
                    }
                    return missing(&format!(
                        "column \"{col}\" of relation \"{table}\" does not exist"
                    ));
                }
                let sc = self.catalog.schemas.get_mut(&s).expect("schema");
                let is_view = sc.views.contains_key(&table);
                let column = if let Some(t) = sc.tables.get_mut(&table) {
                    t.column_mut(&col)
                } else {
                    sc.views
                        .get_mut(&table)
                        .and_then(|v| v.columns.iter_mut().find(|c| c.name == col))
                };
                match column {
                    Some(c) => c.comment = text,
                    None if is_view => {}
                    None => {
                        return missing(&format!(
                            "column \"{col}\" of relation \"{table}\" does not exist"
                        ))
                    }
                }
            }
            CommentObject::Type | CommentObject::Domain => {
                let Some((s, n)) = self.find_type(name) else {
                    // A built-in or extension type (`comment on type uuid`): its comment is not
                    // modelled.
                    let builtin = sqlparser::ast::DataType::Custom(name.clone(), Vec::new());
                    if object == CommentObject::Type && self.resolve_column_type(&builtin).is_ok() {
                        return Ok(Outcome::PassedOver);
                    }
                    return missing(&format!("type \"{}\" does not exist", name));
                };
                if let Some(e) = self
                    .catalog
                    .schemas
                    .get_mut(&s)
                    .expect("schema")
                    .enums
                    .get_mut(&n)
                {
                    e.comment = text;
                }
            }
            CommentObject::Schema => {
                let n = name_parts(name).pop().unwrap_or_default();
                match self.catalog.schemas.get_mut(&n) {
                    Some(s) => s.comment = text,
                    None => return missing(&format!("schema \"{n}\" does not exist")),
                }
            }
            CommentObject::Index => {
                let (schema, n) = split_name(name);
                let Some(s) =
                    self.find_in_path(schema.as_deref(), &|s| s.index_owner(&n).is_some())
                else {
                    return missing(&format!("relation \"{n}\" does not exist"));
                };
                for t in self
                    .catalog
                    .schemas
                    .get_mut(&s)
                    .expect("schema")
                    .tables
                    .values_mut()
                {
                    for i in t.indexes.iter_mut().filter(|i| i.name == n) {
                        i.comment = text.clone();
                    }
                }
            }
            // Comments not modelled: the object must exist all the same.
            // (Functions, extensions, triggers and policies: see `check_comment`.)
            CommentObject::Sequence => {
                let (schema, n) = split_name(name);
                let found = self.lookup_relation(schema.as_deref(), &n);
                if let super::known::Found::Missing(e) = found {
                    return if if_exists {
                        Ok(Outcome::PassedOver)
                    } else {
                        Err(e)
                    };
                }
                return Ok(Outcome::PassedOver);
            }
            _ => return Ok(Outcome::PassedOver),
        }
        Ok(Outcome::Understood)
    }

    /// `COMMENT ON TYPE <type name> IS …` where the type is written in a form sqlparser does not
    /// read after `TYPE` (PostgreSQL's grammar takes any `Typename` there: `double precision`,
    /// `character varying`, `st[]`). The type must exist; its comment is not modelled. `None`
    /// when the statement is not of that form.
    pub(crate) fn comment_on_type_text(&self, stmt: Stmt<'_>) -> Option<R<Outcome>> {
        let sig = stmt.significant();
        let w = |k: usize| sig.get(k).map(|(_, t)| word_of(t)).unwrap_or_default();
        if w(0) != "comment" || w(1) != "on" || w(2) != "type" {
            return None;
        }
        // `IS` followed by the comment (a string or NULL) ends the statement.
        let is = (3..sig.len())
            .rev()
            .find(|&k| w(k) == "is" && k + 2 == sig.len())?;
        let tokens = stmt.tokens();
        let text: String = tokens[sig[3].0..sig[is].0]
            .iter()
            .map(|t| t.token.to_string())
            .collect();
        let dialect = sqlparser::dialect::PostgreSqlDialect {};
        let mut parser = sqlparser::parser::Parser::new(&dialect)
            .try_with_sql(&text)
            .ok()?;
        let dt = parser.parse_data_type().ok()?;
        if parser.peek_token().token != sqlparser::tokenizer::Token::EOF {
            return None;
        }
        Some(self.resolve_column_type(&dt).map(|_| Outcome::PassedOver))
    }
}
