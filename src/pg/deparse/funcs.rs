//! Function and operator lookup: candidates through a search path (`FuncnameGetCandidates`,
//! `OpernameGetCandidates`) and the choice among them (`func_select_candidate`).

mod candidates;
mod operators;

use candidates::expand_args;
use operators::OperKey;
use std::collections::HashMap;
use std::sync::OnceLock;

use super::typesys::Ty;
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

thread_local! {
    static OPER_CACHE: std::cell::RefCell<std::collections::HashMap<OperKey, Option<Oper>>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}
