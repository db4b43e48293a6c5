//! Object ids from names and back: the input and output functions of `regclass`, `regtype`,
//! `regproc(edure)`, `regnamespace` and `regrole`, resolved through the search path as
//! PostgreSQL does, and qualified on output only when not visible.

use std::borrow::Cow;

use super::errors::{Fail, Res};
use super::value::{Obj, Reg, V};
use super::Ctx;
use crate::catalog::SqlType;

/// Folds a name given as text the way `::regclass` input does (`"A"` keeps case, `A` folds).
pub(crate) fn fold_text(s: &str) -> String {
    let s = s.trim();
    if let Some(q) = s.strip_prefix('"').and_then(|x| x.strip_suffix('"')) {
        q.replace("\"\"", "\"")
    } else {
        s.to_ascii_lowercase()
    }
}

/// Splits `schema.name` text on its last dot outside quotes, folding both parts.
pub(crate) fn split_text_name(text: &str) -> (Option<String>, String) {
    let mut in_q = false;
    let mut cut = None;
    for (i, ch) in text.char_indices() {
        match ch {
            '"' => in_q = !in_q,
            '.' if !in_q => cut = Some(i),
            _ => {}
        }
    }
    match cut {
        Some(i) => {
            let (head, tail) = (&text[..i], &text[i + 1..]);
            // `db.schema.name`: the database part is dropped.
            let (_, schema) = split_text_name(head);
            (Some(schema), fold_text(tail))
        }
        None => (None, fold_text(text)),
    }
}

impl<'a> Ctx<'a> {
    /// The schemas searched for unqualified names (`pg_catalog` first).
    pub(crate) fn path(&self) -> Vec<String> {
        let mut p = vec!["pg_catalog".to_string()];
        p.extend(self.r.effective_path());
        p
    }

