//! `GRANT`/`REVOKE … ON <object>` and `ALTER <object> … OWNER TO`: passed over (privileges and
//! owners are not modelled), but PostgreSQL refuses them when the object does not exist, when a
//! privilege does not apply to the object's kind (`GRANT EXECUTE ON TABLE t`), when a privilege
//! word is not one (`MAINTAIN` is PostgreSQL 17's) or when a column privilege names a column
//! the table lacks. Roles are never looked at: a project has roles the history does not create.
//! What may exist without the catalog knowing it is accepted (see [`super::known`]).

use sqlparser::tokenizer::Token;

use super::known::Found;
use crate::sql::replay::guard::track::{qualified_name, words};
use crate::sql::replay::{ReplayError, Replayer, SqlState, Stmt, R};

/// A statement's significant tokens as (lower-case bare word or punctuation, identifier).
type W = [(String, Option<String>)];

/// Every privilege word PostgreSQL 15 knows (`ALTER SYSTEM` apart).
const PRIVILEGES: &[&str] = &[
    "select",
    "insert",
    "update",
    "delete",
    "truncate",
    "references",
    "trigger",
    "execute",
    "usage",
    "create",
    "connect",
    "temporary",
    "temp",
    "set",
];
/// `GRANT … ON [TABLE]` takes a table's privileges or a sequence's.
const RELATION: &[&str] = &[
    "select",
    "insert",
    "update",
    "delete",
    "truncate",
    "references",
    "trigger",
    "usage",
];
const TABLE: &[&str] = &[
    "select",
    "insert",
    "update",
    "delete",
    "truncate",
    "references",
    "trigger",
];
const SEQUENCE: &[&str] = &["usage", "select", "update"];
const ROUTINE: &[&str] = &["execute"];
const SCHEMA: &[&str] = &["usage", "create"];
const TYPE: &[&str] = &["usage"];
const COLUMN: &[&str] = &["select", "insert", "update", "references"];

/// One privilege of a `GRANT`: its word and its column list.
struct Privilege {
    name: String,
    columns: Option<Vec<String>>,
}

/// What a `GRANT … ON` names.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Target {
    /// `ON [TABLE]`.
    Relation,
    Sequence,
    /// `ON FUNCTION|PROCEDURE|ROUTINE`: the word.
    Routine(&'static str),
    Schema,
    /// `ON TYPE` / `ON DOMAIN` (`true`).
    Type(bool),
    /// `ON ALL <objects> IN SCHEMA`: the privileges' object kind.
    AllIn(&'static str),
}

impl Target {
    /// The privileges it takes and how PostgreSQL names the kind in its error.
    fn privileges(self) -> (&'static [&'static str], &'static str) {
        match self {
            Target::Relation | Target::AllIn("relation") => (RELATION, "relation"),
            Target::Sequence | Target::AllIn("sequence") => (SEQUENCE, "sequence"),
            Target::Routine(k) | Target::AllIn(k) => (ROUTINE, k),
            Target::Schema => (SCHEMA, "schema"),
            Target::Type(_) => (TYPE, "type"),
        }
    }
}

/// How PostgreSQL prints a privilege.
fn shown(privilege: &str) -> String {
    match privilege {
        "temporary" => "TEMP".into(),
        p => p.to_ascii_uppercase(),
    }
}

fn invalid_privilege(privilege: &str, kind: &str) -> ReplayError {
    ReplayError::new(
        SqlState::Raised("invalid_grant_operation"),
        format!("invalid privilege type {} for {kind}", shown(privilege)),
    )
}

fn wrong_object_type(message: String) -> ReplayError {
    ReplayError::new(SqlState::Raised("wrong_object_type"), message)
}

/// Splits `w[from..to]` at the commas outside parentheses.
fn split_commas(w: &W, from: usize, to: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0i32, from);
    for (k, (x, _)) in w.iter().enumerate().take(to).skip(from) {
        match x.as_str() {
            "(" => depth += 1,
            ")" => depth -= 1,
            "," if depth == 0 => {
                out.push((start, k));
                start = k + 1;
            }
            _ => {}
        }
    }
    out.push((start, to));
    out
}

