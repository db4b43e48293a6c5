//! Function and operator lookup: candidates through a search path (`FuncnameGetCandidates`,
//! `OpernameGetCandidates`) and the choice among them (`func_select_candidate`).

use std::collections::HashMap;
use std::sync::OnceLock;

use super::typesys::{resolve_polymorphic, CoercionContext, Ty};
use super::ExprContext;
use crate::pg::builtin::{extensions, pg_data};

/// One function signature.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Func {
    /// Schema.
    pub schema: String,
    /// Name.
    pub name: String,
    /// Declared parameter types (variadic one as its array type, or `any`).
    pub args: Vec<Ty>,
    /// Return type.
    pub ret: Ty,
    /// Element type of a VARIADIC parameter.
    pub variadic: Option<Ty>,
    /// Number of trailing parameters with defaults.
    pub ndefaults: usize,
    /// `f`, `a` (aggregate) or `w` (window).
    pub kind: u8,
    /// A user function whose signature is unknown: accepts anything.
    pub opaque: bool,
}

/// One operator.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Oper {
    /// Schema.
    pub schema: String,
    /// Name (`=`, `~~`, `->>`).
    pub name: String,
    /// Left operand type; `None` for a prefix operator.
    pub left: Option<Ty>,
    /// Right operand type.
    pub right: Ty,
    /// Result type.
    pub result: Ty,
}

struct Tables {
    funcs: HashMap<&'static str, Vec<Func>>,
    opers: HashMap<&'static str, Vec<Oper>>,
}

fn tables() -> &'static Tables {
    static T: OnceLock<Tables> = OnceLock::new();
    T.get_or_init(|| {
        let mut funcs: HashMap<&'static str, Vec<Func>> = HashMap::new();
        for line in pg_data::FUNCTIONS.lines() {
            let f: Vec<&'static str> = line.split('|').collect();
            if f.len() != 7 {
                continue;
            }
            let args: Vec<Ty> = if f[5].is_empty() {
                Vec::new()
            } else {
                f[5].split(',').map(Ty::from_data).collect()
            };
            funcs.entry(f[0]).or_default().push(Func {
                schema: "pg_catalog".into(),
                name: f[0].into(),
                args,
                ret: Ty::from_data(f[6]),
                variadic: (f[2] != "-").then(|| Ty::from_data(f[2])),
                ndefaults: f[4].parse().unwrap_or(0),
                kind: f[1].as_bytes()[0],
                opaque: false,
            });
        }
        let mut opers: HashMap<&'static str, Vec<Oper>> = HashMap::new();
        for line in pg_data::OPERATORS.lines() {
            let f: Vec<&'static str> = line.split(' ').collect();
            if f.len() != 5 || f[1] == "r" {
                continue;
            }
            opers.entry(f[0]).or_default().push(Oper {
                schema: "pg_catalog".into(),
                name: f[0].into(),
                left: (f[2] != "-").then(|| Ty::from_data(f[2])),
                right: Ty::from_data(f[3]),
                result: Ty::from_data(f[4]),
            });
        }
        Tables { funcs, opers }
    })
}

/// Functions every Supabase database has (the prelude's `auth` and `storage` helpers).
const SUPABASE_FUNCTIONS: &[(&str, &str, &[&str], &str)] = &[
    ("auth", "uid", &[], "uuid"),
    ("auth", "role", &[], "text"),
    ("auth", "email", &[], "text"),
    ("auth", "jwt", &[], "jsonb"),
    ("storage", "foldername", &["text"], "_text"),
    ("storage", "filename", &["text"], "text"),
    ("storage", "extension", &["text"], "text"),
];

fn ext_ty(extension: &str, schema: &str, name: &str) -> Ty {
    if extensions::is_ext_type_of(extension, name) {
        Ty {
            schema: schema.to_string(),
            name: name.trim_start_matches('_').to_string(),
            array: name.starts_with('_'),
        }
    } else {
        Ty::from_data(name)
    }
}

