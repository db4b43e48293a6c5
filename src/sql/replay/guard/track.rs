//! What replay follows beyond the catalog for the evaluator's sake: routine signatures,
//! triggers, table contents, statements that were not understood, and how deep `DO` blocks run
//! inside `EXECUTE`d `DO` blocks. The replayer calls the hooks here as statements go by.

use std::collections::{BTreeMap, HashMap};

use sqlparser::ast::{CreateFunction, ObjectName, Statement};
use sqlparser::tokenizer::Token;

use super::data::{dml_target, ColSnap, DataStore, Entry};
use super::routines::Routines;
use super::skipped::Skipped;
use crate::sql::replay::objects::known::Found;
use crate::sql::replay::{split_name, ReplayError, Replayer, SqlState, Stmt, R};

/// A trigger: enough for `pg_trigger` and `information_schema.triggers`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Trigger {
    pub schema: String,
    pub table: String,
    pub name: String,
    /// `INSERT`, `UPDATE`, `DELETE`, `TRUNCATE`.
    pub events: Vec<String>,
    /// `BEFORE`, `AFTER`, `INSTEAD OF`.
    pub timing: String,
    pub for_each_row: bool,
}

/// The triggers created by the history, in the order `pg_trigger` lists them (a trigger
/// created again moves to the end), with lookups by schema, table and name (no allocation).
#[derive(Debug, Clone, Default)]
pub(crate) struct Triggers {
    list: BTreeMap<u64, Trigger>,
    next: u64,
    /// schema → table → trigger name → positions in `list`.
    by_name: HashMap<String, HashMap<String, HashMap<String, Vec<u64>>>>,
}

impl Triggers {
    /// All triggers, in order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Trigger> {
        self.list.values()
    }

    /// Whether a table has a trigger.
    pub(crate) fn on_table(&self, schema: &str, table: &str) -> bool {
        self.by_name
            .get(schema)
            .and_then(|m| m.get(table))
            .is_some_and(|m| !m.is_empty())
    }

    /// Removes the triggers `schema.table.name`.
    pub(crate) fn remove(&mut self, schema: &str, table: &str, name: &str) {
        let Some(tables) = self.by_name.get_mut(schema) else {
            return;
        };
        let Some(names) = tables.get_mut(table) else {
            return;
        };
        if let Some(ids) = names.remove(name) {
            for id in &ids {
                self.list.remove(id);
            }
        }
        if names.is_empty() {
            tables.remove(table);
        }
        if tables.is_empty() {
            self.by_name.remove(schema);
        }
    }

    /// Whether trigger `name` exists on `schema.table`.
    pub(crate) fn exists(&self, schema: &str, table: &str, name: &str) -> bool {
        self.by_name
            .get(schema)
            .and_then(|m| m.get(table))
            .and_then(|m| m.get(name))
            .is_some_and(|ids| !ids.is_empty())
    }

    /// The table (or view) `schema.table` is gone, or is new: none of its triggers remain.
    pub(crate) fn forget_relation(&mut self, schema: &str, table: &str) {
        let Some(tables) = self.by_name.get_mut(schema) else {
            return;
        };
        if let Some(names) = tables.remove(table) {
            for id in names.values().flatten() {
                self.list.remove(id);
            }
        }
        if tables.is_empty() {
            self.by_name.remove(schema);
        }
    }

    /// A schema is gone with everything in it.
    pub(crate) fn forget_schema(&mut self, schema: &str) {
        if let Some(tables) = self.by_name.remove(schema) {
            for id in tables.values().flat_map(|n| n.values()).flatten() {
                self.list.remove(id);
            }
        }
    }

    /// `ALTER TABLE|VIEW … RENAME TO` / `SET SCHEMA`: the triggers follow their relation.
    pub(crate) fn relation_moved(&mut self, from: (&str, &str), to: (&str, &str)) {
        if from == to {
            return;
        }
        let Some(names) = self.by_name.get_mut(from.0).and_then(|m| m.remove(from.1)) else {
            return;
        };
        if self.by_name.get(from.0).is_some_and(HashMap::is_empty) {
            self.by_name.remove(from.0);
        }
        for id in names.values().flatten() {
            if let Some(t) = self.list.get_mut(id) {
                t.schema = to.0.to_string();
                t.table = to.1.to_string();
            }
        }
        for (name, mut ids) in names {
            let at = self.index(to.0, to.1, &name);
            at.append(&mut ids);
            at.sort_unstable();
        }
    }

    fn index(&mut self, schema: &str, table: &str, name: &str) -> &mut Vec<u64> {
        let tables = match self.by_name.get_mut(schema) {
            Some(_) => self.by_name.get_mut(schema).expect("present"),
            None => self.by_name.entry(schema.to_string()).or_default(),
        };
        let names = match tables.get_mut(table) {
            Some(_) => tables.get_mut(table).expect("present"),
            None => tables.entry(table.to_string()).or_default(),
        };
        match names.get_mut(name) {
            Some(_) => names.get_mut(name).expect("present"),
            None => names.entry(name.to_string()).or_default(),
        }
    }

    /// Adds a trigger at the end.
    pub(crate) fn push(&mut self, t: Trigger) {
        let id = self.next;
        self.next += 1;
        self.index(&t.schema, &t.table, &t.name).push(id);
        self.list.insert(id, t);
    }

    /// Renames the triggers `schema.table.name` in place.
    pub(crate) fn rename(&mut self, schema: &str, table: &str, name: &str, new: &str) {
        let Some(mut ids) = self
            .by_name
            .get_mut(schema)
            .and_then(|m| m.get_mut(table))
            .and_then(|m| m.remove(name))
        else {
            return;
        };
        for id in &ids {
            if let Some(t) = self.list.get_mut(id) {
                t.name = new.to_string();
            }
        }
        let to = self.index(schema, table, new);
        to.append(&mut ids);
        to.sort_unstable();
    }
}

