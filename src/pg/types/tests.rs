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