impl ExprContext<'_> {
    /// The schemas searched for an unqualified name: `pg_catalog` first unless listed, then
    /// the path (`$user` is the `postgres` role).
    pub(crate) fn effective_path(path: &[String]) -> Vec<String> {
        let mut out = Vec::new();
        if !path.iter().any(|s| s == "pg_catalog") {
            out.push("pg_catalog".to_string());
        }
        for s in path {
            let s = if s == "$user" { "postgres" } else { s.as_str() };
            if !out.iter().any(|o| o == s) {
                out.push(s.to_string());
            }
        }
        out
    }

    /// Every function called `name` in `schema`.
    fn functions_in(&self, schema: &str, name: &str) -> Vec<Func> {
        let mut out = Vec::new();
        if schema == "pg_catalog" {
            if let Some(v) = tables().funcs.get(name) {
                out.extend(v.iter().cloned());
            }
            return out;
        }
        for sig in self.sigs_named(schema, name) {
            {
                out.push(Func {
                    schema: schema.into(),
                    name: name.into(),
                    args: sig.args.iter().map(Ty::from_sql).collect(),
                    ret: Ty::from_sql(&sig.ret),
                    variadic: sig
                        .variadic
                        .then(|| sig.args.last().map(|a| Ty::from_sql(a).elem()))
                        .flatten(),
                    ndefaults: sig.defaults,
                    kind: b'f',
                    opaque: false,
                });
            }
        }
        for (ext_name, ext) in &self.catalog.extensions {
            if ext.schema != schema {
                continue;
            }
            for line in ext_lines(&EXT_FUNCTIONS, extensions::FUNCTIONS, '|', ext_name, name) {
                let f: Vec<&str> = line.split('|').collect();
                if f.len() != 4 {
                    continue;
                }
                let mut variadic = None;
                let args: Vec<Ty> = f[2]
                    .split(',')
                    .filter(|a| !a.is_empty())
                    .map(|a| {
                        let t = ext_ty(ext_name, schema, a.trim_start_matches('*'));
                        if a.starts_with('*') {
                            variadic = Some(t.elem());
                        }
                        t
                    })
                    .collect();
                out.push(Func {
                    schema: schema.into(),
                    name: name.into(),
                    args,
                    ret: ext_ty(ext_name, schema, f[3]),
                    variadic,
                    ndefaults: 0,
                    kind: b'f',
                    opaque: false,
                });
            }
        }
        if out.is_empty() {
            for (s, n, args, ret) in SUPABASE_FUNCTIONS {
                if *s == schema && *n == name {
                    out.push(Func {
                        schema: schema.into(),
                        name: name.into(),
                        args: args.iter().map(|a| Ty::from_data(a)).collect(),
                        ret: Ty::from_data(ret),
                        variadic: None,
                        ndefaults: 0,
                        kind: b'f',
                        opaque: false,
                    });
                }
            }
        }
        if out.is_empty()
            && self
                .catalog
                .schemas
                .get(schema)
                .is_some_and(|s| s.functions.contains(name))
        {
            out.push(Func {
                schema: schema.into(),
                name: name.into(),
                args: Vec::new(),
                ret: Ty::opaque(),
                variadic: None,
                ndefaults: 0,
                kind: b'f',
                opaque: true,
            });
        }
        out
    }

    /// Candidates for a call of `name` with `nargs` arguments: the argument types each
    /// candidate expects (variadic parameters expanded, defaults dropped), first-in-path
    /// hiding later identical signatures.
    pub(crate) fn func_candidates(
        &self,
        schema: Option<&str>,
        name: &str,
        nargs: usize,
        path: &[String],
    ) -> Vec<(Func, Vec<Ty>)> {
        let schemas = match schema {
            Some(s) => vec![s.to_string()],
            None => Self::effective_path(path),
        };
        let mut out: Vec<(Func, Vec<Ty>)> = Vec::new();
        for s in &schemas {
            for f in self.functions_in(s, name) {
                let expanded = if f.opaque {
                    Some(vec![Ty::opaque(); nargs])
                } else {
                    expand_args(&f, nargs)
                };
                if let Some(args) = expanded {
                    if !out.iter().any(|(_, a)| *a == args) {
                        out.push((f, args));
                    }
                }
            }
        }
        out
    }

    /// Every operator called `name` of the given kind in `schema`.
    fn operators_in(&self, schema: &str, name: &str, prefix: bool) -> Vec<Oper> {
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
    fn type_fingerprint(&self, t: &Ty, out: &mut String, depth: usize) {
        if (t.schema == "pg_catalog" && !t.array) || depth > 16 {
            return;
        }
        let info = self.type_info(t);
        out.push_str(&format!("{info:?};"));
        if t.array {
            self.type_fingerprint(&t.elem(), out, depth + 1);
        }
        if let super::typesys::TyKind::Domain(base, _) = &info.kind {
            self.type_fingerprint(base, out, depth + 1);
        }
    }

    fn resolve_operator_uncached(
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

    /// `func_match_argtypes` followed by `func_select_candidate`: the index of the chosen
    /// candidate.
    pub(crate) fn select_candidate(
        &self,
        inputs: &[Ty],
        cands: &[Vec<Ty>],
        rets: &[Ty],
    ) -> Option<usize> {
        let mut live: Vec<usize> = (0..cands.len())
            .filter(|&i| {
                cands[i].len() == inputs.len()
                    && inputs.iter().zip(&cands[i]).all(|(a, d)| {
                        d.is_opaque() || self.can_coerce(a, d, CoercionContext::Implicit)
                    })
                    && (!cands[i].iter().any(Ty::is_polymorphic)
                        || resolve_polymorphic(self, inputs, &cands[i], &rets[i]).is_some())
            })
            .collect();
        if live.len() <= 1 {
            return live.first().copied();
        }
        let base: Vec<Ty> = inputs.iter().map(|t| self.base_type(t)).collect();
        let nunknowns = base.iter().filter(|t| t.is_unknown()).count();
        // Most exact matches.
        live = keep_max(&live, |i| {
            base.iter()
                .zip(&cands[i])
                .filter(|(a, d)| !a.is_unknown() && a == d)
                .count()
        });
        if live.len() == 1 {
            return Some(live[0]);
        }
        // Most exact-or-preferred matches.
        let cats: Vec<u8> = base.iter().map(|t| self.category(t)).collect();
        live = keep_max(&live, |i| {
            base.iter()
                .zip(&cands[i])
                .enumerate()
                .filter(|(k, (a, d))| {
                    !a.is_unknown() && (a == d || self.is_preferred_in(cats[*k], d))
                })
                .count()
        });
        if live.len() == 1 {
            return Some(live[0]);
        }
        if nunknowns == 0 {
            return None;
        }
        // Resolve unknown positions by category, preferring STRING.
        let mut resolved = true;
        let mut slot_cat = vec![0u8; base.len()];
        let mut slot_pref = vec![false; base.len()];
        for k in 0..base.len() {
            if !base[k].is_unknown() {
                continue;
            }
            let mut cat = 0u8;
            let mut pref = false;
            let mut conflict = false;
            for &i in &live {
                let info = self.type_info(&cands[i][k]);
                if cat == 0 {
                    cat = info.category;
                    pref = info.preferred;
                } else if info.category == cat {
                    pref |= info.preferred;
                } else if info.category == b'S' {
                    cat = b'S';
                    pref = info.preferred;
                } else {
                    conflict = true;
                }
            }
            if conflict && cat != b'S' {
                resolved = false;
                break;
            }
            slot_cat[k] = cat;
            slot_pref[k] = pref;
        }
        if resolved {
            let kept: Vec<usize> = live
                .iter()
                .copied()
                .filter(|&i| {
                    (0..base.len()).all(|k| {
                        if !base[k].is_unknown() {
                            return true;
                        }
                        let info = self.type_info(&cands[i][k]);
                        info.category == slot_cat[k] && (!slot_pref[k] || info.preferred)
                    })
                })
                .collect();
            if !kept.is_empty() {
                live = kept;
            }
        }
        if live.len() == 1 {
            return Some(live[0]);
        }
        // Last gasp: unknowns take the single known type.
        if nunknowns < base.len() {
            let known: Vec<&Ty> = base.iter().filter(|t| !t.is_unknown()).collect();
            if known.iter().all(|t| *t == known[0]) {
                let assumed = vec![known[0].clone(); base.len()];
                let m: Vec<usize> = live
                    .iter()
                    .copied()
                    .filter(|&i| {
                        assumed
                            .iter()
                            .zip(&cands[i])
                            .all(|(a, d)| self.can_coerce(a, d, CoercionContext::Implicit))
                    })
                    .collect();
                if m.len() == 1 {
                    return Some(m[0]);
                }
            }
        }
        None
    }
}

fn keep_max(live: &[usize], score: impl Fn(usize) -> usize) -> Vec<usize> {
    let best = live.iter().map(|&i| score(i)).max().unwrap_or(0);
    live.iter().copied().filter(|&i| score(i) == best).collect()
}

/// The argument types a function expects for `nargs` arguments, or `None` when it cannot take
/// that many.
fn expand_args(f: &Func, nargs: usize) -> Option<Vec<Ty>> {
    let n = f.args.len();
    if let Some(elem) = &f.variadic {
        let fixed = n - 1;
        if nargs > fixed {
            let mut v = f.args[..fixed].to_vec();
            v.extend(std::iter::repeat_n(elem.clone(), nargs - fixed));
            return Some(v);
        }
        return None;
    }
    if nargs <= n && nargs + f.ndefaults >= n {
        return Some(f.args[..nargs].to_vec());
    }
    None
}

impl Ty {
    /// The type of a call to a user function whose signature is unknown.
    pub(crate) fn opaque() -> Ty {
        Ty {
            schema: String::new(),
            name: "?".into(),
            array: false,
        }
    }

    /// Whether this is [`Ty::opaque`].
    pub(crate) fn is_opaque(&self) -> bool {
        self.schema.is_empty() && self.name == "?"
    }
}

/// Lines of an extension table (`ext<sep>name<sep>…`) indexed by extension, then name; built
/// once.
type ExtIndex = std::sync::OnceLock<
    std::collections::HashMap<
        &'static str,
        std::collections::HashMap<&'static str, Vec<&'static str>>,
    >,
>;

static EXT_FUNCTIONS: ExtIndex = std::sync::OnceLock::new();
static EXT_OPERATORS: ExtIndex = std::sync::OnceLock::new();

/// The lines of `table` for extension `ext` and object `name`.
fn ext_lines(
    index: &'static ExtIndex,
    table: &'static str,
    sep: char,
    ext: &str,
    name: &str,
) -> &'static [&'static str] {
    let map = index.get_or_init(|| {
        let mut m: std::collections::HashMap<&str, std::collections::HashMap<&str, Vec<&str>>> =
            std::collections::HashMap::new();
        for line in table.lines() {
            let mut parts = line.splitn(3, sep);
            if let (Some(e), Some(n)) = (parts.next(), parts.next()) {
                m.entry(e).or_default().entry(n).or_default().push(line);
            }
        }
        m
    });
    map.get(ext)
        .and_then(|m| m.get(name))
        .map_or(&[], Vec::as_slice)
}

/// The key of a remembered operator resolution (see `resolve_operator`).
#[derive(Hash, PartialEq, Eq)]
struct OperKey {
    schema: Option<String>,
    name: String,
    left: Option<Ty>,
    right: Ty,
    path: Vec<String>,
    exts: String,
    types: String,
}

thread_local! {
    static OPER_CACHE: std::cell::RefCell<std::collections::HashMap<OperKey, Option<Oper>>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}
