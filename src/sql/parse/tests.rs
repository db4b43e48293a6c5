//! Statement forms of PostgreSQL 15's synopses that sqlparser rejects, read here.

use super::*;
use crate::diagnostics::Sources;
use crate::sql::split::lex;

fn parse(sql: &str) -> Result<Parsed, ParseError> {
    let mut sources = Sources::new();
    let id = sources.add("t.sql", sql.to_string());
    let lexed = lex(sources.get(id), 0, sql.len()).expect("lexes");
    parse_statement(&lexed.tokens, RECURSION_LIMIT)
}

#[track_caller]
fn ok(sql: &str) -> Parsed {
    parse(sql).unwrap_or_else(|e| panic!("{sql}: {e:?}"))
}

#[track_caller]
fn err(sql: &str) -> ParseError {
    match parse(sql) {
        Ok(p) => panic!("{sql}: parsed as {p:?}"),
        Err(e) => e,
    }
}

#[test]
fn alter_index_forms_are_read_with_their_if_exists() {
    match ok("alter index if exists i rename to j") {
        Parsed::Pg(pg, _) => match *pg {
            PgStatement::AlterIndex(a) => {
                assert!(a.if_exists);
                assert_eq!(a.name.map(|n| n.to_string()).as_deref(), Some("i"));
            }
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
    for sql in [
        "alter index i set tablespace pg_default",
        "alter index i set (fillfactor = 70)",
        "alter index i reset (fillfactor)",
        "alter index p attach partition c",
        "alter index i alter column 1 set statistics 100",
    ] {
        assert!(matches!(ok(sql), Parsed::Pg(..)), "{sql}");
    }
}

#[test]
fn syntax_errors_are_located_at_their_token() {
    // Line 2, column 19: the `NOT` of `IF NOT EXISTS`, which ADD CONSTRAINT does not take.
    let e = err("alter table t\nadd constraint if not exists c check (a > 0)");
    let at = e.location.expect("located");
    assert_eq!((at.line, at.column), (2, 19), "{e:?}");
    assert!(!e.too_deep);
}

#[test]
fn a_default_takes_no_bare_boolean_operators() {
    let e = err("create table t (a bool default true and false)");
    assert!(e.message.contains("DEFAULT"), "{e:?}");
    assert!(e.location.is_some());
    ok("create table t (a bool default (true and false))");
}

#[test]
fn rows_from_is_read_where_a_from_item_stands() {
    let text = |sql: &str| match ok(sql) {
        Parsed::Sql(s, _) => s.to_string(),
        other => panic!("{other:?}"),
    };
    for sql in [
        "create view v as select * from rows from (f(), g(1)) with ordinality as r(a, b)",
        "create view v as select * from t join rows from (f()) r on true",
        "create view v as select * from t, lateral rows from (f(t.id), g()) r",
        "create view v as select * from t, rows from (f()) r",
    ] {
        assert!(text(sql).contains("rows from(f("), "{sql}: {}", text(sql));
    }
    // A column named `rows` before FROM stays a column.
    let sql = "create view v as select a, rows from (select 1 as a, 2 as rows) s";
    assert!(!text(sql).contains("rows from("), "{}", text(sql));
}
