//! Which names the reading session sees unqualified (`TypeIsVisible`, `FunctionIsVisible`-like
//! lookups, `RelationIsVisible`), and `regclass` constants.

use super::funcs::Func;
use super::typesys::Ty;
use super::ExprContext;
use crate::catalog::quote_ident;
use crate::pg::builtin::is_builtin_type;

impl ExprContext<'_> {
    /// Whether schema `schema` has a type called `name`.
    pub(crate) fn schema_has_type(&self, schema: &str, name: &str) -> bool {
        if schema == "pg_catalog" {
            return is_builtin_type(name);
        }
        if self
            .catalog
            .schemas
            .get(schema)
            .is_some_and(|s| s.has_type(name))
        {
            return true;
        }
        self.extension_type_schema(name).as_deref() == Some(schema)
    }

    /// `TypeIsVisible` through the display path: the type's schema is on the path and no
    /// schema before it has a type of that name.
    pub(crate) fn type_visible(&self, schema: &str, name: &str) -> bool {
        for s in Self::effective_path(self.display_path) {
            if s == schema {
                return true;
            }
            if self.schema_has_type(&s, name) {
                return false;
            }
        }
        false
    }

    /// Whether schema `schema` has a relation called `name`.
    pub(crate) fn schema_has_relation(&self, schema: &str, name: &str) -> bool {
        self.catalog
            .schemas
            .get(schema)
            .is_some_and(|s| s.has_relation(name))
    }

    /// `RelationIsVisible` through the display path: the relation's schema is on the path and
    /// no schema before it has a relation of that name.
    pub(crate) fn relation_visible(&self, schema: &str, name: &str) -> bool {
        for s in Self::effective_path(self.display_path) {
            if s == schema {
                return true;
            }
            if self.schema_has_relation(&s, name) {
                return false;
            }
        }
        false
    }

    /// The schema a relation name resolves to through the creation search path.
    pub(crate) fn resolve_relation(&self, parts: &[String]) -> Option<(String, String)> {
        match parts {
            [name] => {
                for s in Self::effective_path(self.search_path) {
                    if self.schema_has_relation(&s, name) {
                        return Some((s, name.clone()));
                    }
                }
                None
            }
            [.., schema, name] => Some((schema.clone(), name.clone())),
            [] => None,
        }
    }

    /// A relation name as `generate_relation_name` prints it.
    pub(crate) fn relation_name(&self, schema: &str, name: &str) -> String {
        if self.relation_visible(schema, name) {
            quote_ident(name)
        } else {
            format!("{}.{}", quote_ident(schema), quote_ident(name))
        }
    }

    /// `regclassin` + `regclassout`.
    pub(crate) fn regclass_out(&self, text: &str) -> String {
        let parts = split_qualified_name(text);
        let (schema, name) = match self.resolve_relation(&parts) {
            Some(r) => r,
            None => {
                let name = parts.last().cloned().unwrap_or_default();
                let first = Self::effective_path(self.search_path)
                    .into_iter()
                    .find(|s| s != "pg_catalog" && self.catalog.schemas.contains_key(s))
                    .unwrap_or_else(|| "public".to_string());
                (first, name)
            }
        };
        self.relation_name(&schema, &name)
    }

    /// Whether an unqualified call of `f` with these argument types finds `f` through the
    /// display path (`generate_function_name`).
    pub(crate) fn function_visible(&self, f: &Func, types: &[Ty], variadic: bool) -> bool {
        let nargs = types.len();
        let cands = self.func_candidates(None, &f.name, nargs, self.display_path);
        // With VARIADIC shown, the last argument is the array itself.
        let types: Vec<Ty> = if variadic {
            let mut t = types.to_vec();
            if let (Some(last), Some(elem)) = (t.last_mut(), f.variadic.as_ref()) {
                *last = elem.clone();
            }
            t
        } else {
            types.to_vec()
        };
        let idx = cands.iter().position(|(_, a)| *a == types).or_else(|| {
            let args: Vec<Vec<Ty>> = cands.iter().map(|(_, a)| a.clone()).collect();
            let rets: Vec<Ty> = cands.iter().map(|(c, _)| c.ret.clone()).collect();
            self.select_candidate(&types, &args, &rets)
        });
        match idx {
            Some(i) => cands[i].0.schema == f.schema,
            None => false,
        }
    }
}

/// `stringToQualifiedNameList`: `a.B."c d"` → `["a", "b", "c d"]`.
pub(crate) fn split_qualified_name(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = text.trim().chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                cur.push('"');
            }
            '"' => quoted = !quoted,
            '.' if !quoted => out.push(std::mem::take(&mut cur)),
            c if quoted => cur.push(c),
            c => cur.extend(c.to_lowercase()),
        }
    }
    out.push(cur);
    out
}
