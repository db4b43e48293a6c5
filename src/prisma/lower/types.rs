//! A field's Prisma type, arity and `@db.*` attribute → the column type Prisma Migrate creates.
//!
//! The mapping is the one `render_column_type_postgres` of the schema engine uses
//! (`shared/reference/prisma-migrate-sql-rules.md` §4), written as the type Postgres then
//! stores: `String` → `text`, `VarChar(255)` → `varchar(255)`, `DateTime` → `timestamp(3)`,
//! `Decimal` → `numeric(65,30)`, a list → one array dimension.

use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

use crate::catalog::{Catalog, SqlType};
use crate::pg::types::resolve_type;
use crate::psl::ast::{Arity, Attribute, Expr, Field};

use super::AttributeError;

/// What a field's type names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Scalar {
    /// `String`, `Int`, `BigInt`, `Float`, `Decimal`, `Boolean`, `DateTime`, `Json`, `Bytes`.
    Builtin(&'static str),
    /// A Prisma enum: its schema and database name.
    Enum { schema: String, name: String },
    /// `Unsupported("…")`: the text.
    Unsupported(String),
}

const SCALARS: &[&str] = &[
    "String", "Int", "BigInt", "Float", "Decimal", "Boolean", "DateTime", "Json", "Bytes",
];

/// The built-in scalar called `name`.
pub(crate) fn builtin_scalar(name: &str) -> Option<&'static str> {
    SCALARS.iter().copied().find(|s| *s == name)
}

/// The type of a column whose field has scalar type `scalar`, the `@db.*` attribute `native`
/// (if any) and arity `arity`. `resolve` places a type that is not built in and that Prisma
/// names without a schema (`citext`, an `Unsupported` type).
///
/// # Errors
/// A message when the native type does not belong to the scalar type or its arguments are
/// wrong (Prisma's validator rejects those schemas too).
pub(crate) fn column_type(
    scalar: &Scalar,
    native: Option<&Attribute>,
    arity: Arity,
    resolve: &dyn Fn(&str) -> SqlType,
) -> Result<SqlType, AttributeError> {
    let dims = u32::from(arity == Arity::List);
    let ty = match scalar {
        Scalar::Enum { schema, name } => SqlType::in_schema(schema, name),
        Scalar::Unsupported(text) => unsupported(text, arity == Arity::List, resolve),
        Scalar::Builtin(s) => match native {
            None => default_native(s),
            Some(attr) => native_type(s, attr, resolve)?,
        },
    };
    if dims == 0 || ty.is_array() {
        return Ok(ty);
    }
    Ok(ty.with_array_dims(dims))
}

/// Prisma's default native type of a scalar (no `@db.*` attribute).
fn default_native(scalar: &str) -> SqlType {
    let b = SqlType::builtin;
    match scalar {
        "Int" => b("int4"),
        "BigInt" => b("int8"),
        "Float" => b("float8"),
        "Decimal" => b("numeric").with_modifiers(vec![65, 30]),
        "Boolean" => b("bool"),
        "DateTime" => b("timestamp").with_modifiers(vec![3]),
        "Json" => b("jsonb"),
        "Bytes" => b("bytea"),
        _ => b("text"),
    }
}

/// The integer arguments of `@db.X(…)`.
fn int_args(attr: &Attribute) -> Result<Vec<i64>, AttributeError> {
    attr.arguments
        .iter()
        .map(|a| match &a.value {
            Expr::Number(n) => n.parse::<i64>().map_err(|_| {
                AttributeError::new(format!("`@{}`: `{n}` is not an integer", attr.name))
            }),
            other => Err(AttributeError::new(format!(
                "`@{}`: expected a number, found `{}`",
                attr.name,
                other.to_psl()
            ))),
        })
        .collect()
}

