//! Guarding a statement so that it is a no-op where its object already exists (or is already
//! gone): `IF NOT EXISTS` / `IF EXISTS` where PostgreSQL's grammar has them, a `DO` block that
//! swallows `duplicate_object` where it has not (`CREATE TYPE`, `ADD CONSTRAINT`).
//!
//! The forms, from PostgreSQL 15's grammar:
//! * `CREATE [UNIQUE] INDEX [CONCURRENTLY] name`, `CREATE [GLOBAL|LOCAL] [TEMP|TEMPORARY|UNLOGGED]
//!   TABLE name`, `CREATE FOREIGN TABLE`, `CREATE SEQUENCE`, `CREATE SCHEMA name`,
//!   `CREATE EXTENSION`, `CREATE MATERIALIZED VIEW` → `IF NOT EXISTS` before the name;
//! * `CREATE TYPE`, `CREATE DOMAIN` (no `IF NOT EXISTS` in the grammar) → `DO` block;
//! * `ALTER TYPE … ADD VALUE` → `ADD VALUE IF NOT EXISTS`;
//! * `ALTER TABLE … ADD [COLUMN]` → `ADD [COLUMN] IF NOT EXISTS`, `DROP [COLUMN] x` and
//!   `DROP CONSTRAINT x` → `IF EXISTS`; `ADD CONSTRAINT` (and unnamed `ADD PRIMARY KEY`, `UNIQUE`,
//!   `FOREIGN KEY`, `CHECK`, `EXCLUDE`) → the statement in a `DO` block when it is its only action;
//! * `DROP TABLE|INDEX [CONCURRENTLY]|TYPE|DOMAIN|SEQUENCE|SCHEMA|VIEW|MATERIALIZED VIEW|
//!   FOREIGN TABLE|EXTENSION` → `IF EXISTS`.
//!
//! A missing table under `ALTER TABLE` is not guarded (`ALTER TABLE IF EXISTS` would hide a
//! history that lacks the table).

use sqlparser::tokenizer::Token;

use crate::sql::split::{is_trivia, Lexed, RawStatement};

/// A significant token: its upper-case bare word (`""` for anything else) and its bytes.
struct Tok {
    word: String,
    start: usize,
    token: Token,
}

fn tokens(lexed: &Lexed, raw: &RawStatement) -> Vec<Tok> {
    raw.tokens
        .clone()
        .filter(|&i| !is_trivia(&lexed.tokens[i].token))
        .map(|i| {
            let token = lexed.tokens[i].token.clone();
            let word = match &token {
                Token::Word(w) if w.quote_style.is_none() => w.value.to_ascii_uppercase(),
                _ => String::new(),
            };
            Tok {
                word,
                start: lexed.offsets[i],
                token,
            }
        })
        .collect()
}

/// The statement (`text` is the whole file's text, `raw` one of its statements) rewritten so
/// that it does nothing where its object exists already (or, for drops, is gone already); the
/// text is without the final `;`. `None` when the statement has no guarded form, or is guarded
/// already.
pub fn guard(text: &str, lexed: &Lexed, raw: &RawStatement) -> Option<String> {
    let t = tokens(lexed, raw);
    let w = |i: usize| word(&t, i);
    let stmt = &text[raw.span.start..raw.span.end];
    let base = raw.span.start;
    let guarded = match w(0) {
        "CREATE" => guard_create(text, raw, &t)?,
        "DROP" => guard_drop(&t)?,
        "ALTER" if w(1) == "TYPE" => guard_alter_type(&t)?,
        "ALTER" if w(1) == "TABLE" => guard_alter_table(&t, stmt)?,
        _ => return None,
    };
    let inserts = match guarded {
        Guard::Text(s) => return Some(s),
        Guard::Inserts(v) => v,
    };
    if inserts.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(stmt.len() + 32);
    let mut at = base;
    for (pos, s) in inserts {
        out.push_str(&text[at..pos]);
        out.push_str(s);
        at = pos;
    }
    out.push_str(&text[at..raw.span.end]);
    Some(out)
}