/// The evaluator's state kept by the replayer.
#[derive(Debug, Clone)]
pub(crate) struct Tracked {
    pub routines: Routines,
    pub triggers: Triggers,
    pub data: DataStore,
    pub skipped: Skipped,
    /// `DO` blocks being run (a `DO` inside `EXECUTE` inside a `DO`…).
    pub do_depth: usize,
    /// Bytes of `DO` body text held by the `DO` blocks being run.
    pub do_bytes: usize,
    now: i64,
}

impl Default for Tracked {
    fn default() -> Self {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_micros() as i64)
            .unwrap_or(0);
        Tracked {
            routines: Routines::default(),
            triggers: Triggers::default(),
            data: DataStore::default(),
            skipped: Skipped::default(),
            do_depth: 0,
            do_bytes: 0,
            now,
        }
    }
}

impl Tracked {
    /// The transaction's start for `now()` (the replay's start).
    pub(crate) fn now(&self) -> i64 {
        self.now
    }
}

/// Significant tokens of a statement as (lower-case word or punctuation, identifier value).
pub(crate) fn words(stmt: Stmt<'_>) -> Vec<(String, Option<String>)> {
    let tokens = stmt.tokens();
    // Sized once (a filtered collect starts small and grows by copying).
    let mut out = Vec::with_capacity(tokens.len());
    out.extend(
        tokens
            .iter()
            .filter(|t| !crate::sql::split::is_trivia(&t.token))
            .map(|t| word(&t.token)),
    );
    out
}

/// One significant token as [`words`] gives it: an unquoted word as its lower case (once as
/// the word, once as the identifier), a quoted one as `""` and its value, anything else as it
/// prints (the common punctuation without formatting).
fn word(t: &Token) -> (String, Option<String>) {
    let printed = match t {
        Token::Word(w) if w.quote_style.is_some() => {
            return (String::new(), Some(w.value.clone()));
        }
        Token::Word(w) => {
            let lower = w.value.to_ascii_lowercase();
            return (lower.clone(), Some(lower));
        }
        Token::Comma => ",",
        Token::Period => ".",
        Token::LParen => "(",
        Token::RParen => ")",
        Token::SemiColon => ";",
        Token::Eq => "=",
        Token::Mul => "*",
        Token::DoubleColon => "::",
        other => return (other.to_string(), None),
    };
    (printed.to_string(), None)
}

/// The name `[schema.]name` starting at word `i`, and the index of the word after it.
pub(crate) fn qualified_name(
    w: &[(String, Option<String>)],
    i: usize,
) -> Option<(Option<String>, String, usize)> {
    let first = w.get(i)?.1.clone()?;
    let dot = w.get(i + 1).is_some_and(|(x, _)| x == ".");
    Some(match w.get(i + 2).and_then(|x| x.1.clone()) {
        Some(n) if dot => (Some(first), n, i + 3),
        _ => (None, first, i + 1),
    })
}