    /// The first schema of [`Ctx::path`] for which `f` holds (without building the path).
    pub(crate) fn first_in_path(&self, f: impl Fn(&str) -> bool) -> Option<&'a str> {
        if f("pg_catalog") {
            return Some("pg_catalog");
        }
        let r = self.r;
        r.search_path
            .iter()
            .map(|s| if s == "$user" { "postgres" } else { s.as_str() })
            .filter(|s| r.catalog.schemas.contains_key(*s))
            .find(|s| f(s))
    }

    /// `'name'::regclass`: the relation a (possibly qualified) name resolves to.
    pub(crate) fn lookup_rel(&self, text: &str) -> Option<Obj<'a>> {
        let (schema, name) = split_text_name(text);
        let s = self
            .r
            .find_in_path(schema.as_deref(), &|s| s.has_relation(&name))?;
        Some(Obj::Rel(Cow::Owned(s), Cow::Owned(name)))
    }

    /// `'name'::regtype`.
    pub(crate) fn lookup_type(&self, text: &str) -> Res<Option<Obj<'a>>> {
        let dialect = sqlparser::dialect::PostgreSqlDialect {};
        let dt = match sqlparser::parser::Parser::new(&dialect)
            .try_with_sql(text)
            .and_then(|mut p| p.parse_data_type())
        {
            Ok(dt) => dt,
            Err(_) => {
                return Err(Fail::pg(
                    "syntax_error",
                    format!("invalid type name \"{text}\""),
                ))
            }
        };
        Ok(self
            .resolve_data_type(&dt)
            .or_else(|| pseudo_type(&dt))
            .map(|t| type_obj(&t)))
    }

    /// A written type as PostgreSQL stores it, or `None` when it does not exist.
    pub(crate) fn resolve_data_type(&self, dt: &sqlparser::ast::DataType) -> Option<SqlType> {
        crate::pg::types::resolve_type(dt, self.catalog(), &self.r.search_path).ok()
    }

    /// `'f(int4, text)'::regprocedure`: `Ok(None)` when no such routine exists, `Err` when
    /// it exists only in the base catalog (its signature is not known).
    pub(crate) fn lookup_procedure(&self, text: &str) -> Res<Option<Obj<'a>>> {
        let (name_part, args) = match text.find('(') {
            Some(i) if text.trim_end().ends_with(')') => {
                let inner = &text.trim_end()[i + 1..text.trim_end().len() - 1];
                (&text[..i], Some(split_args(inner)))
            }
            _ => (text, None),
        };
        let (schema, name) = split_text_name(name_part);
        let mut types = Vec::new();
        for a in args.iter().flatten() {
            match self.lookup_type(a)? {
                Some(Obj::Type(s, n)) => types.push(type_from_obj(&s, &n)),
                _ => return Ok(None),
            }
        }
        let routines = &self.tracked().routines;
        let schemas: Vec<String> = match &schema {
            Some(s) => vec![s.clone()],
            None => self.path(),
        };
        for s in &schemas {
            let found = match &args {
                Some(_) => routines.find(s, &name, &types).map(|r| r.id),
                None => {
                    let mut it = routines.named(s, &name);
                    match (it.next(), it.next()) {
                        (Some(r), None) => Some(r.id),
                        (Some(_), Some(_)) => {
                            return Err(Fail::pg(
                                "ambiguous_function",
                                format!("more than one function named \"{name}\""),
                            ))
                        }
                        _ => None,
                    }
                }
            };
            if let Some(id) = found {
                return Ok(Some(Obj::Proc(id)));
            }
            if self.function_known_by_name_only(s, &name) {
                return Err(Fail::unknown(format!(
                    "the signatures of {s}.{name} are not known (it comes with the base schema)"
                )));
            }
        }
        Ok(None)
    }

    /// Whether the catalog lists a routine name the registry has no signature for.
    pub(crate) fn function_known_by_name_only(&self, schema: &str, name: &str) -> bool {
        self.catalog()
            .schemas
            .get(schema)
            .is_some_and(|s| s.functions.contains(name))
            && !self.tracked().routines.has_name(schema, name)
    }

    /// Resolves text to an object id of a `reg*` type (`NULL` stays `NULL`); PostgreSQL's
    /// error when nothing matches.
    pub(crate) fn reg_from_text(&self, reg: Reg, text: &str) -> Res<V<'a>> {
        let t = text.trim();
        if let Ok(n) = t.parse::<i64>() {
            return Ok(V::Oid(reg, Obj::Number(n)));
        }
        if t == "-" {
            return Ok(V::Oid(reg, Obj::Number(0)));
        }
        let missing = |cond: &'static str, what: &str| {
            Fail::pg(cond, format!("{what} \"{t}\" does not exist"))
        };
        let obj = match reg {
            Reg::Oid => {
                return Err(Fail::pg(
                    "invalid_text_representation",
                    format!("invalid input syntax for type oid: \"{t}\""),
                ))
            }
            Reg::Class => self
                .lookup_rel(t)
                .ok_or_else(|| missing("undefined_table", "relation"))?,
            Reg::Type => self
                .lookup_type(t)?
                .ok_or_else(|| missing("undefined_object", "type"))?,
            Reg::Proc | Reg::Procedure => self
                .lookup_procedure(t)?
                .ok_or_else(|| missing("undefined_function", "function"))?,
            Reg::Namespace => {
                let n = fold_text(t);
                if !self.catalog().schemas.contains_key(&n) && n != "pg_catalog" {
                    return Err(missing("undefined_object", "schema"));
                }
                Obj::Namespace(Cow::Owned(n))
            }
            Reg::Role => Obj::Role(Cow::Owned(fold_text(t))),
        };
        Ok(V::Oid(reg, obj))
    }

    /// The output text of an object id of a `reg*` type.
    pub(crate) fn reg_text(&self, reg: Reg, obj: &Obj<'_>) -> String {
        match (reg, obj) {
            (_, Obj::Number(0)) if reg != Reg::Oid => "-".into(),
            (Reg::Oid, o) | (_, o @ Obj::Number(_)) => o.number().to_string(),
            (_, Obj::Rel(s, n)) => self.rel_text(s, n),
            (_, Obj::Type(s, n)) => self.type_text(&type_from_obj(s, n)),
            (Reg::Procedure, Obj::Proc(id)) => self.procedure_text(*id, true),
            (_, Obj::Proc(id)) => self.procedure_text(*id, false),
            (_, Obj::Namespace(n)) | (_, Obj::Role(n)) => crate::sql::quote_ident(n),
            (_, Obj::Con(_, _, n)) => crate::sql::quote_ident(n),
        }
    }

    /// A relation's name, qualified when another relation of that name comes first in the path.
    pub(crate) fn rel_text(&self, schema: &str, name: &str) -> String {
        let first = self.path().into_iter().find(|s| {
            self.catalog()
                .schemas
                .get(s)
                .is_some_and(|sc| sc.has_relation(name))
        });
        if first.as_deref() == Some(schema) {
            crate::sql::quote_ident(name)
        } else {
            format!(
                "{}.{}",
                crate::sql::quote_ident(schema),
                crate::sql::quote_ident(name)
            )
        }
    }

    /// `format_type` of a type, qualified when not visible.
    pub(crate) fn type_text(&self, t: &SqlType) -> String {
        if t.schema.is_empty() {
            return t.name.clone();
        }
        let visible = t.schema == "pg_catalog"
            || self.first_in_path(|s| {
                self.catalog()
                    .schemas
                    .get(s)
                    .is_some_and(|sc| sc.has_type(&t.name))
            }) == Some(t.schema.as_str());
        t.format(!visible)
    }

    /// `regprocedure` output (`name(type,type)`) or `regproc` output (`name`).
    pub(crate) fn procedure_text(&self, id: u32, with_args: bool) -> String {
        let Some(r) = self.tracked().routines.get(id) else {
            return id.to_string();
        };
        let visible = self.first_in_path(|s| self.tracked().routines.has_name(s, &r.name))
            == Some(r.schema.as_str());
        let mut out = if visible {
            crate::sql::quote_ident(&r.name)
        } else {
            format!(
                "{}.{}",
                crate::sql::quote_ident(&r.schema),
                crate::sql::quote_ident(&r.name)
            )
        };
        if with_args {
            let args: Vec<String> = r.args.iter().map(|a| self.type_text(a)).collect();
            out.push('(');
            out.push_str(&args.join(","));
            out.push(')');
        }
        out
    }
}