/// How a statement is guarded: a new text, or keywords inserted before tokens.
enum Guard {
    Text(String),
    Inserts(Vec<(usize, &'static str)>),
}

/// The upper-case bare word of token `i`, or `""`.
fn word(t: &[Tok], i: usize) -> &str {
    t.get(i).map(|x| x.word.as_str()).unwrap_or("")
}

/// `CREATE [UNIQUE] INDEX`, `CREATE … TABLE|SEQUENCE|EXTENSION|MATERIALIZED VIEW|SCHEMA`,
/// `CREATE TYPE|DOMAIN`.
fn guard_create(text: &str, raw: &RawStatement, t: &[Tok]) -> Option<Guard> {
    let w = |i: usize| word(t, i);
    let stmt = &text[raw.span.start..raw.span.end];
    let mut inserts: Vec<(usize, &'static str)> = Vec::new();
    let ine = "IF NOT EXISTS ";
    let mut i = 1;
    if w(i) == "OR" {
        // CREATE OR REPLACE: replaces already.
        return None;
    }
    if w(i) == "UNIQUE" {
        i += 1;
    }
    if w(i) == "INDEX" {
        i += 1;
        if w(i) == "CONCURRENTLY" {
            i += 1;
        }
        if w(i) == "IF" || w(i) == "ON" || i >= t.len() {
            return None;
        }
        if w(i - 1) == "CONCURRENTLY" {
            // Not in a `DO` block: CONCURRENTLY cannot run inside a transaction.
            inserts.push((t[i].start, ine));
        } else {
            // PostgreSQL resolves the keys' operator classes before it looks at the
            // name: `IF NOT EXISTS` still fails where the existing index has an operator
            // class the statement lacks (pgvector's `hnsw (embedding vector_ip_ops)`
            // against Prisma's plain `("embedding")`). Look the name up first.
            let name = &text[t[i].start..t[i + 1..].first().map_or(raw.span.end, |x| x.start)];
            let on = (i + 1..t.len()).find(|&k| w(k) == "ON")?;
            let mut k = on + 1;
            if w(k) == "ONLY" {
                k += 1;
            }
            let mut parts = vec![k];
            while matches!(t.get(k + 1).map(|x| &x.token), Some(Token::Period)) {
                k += 2;
                parts.push(k);
            }
            let qualified = if parts.len() >= 2 {
                let s = t.get(parts[parts.len() - 2])?;
                let e = t.get(parts[parts.len() - 2] + 1)?;
                format!("{}.{}", text[s.start..e.start].trim(), name.trim())
            } else {
                name.trim().to_string()
            };
            return Some(Guard::Text(if_missing(
                stmt,
                &format!(
                    "to_regclass({}) IS NULL",
                    crate::sql::quote_literal(&qualified)
                ),
            )));
        }
    } else {
        if matches!(w(i), "GLOBAL" | "LOCAL") {
            i += 1;
        }
        if matches!(
            w(i),
            "TEMP" | "TEMPORARY" | "UNLOGGED" | "FOREIGN" | "MATERIALIZED"
        ) {
            i += 1;
        }
        match w(i) {
            "TABLE" | "SEQUENCE" | "EXTENSION" => {
                i += 1;
                if w(i) == "IF" || i >= t.len() {
                    return None;
                }
                inserts.push((t[i].start, ine));
            }
            "VIEW" if w(i - 1) == "MATERIALIZED" => {
                i += 1;
                if w(i) == "IF" || i >= t.len() {
                    return None;
                }
                inserts.push((t[i].start, ine));
            }
            "SCHEMA" => {
                i += 1;
                if w(i) == "IF" || w(i) == "AUTHORIZATION" || i >= t.len() {
                    return None;
                }
                inserts.push((t[i].start, ine));
            }
            "TYPE" | "DOMAIN" => return Some(Guard::Text(in_do_block(stmt, "duplicate_object"))),
            _ => return None,
        }
    }
    Some(Guard::Inserts(inserts))
}

/// `DROP TABLE|INDEX|TYPE|DOMAIN|SEQUENCE|SCHEMA|VIEW|EXTENSION` (and `MATERIALIZED VIEW`,
/// `FOREIGN TABLE`).
fn guard_drop(t: &[Tok]) -> Option<Guard> {
    let w = |i: usize| word(t, i);
    let mut inserts: Vec<(usize, &'static str)> = Vec::new();
    let ie = "IF EXISTS ";
    let mut i = 1;
    if matches!(w(i), "MATERIALIZED" | "FOREIGN") {
        i += 1;
    }
    match w(i) {
        "TABLE" | "INDEX" | "TYPE" | "DOMAIN" | "SEQUENCE" | "SCHEMA" | "VIEW" | "EXTENSION" => {
            i += 1;
            if w(i) == "CONCURRENTLY" {
                i += 1;
            }
            if w(i) == "IF" || i >= t.len() {
                return None;
            }
            inserts.push((t[i].start, ie));
        }
        _ => return None,
    }
    Some(Guard::Inserts(inserts))
}

/// `ALTER TYPE … ADD VALUE`.
fn guard_alter_type(t: &[Tok]) -> Option<Guard> {
    let w = |i: usize| word(t, i);
    let mut inserts: Vec<(usize, &'static str)> = Vec::new();
    let ine = "IF NOT EXISTS ";
    let at = (2..t.len()).find(|&i| w(i) == "ADD" && w(i + 1) == "VALUE")?;
    if w(at + 2) == "IF" || at + 2 >= t.len() {
        return None;
    }
    inserts.push((t[at + 2].start, ine));
    Some(Guard::Inserts(inserts))
}

/// `ALTER TABLE … ADD|DROP …`: each action guarded, or a lone `ADD CONSTRAINT` in a `DO` block.
fn guard_alter_table(t: &[Tok], stmt: &str) -> Option<Guard> {
    let w = |i: usize| word(t, i);
    // Where to insert `what` before token `i`, when there is one.
    let start = |i: usize, what: &'static str| t.get(i).map(|x| (x.start, what));
    let mut inserts: Vec<(usize, &'static str)> = Vec::new();
    let ine = "IF NOT EXISTS ";
    let ie = "IF EXISTS ";
    let mut i = 2;
    if w(i) == "IF" {
        i += 2;
    }
    if w(i) == "ONLY" {
        i += 1;
    }
    // The name: words and dots.
    i += 1;
    while matches!(t.get(i).map(|x| &x.token), Some(Token::Period)) {
        i += 2;
    }
    if w(i) == "*" {
        i += 1;
    }
    // Actions at depth 0, separated by commas.
    let mut actions: Vec<usize> = vec![i];
    let mut depth = 0i32;
    for (k, x) in t.iter().enumerate().skip(i) {
        match x.token {
            Token::LParen | Token::LBracket => depth += 1,
            Token::RParen | Token::RBracket => depth -= 1,
            Token::Comma if depth == 0 => actions.push(k + 1),
            _ => {}
        }
    }
    let mut constraint = false;
    for &a in &actions {
        match (w(a), w(a + 1)) {
            ("ADD", "CONSTRAINT" | "PRIMARY" | "UNIQUE" | "FOREIGN" | "CHECK" | "EXCLUDE") => {
                constraint = true
            }
            ("ADD", "COLUMN") if w(a + 2) != "IF" => inserts.extend(start(a + 2, ine)),
            ("ADD", "COLUMN" | "IF") => {}
            ("ADD", _) => inserts.extend(start(a + 1, ine)),
            ("DROP", "COLUMN" | "CONSTRAINT") if w(a + 2) != "IF" => {
                inserts.extend(start(a + 2, ie))
            }
            ("DROP", "COLUMN" | "CONSTRAINT" | "IF") => {}
            // `DROP name`: a column (`DROP DEFAULT` and the like belong to `ALTER
            // COLUMN` actions).
            ("DROP", _) if matches!(t.get(a + 1).map(|x| &x.token), Some(Token::Word(_))) => {
                inserts.extend(start(a + 1, ie))
            }
            _ => {}
        }
    }
    if constraint {
        if actions.len() == 1 {
            return Some(Guard::Text(in_do_block(
                stmt,
                "duplicate_object OR duplicate_table",
            )));
        }
        // A constraint among other actions cannot be guarded on its own.
        if inserts.is_empty() {
            return None;
        }
    }
    Some(Guard::Inserts(inserts))
}

/// A `DO` block tag that `stmt` does not hold.
fn dollar_tag(stmt: &str) -> String {
    let mut tag = "$$".to_string();
    let mut n = 0;
    while stmt.contains(&tag) {
        n += 1;
        tag = format!("$guard{n}$");
    }
    tag
}

/// `stmt` in a `DO` block that runs it only when `cond` holds.
fn if_missing(stmt: &str, cond: &str) -> String {
    let tag = dollar_tag(stmt);
    format!("DO {tag}\nBEGIN\n    IF {cond} THEN\n        {stmt};\n    END IF;\nEND {tag}")
}

/// `stmt` in a `DO` block that ignores the errors `conditions`.
fn in_do_block(stmt: &str, conditions: &str) -> String {
    let tag = dollar_tag(stmt);
    format!("DO {tag}\nBEGIN\n    {stmt};\nEXCEPTION WHEN {conditions} THEN NULL;\nEND {tag}")
}

/// Whether a statement is a bare transaction control statement (`BEGIN`, `START TRANSACTION`,
/// `COMMIT`, `END`, `ROLLBACK`), which a file applied in one transaction must not hold.
pub fn is_transaction_control(lexed: &Lexed, raw: &RawStatement) -> bool {
    let t = tokens(lexed, raw);
    let words: Vec<&str> = t.iter().map(|x| x.word.as_str()).collect();
    matches!(
        words.as_slice(),
        ["BEGIN"]
            | ["BEGIN", "TRANSACTION" | "WORK"]
            | ["START", "TRANSACTION"]
            | ["COMMIT"]
            | ["COMMIT", "TRANSACTION" | "WORK"]
            | ["END"]
            | ["END", "TRANSACTION" | "WORK"]
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::{Diagnostics, FileId, SourceFile};
    use crate::sql::split::{lex, split};

    fn guarded(sql: &str) -> Vec<Option<String>> {
        let file = SourceFile::new("m.sql".into(), sql.to_string());
        let lexed = lex(&file, 0, sql.len()).unwrap();
        let stmts = split(FileId(0), &lexed, &mut Diagnostics::new());
        stmts.iter().map(|s| guard(sql, &lexed, s)).collect()
    }

    #[test]
    fn guards_each_form() {
        let cases = [
            ("CREATE TABLE \"a\" (id int)", Some("CREATE TABLE IF NOT EXISTS \"a\" (id int)")),
            ("create unlogged table a.b (id int)", Some("create unlogged table IF NOT EXISTS a.b (id int)")),
            ("CREATE UNIQUE INDEX \"x\" ON \"a\"(\"id\")", Some("DO $$\nBEGIN\n    IF to_regclass('\"x\"') IS NULL THEN\n        CREATE UNIQUE INDEX \"x\" ON \"a\"(\"id\");\n    END IF;\nEND $$")),
            ("CREATE INDEX \"x\" ON ONLY \"s\".\"a\" USING gin (\"id\")", Some("DO $$\nBEGIN\n    IF to_regclass('\"s\".\"x\"') IS NULL THEN\n        CREATE INDEX \"x\" ON ONLY \"s\".\"a\" USING gin (\"id\");\n    END IF;\nEND $$")),
            ("CREATE INDEX CONCURRENTLY x ON a(id)", Some("CREATE INDEX CONCURRENTLY IF NOT EXISTS x ON a(id)")),
            ("CREATE INDEX ON a(id)", None),
            ("CREATE TABLE IF NOT EXISTS a (id int)", None),
            ("CREATE SCHEMA s", Some("CREATE SCHEMA IF NOT EXISTS s")),
            ("CREATE SEQUENCE s", Some("CREATE SEQUENCE IF NOT EXISTS s")),
            ("CREATE EXTENSION \"x\"", Some("CREATE EXTENSION IF NOT EXISTS \"x\"")),
            ("CREATE TYPE \"R\" AS ENUM ('a')", Some("DO $$\nBEGIN\n    CREATE TYPE \"R\" AS ENUM ('a');\nEXCEPTION WHEN duplicate_object THEN NULL;\nEND $$")),
            ("CREATE VIEW v AS SELECT 1", None),
            ("CREATE OR REPLACE VIEW v AS SELECT 1", None),
            ("ALTER TYPE \"R\" ADD VALUE 'b'", Some("ALTER TYPE \"R\" ADD VALUE IF NOT EXISTS 'b'")),
            ("ALTER TABLE \"a\" ADD COLUMN     \"b\" TEXT,\nADD COLUMN \"c\" INT", Some("ALTER TABLE \"a\" ADD COLUMN     IF NOT EXISTS \"b\" TEXT,\nADD COLUMN IF NOT EXISTS \"c\" INT")),
            ("ALTER TABLE a ADD b int, DROP c, DROP COLUMN d, DROP CONSTRAINT e", Some("ALTER TABLE a ADD IF NOT EXISTS b int, DROP IF EXISTS c, DROP COLUMN IF EXISTS d, DROP CONSTRAINT IF EXISTS e")),
            ("ALTER TABLE \"a\" ADD CONSTRAINT \"f\" FOREIGN KEY (\"b\") REFERENCES \"c\"(\"id\")", Some("DO $$\nBEGIN\n    ALTER TABLE \"a\" ADD CONSTRAINT \"f\" FOREIGN KEY (\"b\") REFERENCES \"c\"(\"id\");\nEXCEPTION WHEN duplicate_object OR duplicate_table THEN NULL;\nEND $$")),
            ("ALTER TABLE a ADD CONSTRAINT k UNIQUE (x), ALTER COLUMN y SET NOT NULL", None),
            ("ALTER TABLE a ALTER COLUMN y DROP NOT NULL", None),
            ("ALTER TABLE public.a ALTER COLUMN y DROP DEFAULT, ADD z int", Some("ALTER TABLE public.a ALTER COLUMN y DROP DEFAULT, ADD IF NOT EXISTS z int")),
            ("DROP INDEX \"x\"", Some("DROP INDEX IF EXISTS \"x\"")),
            ("DROP MATERIALIZED VIEW m", Some("DROP MATERIALIZED VIEW IF EXISTS m")),
            ("DROP TYPE IF EXISTS t", None),
            ("ALTER INDEX a RENAME TO b", None),
            ("INSERT INTO a VALUES (1)", None),
        ];
        for (sql, want) in cases {
            assert_eq!(guarded(sql), vec![want.map(String::from)], "{sql}");
        }
        // A dollar-quoted body keeps its own tag.
        let g = guarded("CREATE DOMAIN d AS text CHECK (VALUE <> $$x$$)");
        assert!(g[0].as_ref().unwrap().starts_with("DO $guard1$\n"), "{g:?}");
    }

    #[test]
    fn transaction_control() {
        let sql = "BEGIN; CREATE TABLE a (id int); COMMIT; begin work; END; START TRANSACTION; BEGIN ATOMIC";
        let file = SourceFile::new("m.sql".into(), sql.to_string());
        let lexed = lex(&file, 0, sql.len()).unwrap();
        let stmts = split(FileId(0), &lexed, &mut Diagnostics::new());
        let flags: Vec<bool> = stmts
            .iter()
            .map(|s| is_transaction_control(&lexed, s))
            .collect();
        assert_eq!(flags, [true, false, true, true, true, true, false]);
    }
}