impl Replayer {
    /// A statement passed over (DML, triggers, grants…): what it changes for the evaluator.
    pub(crate) fn track_passed_over(&mut self, stmt: Stmt<'_>) -> R<()> {
        // Most statements passed over are grants, comments and the like: decide from the
        // leading words before turning the whole statement (a function body…) into words.
        let lead = stmt.words(5); // CREATE OR REPLACE CONSTRAINT TRIGGER
        if matches!(
            lead.iter().map(String::as_str).collect::<Vec<_>>()[..],
            ["create", "foreign", "table", ..] | ["import", "foreign", "schema", ..]
        ) {
            self.foreign_tables = true;
        }
        let relevant = match lead.first().map(String::as_str) {
            Some("insert" | "update" | "delete" | "truncate" | "copy" | "merge" | "with") => true,
            Some("create" | "drop" | "alter") if lead.iter().any(|w| w == "trigger") => true,
            // What writes a view's `pg_class` row (see `View::row_order`).
            // (`EXECUTE` and `USAGE` are never a view's privileges: functions, schemas…)
            Some("grant" | "revoke") => !lead.iter().any(|w| w == "execute" || w == "usage"),
            Some("alter") => matches!(lead.get(1).map(String::as_str), Some("view" | "table")),
            _ => false,
        };
        if !relevant {
            return Ok(());
        }
        let w = words(stmt);
        match w.first().map(|(w, _)| w.as_str()) {
            Some("insert" | "update" | "delete" | "truncate" | "copy" | "merge") => {
                self.track_dml(stmt, &w)
            }
            Some("with") => {
                // Data-modifying CTEs: whatever tables they write become unknown.
                for i in 0..w.len() {
                    if let Some((_, targets)) = dml_target(&w[i..]) {
                        for (s, n) in targets {
                            if let Some(s) = self.table_schema(s.as_deref(), &n) {
                                self.tracked.data.unknown(
                                    &s,
                                    &n,
                                    "a WITH query wrote to it".into(),
                                );
                            }
                        }
                    }
                }
            }
            Some("grant" | "revoke") => self.track_grant(&w),
            Some("alter") if !w.iter().any(|(x, _)| x == "trigger") => self.track_owner(&w),
            Some("create" | "drop" | "alter") => return self.track_trigger(stmt, &w),
            _ => {}
        }
        Ok(())
    }

    fn table_schema(&self, schema: Option<&str>, name: &str) -> Option<String> {
        self.find_in_path(schema, &|s| s.tables.contains_key(name))
    }

    fn track_dml(&mut self, stmt: Stmt<'_>, w: &[(String, Option<String>)]) {
        let Some((verb, targets)) = dml_target(w) else {
            return;
        };
        for (schema, name) in targets {
            let Some(s) = self.table_schema(schema.as_deref(), &name) else {
                continue;
            };
            match verb {
                "truncate" => self.tracked.data.truncated(&s, &name),
                "merge" => {
                    let why = format!("{} at {}", verb.to_uppercase(), location(stmt));
                    self.tracked.data.unknown(&s, &name, why);
                }
                _ => {
                    let columns = self.catalog.schemas[&s].tables[&name]
                        .columns
                        .iter()
                        .map(|c| ColSnap {
                            name: c.name.clone(),
                            default: c.default.clone(),
                            computed: c.identity.is_some() || c.generated.is_some(),
                            generated: c.generated.is_some(),
                            ty: super::cast::Ty::parse(&c.ty.to_string()),
                        })
                        .collect();
                    let entry = Entry {
                        seq: 0,
                        text: dml_text(stmt),
                        columns: std::sync::Arc::new(columns),
                        at: location(stmt),
                    };
                    self.tracked.data.logged(&s, &name, entry);
                }
            }
        }
    }

