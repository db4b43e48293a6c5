//! Unit tests over trial tables (the differential test against PostgreSQL is
//! `tests/deparse_vs_postgres.rs`).

use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

use super::*;
use crate::catalog::{EnumType, Extension, Schema, Table};

fn parse(e: &str) -> Expr {
    Parser::new(&PostgreSqlDialect {})
        .try_with_sql(e)
        .unwrap()
        .parse_expr()
        .unwrap()
}

fn col(name: &str, ty: SqlType) -> Column {
    Column {
        name: name.into(),
        ty,
        ..Default::default()
    }
}

fn catalog() -> Catalog {
    let mut c = Catalog::default();
    let mut public = Schema::new("public");
    public.enums.insert(
        "status".into(),
        EnumType {
            name: "status".into(),
            values: vec!["a".into(), "b".into()],
            comment: None,
        },
    );
    let mut t = Table::new("t");
    t.columns = vec![
        col("id", SqlType::builtin("uuid")),
        col("user_id", SqlType::builtin("uuid")),
        col("n", SqlType::builtin("int4")),
        col("name", SqlType::builtin("text")),
        col(
            "title",
            SqlType::builtin("varchar").with_modifiers(vec![255]),
        ),
        col(
            "price",
            SqlType::builtin("numeric").with_modifiers(vec![10, 2]),
        ),
        col("ids", SqlType::builtin("int4").with_array_dims(1)),
        col("data", SqlType::builtin("jsonb")),
        col("st", SqlType::in_schema("public", "status")),
    ];
    public.tables.insert("t".into(), t);
    c.schemas.insert("public".into(), public);
    c.schemas.insert("auth".into(), Schema::new("auth"));
    c.schemas
        .insert("extensions".into(), Schema::new("extensions"));
    for e in ["uuid-ossp", "pgcrypto"] {
        c.extensions.insert(
            e.into(),
            Extension {
                name: e.into(),
                schema: "extensions".into(),
            },
        );
    }
    c
}

fn path() -> Vec<String> {
    vec!["$user".into(), "public".into(), "extensions".into()]
}

fn check(e: &str) -> String {
    let c = catalog();
    let p = path();
    let cols = c.table("public", "t").unwrap().columns.clone();
    let ctx = ExprContext::new(&c, &p, &cols).with_table("public", "t");
    deparse_bool(&parse(e), &ctx)
}

fn default(ty: SqlType, e: &str) -> String {
    let c = catalog();
    let p = path();
    let ctx = ExprContext::new(&c, &p, &[]);
    deparse_default(&parse(e), &ty, &ctx)
}

#[test]
fn defaults() {
    let text = SqlType::builtin("text");
    assert_eq!(default(text.clone(), "'x'"), "'x'::text");
    assert_eq!(
        default(SqlType::builtin("varchar").with_modifiers(vec![9]), "'x'"),
        "'x'::character varying"
    );
    assert_eq!(default(SqlType::builtin("int8"), "-1"), "'-1'::integer");
    assert_eq!(default(SqlType::builtin("numeric"), "0"), "0");
    assert_eq!(default(SqlType::builtin("jsonb"), "'{}'"), "'{}'::jsonb");
    assert_eq!(
        default(SqlType::builtin("timestamptz"), "timezone('utc', now())"),
        "timezone('utc'::text, now())"
    );
    assert_eq!(
        default(SqlType::builtin("uuid"), "extensions.uuid_generate_v4()"),
        "uuid_generate_v4()"
    );
    assert_eq!(
        default(SqlType::builtin("uuid"), "extensions.gen_random_uuid()"),
        "extensions.gen_random_uuid()"
    );
    assert_eq!(
        default(SqlType::in_schema("public", "status"), "'a'"),
        "'a'::status"
    );
    assert_eq!(default(text.clone(), "NULL"), "NULL");
    let c = catalog();
    let p = path();
    let ctx = ExprContext::new(&c, &p, &[]);
    assert_eq!(stored_default(&parse("NULL"), &text, &ctx), None);
}

#[test]
fn checks() {
    assert_eq!(
        check("name IN ('a', 'b')"),
        "(name = ANY (ARRAY['a'::text, 'b'::text]))"
    );
    assert_eq!(
        check("title IN ('a', 'b')"),
        "((title)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[]))"
    );
    assert_eq!(check("price > 0"), "(price > (0)::numeric)");
    assert_eq!(check("n BETWEEN 1 AND 2"), "((n >= 1) AND (n <= 2))");
    assert_eq!(check("name ILIKE 'a%'"), "(name ~~* 'a%'::text)");
    assert_eq!(check("auth.uid() = user_id"), "(auth.uid() = user_id)");
    assert_eq!(check("ids[1:2] <> '{}'"), "(ids[1:2] <> '{}'::integer[])");
    assert_eq!(check("st = 'a'"), "(st = 'a'::status)");
}

