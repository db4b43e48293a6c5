//! `@default(…)` → an SQL default, which [`super::Lowering`] then runs through the
//! `pg_get_expr` normaliser, so that the stored text is the one Postgres would print.
//!
//! Where Prisma has one spelling for what SQL writes several ways, the lowering writes the one
//! Supabase migrations use most (the corpus: `now()` 655 times against 58 `CURRENT_TIMESTAMP`,
//! array literals `'{…}'` 264 times against 4 `ARRAY[…]`); Prisma Migrate itself writes
//! `CURRENT_TIMESTAMP` and `ARRAY[…]::type[]`, which `db pull` reads back the same way. A list
//! with a string holding `'`, `"` or `\` is written as `ARRAY[…]` instead: `db pull` cannot
//! read such an array literal back, and would show `dbgenerated(…)`.
//!
//! | Prisma | SQL | stored (`pg_get_expr`) |
//! |---|---|---|
//! | `now()` | `now()` | `now()` |
//! | `"x"` on `String` | `'x'` | `'x'::text` |
//! | `42` on `BigInt` | `42` | `'42'::bigint` |
//! | `ADMIN` on enum `Role` | `'ADMIN'` | `'ADMIN'::"Role"` |
//! | `["a", "b c"]` on `String[]` | `'{"a","b c"}'` | `'{a,"b c"}'::text[]` |
//! | `["it's"]` on `String[]` | `ARRAY['it''s']::text[]` | `ARRAY['it''s'::text]` |
//! | `dbgenerated("gen_random_uuid()")` | `gen_random_uuid()` | `gen_random_uuid()` |
//! | `autoincrement()` | (serial) | `nextval('t_id_seq'::regclass)` + sequence `t_id_seq` |
//! | `uuid()`, `cuid()`, `nanoid()`, `ulid()`, `dbgenerated()` | — | no default |

use crate::psl::ast::{Argument, Attribute, Expr};

use super::types::Scalar;
use super::AttributeError;

/// What a column's `@default` asks of the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DefaultSpec {
    /// No database default (none written, or a default Prisma Client fills in).
    None,
    /// `autoincrement()`: a serial column.
    Autoincrement,
    /// An SQL expression, still to be normalised.
    Sql(String),
}

/// Database names of an enum's values, by Prisma name: `(prisma name, database name)`.
pub(crate) type EnumValues<'a> = &'a [(String, String)];

/// The database default of a field with `@default` attribute `attr`.
///
/// `ty_sql` is the column type as SQL (`text[]`), the cast of a list written as `ARRAY[…]`;
/// `enum_values` names the values when the scalar is an enum.
///
/// # Errors
/// A message when the value does not fit the field's type (Prisma's validator rejects it too).
pub(crate) fn default_spec(
    attr: &Attribute,
    scalar: &Scalar,
    list: bool,
    ty_sql: &str,
    enum_values: EnumValues<'_>,
) -> Result<DefaultSpec, AttributeError> {
    let Some(value) = attr.argument_or_positional("value") else {
        return Err(AttributeError::new("`@default` needs a value"));
    };
    if let Expr::Function(name, args) = value {
        return function_default(name, args, scalar);
    }
    if list {
        let Expr::Array(items) = value else {
            return Err(AttributeError::new(format!(
                "the default of a list field must be a list, not `{}`",
                value.to_psl()
            )));
        };
        let values: Vec<String> = items
            .iter()
            .map(|i| literal(i, scalar, enum_values))
            .collect::<Result<_, _>>()?;
        let awkward = items
            .iter()
            .any(|i| i.as_str().is_some_and(|s| s.contains(['\'', '"', '\\'])));
        if awkward {
            return Ok(DefaultSpec::Sql(format!(
                "ARRAY[{}]::{ty_sql}",
                values.join(", ")
            )));
        }
        let elements: Vec<String> = values.iter().map(|v| element(v)).collect();
        return Ok(DefaultSpec::Sql(quote(&format!(
            "{{{}}}",
            elements.join(",")
        ))));
    }
    literal(value, scalar, enum_values).map(DefaultSpec::Sql)
}

