//! Operators: the candidates visible on the search path and the one an expression resolves to
//! (`oper_select_candidate`), cached by operand types.

use crate::pg::builtin::extensions;
use crate::pg::deparse::typesys::Ty;
use crate::pg::deparse::ExprContext;

use super::*;

impl ExprContext<'_> {
    /// Every operator called `name` of the given kind in `schema`.
    pub(super) fn operators_in(&self, schema: &str, name: &str, prefix: bool) -> Vec<Oper> {
        let mut out = Vec::new();
        if schema == "pg_catalog" {
            if let Some(v) = tables().opers.get(name) {
                out.extend(v.iter().filter(|o| o.left.is_none() == prefix).cloned());
            }
            return out;
        }
        for (ext_name, ext) in &self.catalog.extensions {
            if ext.schema != schema {
                continue;
            }
            for line in ext_lines(&EXT_OPERATORS, extensions::OPERATORS, ' ', ext_name, name) {
                let f: Vec<&str> = line.split(' ').collect();
                if f.len() != 5 || (f[2] == "-") != prefix {
                    continue;
                }
                out.push(Oper {
                    schema: schema.into(),
                    name: name.into(),
                    left: (f[2] != "-").then(|| ext_ty(ext_name, schema, f[2])),
                    right: ext_ty(ext_name, schema, f[3]),
                    result: ext_ty(ext_name, schema, f[4]),
                });
            }
        }
        out
    }

    /// Operator candidates through a path.
    pub(crate) fn oper_candidates(
        &self,
        schema: Option<&str>,
        name: &str,
        prefix: bool,
        path: &[String],
    ) -> Vec<Oper> {
        let schemas = match schema {
            Some(s) => vec![s.to_string()],
            None => Self::effective_path(path),
        };
        let mut out: Vec<Oper> = Vec::new();
        for s in &schemas {
            for o in self.operators_in(s, name, prefix) {
                if !out.iter().any(|x| x.left == o.left && x.right == o.right) {
                    out.push(o);
                }
            }
        }
        out
    }

    /// `oper()`: resolves a binary (or prefix, `left = None`) operator for the given input
    /// types.
    pub(crate) fn resolve_operator(
        &self,
        schema: Option<&str>,
        name: &str,
        left: Option<&Ty>,
        right: &Ty,
        path: &[String],
    ) -> Option<Oper> {
        // Operator resolution depends only on the operator, the types (a user type through
        // what `type_info` says of it: enum, domain over what, composite…), the path and the
        // installed extensions: remember it (it runs for every `=`).
        let mut types = String::new();
        if let Some(l) = left {
            self.type_fingerprint(l, &mut types, 0);
        }
        types.push('|');
        self.type_fingerprint(right, &mut types, 0);
        let mut exts = String::new();
        for (n, e) in &self.catalog.extensions {
            exts.push_str(n);
            exts.push('@');
            exts.push_str(&e.schema);
            exts.push(';');
        }
        let key = OperKey {
            schema: schema.map(str::to_string),
            name: name.to_string(),
            left: left.cloned(),
            right: right.clone(),
            path: path.to_vec(),
            exts,
            types,
        };
        if let Some(hit) = OPER_CACHE.with(|c| c.borrow().get(&key).cloned()) {
            return hit;
        }
        let found = self.resolve_operator_uncached(schema, name, left, right, path);
        OPER_CACHE.with(|c| c.borrow_mut().insert(key, found.clone()));
        found
    }

    /// What the catalog says of a user type that operator resolution reads (`type_info` along
    /// its element and domain base types); nothing for a built-in type.
    pub(super) fn type_fingerprint(&self, t: &Ty, out: &mut String, depth: usize) {
        if (t.schema == "pg_catalog" && !t.array) || depth > 16 {
            return;
        }
        let info = self.type_info(t);
        out.push_str(&format!("{info:?};"));
        if t.array {
            self.type_fingerprint(&t.elem(), out, depth + 1);
        }
        if let crate::pg::deparse::typesys::TyKind::Domain(base, _) = &info.kind {
            self.type_fingerprint(base, out, depth + 1);
        }
    }

    pub(super) fn resolve_operator_uncached(
        &self,
        schema: Option<&str>,
        name: &str,
        left: Option<&Ty>,
        right: &Ty,
        path: &[String],
    ) -> Option<Oper> {
        let cands = self.oper_candidates(schema, name, left.is_none(), path);
        if cands.is_empty() {
            return None;
        }
        // binary_oper_exact: an unknown side takes the other side's type.
        let (mut l, mut r) = (left.cloned(), right.clone());
        let mut was_unknown = false;
        if let Some(lt) = &l {
            if lt.is_unknown() {
                l = Some(r.clone());
                was_unknown = true;
            } else if r.is_unknown() {
                r = lt.clone();
                was_unknown = true;
            }
        }
        let exact = |l: &Option<Ty>, r: &Ty| {
            cands
                .iter()
                .find(|o| o.left == *l && o.right == *r)
                .cloned()
        };
        if let Some(o) = exact(&l, &r) {
            return Some(o);
        }
        if was_unknown {
            let base = self.base_type(&r);
            if base != r {
                let lb = l.as_ref().map(|_| base.clone());
                if let Some(o) = exact(&lb, &base) {
                    return Some(o);
                }
            }
        }
        let inputs: Vec<Ty> = match left {
            Some(lt) => vec![lt.clone(), right.clone()],
            None => vec![right.clone()],
        };
        let cand_args: Vec<Vec<Ty>> = cands
            .iter()
            .map(|o| match &o.left {
                Some(lt) => vec![lt.clone(), o.right.clone()],
                None => vec![o.right.clone()],
            })
            .collect();
        let rets: Vec<Ty> = cands.iter().map(|o| o.result.clone()).collect();
        let idx = self.select_candidate(&inputs, &cand_args, &rets)?;
        Some(cands[idx].clone())
    }
}

/// The key of a remembered operator resolution (see `resolve_operator`).
#[derive(Hash, PartialEq, Eq)]
pub(super) struct OperKey {
    pub(super) schema: Option<String>,
    pub(super) name: String,
    pub(super) left: Option<Ty>,
    pub(super) right: Ty,
    pub(super) path: Vec<String>,
    pub(super) exts: String,
    pub(super) types: String,
}