/// An expression as the replay parses it: tokens from a tokenizer that keeps escapes.
fn parse_raw(e: &str) -> Expr {
    let dialect = PostgreSqlDialect {};
    let tokens = sqlparser::tokenizer::Tokenizer::new(&dialect, e)
        .with_unescape(false)
        .tokenize()
        .unwrap();
    Parser::new(&dialect)
        .with_tokens(tokens)
        .parse_expr()
        .unwrap()
}

#[test]
fn raw_strings_are_unescaped() {
    let c = catalog();
    let p = path();
    let text = SqlType::builtin("text");
    let ctx = ExprContext::new(&c, &p, &[]).with_raw_strings(true);
    for (src, want) in [
        ("'it''s'", "'it''s'::text"),
        (r"E'a\nb'", "'a\nb'::text"),
        (r"E'it\'s'", "'it''s'::text"),
        (r"E'back\\slash'", r"'back\slash'::text"),
        ("'plain'", "'plain'::text"),
    ] {
        assert_eq!(deparse_default(&parse_raw(src), &text, &ctx), want, "{src}");
    }
    let ctx = ExprContext::new(&c, &p, &[]);
    assert_eq!(
        deparse_default(&parse("'it''s'"), &text, &ctx),
        "'it''s'::text"
    );
}

#[test]
fn raw_quoted_identifiers() {
    let mut c = catalog();
    let p = path();
    let cols = vec![col("a\"b", SqlType::builtin("int4"))];
    c.schemas
        .get_mut("public")
        .unwrap()
        .tables
        .get_mut("t")
        .unwrap()
        .columns = cols.clone();
    let ctx = ExprContext::new(&c, &p, &cols).with_raw_strings(true);
    assert_eq!(
        deparse_bool(&parse_raw("\"a\"\"b\" > 0"), &ctx),
        "(\"a\"\"b\" > 0)"
    );
    let ctx = ExprContext::new(&c, &p, &cols);
    assert_eq!(
        deparse_bool(&parse("\"a\"\"b\" > 0"), &ctx),
        "(\"a\"\"b\" > 0)"
    );
}

#[test]
fn serial_defaults() {
    let c = catalog();
    let p = path();
    let ctx = ExprContext::new(&c, &p, &[]);
    assert_eq!(
        serial_default("public", "t_id_seq", &ctx),
        "nextval('t_id_seq'::regclass)"
    );
    assert_eq!(
        serial_default("public", "T_id_seq", &ctx),
        "nextval('\"T_id_seq\"'::regclass)"
    );
    assert_eq!(
        serial_default("basejump", "x_seq", &ctx),
        "nextval('basejump.x_seq'::regclass)"
    );
}

/// A view over `sql` (a query) in the trial catalog: `(name, formatted type)` of each column,
/// and the definition.
fn view(sql: &str, names: &[&str]) -> (Vec<(String, String)>, Option<String>) {
    let c = catalog();
    let p = path();
    let ctx = ExprContext::new(&c, &p, &[]);
    let q = Parser::new(&PostgreSqlDialect {})
        .try_with_sql(sql)
        .unwrap()
        .parse_query()
        .unwrap();
    let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    let v = view_query(&q, &names, &ctx);
    let cols = v
        .columns
        .iter()
        .map(|c| (c.name.clone(), c.ty.format(false)))
        .collect();
    (cols, v.definition)
}

fn cols(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(n, t)| (n.to_string(), t.to_string()))
        .collect()
}

#[test]
fn view_column_names_and_types() {
    let (c, def) = view(
        "select n, title, title::text, 'x', null, count(*) over (), coalesce(title, title), \
         case when n > 0 then title else name end, price + 1, '{}'::int[], ids[1] from t",
        &[],
    );
    assert_eq!(
        c,
        cols(&[
            ("n", "integer"),
            ("title", "character varying(255)"),
            ("title", "text"),
            ("?column?", "text"),
            ("?column?", "text"),
            ("count", "bigint"),
            ("coalesce", "character varying(255)"),
            ("name", "text"),
            ("?column?", "numeric"),
            ("int4", "integer[]"),
            ("ids", "integer"),
        ])
    );
    assert!(def.is_some());
}

#[test]
fn view_definitions_print_like_pg_get_viewdef() {
    let (c, def) = view("select n, sum(price) as total from t group by n", &["a"]);
    assert_eq!(c, cols(&[("a", "integer"), ("total", "numeric")]));
    assert_eq!(
        def.as_deref(),
        Some(" SELECT t.n AS a,\n    sum(t.price) AS total\n   FROM t\n  GROUP BY t.n;")
    );
    let (c, def) = view("select n from t union select 1.5", &[]);
    assert_eq!(c, cols(&[("n", "numeric")]));
    assert_eq!(
        def.as_deref(),
        Some(" SELECT t.n\n   FROM t\nUNION\n SELECT 1.5 AS n;")
    );
}

#[test]
fn views_outside_the_model_keep_their_names() {
    // An unknown relation: columns named as written, typed text, no definition.
    let (c, def) = view("select a, b as c, count(*) from nowhere", &[]);
    assert_eq!(
        c,
        cols(&[("a", "text"), ("c", "text"), ("count", "bigint")])
    );
    assert_eq!(def, None);
}