    /// `GRANT|REVOKE … ON [TABLE] names` / `ON ALL TABLES IN SCHEMA names`: the views named
    /// have their row written (column privileges are kept elsewhere: no write).
    fn track_grant(&mut self, w: &[(String, Option<String>)]) {
        let word = |i: usize| w.get(i).map(|(x, _)| x.as_str()).unwrap_or("");
        let Some(on) = w.iter().position(|(x, _)| x == "on") else {
            return;
        };
        if w[..on].iter().any(|(x, _)| x == "(") {
            return;
        }
        let end = w
            .iter()
            .skip(on)
            .position(|(x, _)| x == "to" || x == "from")
            .map_or(w.len(), |k| on + k);
        let (all, mut i) = match (word(on + 1), word(on + 2)) {
            ("all", "tables") if word(on + 3) == "in" && word(on + 4) == "schema" => (true, on + 5),
            ("table", _) => (false, on + 2),
            (
                "sequence" | "function" | "procedure" | "routine" | "schema" | "type" | "domain"
                | "database" | "language" | "foreign" | "large" | "tablespace" | "parameter"
                | "all",
                _,
            ) => return,
            _ => (false, on + 1),
        };
        while i < end {
            let Some((schema, name, next)) = qualified_name(w, i) else {
                return;
            };
            if all {
                if self.catalog.schemas.contains_key(&name) {
                    self.schema_view_rows_written(&name);
                }
            } else if let Some(s) =
                self.find_in_path(schema.as_deref(), &|s| s.views.contains_key(&name))
            {
                self.view_row_written(&s, &name);
            }
            if word(next) != "," {
                return;
            }
            i = next + 1;
        }
    }

    /// `ALTER VIEW|TABLE [IF EXISTS] name OWNER TO role`: a view given another owner than the
    /// role replaying (`postgres`) has its row written.
    fn track_owner(&mut self, w: &[(String, Option<String>)]) {
        let word = |i: usize| w.get(i).map(|(x, _)| x.as_str()).unwrap_or("");
        let n = w.len();
        if n < 5 || word(n - 3) != "owner" || word(n - 2) != "to" {
            return;
        }
        if matches!(
            word(n - 1),
            "postgres" | "current_user" | "session_user" | "current_role"
        ) {
            return;
        }
        let mut i = 2;
        if word(2) == "if" && word(3) == "exists" {
            i = 4;
        }
        let Some((schema, name, _)) = qualified_name(w, i) else {
            return;
        };
        if let Some(s) = self.find_in_path(schema.as_deref(), &|s| s.views.contains_key(&name)) {
            self.view_row_written(&s, &name);
        }
    }