fn function_default(
    name: &str,
    args: &[Argument],
    scalar: &Scalar,
) -> Result<DefaultSpec, AttributeError> {
    match name {
        "autoincrement" => match scalar {
            Scalar::Builtin("Int" | "BigInt") => Ok(DefaultSpec::Autoincrement),
            _ => Err(AttributeError::new(
                "`autoincrement()` needs an `Int` or `BigInt` field",
            )),
        },
        "now" => match scalar {
            Scalar::Builtin("DateTime") => Ok(DefaultSpec::Sql("now()".into())),
            _ => Err(AttributeError::new("`now()` needs a `DateTime` field")),
        },
        "dbgenerated" => match args.first().map(|a| &a.value) {
            None => Ok(DefaultSpec::None),
            Some(Expr::Str(s)) if s.trim_matches('\0').is_empty() => Ok(DefaultSpec::None),
            Some(Expr::Str(s)) => Ok(DefaultSpec::Sql(s.clone())),
            Some(other) => Err(AttributeError::new(format!(
                "`dbgenerated` takes a string, not `{}`",
                other.to_psl()
            ))),
        },
        // Filled in by Prisma Client, not by the database.
        "uuid" | "cuid" | "nanoid" | "ulid" => Ok(DefaultSpec::None),
        other => Err(AttributeError::new(format!(
            "`{other}()` is not a default function of PostgreSQL schemas"
        ))),
    }
}

/// `'…'` with quotes doubled.
fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// One element of an array literal (`{…}`): strings double-quoted with `"` and `\\` escaped,
/// numbers and booleans as they are.
fn element(sql: &str) -> String {
    match sql.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')) {
        Some(text) => {
            let text = text.replace("''", "'");
            format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
        }
        None => sql.to_string(),
    }
}