fn native_type(
    scalar: &str,
    attr: &Attribute,
    resolve: &dyn Fn(&str) -> SqlType,
) -> Result<SqlType, AttributeError> {
    let name = attr.name.strip_prefix("db.").unwrap_or(&attr.name);
    let args = int_args(attr)?;
    let b = SqlType::builtin;
    let at_most = |n: usize| -> Result<(), AttributeError> {
        if args.len() > n {
            Err(AttributeError::new(format!(
                "`@{}` takes at most {n} argument{}",
                attr.name,
                if n == 1 { "" } else { "s" }
            )))
        } else {
            Ok(())
        }
    };
    let with_args = |n: &str, max: usize| -> Result<SqlType, AttributeError> {
        at_most(max)?;
        Ok(b(n).with_modifiers(args.clone()))
    };
    // Time types: Postgres reduces a precision above 6 to 6.
    let time = |n: &str| -> Result<SqlType, AttributeError> {
        at_most(1)?;
        Ok(b(n).with_modifiers(args.iter().map(|p| (*p).min(6)).collect()))
    };
    let ty = match (scalar, name) {
        ("String", "Text") => with_args("text", 0)?,
        ("String", "VarChar") => with_args("varchar", 1)?,
        // `CHAR` without a length is `char(1)`.
        ("String", "Char") => {
            at_most(1)?;
            b("bpchar").with_modifiers(vec![args.first().copied().unwrap_or(1)])
        }
        ("String", "Uuid") => with_args("uuid", 0)?,
        ("String", "Xml") => with_args("xml", 0)?,
        ("String", "Inet") => with_args("inet", 0)?,
        ("String", "Bit") => {
            at_most(1)?;
            b("bit").with_modifiers(vec![args.first().copied().unwrap_or(1)])
        }
        ("String", "VarBit") => with_args("varbit", 1)?,
        ("String", "Citext") => {
            at_most(0)?;
            resolve("citext")
        }
        ("Int", "Integer") => with_args("int4", 0)?,
        ("Int", "SmallInt") => with_args("int2", 0)?,
        ("Int", "Oid") => with_args("oid", 0)?,
        ("BigInt", "BigInt") => with_args("int8", 0)?,
        ("Float", "DoublePrecision") => with_args("float8", 0)?,
        ("Float", "Real") => with_args("float4", 0)?,
        ("Decimal", "Decimal") => {
            at_most(2)?;
            let mut mods = args.clone();
            // `DECIMAL(p)` is `numeric(p,0)`.
            if mods.len() == 1 {
                mods.push(0);
            }
            b("numeric").with_modifiers(mods)
        }
        ("Decimal", "Money") => with_args("money", 0)?,
        ("Boolean", "Boolean") => with_args("bool", 0)?,
        ("DateTime", "Timestamp") => time("timestamp")?,
        ("DateTime", "Timestamptz") => time("timestamptz")?,
        ("DateTime", "Time") => time("time")?,
        ("DateTime", "Timetz") => time("timetz")?,
        ("DateTime", "Date") => with_args("date", 0)?,
        ("Json", "Json") => with_args("json", 0)?,
        ("Json", "JsonB") => with_args("jsonb", 0)?,
        ("Bytes", "ByteA") => with_args("bytea", 0)?,
        _ => {
            return Err(AttributeError::new(format!(
                "native type `{name}` is not a PostgreSQL type of `{scalar}`"
            )))
        }
    };
    Ok(ty)
}

/// `Unsupported("…")`: the text as a SQL type name (`vector(1536)`, `tsvector`, `"MyType"`).
/// `prisma db pull` writes the `udt_name` of an array column's element with a leading `_`
/// (`Unsupported("_int4range")[]`): on a list, that names the element type.
fn unsupported(text: &str, list: bool, resolve: &dyn Fn(&str) -> SqlType) -> SqlType {
    let text = text.trim();
    let text = match text.strip_prefix('_') {
        Some(element) if list && !element.is_empty() => element,
        _ => text,
    };
    parse_type(text, resolve).unwrap_or_else(|| resolve(text))
}

/// Parses a SQL type name and resolves it; `resolve` places a type that is not built in.
fn parse_type(text: &str, resolve: &dyn Fn(&str) -> SqlType) -> Option<SqlType> {
    let dialect = PostgreSqlDialect {};
    let mut parser = Parser::new(&dialect).try_with_sql(text).ok()?;
    let dt = parser.parse_data_type().ok()?;
    if parser.peek_token().token != sqlparser::tokenizer::Token::EOF {
        return None;
    }
    if let Ok(t) = resolve_type(&dt, &Catalog::default(), &[]) {
        return Some(t);
    }
    // Not built in: place the name, keep the modifiers and array dimensions written.
    let parsed = resolve_type(&dt, &placeholder_catalog(&dt), &["x".to_string()]).ok()?;
    let mut placed = resolve(&parsed.name);
    placed.modifiers = parsed.modifiers;
    placed.array_dims = parsed.array_dims;
    Some(placed)
}

