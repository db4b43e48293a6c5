//! The routines the migrations created, with their signatures: what `pg_proc`,
//! `information_schema.routines`, `to_regprocedure()` and `::regprocedure` read.
//!
//! The catalog keeps only routine names; this registry follows `CREATE [OR REPLACE] FUNCTION |
//! PROCEDURE`, `DROP FUNCTION name(args)` and `ALTER FUNCTION … RENAME TO | SET SCHEMA`, by
//! signature (schema, name and input argument types, as PostgreSQL identifies a routine).
//! Routines of the base catalog (Supabase's `auth.uid()`…) are known by name only.

use sqlparser::ast::{
    ArgMode, CreateFunction, CreateFunctionBody, DataType, Expr, FunctionBehavior,
    FunctionCalledOnNull, FunctionDefinitionSetParam, FunctionReturnType, FunctionSecurity,
    FunctionSetValue, Value,
};

use std::collections::{BTreeMap, HashMap};

use crate::catalog::SqlType;

/// One routine.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Routine {
    pub id: u32,
    pub schema: String,
    pub name: String,
    /// `f` function, `p` procedure, `a` aggregate.
    pub kind: char,
    /// Input argument types (`IN`, `INOUT`, `VARIADIC`), typmods dropped.
    pub args: Vec<SqlType>,
    /// Names of the input arguments (empty strings where unnamed).
    pub arg_names: Vec<String>,
    /// Result type; `None` for procedures.
    pub ret: Option<SqlType>,
    pub retset: bool,
    pub language: String,
    pub security_definer: bool,
    /// `i`, `s` or `v`.
    pub volatility: char,
    /// The body text (`prosrc`).
    pub body: String,
    /// Default expressions of the input arguments (`None` where there is none).
    pub defaults: Vec<Option<sqlparser::ast::Expr>>,
    /// `STRICT` / `RETURNS NULL ON NULL INPUT`: not called when an argument is null.
    pub strict: bool,
    /// `SET search_path = …` (`proconfig`): the path the body runs with; `None` runs it with
    /// the caller's.
    pub search_path: Option<Vec<String>>,
}

/// The search path a `SET search_path …` clause of `CREATE FUNCTION` gives the body.
fn search_path_setting(
    params: &[FunctionDefinitionSetParam],
    current_path: &[String],
) -> Option<Vec<String>> {
    let p = params.iter().rev().find(|p| {
        p.name.0.len() == 1
            && p.name.0[0]
                .as_ident()
                .is_some_and(|i| i.value.eq_ignore_ascii_case("search_path"))
    })?;
    match &p.value {
        FunctionSetValue::Default => None,
        FunctionSetValue::FromCurrent => Some(current_path.to_vec()),
        FunctionSetValue::Values(values) => {
            let mut path = Vec::new();
            for v in values {
                match v {
                    Expr::Identifier(i) => path.push(crate::sql::replay::fold(i)),
                    Expr::Value(v) => match &v.value {
                        Value::SingleQuotedString(s) | Value::DoubleQuotedString(s) => {
                            path.extend(crate::sql::replay::objects::parse_search_path_string(s))
                        }
                        _ => return None,
                    },
                    _ => return None,
                }
            }
            Some(path)
        }
    }
}

/// The routines created by the history, by id (ids grow with creation, so id order is
/// creation order) and by schema and name (each list of ids ascending): every lookup by name
/// or id is a map lookup, not a scan of every routine.
#[derive(Debug, Clone, Default)]
pub(crate) struct Routines {
    list: BTreeMap<u32, Routine>,
    by_name: HashMap<String, HashMap<String, Vec<u32>>>,
    next_id: u32,
}