/// One literal value as SQL.
fn literal(
    value: &Expr,
    scalar: &Scalar,
    enum_values: EnumValues<'_>,
) -> Result<String, AttributeError> {
    let mismatch = || {
        let ty = match scalar {
            Scalar::Builtin(s) => (*s).to_string(),
            Scalar::Enum { name, .. } => format!("enum `{name}`"),
            Scalar::Unsupported(t) => format!("Unsupported(\"{t}\")"),
        };
        Err(AttributeError::new(format!(
            "`{}` is not a value of {ty}",
            value.to_psl()
        )))
    };
    match (scalar, value) {
        (Scalar::Builtin("String" | "Json" | "DateTime"), Expr::Str(s)) => Ok(quote(s)),
        (Scalar::Builtin("Bytes"), Expr::Str(s)) => match base64_decode(s) {
            Some(bytes) => Ok(quote(&format!("\\x{}", hex(&bytes)))),
            None => Err(AttributeError::new(format!(
                "`{}` is not base64",
                value.to_psl()
            ))),
        },
        (Scalar::Builtin("Int" | "BigInt"), Expr::Number(n)) if !n.contains('.') => Ok(n.clone()),
        (Scalar::Builtin("Float" | "Decimal"), Expr::Number(n)) => Ok(n.clone()),
        (Scalar::Builtin("Boolean"), Expr::Path(p)) if p == "true" || p == "false" => Ok(p.clone()),
        (Scalar::Enum { .. }, Expr::Path(p)) => {
            // By Prisma name; `db pull` writes database labels in enum list defaults, so a
            // database label is accepted too.
            let db = enum_values
                .iter()
                .find(|(prisma, _)| prisma == p)
                .or_else(|| enum_values.iter().find(|(_, db)| db == p))
                .map(|(_, db)| db);
            match db {
                Some(db) => Ok(quote(db)),
                None => Err(AttributeError::new(format!(
                    "`{p}` is not a value of the enum"
                ))),
            }
        }
        // A database label that reads as another value (`1`, `f(1)`): `db pull` writes it as
        // it is in enum list defaults.
        (Scalar::Enum { .. }, other) => {
            let text = other.to_psl();
            match enum_values.iter().find(|(_, db)| *db == text) {
                Some((_, db)) => Ok(quote(db)),
                None => mismatch(),
            }
        }
        _ => mismatch(),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Standard base64 (with or without padding), as Prisma reads `Bytes` defaults.
fn base64_decode(s: &str) -> Option<Vec<u8>> {
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    use base64::Engine;
    const STANDARD_ANY_PADDING: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );
    STANDARD_ANY_PADDING.decode(s).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prisma::parse::parse_schema;

    /// The `@default` of the first field of `model M { f <ty> @default(…) }`.
    fn spec(ty: &str, default: &str, scalar: Scalar) -> Result<DefaultSpec, AttributeError> {
        let text = format!("model M {{\n  f {ty} @default({default})\n}}\n");
        let (ast, errors) = parse_schema(&text);
        assert!(errors.is_empty(), "{errors:?}");
        let crate::psl::ast::Top::Model(m) = &ast.tops[0] else {
            panic!("a model");
        };
        let attr = m.fields[0].attribute("default").unwrap();
        let values = vec![("BLUE_ISH".to_string(), "blue-ish".to_string())];
        default_spec(attr, &scalar, ty.ends_with("[]"), "text[]", &values)
    }

    fn sql(s: &str) -> Result<DefaultSpec, AttributeError> {
        Ok(DefaultSpec::Sql(s.into()))
    }

    #[test]
    fn defaults_as_prisma_migrate_writes_them() {
        let b = Scalar::Builtin;
        let e = || Scalar::Enum {
            schema: "public".into(),
            name: "color".into(),
        };
        assert_eq!(spec("String", "\"it's\"", b("String")), sql("'it''s'"));
        assert_eq!(spec("DateTime", "now()", b("DateTime")), sql("now()"));
        assert_eq!(
            spec("Int", "autoincrement()", b("Int")),
            Ok(DefaultSpec::Autoincrement)
        );
        assert_eq!(spec("String", "uuid()", b("String")), Ok(DefaultSpec::None));
        assert_eq!(
            spec("String", "cuid(2)", b("String")),
            Ok(DefaultSpec::None)
        );
        assert_eq!(
            spec("String", "dbgenerated(\"gen_random_uuid()\")", b("String")),
            sql("gen_random_uuid()")
        );
        assert_eq!(spec("Int", "-7", b("Int")), sql("-7"));
        assert_eq!(spec("Boolean", "true", b("Boolean")), sql("true"));
        assert_eq!(spec("Bytes", "\"AQL/\"", b("Bytes")), sql("'\\x0102ff'"));
        assert_eq!(spec("color", "BLUE_ISH", e()), sql("'blue-ish'"));
        assert_eq!(
            spec("color[]", "[BLUE_ISH, blue-ish]", e()),
            sql("'{\"blue-ish\",\"blue-ish\"}'")
        );
        assert_eq!(
            spec("String[]", r#"["a", "b c"]"#, b("String")),
            sql(r#"'{"a","b c"}'"#)
        );
        assert_eq!(
            spec("String[]", r#"["a", "it's \"b\\"]"#, b("String")),
            sql(r#"ARRAY['a', 'it''s "b\']::text[]"#)
        );
        assert_eq!(spec("String[]", "[]", b("String")), sql("'{}'"));
        assert_eq!(spec("Int[]", "[1, -2]", b("Int")), sql("'{1,-2}'"));
        assert!(spec("Int", "\"x\"", b("Int")).is_err());
        assert!(spec("String", "autoincrement()", b("String")).is_err());
        assert!(spec("color", "RED", e()).is_err());
    }

    #[test]
    fn base64() {
        assert_eq!(base64_decode("AQL/"), Some(vec![1, 2, 255]));
        assert_eq!(base64_decode("AQI="), Some(vec![1, 2]));
        assert_eq!(base64_decode(""), Some(vec![]));
        assert_eq!(base64_decode("A"), None);
        assert_eq!(base64_decode("A*=="), None);
    }
}
