//! The contents of the user's tables, as far as the history itself gives them: a table created
//! by a plain `CREATE TABLE` starts empty, and the `INSERT`, `UPDATE`, `DELETE` and `TRUNCATE`
//! statements the history runs on it are logged (their text and the table's columns at that
//! point). A guard that reads the table (`IF NOT EXISTS (SELECT 1 FROM seances WHERE formation_id
//! IS NULL)`) replays the log with the evaluator, `COPY … FROM stdin` rows included. Anything
//! else (`COPY` from a file, `MERGE`, `INSERT … SELECT` over unknown data, a table from the base
//! catalog, a log too large) makes the contents unknown, and reading them says why.

mod copy;
mod rows;

use std::collections::HashMap;
use std::sync::Arc;

use super::errors::{Fail, Res};
use super::value::V;
use super::Ctx;

use rows::{apply, Rows};

/// Bytes of DML text kept per table before its contents are given up as unknown.
const MAX_LOG_BYTES: usize = 4 << 20;

/// A column as it was when a statement ran.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ColSnap {
    pub name: String,
    pub default: Option<String>,
    /// Identity or generated: a value the history does not give.
    pub computed: bool,
    /// Generated (`GENERATED ALWAYS AS (…) STORED`): not among `COPY`'s columns.
    pub generated: bool,
    /// The column's type, as values read from text (`COPY`) are converted to it.
    pub ty: super::cast::Ty,
}

#[derive(Debug)]
pub(crate) struct Entry {
    /// Position in the history (set by [`DataStore::logged`]).
    pub seq: u64,
    pub text: String,
    pub columns: Arc<Vec<ColSnap>>,
    /// `file:line:col`, for messages.
    pub at: String,
}

/// One step of a table's history.
#[derive(Debug, Clone)]
enum Item {
    /// A data-modifying statement.
    Dml(Arc<Entry>),
    /// `ALTER TABLE … RENAME COLUMN old TO new`: later statements use the new name.
    RenameColumn(u64, String, String),
}

impl Item {
    fn seq(&self) -> u64 {
        match self {
            Item::Dml(e) => e.seq,
            Item::RenameColumn(seq, ..) => *seq,
        }
    }
}

#[derive(Debug, Clone)]
enum State {
    Known(Vec<Item>, usize),
    Unknown(String),
}

/// Table contents, by (schema, table).
#[derive(Debug, Clone, Default)]
pub(crate) struct DataStore {
    tables: HashMap<(String, String), State>,
    /// The next log item's sequence number.
    next_seq: u64,
}

impl DataStore {
    /// A table created empty (`CREATE TABLE` without `AS`).
    pub(crate) fn created(&mut self, schema: &str, table: &str) {
        self.tables
            .insert((schema.into(), table.into()), State::Known(Vec::new(), 0));
    }

    /// A table whose contents cannot be followed from here on.
    pub(crate) fn unknown(&mut self, schema: &str, table: &str, why: String) {
        self.tables
            .insert((schema.into(), table.into()), State::Unknown(why));
    }

    /// `DROP TABLE`.
    pub(crate) fn dropped(&mut self, schema: &str, table: &str) {
        self.tables.remove(&(schema.to_string(), table.to_string()));
    }

    /// `ALTER TABLE … RENAME TO` / `SET SCHEMA`: the contents follow the table.
    pub(crate) fn moved(&mut self, from: (&str, &str), to: (&str, &str)) {
        if let Some(s) = self
            .tables
            .remove(&(from.0.to_string(), from.1.to_string()))
        {
            self.tables.insert((to.0.into(), to.1.into()), s);
        }
    }

    /// `ALTER TABLE … RENAME COLUMN`.
    pub(crate) fn column_renamed(&mut self, schema: &str, table: &str, old: &str, new: &str) {
        if let Some(State::Known(log, _)) = self
            .tables
            .get_mut(&(schema.to_string(), table.to_string()))
        {
            log.push(Item::RenameColumn(
                self.next_seq,
                old.to_string(),
                new.to_string(),
            ));
            self.next_seq += 1;
        }
    }

    /// `TRUNCATE`: known empty from here on.
    pub(crate) fn truncated(&mut self, schema: &str, table: &str) {
        self.created(schema, table);
    }