/// The first word `pred` accepts outside parentheses in `w[from..]`.
fn find_outside(w: &W, from: usize, pred: impl Fn(&str) -> bool) -> Option<usize> {
    let mut depth = 0i32;
    for (k, (x, _)) in w.iter().enumerate().skip(from) {
        match x.as_str() {
            "(" => depth += 1,
            ")" => depth -= 1,
            x if depth == 0 && pred(x) => return Some(k),
            _ => {}
        }
    }
    None
}

/// The identifiers of a parenthesised list `( a, b )` that is exactly `w[from..to]`.
fn column_list(w: &W, from: usize, to: usize) -> Option<Vec<String>> {
    if to < from + 2 || w[from].0 != "(" || w[to - 1].0 != ")" {
        return None;
    }
    split_commas(w, from + 1, to - 1)
        .into_iter()
        .map(|(a, b)| (b == a + 1).then(|| w[a].1.clone()).flatten())
        .collect()
}

/// The privileges `w[from..to]`; `None` for `ALL` without columns or a form not read here
/// (nothing is then checked); PostgreSQL's error for a word that is no privilege.
fn privileges(w: &W, from: usize, to: usize) -> R<Option<Vec<Privilege>>> {
    let mut out = Vec::new();
    for (a, b) in split_commas(w, from, to) {
        let word = |k: usize| w.get(k).filter(|_| k < b).map(|x| x.0.as_str());
        let (name, cols_at) = match (word(a), word(a + 1)) {
            (Some("all"), Some("privileges")) => ("all".to_string(), a + 2),
            (Some("all"), _) => ("all".to_string(), a + 1),
            (Some("alter"), Some("system")) => ("alter system".to_string(), a + 2),
            _ => match &w[a..b] {
                [(_, Some(id)), ..] => (id.clone(), a + 1),
                _ => return Ok(None),
            },
        };
        let columns = if cols_at == b {
            None
        } else {
            match column_list(w, cols_at, b) {
                Some(c) => Some(c),
                None => return Ok(None),
            }
        };
        if name != "all" && name != "alter system" && !PRIVILEGES.contains(&name.as_str()) {
            return Err(ReplayError::new(
                SqlState::SyntaxError,
                format!("unrecognized privilege type \"{name}\""),
            ));
        }
        if name == "all" && columns.is_none() {
            continue;
        }
        out.push(Privilege { name, columns });
    }
    Ok(Some(out))
}

/// The argument list `( … )` at `w[at..]` as written (for messages) and the index after it.
fn argument_list(w: &W, at: usize) -> Option<(String, usize)> {
    if w.get(at).map(|x| x.0.as_str()) != Some("(") {
        return None;
    }
    let mut depth = 0;
    let mut text = String::new();
    for (k, (x, id)) in w.iter().enumerate().skip(at) {
        match x.as_str() {
            "(" => depth += 1,
            ")" => {
                depth -= 1;
                if depth == 0 {
                    return Some((text, k + 1));
                }
            }
            _ => {}
        }
        if k > at {
            let piece = id.clone().unwrap_or_else(|| x.clone());
            if !(text.is_empty() || piece == "," || piece == ")" || text.ends_with('(')) {
                text.push(' ');
            }
            text.push_str(&piece);
        }
    }
    None
}

/// An error, or nothing when the object may exist.
fn check(found: Found) -> R<Option<String>> {
    match found {
        Found::In(s) => Ok(Some(s)),
        Found::Unknown => Ok(None),
        Found::Missing(e) => Err(e),
    }
}

impl Replayer {
    /// The routine named at `w[at..]` (`[schema.]name [(args)]`, ending at `end`) of kind
    /// `kind` (`function`, `procedure`, `routine`) must exist; nothing is said of other shapes.
    fn check_routine_at(&self, w: &W, at: usize, end: usize, kind: &str) -> R<()> {
        let Some((schema, name, next)) = qualified_name(w, at) else {
            return Ok(());
        };
        let (args, after) = match argument_list(w, next) {
            Some((args, after)) => (Some(args), after),
            None => (None, next),
        };
        if after != end {
            return Ok(());
        }
        let what = if kind == "procedure" {
            "procedure"
        } else {
            "function"
        };
        check(self.lookup_routine(schema.as_deref(), &name, what, args.as_deref()))?;
        Ok(())
    }