    /// `CREATE TRIGGER` / `DROP TRIGGER` / `ALTER TRIGGER … RENAME`. A `CREATE TRIGGER`
    /// (without `OR REPLACE`) of a name the table already has a trigger by is refused, as
    /// PostgreSQL refuses it (42710).
    fn track_trigger(&mut self, stmt: Stmt<'_>, w: &[(String, Option<String>)]) -> R<()> {
        let word = |i: usize| w.get(i).map(|(x, _)| x.as_str()).unwrap_or("");
        let ident = |i: usize| w.get(i).and_then(|(_, v)| v.clone());
        let mut i = 1;
        if word(1) == "or" {
            i = 3;
        }
        if word(i) == "constraint" {
            i += 1;
        }
        if word(i) != "trigger" {
            return Ok(());
        }
        i += 1;
        let verb = word(0).to_string();
        if verb == "drop" && word(i) == "if" {
            i += 2;
        }
        let Some(name) = ident(i) else {
            return Ok(());
        };
        let Some(on) = (i..w.len()).find(|k| word(*k) == "on") else {
            return Ok(());
        };
        let (schema, table, after) = match (ident(on + 1), word(on + 2), ident(on + 3)) {
            (Some(s), ".", Some(t)) => (Some(s), t, on + 4),
            (Some(t), _, _) => (None, t, on + 2),
            _ => return Ok(()),
        };
        if verb == "create" {
            if let Found::Missing(e) = self.lookup_relation(schema.as_deref(), &table) {
                return Err(e);
            }
            self.check_trigger_function(w, after)?;
        }
        let Some(s) = self
            .table_schema(schema.as_deref(), &table)
            .or_else(|| self.find_in_path(schema.as_deref(), &|sc| sc.views.contains_key(&table)))
        else {
            return Ok(());
        };
        let replace = word(1) == "or";
        if verb == "create" && !replace && self.tracked.triggers.exists(&s, &table, &name) {
            // Only for tables: a view's triggers are not forgotten on every path a view goes.
            if self.catalog.schemas[&s].tables.contains_key(&table) {
                let mut err = ReplayError::new(
                    SqlState::DuplicateObject,
                    format!("trigger \"{name}\" for relation \"{table}\" already exists"),
                );
                if let Some(&(at, _)) = stmt.significant().get(i) {
                    err.span = Some(stmt.token_span(at));
                }
                return Err(err);
            }
        }
        if verb == "create"
            && !self.tracked.triggers.on_table(&s, &table)
            && self.catalog.schemas[&s].views.contains_key(&table)
        {
            // A view's first trigger sets `relhastriggers` in its row.
            self.view_row_written(&s, &table);
        }
        if verb != "alter" {
            self.tracked.triggers.remove(&s, &table, &name);
        }
        match verb.as_str() {
            "create" => {
                let between: Vec<&str> = (i + 1..on).map(word).collect();
                let timing = if between.contains(&"instead") {
                    "INSTEAD OF"
                } else if between.contains(&"before") {
                    "BEFORE"
                } else {
                    "AFTER"
                };
                let events = ["insert", "update", "delete", "truncate"]
                    .iter()
                    .filter(|e| between.contains(e))
                    .map(|e| e.to_uppercase())
                    .collect();
                let for_each_row = (after..w.len()).any(|k| word(k) == "row");
                self.tracked.triggers.push(Trigger {
                    schema: s,
                    table,
                    name,
                    events,
                    timing: timing.into(),
                    for_each_row,
                });
            }
            "alter" => {
                let new = (after..w.len())
                    .find(|k| word(*k) == "to")
                    .and_then(|k| ident(k + 1));
                if let Some(new) = new {
                    let exists = self.tracked.triggers.exists(&s, &table, &new);
                    if exists && new != name && self.catalog.schemas[&s].tables.contains_key(&table)
                    {
                        return Err(ReplayError::new(
                            SqlState::DuplicateObject,
                            format!("trigger \"{new}\" for relation \"{table}\" already exists"),
                        ));
                    }
                    self.tracked.triggers.rename(&s, &table, &name, &new);
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// `EXECUTE FUNCTION|PROCEDURE name(args)` of a `CREATE TRIGGER` (from word `from`): the
    /// function must exist (42883), and one the history created without arguments must return
    /// `trigger` (42P17). Arguments written there are the trigger's, not the function's.
    fn check_trigger_function(&self, w: &[(String, Option<String>)], from: usize) -> R<()> {
        let word = |i: usize| w.get(i).map(|(x, _)| x.as_str()).unwrap_or("");
        let Some(at) = (from..w.len())
            .find(|&k| word(k) == "execute" && matches!(word(k + 1), "function" | "procedure"))
        else {
            return Ok(());
        };
        let Some((schema, name, next)) = qualified_name(w, at + 2) else {
            return Ok(());
        };
        if word(next) != "(" {
            return Ok(());
        }
        let s = match self.lookup_routine(schema.as_deref(), &name, "function", Some("")) {
            Found::Missing(e) => return Err(e),
            Found::Unknown => return Ok(()),
            Found::In(s) => s,
        };
        let no_args: Vec<_> = self
            .tracked
            .routines
            .named(&s, &name)
            .filter(|r| r.args.is_empty() && r.kind == 'f')
            .collect();
        let returns_trigger = |r: &&super::routines::Routine| {
            r.ret
                .as_ref()
                .is_none_or(|t| t.schema.is_empty() || t.name.eq_ignore_ascii_case("trigger"))
        };
        if !no_args.is_empty() && !no_args.iter().any(returns_trigger) {
            return Err(ReplayError::new(
                SqlState::Raised("invalid_object_definition"),
                format!("function {name} must return type trigger"),
            ));
        }
        Ok(())
    }

    /// `ALTER FUNCTION|PROCEDURE|ROUTINE name[(args)] RENAME TO new` / `SET SCHEMA s`, for the
    /// routine `schema.name`. With an argument list and several overloads, only the overloads
    /// whose argument count matches move (argument types are not compared). Returns the new
    /// `(schema, name)` and how many overloads moved.
    pub(crate) fn track_routine_alter(
        &mut self,
        stmt: Stmt<'_>,
        schema: &str,
        name: &str,
    ) -> Option<(String, String, usize)> {
        let w = words(stmt);
        let word = |i: usize| w.get(i).map(|(x, _)| x.as_str()).unwrap_or("");
        let ident = |i: usize| w.get(i).and_then(|(_, v)| v.clone());
        let k = (0..w.len()).find(|&k| {
            (word(k) == "rename" && word(k + 1) == "to")
                || (word(k) == "set" && word(k + 1) == "schema")
        })?;
        let target = ident(k + 2)?;
        let (new_schema, new_name) = if word(k) == "rename" {
            (schema.to_string(), target)
        } else {
            (target, name.to_string())
        };
        // The argument count, when the statement gives a list.
        let arity = (0..k).find(|&i| word(i) == "(").map(|open| {
            let mut depth = 0;
            let mut n = 0;
            let mut any = false;
            for i in open..k {
                match word(i) {
                    "(" => depth += 1,
                    ")" => depth -= 1,
                    "," if depth == 1 => n += 1,
                    _ if depth >= 1 => any = true,
                    _ => {}
                }
            }
            if any {
                n + 1
            } else {
                0
            }
        });
        let moved = self
            .tracked
            .routines
            .rename(schema, name, arity, &new_schema, &new_name);
        Some((new_schema, new_name, moved))
    }

    /// A table created by `CREATE TABLE` (`with_rows`: `AS …`, whose rows are not followed).
    pub(crate) fn track_created_table(&mut self, name: &ObjectName, with_rows: bool) {
        let (schema, table) = split_name(name);
        let Some(s) = self.table_schema(schema.as_deref(), &table) else {
            return;
        };
        if with_rows {
            self.tracked
                .data
                .unknown(&s, &table, "it was created from a query".into());
        } else {
            self.tracked.data.created(&s, &table);
        }
    }

    /// A routine created, dropped or renamed (`parsed` is the statement when it was parsed).
    pub(crate) fn track_routine(
        &mut self,
        verb: &str,
        schema: &str,
        name: &str,
        parsed: Option<&Statement>,
        procedure: bool,
    ) {
        match (verb, parsed) {
            ("create", Some(Statement::CreateFunction(cf))) => {
                self.track_create_function(schema, name, cf, procedure)
            }
            ("drop", Some(Statement::DropFunction(df))) => {
                for d in &df.func_desc {
                    let (s, n) = split_name(&d.name);
                    let args = d.args.as_ref().map(|args| {
                        args.iter()
                            .filter(|a| !matches!(a.mode, Some(sqlparser::ast::ArgMode::Out)))
                            .filter_map(|a| self.resolve_column_type(&a.data_type).ok())
                            .collect::<Vec<_>>()
                    });
                    let s = s.unwrap_or_else(|| schema.to_string());
                    self.tracked.routines.drop(&s, &n, args.as_deref());
                }
            }
            ("drop", _) => self.tracked.routines.drop(schema, name, None),

            _ => {}
        }
    }

    fn track_create_function(
        &mut self,
        schema: &str,
        name: &str,
        cf: &CreateFunction,
        procedure: bool,
    ) {
        let mut routines = std::mem::take(&mut self.tracked.routines);
        let resolve = |dt: &sqlparser::ast::DataType| self.resolve_column_type(dt).ok();
        let path = self.effective_search_path();
        routines.create(schema, name, cf, procedure, &resolve, &path);
        self.tracked.routines = routines;
    }
}

/// `file:line:col` of a statement.
pub(crate) fn location(stmt: Stmt<'_>) -> String {
    let (l, c) = stmt.source.line_col(stmt.raw.span.start);
    format!("{}:{l}:{c}", stmt.source.path.display())
}

/// The text of a DML statement as it is parsed again when the rows are rebuilt. A `COPY … FROM
/// stdin` statement's data lines follow its `;` in the file, outside the statement's bytes: they
/// are put back after it.
fn dml_text(stmt: Stmt<'_>) -> String {
    let tokens = stmt.tokens();
    let Some(at) = tokens
        .iter()
        .position(|t| matches!(t.token, sqlparser::tokenizer::Token::CopyData { .. }))
    else {
        return stmt.text().to_string();
    };
    let mut text: String = tokens[..at].iter().map(|t| t.token.to_string()).collect();
    if let sqlparser::tokenizer::Token::CopyData { data, .. } = &tokens[at].token {
        text.push_str(";\n");
        text.push_str(data);
        text.push_str("\\.\n");
    }
    text
}