impl Routines {
    /// Whether the history created no routine.
    pub(crate) fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// All routines, in creation order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Routine> {
        self.list.values()
    }

    pub(crate) fn get(&self, id: u32) -> Option<&Routine> {
        self.list.get(&id)
    }

    fn ids(&self, schema: &str, name: &str) -> &[u32] {
        self.by_name
            .get(schema)
            .and_then(|m| m.get(name))
            .map_or(&[], Vec::as_slice)
    }

    /// Routines of a schema called `name`, in creation order.
    pub(crate) fn named<'s>(
        &'s self,
        schema: &str,
        name: &str,
    ) -> impl Iterator<Item = &'s Routine> + 's {
        self.ids(schema, name)
            .iter()
            .filter_map(|id| self.list.get(id))
    }

    /// Routines called `name` in any schema, in creation order.
    pub(crate) fn named_anywhere(&self, name: &str) -> Vec<&Routine> {
        let mut ids: Vec<u32> = self
            .by_name
            .values()
            .filter_map(|m| m.get(name))
            .flatten()
            .copied()
            .collect();
        ids.sort_unstable();
        ids.iter().filter_map(|id| self.list.get(id)).collect()
    }

    /// Routines of a schema, in creation order.
    pub(crate) fn in_schema(&self, schema: &str) -> Vec<&Routine> {
        let mut ids: Vec<u32> = self
            .by_name
            .get(schema)
            .into_iter()
            .flat_map(|m| m.values().flatten())
            .copied()
            .collect();
        ids.sort_unstable();
        ids.iter().filter_map(|id| self.list.get(id)).collect()
    }

    /// The routine with exactly these input types.
    pub(crate) fn find(&self, schema: &str, name: &str, args: &[SqlType]) -> Option<&Routine> {
        self.named(schema, name).find(|r| same_args(&r.args, args))
    }

    /// Whether any routine of `schema` is called `name`.
    pub(crate) fn has_name(&self, schema: &str, name: &str) -> bool {
        !self.ids(schema, name).is_empty()
    }

    /// Whether a routine of any schema is called `name`.
    pub(crate) fn has_name_anywhere(&self, name: &str) -> bool {
        self.by_name.values().any(|m| m.contains_key(name))
    }

    fn index(&mut self, schema: &str, name: &str, id: u32) {
        let ids = self
            .by_name
            .entry(schema.to_string())
            .or_default()
            .entry(name.to_string())
            .or_default();
        let at = ids.partition_point(|x| *x < id);
        ids.insert(at, id);
    }

    fn unindex(&mut self, schema: &str, name: &str, id: u32) {
        if let Some(m) = self.by_name.get_mut(schema) {
            if let Some(ids) = m.get_mut(name) {
                ids.retain(|x| *x != id);
                if ids.is_empty() {
                    m.remove(name);
                }
            }
            if m.is_empty() {
                self.by_name.remove(schema);
            }
        }
    }

    /// Records `CREATE [OR REPLACE] FUNCTION|PROCEDURE` (replacing the routine of the same
    /// signature). `resolve` gives the stored type of a written one.
    pub(crate) fn create(
        &mut self,
        schema: &str,
        name: &str,
        cf: &CreateFunction,
        procedure: bool,
        resolve: &dyn Fn(&DataType) -> Option<SqlType>,
        current_path: &[String],
    ) {
        let mut args = Vec::new();
        let mut arg_names = Vec::new();
        let mut defaults = Vec::new();
        let mut outs = Vec::new();
        for a in cf.args.iter().flatten() {
            let ty = resolve_ret(&a.data_type, resolve);
            let ty = SqlType {
                modifiers: Vec::new(),
                ..ty
            };
            if matches!(a.mode, Some(ArgMode::Out | ArgMode::InOut)) {
                outs.push(ty.clone());
            }
            if matches!(a.mode, Some(ArgMode::Out)) {
                continue;
            }
            let ty = if matches!(a.mode, Some(ArgMode::Variadic)) && !ty.is_array() {
                ty.with_array_dims(1)
            } else {
                ty
            };
            args.push(ty);
            defaults.push(a.default_expr.clone());
            arg_names.push(
                a.name
                    .as_ref()
                    .map(crate::sql::replay::fold)
                    .unwrap_or_default(),
            );
        }
        let (ret, retset) = match &cf.return_type {
            _ if procedure => (None, false),
            Some(FunctionReturnType::SetOf(dt)) => (Some(resolve_ret(dt, resolve)), true),
            Some(FunctionReturnType::DataType(DataType::Table(_))) => {
                (Some(SqlType::builtin("record")), true)
            }
            Some(FunctionReturnType::DataType(dt)) => (Some(resolve_ret(dt, resolve)), false),
            None if outs.len() == 1 => (Some(outs[0].clone()), false),
            None if outs.len() > 1 => (Some(SqlType::builtin("record")), false),
            None => (Some(SqlType::builtin("void")), false),
        };
        let body = match &cf.function_body {
            Some(
                CreateFunctionBody::AsBeforeOptions { body, .. }
                | CreateFunctionBody::AsAfterOptions(body),
            ) => match body {
                sqlparser::ast::Expr::Value(v) => v.value.clone().into_string().unwrap_or_default(),
                other => other.to_string(),
            },
            Some(other) => format!("{other:?}"),
            None => String::new(),
        };
        let routine = Routine {
            id: 0,
            schema: schema.to_string(),
            name: name.to_string(),
            kind: if procedure { 'p' } else { 'f' },
            args,
            arg_names,
            ret,
            retset,
            language: cf
                .language
                .as_ref()
                .map(|l| l.value.to_ascii_lowercase())
                .unwrap_or_else(|| "sql".into()),
            security_definer: matches!(cf.security, Some(FunctionSecurity::Definer)),
            volatility: match cf.behavior {
                Some(FunctionBehavior::Immutable) => 'i',
                Some(FunctionBehavior::Stable) => 's',
                _ => 'v',
            },
            body,
            defaults,
            strict: matches!(
                cf.called_on_null,
                Some(FunctionCalledOnNull::Strict | FunctionCalledOnNull::ReturnsNullOnNullInput)
            ),
            search_path: search_path_setting(&cf.set_params, current_path),
        };
        if let Some(id) = self.find(schema, name, &routine.args).map(|r| r.id) {
            self.list.insert(id, Routine { id, ..routine });
            return;
        }
        self.next_id += 1;
        let id = self.next_id;
        self.index(schema, name, id);
        self.list.insert(id, Routine { id, ..routine });
    }

    /// Records `DROP FUNCTION`: `args` `None` drops every routine of that name.
    pub(crate) fn drop(&mut self, schema: &str, name: &str, args: Option<&[SqlType]>) {
        let gone: Vec<u32> = self
            .named(schema, name)
            .filter(|r| args.is_none_or(|a| same_args(&r.args, a)))
            .map(|r| r.id)
            .collect();
        for id in gone {
            self.list.remove(&id);
            self.unindex(schema, name, id);
        }
    }

    /// Records `ALTER FUNCTION … RENAME TO` / `SET SCHEMA`.
    pub(crate) fn rename(
        &mut self,
        schema: &str,
        name: &str,
        arity: Option<usize>,
        new_schema: &str,
        new_name: &str,
    ) -> usize {
        let moved: Vec<u32> = self
            .named(schema, name)
            .filter(|r| arity.is_none_or(|n| r.args.len() == n))
            .map(|r| r.id)
            .collect();
        let n = moved.len();
        for id in moved {
            self.unindex(schema, name, id);
            self.index(new_schema, new_name, id);
            if let Some(r) = self.list.get_mut(&id) {
                r.schema = new_schema.to_string();
                r.name = new_name.to_string();
            }
        }
        n
    }

    /// Records `DROP SCHEMA … CASCADE` / a schema rename.
    pub(crate) fn schema_gone(&mut self, schema: &str) {
        if let Some(m) = self.by_name.remove(schema) {
            for id in m.values().flatten() {
                self.list.remove(id);
            }
        }
    }
}

fn resolve_ret(dt: &DataType, resolve: &dyn Fn(&DataType) -> Option<SqlType>) -> SqlType {
    resolve(dt)
        .or_else(|| super::names::pseudo_type(dt))
        .unwrap_or_else(|| unresolved(dt))
}

/// A type that does not resolve, kept as written (it prints as written).
fn unresolved(dt: &DataType) -> SqlType {
    SqlType::in_schema("", &dt.to_string())
}

/// Whether two input-type lists identify the same routine (typmods do not count).
pub(crate) fn same_args(a: &[SqlType], b: &[SqlType]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x.schema == y.schema && x.name == y.name && x.array_dims == y.array_dims)
}