    /// Logs a DML statement on a table.
    pub(crate) fn logged(&mut self, schema: &str, table: &str, mut entry: Entry) {
        entry.seq = self.next_seq;
        self.next_seq += 1;
        let key = (schema.to_string(), table.to_string());
        let Some(state) = self.tables.get_mut(&key) else {
            return;
        };
        if let State::Known(log, bytes) = state {
            *bytes += entry.text.len();
            if *bytes > MAX_LOG_BYTES {
                *state = State::Unknown(format!(
                    "more than {} MB of rows were written to it",
                    MAX_LOG_BYTES >> 20
                ));
            } else {
                log.push(Item::Dml(Arc::new(entry)));
            }
        }
    }

    /// The rows of a table, with values in the order of `columns` (its current columns).
    pub(crate) fn rows(
        &self,
        cx: &Ctx<'_>,
        schema: &str,
        table: &str,
        columns: &[String],
    ) -> Res<Vec<Vec<V<'static>>>> {
        let key = (schema.to_string(), table.to_string());
        let log = match self.tables.get(&key) {
            Some(State::Known(log, _)) => log,
            Some(State::Unknown(why)) => {
                return Err(Fail::unknown(format!(
                    "depends on the data of table {schema}.{table}, which is not known: {why}"
                )))
            }
            None => {
                return Err(Fail::unknown(format!(
                    "depends on the data of table {schema}.{table}, which is not known (the table was not created \
                     by a CREATE TABLE of this history)"
                )))
            }
        };
        let mut t = Rows {
            columns: Vec::new(),
            rows: Vec::new(),
        };
        for item in log.iter().take_while(|i| i.seq() < cx.as_of) {
            let e = match item {
                Item::Dml(e) => e,
                Item::RenameColumn(_, old, new) => {
                    for c in &mut t.columns {
                        if c == old {
                            c.clone_from(new);
                        }
                    }
                    continue;
                }
            };
            t.align(&e.columns, cx)?;
            apply(cx, &mut t, e).map_err(|f| match f {
                Fail::Unknown(m) => Fail::unknown(format!(
                    "depends on the data of table {schema}.{table}, which is not known: the statement at {} is not \
                     evaluated ({m})",
                    e.at
                )),
                other => other,
            })?;
        }
        let current: Vec<ColSnap> = columns
            .iter()
            .map(|c| ColSnap {
                name: c.clone(),
                default: None,
                computed: false,
                generated: false,
                ty: super::cast::Ty::Any,
            })
            .collect();
        t.align(&current, cx)?;
        Ok(t.rows)
    }
}

/// A name with its schema when one is written.
pub(crate) type QualifiedName = (Option<String>, String);

/// The table a DML statement writes: its verb and the (schema-optional) name, from tokens.
pub(crate) fn dml_target(
    words: &[(String, Option<String>)],
) -> Option<(&'static str, Vec<QualifiedName>)> {
    let w = |i: usize| words.get(i).map(|(w, _)| w.as_str()).unwrap_or("");
    let mut i = 1;
    let verb = match w(0) {
        "insert" if w(1) == "into" => {
            i = 2;
            "insert"
        }
        "update" => "update",
        "delete" if w(1) == "from" => {
            i = 2;
            "delete"
        }
        "truncate" => {
            if w(1) == "table" {
                i = 2;
            }
            "truncate"
        }
        "copy" => "copy",
        "merge" if w(1) == "into" => {
            i = 2;
            "merge"
        }
        _ => return None,
    };
    if w(i) == "only" {
        i += 1;
    }
    // name [. name] [, name …] (TRUNCATE lists several).
    let mut out = Vec::new();
    while let Some((_, Some(id))) = words.get(i).cloned() {
        if w(i + 1) == "." {
            let Some((_, Some(name))) = words.get(i + 2).cloned() else {
                break;
            };
            out.push((Some(id), name));
            i += 3;
        } else {
            out.push((None, id));
            i += 1;
        }
        if verb == "truncate" && w(i) == "," {
            i += 1;
            continue;
        }
        break;
    }
    Some((verb, out))
}