/// A catalog in which the (last) custom name of `dt` exists in schema `x`, so that
/// [`resolve_type`] parses its modifiers and array dimensions.
fn placeholder_catalog(dt: &sqlparser::ast::DataType) -> Catalog {
    use sqlparser::ast::{ArrayElemTypeDef, DataType};
    let mut dt = dt;
    while let DataType::Array(
        ArrayElemTypeDef::SquareBracket(t, _) | ArrayElemTypeDef::AngleBracket(t),
    ) = dt
    {
        dt = t;
    }
    let mut c = Catalog::default();
    if let DataType::Custom(name, _) = dt {
        if let Some(last) = name.0.last().and_then(|p| p.as_ident()) {
            let folded = if last.quote_style.is_some() {
                last.value.clone()
            } else {
                last.value.to_lowercase()
            };
            let mut s = crate::catalog::Schema::new("x");
            s.composites.insert(
                folded.clone(),
                crate::catalog::CompositeType {
                    name: folded,
                    attributes: Vec::new(),
                },
            );
            c.schemas.insert("x".into(), s);
        }
    }
    c
}

/// The `@db.*` attribute of a field.
pub(crate) fn native_attribute(field: &Field) -> Option<&Attribute> {
    field.attributes.iter().find(|a| a.name.starts_with("db."))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::psl::ast::Argument;

    fn attr(name: &str, args: &[&str]) -> Attribute {
        Attribute {
            name: format!("db.{name}"),
            arguments: args
                .iter()
                .map(|a| Argument {
                    name: None,
                    value: Expr::Number(a.to_string()),
                })
                .collect(),
            span: 0..0,
        }
    }

    fn none(n: &str) -> SqlType {
        SqlType::in_schema("public", n)
    }

    #[test]
    fn native_types_follow_prisma_migrate() {
        type Case<'a> = (&'a str, Option<(&'a str, &'a [&'a str])>, &'a str);
        let cases: &[Case<'_>] = &[
            ("String", None, "text"),
            ("DateTime", None, "timestamp(3) without time zone"),
            ("Decimal", None, "numeric(65,30)"),
            (
                "String",
                Some(("VarChar", &["255"])),
                "character varying(255)",
            ),
            ("String", Some(("Char", &[])), "character(1)"),
            ("Decimal", Some(("Decimal", &["10"])), "numeric(10,0)"),
            ("Decimal", Some(("Decimal", &[])), "numeric"),
            (
                "DateTime",
                Some(("Timestamptz", &["9"])),
                "timestamp(6) with time zone",
            ),
            ("Int", Some(("SmallInt", &[])), "smallint"),
            ("Json", Some(("Json", &[])), "json"),
        ];
        for (scalar, native, want) in cases {
            let a = native.map(|(n, args)| attr(n, args));
            let t = column_type(
                &Scalar::Builtin(builtin_scalar(scalar).unwrap()),
                a.as_ref(),
                Arity::Required,
                &none,
            )
            .unwrap();
            assert_eq!(t.format(true), *want, "{scalar} {native:?}");
        }
        let wrong = column_type(
            &Scalar::Builtin("Int"),
            Some(&attr("VarChar", &[])),
            Arity::Required,
            &none,
        );
        assert!(wrong.is_err());
    }

    #[test]
    fn unsupported_types_are_parsed_as_sql() {
        let place = |n: &str| SqlType::in_schema("extensions", n);
        let t = |s: &str, list| {
            column_type(
                &Scalar::Unsupported(s.into()),
                None,
                if list { Arity::List } else { Arity::Optional },
                &place,
            )
            .unwrap()
            .format(true)
        };
        assert_eq!(t("tsvector", false), "tsvector");
        assert_eq!(t("interval", false), "interval");
        assert_eq!(t("_int4range", true), "int4range[]");
        assert_eq!(t("vector(1536)", false), "extensions.vector(1536)");
        assert_eq!(t("vector", true), "extensions.vector[]");
    }
}
