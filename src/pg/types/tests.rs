use super::*;
use crate::catalog::{Domain, EnumType, Extension, Schema};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

fn parse(t: &str) -> DataType {
    Parser::new(&PostgreSqlDialect {})
        .try_with_sql(t)
        .unwrap()
        .parse_data_type()
        .unwrap()
}

fn catalog() -> Catalog {
    let mut c = Catalog::default();
    let mut public = Schema::new("public");
    public.enums.insert(
        "status".into(),
        EnumType {
            name: "status".into(),
            values: vec!["a".into()],
            comment: None,
        },
    );
    public.enums.insert(
        "Role".into(),
        EnumType {
            name: "Role".into(),
            values: vec!["x".into()],
            comment: None,
        },
    );
    public.domains.insert(
        "email".into(),
        Domain {
            name: "email".into(),
            base: SqlType::builtin("text"),
            not_null: false,
            default: None,
            checks: Vec::new(),
        },
    );
    c.schemas.insert("public".into(), public);
    let mut auth = Schema::new("auth");
    auth.enums.insert(
        "aal_level".into(),
        EnumType {
            name: "aal_level".into(),
            values: vec!["aal1".into()],
            comment: None,
        },
    );
    c.schemas.insert("auth".into(), auth);
    c.schemas
        .insert("extensions".into(), Schema::new("extensions"));
    for e in ["citext", "vector"] {
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

#[test]
fn builtin_spellings() {
    let c = catalog();
    let path = vec!["public".to_string(), "extensions".to_string()];
    let cases = [
        ("int", "integer"),
        ("integer", "integer"),
        ("int4", "integer"),
        ("int2", "smallint"),
        ("smallint", "smallint"),
        ("int8", "bigint"),
        ("bigint", "bigint"),
        ("real", "real"),
        ("float4", "real"),
        ("float", "double precision"),
        ("float8", "double precision"),
        ("double precision", "double precision"),
        ("float(24)", "real"),
        ("float(25)", "double precision"),
        ("numeric", "numeric"),
        ("decimal(10,2)", "numeric(10,2)"),
        ("numeric(10)", "numeric(10,0)"),
        ("varchar", "character varying"),
        ("varchar(255)", "character varying(255)"),
        ("character varying(20)", "character varying(20)"),
        ("char", "character(1)"),
        ("character(3)", "character(3)"),
        ("text", "text"),
        ("bool", "boolean"),
        ("boolean", "boolean"),
        ("uuid", "uuid"),
        ("json", "json"),
        ("jsonb", "jsonb"),
        ("bytea", "bytea"),
        ("date", "date"),
        ("time", "time without time zone"),
        ("timetz", "time with time zone"),
        ("time(3) with time zone", "time(3) with time zone"),
        ("timestamp", "timestamp without time zone"),
        ("timestamptz", "timestamp with time zone"),
        ("timestamp(3) with time zone", "timestamp(3) with time zone"),
        ("timestamp without time zone", "timestamp without time zone"),
        ("interval", "interval"),
        ("inet", "inet"),
        ("cidr", "cidr"),
        ("macaddr", "macaddr"),
        ("bit(3)", "bit(3)"),
        ("varbit", "bit varying"),
        ("money", "money"),
        ("xml", "xml"),
        ("tsvector", "tsvector"),
        ("oid", "oid"),
        ("\"char\"", "\"char\""),
        ("name", "name"),
        ("point", "point"),
        ("text[]", "text[]"),
        ("int[][]", "integer[][]"),
        ("integer ARRAY", "integer[]"),
        ("varchar(10)[]", "character varying(10)[]"),
    ];
    for (src, want) in cases {
        let t = resolve_type(&parse(src), &c, &path).unwrap_or_else(|e| panic!("{src}: {e}"));
        assert_eq!(t.format(true), want, "{src}");
    }
}

#[test]
fn user_and_extension_types() {
    let c = catalog();
    let path = vec!["public".to_string(), "extensions".to_string()];
    let t = resolve_type(&parse("status"), &c, &path).unwrap();
    assert_eq!((t.schema.as_str(), t.name.as_str()), ("public", "status"));
    let t = resolve_type(&parse("\"Role\"[]"), &c, &path).unwrap();
    assert_eq!((t.name.as_str(), t.array_dims), ("Role", 1));
    assert!(resolve_type(&parse("role"), &c, &path).is_err());
    let t = resolve_type(&parse("auth.aal_level"), &c, &path).unwrap();
    assert_eq!(t.schema, "auth");
    assert_eq!(
        resolve_type(&parse("aal_level"), &c, &path).unwrap_err(),
        TypeError::Undefined("type \"aal_level\" does not exist".into())
    );
    let t = resolve_type(&parse("citext"), &c, &path).unwrap();
    assert_eq!(
        (t.schema.as_str(), t.name.as_str()),
        ("extensions", "citext")
    );
    let t = resolve_type(&parse("vector(1536)"), &c, &path).unwrap();
    assert_eq!(t.modifiers, vec![1536]);
    assert!(resolve_type(&parse("hstore"), &c, &path).is_err());
    assert!(resolve_type(&parse("citext"), &c, &["public".to_string()]).is_err());
    let t = resolve_type(&parse("email"), &c, &path).unwrap();
    assert_eq!(t.name, "email");
    assert!(resolve_type(&parse("datetime"), &c, &path).is_err());
}

#[test]
fn serials() {
    assert_eq!(serial_kind(&parse("serial")), Some("int4"));
    assert_eq!(serial_kind(&parse("SERIAL4")), Some("int4"));
    assert_eq!(serial_kind(&parse("bigserial")), Some("int8"));
    assert_eq!(serial_kind(&parse("serial8")), Some("int8"));
    assert_eq!(serial_kind(&parse("smallserial")), Some("int2"));
    assert_eq!(serial_kind(&parse("pg_catalog.serial2")), Some("int2"));
    assert_eq!(serial_kind(&parse("int")), None);
    assert_eq!(serial_kind(&parse("public.serial")), None);
}

/// An array type's own `pg_type` name (`_text`) is that array; PostgreSQL 15 gave these
/// `format_type` texts and errors for the same spellings.
#[test]
fn array_type_names() {
    let mut c = catalog();
    let path = vec!["public".to_string(), "extensions".to_string()];
    let cases = [
        ("_text", "text[]"),
        ("_int4", "integer[]"),
        ("pg_catalog._jsonb", "jsonb[]"),
        ("\"_int4\"", "integer[]"),
        ("_varchar(10)", "character varying(10)[]"),
        ("_numeric(5,2)", "numeric(5,2)[]"),
        ("_bpchar(3)", "character(3)[]"),
        ("_status", "public.status[]"),
        ("public._status", "public.status[]"),
        ("_email", "public.email[]"),
        ("_citext", "extensions.citext[]"),
    ];
    for (src, want) in cases {
        let t = resolve_type(&parse(src), &c, &path).unwrap_or_else(|e| panic!("{src}: {e}"));
        assert_eq!(t.format(true), want, "{src}");
    }
    for (src, err) in [
        ("_text[]", "type \"_text[]\" does not exist"),
        ("__int4", "type \"__int4\" does not exist"),
        ("_status", "type \"_status\" does not exist"),
        ("auth._status", "type \"auth._status\" does not exist"),
    ] {
        let path = if src == "_status" {
            vec!["auth".to_string()]
        } else {
            path.clone()
        };
        assert_eq!(
            resolve_type(&parse(src), &c, &path).unwrap_err(),
            TypeError::Undefined(err.into()),
            "{src}"
        );
    }
    // A type of that very name takes it from the array.
    let public = c.schemas.get_mut("public").unwrap();
    public.enums.insert(
        "_status".into(),
        EnumType {
            name: "_status".into(),
            values: vec!["y".into()],
            comment: None,
        },
    );
    let t = resolve_type(&parse("_status"), &c, &path).unwrap();
    assert_eq!(t.format(true), "public._status");
    let t = resolve_type(&parse("_status[]"), &c, &path).unwrap();
    assert_eq!(t.format(true), "public._status[]");
}