    /// A statement passed over that names objects it does not change: `GRANT`/`REVOKE … ON`,
    /// `ALTER … OWNER TO`. PostgreSQL's error when one does not exist.
    pub(crate) fn check_references(&self, stmt: Stmt<'_>) -> R<()> {
        let lead = stmt.words(1);
        match lead.first().map(String::as_str) {
            Some("grant" | "revoke") => self.check_grant(stmt),
            Some("alter") => self.check_owner_to(stmt),
            Some("comment") => self.check_comment(stmt),
            _ => Ok(()),
        }
    }

    /// `COMMENT ON {FUNCTION|PROCEDURE|ROUTINE|EXTENSION|TRIGGER|POLICY} … IS …` (comments the
    /// catalog does not keep): the object must exist.
    fn check_comment(&self, stmt: Stmt<'_>) -> R<()> {
        let lead = stmt.words(3);
        let kind = lead.get(2).map(String::as_str).unwrap_or("");
        if !matches!(
            kind,
            "function" | "procedure" | "routine" | "extension" | "trigger" | "policy"
        ) {
            return Ok(());
        }
        let w = words(stmt);
        let word = |i: usize| w.get(i).map(|(x, _)| x.as_str()).unwrap_or("");
        let n = w.len();
        if n < 6 || word(1) != "on" || word(n - 2) != "is" {
            return Ok(());
        }
        let is = n - 2;
        match kind {
            "extension" => {
                let Some(name) = w[3].1.clone().filter(|_| is == 4) else {
                    return Ok(());
                };
                if !self.catalog.extensions.contains_key(&name) {
                    return Err(ReplayError::new(
                        SqlState::UndefinedObject,
                        format!("extension \"{name}\" does not exist"),
                    ));
                }
            }
            "trigger" | "policy" => {
                let Some(name) = w[3].1.clone().filter(|_| word(4) == "on") else {
                    return Ok(());
                };
                let Some((schema, table, next)) = qualified_name(&w, 5) else {
                    return Ok(());
                };
                if next != is {
                    return Ok(());
                }
                let Some(s) = check(self.lookup_relation(schema.as_deref(), &table))? else {
                    return Ok(());
                };
                let Some(t) = self.catalog.schemas[&s].tables.get(&table) else {
                    return Ok(());
                };
                let exists = if kind == "trigger" {
                    self.tracked.triggers.exists(&s, &table, &name)
                } else {
                    t.policies.iter().any(|p| p.name == name)
                };
                if !exists && !super::known::platform_schema(&s) {
                    return Err(ReplayError::new(
                        SqlState::UndefinedObject,
                        format!("{kind} \"{name}\" for table \"{table}\" does not exist"),
                    ));
                }
            }
            _ => {
                self.check_routine_at(&w, 3, is, kind)?;
            }
        }
        Ok(())
    }

