//! `INSERT`, `UPDATE`, `DELETE`, `TRUNCATE` and `COPY` name a relation, and `INSERT`,
//! `UPDATE … SET` and `COPY` columns of it, that must exist: PostgreSQL refuses the statement
//! otherwise (42P01, 42703), so `supabase db reset` fails. DML is otherwise passed over; this is
//! read from its tokens (no parse), and only what the catalog fully knows is judged: a relation
//! the platform or an extension may hold is accepted, and columns are checked on the history's
//! own tables only.

use super::known::{platform_schemas, Found};
use crate::sql::replay::guard::track::{qualified_name, words};
use crate::sql::replay::{ReplayError, Replayer, SqlState, Stmt, R};

type Words = [(String, Option<String>)];

impl Replayer {
    /// The checks of the module.
    pub(crate) fn check_dml(&self, stmt: Stmt<'_>) -> R<()> {
        let lead = stmt.words(1);
        if !matches!(
            lead.first().map(String::as_str),
            Some("insert" | "update" | "delete" | "truncate" | "copy")
        ) {
            return Ok(());
        }
        let w = words(stmt);
        let word = |i: usize| w.get(i).map(|(x, _)| x.as_str()).unwrap_or("");
        let (verb, mut i) = match (word(0), word(1)) {
            ("insert", "into") => ("insert", 2),
            ("update", _) => ("update", 1),
            ("delete", "from") => ("delete", 2),
            ("truncate", "table") => ("truncate", 2),
            ("truncate", _) => ("truncate", 1),
            ("copy", _) if word(1) != "(" => ("copy", 1),
            _ => return Ok(()),
        };
        loop {
            if word(i) == "only" {
                i += 1;
            }
            let Some((schema, name, next)) = qualified_name(&w, i) else {
                return Ok(());
            };
            let columns = match self.lookup_relation(schema.as_deref(), &name) {
                Found::Missing(e) => return Err(e),
                Found::Unknown => return Ok(()),
                Found::In(s) => self.own_table_columns(&s, &name),
            };
            i = next;
            if word(i) == "*" {
                i += 1;
            }
            if verb == "truncate" && word(i) == "," {
                i += 1;
                continue;
            }
            let Some(columns) = columns else {
                return Ok(());
            };
            let named = match verb {
                "insert" => insert_columns(&w, i),
                "update" => update_columns(&w, i),
                "copy" if word(i) == "(" => list(&w, i + 1),
                _ => Vec::new(),
            };
            let relation = &name;
            if let Some(c) = named.iter().find(|c| !columns.contains(c)) {
                return Err(ReplayError::new(
                    SqlState::UndefinedColumn,
                    format!("column \"{c}\" of relation \"{relation}\" does not exist"),
                ));
            }
            return Ok(());
        }
    }

    /// The columns of a table of the history (`None` for a view, a sequence, or a table of the
    /// platform's schemas, whose columns the catalog may not list in full).
    fn own_table_columns(&self, schema: &str, name: &str) -> Option<Vec<String>> {
        if platform_schemas().contains(schema) {
            return None;
        }
        let t = self.catalog.schemas.get(schema)?.tables.get(name)?;
        Some(t.columns.iter().map(|c| c.name.clone()).collect())
    }
}

/// `( name, name … )` from word `i` (just after the `(`), up to the closing parenthesis.
fn list(w: &Words, mut i: usize) -> Vec<String> {
    let mut out = Vec::new();
    while let Some((x, id)) = w.get(i) {
        match (x.as_str(), id) {
            (")", _) => break,
            (",", _) => {}
            (_, Some(id)) => out.push(id.clone()),
            _ => return Vec::new(),
        }
        i += 1;
    }
    out
}

/// `INSERT INTO t [[AS] alias] (a, b) …`: the column list (none for `(SELECT …)`).
fn insert_columns(w: &Words, mut i: usize) -> Vec<String> {
    let word = |i: usize| w.get(i).map(|(x, _)| x.as_str()).unwrap_or("");
    if word(i) == "as" {
        i += 2;
    }
    if word(i) != "(" || matches!(word(i + 1), "select" | "with" | "values" | "(" | "table") {
        return Vec::new();
    }
    list(w, i + 1)
}

/// `UPDATE t [[AS] alias] SET a = …, (b, c) = …, d[1] = …, e.f = …`: the columns set (the first
/// name of each target), up to `FROM`, `WHERE` or `RETURNING`.
fn update_columns(w: &Words, i: usize) -> Vec<String> {
    let Some(set) = (i..w.len().min(i + 4)).find(|&k| w[k].0 == "set") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut item_start = true;
    let mut k = set + 1;
    while let Some((x, id)) = w.get(k) {
        match x.as_str() {
            "(" | "[" if item_start && x == "(" && depth == 0 => {
                out.extend(list(w, k + 1));
                item_start = false;
                depth += 1;
            }
            "(" | "[" => depth += 1,
            ")" | "]" => depth = depth.saturating_sub(1),
            "," if depth == 0 => {
                item_start = true;
                k += 1;
                continue;
            }
            "from" | "where" | "returning" if depth == 0 => break,
            _ => {
                if item_start {
                    if let Some(id) = id {
                        out.push(id.clone());
                    }
                }
                item_start = false;
            }
        }
        k += 1;
    }
    out
}