/// A type as an object id: schema and `typname` (`_elem` for arrays).
pub(crate) fn type_obj(t: &SqlType) -> Obj<'static> {
    Obj::Type(Cow::Owned(t.schema.clone()), Cow::Owned(t.udt_name()))
}

/// The type an id of [`type_obj`] stands for.
pub(crate) fn type_from_obj(schema: &str, typname: &str) -> SqlType {
    match typname.strip_prefix('_') {
        Some(elem) if schema == "pg_catalog" || !elem.is_empty() => {
            SqlType::in_schema(schema, elem).with_array_dims(1)
        }
        _ => SqlType::in_schema(schema, typname),
    }
}

/// PostgreSQL 15's pseudo-types (`pg_type.typtype = 'p'`), all in `pg_catalog`.
const PSEUDO_TYPES: &[&str] = &[
    "any",
    "anyarray",
    "anycompatible",
    "anycompatiblearray",
    "anycompatiblemultirange",
    "anycompatiblenonarray",
    "anycompatiblerange",
    "anyelement",
    "anyenum",
    "anymultirange",
    "anynonarray",
    "anyrange",
    "cstring",
    "event_trigger",
    "fdw_handler",
    "index_am_handler",
    "internal",
    "language_handler",
    "pg_ddl_command",
    "record",
    "table_am_handler",
    "trigger",
    "tsm_handler",
    "unknown",
    "void",
];

/// A pseudo-type written as a type name (`trigger`, `pg_catalog.void`…).
pub(crate) fn pseudo_type(dt: &sqlparser::ast::DataType) -> Option<SqlType> {
    let text = dt.to_string();
    let (schema, name) = split_text_name(&text);
    if schema.as_deref().is_some_and(|s| s != "pg_catalog") {
        return None;
    }
    PSEUDO_TYPES
        .contains(&name.as_str())
        .then(|| SqlType::in_schema("pg_catalog", &name))
}

/// Splits a signature's argument list on commas outside parentheses and quotes.
fn split_args(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0;
    let mut in_q = false;
    let mut cur = String::new();
    for c in s.chars() {
        match c {
            '"' => in_q = !in_q,
            '(' if !in_q => depth += 1,
            ')' if !in_q => depth -= 1,
            ',' if !in_q && depth == 0 => {
                out.push(std::mem::take(&mut cur).trim().to_string());
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    if !cur.trim().is_empty() {
        out.push(cur.trim().to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_names() {
        assert_eq!(
            split_text_name("public.\"My.Table\""),
            (Some("public".into()), "My.Table".into())
        );
        assert_eq!(split_text_name("Users"), (None, "users".into()));
        assert_eq!(
            split_args("numeric(10,2), text[]"),
            ["numeric(10,2)", "text[]"]
        );
    }
}