    fn check_grant(&self, stmt: Stmt<'_>) -> R<()> {
        let w = words(stmt);
        let word = |i: usize| w.get(i).map(|(x, _)| x.as_str()).unwrap_or("");
        let mut i = 1;
        if word(0) == "revoke" && word(1) == "grant" && word(2) == "option" && word(3) == "for" {
            i = 4;
        }
        let Some(on) = find_outside(&w, i, |x| matches!(x, "on" | "to" | "from")) else {
            return Ok(());
        };
        if word(on) != "on" {
            // `GRANT role TO role`.
            return Ok(());
        }
        let Some(end) = find_outside(&w, on, |x| x == "to" || x == "from") else {
            return Ok(());
        };
        let (target, first) = match (word(on + 1), word(on + 2)) {
            ("table", _) => (Target::Relation, on + 2),
            ("sequence", _) => (Target::Sequence, on + 2),
            ("function", _) => (Target::Routine("function"), on + 2),
            ("procedure", _) => (Target::Routine("procedure"), on + 2),
            ("routine", _) => (Target::Routine("routine"), on + 2),
            ("schema", _) => (Target::Schema, on + 2),
            ("type", _) => (Target::Type(false), on + 2),
            ("domain", _) => (Target::Type(true), on + 2),
            ("all", objects) if word(on + 3) == "in" && word(on + 4) == "schema" => {
                let kind = match objects {
                    "tables" => "relation",
                    "sequences" => "sequence",
                    "functions" => "function",
                    "procedures" => "procedure",
                    "routines" => "routine",
                    _ => return Ok(()),
                };
                (Target::AllIn(kind), on + 5)
            }
            (
                "database" | "language" | "foreign" | "large" | "tablespace" | "parameter" | "all",
                _,
            ) => return Ok(()),
            _ => (Target::Relation, on + 1),
        };
        let privs = privileges(&w, i, on)?;
        // The objects, as PostgreSQL looks them up before it looks at the privileges.
        let mut relations = Vec::new();
        for (a, b) in split_commas(&w, first, end) {
            match target {
                Target::Relation | Target::Sequence => {
                    let Some((schema, name, next)) = qualified_name(&w, a) else {
                        return Ok(());
                    };
                    if next != b {
                        return Ok(());
                    }
                    if let Some(s) = check(self.lookup_relation(schema.as_deref(), &name))? {
                        relations.push((s, name));
                    }
                }
                Target::Routine(what) => {
                    self.check_routine_at(&w, a, b, what)?;
                }
                Target::Schema | Target::AllIn(_) => {
                    let Some(name) = w[a].1.clone().filter(|_| b == a + 1) else {
                        return Ok(());
                    };
                    check(self.lookup_schema(&name))?;
                }
                Target::Type(domain) => self.check_type_reference(stmt, a, b, domain)?,
            }
        }
        let Some(privs) = privs else {
            return Ok(());
        };
        let (valid, kind) = target.privileges();
        for p in &privs {
            if p.columns.is_some() {
                if target != Target::Relation {
                    return Err(ReplayError::new(
                        SqlState::Raised("invalid_grant_operation"),
                        "column privileges are only valid for relations",
                    ));
                }
            } else if !valid.contains(&p.name.as_str()) {
                return Err(invalid_privilege(&p.name, kind));
            }
        }
        for (s, name) in &relations {
            let sc = &self.catalog.schemas[s];
            let is_sequence = sc.sequences.contains_key(name);
            if target == Target::Sequence && !is_sequence {
                return Err(wrong_object_type(format!("\"{name}\" is not a sequence")));
            }
            let is_relation = sc.tables.contains_key(name) || sc.views.contains_key(name);
            for p in &privs {
                match &p.columns {
                    None if is_relation && !TABLE.contains(&p.name.as_str()) => {
                        return Err(invalid_privilege(&p.name, "table"));
                    }
                    None => {}
                    Some(columns) => {
                        if p.name != "all" && !COLUMN.contains(&p.name.as_str()) {
                            return Err(invalid_privilege(&p.name, "column"));
                        }
                        let Some(t) = sc.tables.get(name) else {
                            continue;
                        };
                        if let Some(c) = columns.iter().find(|c| {
                            t.column(c).is_none()
                                && !matches!(
                                    c.as_str(),
                                    "ctid" | "xmin" | "xmax" | "cmin" | "cmax" | "tableoid"
                                )
                        }) {
                            return Err(ReplayError::new(
                                SqlState::UndefinedColumn,
                                format!("column \"{c}\" of relation \"{name}\" does not exist"),
                            ));
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// `TYPE|DOMAIN <type name>` in `w[a..b]` (`GRANT … ON TYPE`, `ALTER TYPE … OWNER TO`):
    /// the type must exist as a column type must (a built-in, an extension's, the catalog's);
    /// a domain must be one.
    fn check_type_reference(&self, stmt: Stmt<'_>, a: usize, b: usize, domain: bool) -> R<()> {
        let sig = stmt.significant();
        let (Some(&(from, _)), Some(&(to, _))) = (sig.get(a), sig.get(b - 1)) else {
            return Ok(());
        };
        let text: String = stmt.tokens()[from..=to]
            .iter()
            .map(|t| t.token.to_string())
            .collect();
        let dialect = sqlparser::dialect::PostgreSqlDialect {};
        let Ok(mut parser) = sqlparser::parser::Parser::new(&dialect).try_with_sql(&text) else {
            return Ok(());
        };
        let Ok(dt) = parser.parse_data_type() else {
            return Ok(());
        };
        if parser.peek_token().token != Token::EOF {
            return Ok(());
        }
        let schema = match &dt {
            sqlparser::ast::DataType::Custom(name, _) => crate::sql::replay::split_name(name).0,
            _ => None,
        };
        match self.resolve_column_type(&dt) {
            Ok(ty) => {
                let catalog_type = self.catalog.schemas.get(&ty.schema);
                let not_domain = catalog_type
                    .is_some_and(|s| s.has_type(&ty.name) && !s.domains.contains_key(&ty.name));
                if domain && not_domain && ty.array_dims == 0 {
                    // `GRANT … ON DOMAIN` quotes the name, `ALTER DOMAIN` does not.
                    let quoted = stmt.words(1).first().is_some_and(|w| w != "alter");
                    return Err(wrong_object_type(if quoted {
                        format!("\"{}\" is not a domain", ty.name)
                    } else {
                        format!("{} is not a domain", ty.name)
                    }));
                }
                Ok(())
            }
            Err(e) => {
                let open = match &schema {
                    Some(s) => self.types_open(s),
                    None => self
                        .effective_search_path()
                        .iter()
                        .any(|s| self.types_open(s)),
                };
                if open {
                    Ok(())
                } else {
                    Err(e)
                }
            }
        }
    }

    /// `ALTER TABLE|VIEW|MATERIALIZED VIEW|SEQUENCE|FUNCTION|PROCEDURE|ROUTINE|TYPE|DOMAIN|SCHEMA
    /// [IF EXISTS] name OWNER TO role`.
    fn check_owner_to(&self, stmt: Stmt<'_>) -> R<()> {
        let w = words(stmt);
        let word = |i: usize| w.get(i).map(|(x, _)| x.as_str()).unwrap_or("");
        let n = w.len();
        if n < 5 || word(n - 3) != "owner" || word(n - 2) != "to" {
            return Ok(());
        }
        let owner = n - 3;
        let (kind, mut i) = match (word(1), word(2)) {
            ("materialized", "view") => ("materialized view", 3),
            (k @ ("table" | "view" | "sequence" | "function" | "procedure" | "routine"), _) => {
                (k, 2)
            }
            (k @ ("type" | "domain" | "schema"), _) => (k, 2),
            _ => return Ok(()),
        };
        let if_exists = word(i) == "if" && word(i + 1) == "exists";
        if if_exists {
            i += 2;
        }
        if kind == "table" && word(i) == "only" {
            i += 1;
        }
        match kind {
            "schema" => {
                let Some(name) = w[i].1.clone().filter(|_| i + 1 == owner) else {
                    return Ok(());
                };
                check(self.lookup_schema(&name))?;
            }
            "type" | "domain" => {
                if i >= owner {
                    return Ok(());
                }
                let domain = kind == "domain";
                self.check_type_reference(stmt, i, owner, domain)?;
                if kind == "type" {
                    // A table's row type is altered through its table.
                    if let Some((schema, name, next)) = qualified_name(&w, i) {
                        if next == owner {
                            if let Found::In(s) = self.lookup_relation(schema.as_deref(), &name) {
                                let sc = &self.catalog.schemas[&s];
                                if sc.tables.contains_key(&name) || sc.views.contains_key(&name) {
                                    return Err(wrong_object_type(format!(
                                        "{name} is a table's row type"
                                    )));
                                }
                            }
                        }
                    }
                }
            }
            "function" | "procedure" | "routine" => {
                self.check_routine_at(&w, i, owner, kind)?;
            }
            _ => {
                let Some((schema, name, next)) = qualified_name(&w, i) else {
                    return Ok(());
                };
                if next != owner && !(word(next) == "*" && next + 1 == owner) {
                    return Ok(());
                }
                let found = match self.lookup_relation(schema.as_deref(), &name) {
                    Found::Missing(_) if if_exists => return Ok(()),
                    found => check(found)?,
                };
                let Some(s) = found else {
                    return Ok(());
                };
                let sc = &self.catalog.schemas[&s];
                let view = sc.views.get(&name);
                let fits = match kind {
                    "view" => view.is_some_and(|v| !v.materialized),
                    "materialized view" => view.is_some_and(|v| v.materialized),
                    "sequence" => sc.sequences.contains_key(&name),
                    _ => true,
                };
                // Only what the catalog models is told apart (composite types, indexes…).
                let modelled = view.is_some()
                    || sc.tables.contains_key(&name)
                    || sc.sequences.contains_key(&name);
                if !fits && modelled {
                    return Err(wrong_object_type(format!("\"{name}\" is not a {kind}")));
                }
            }
        }
        Ok(())
    }
}
