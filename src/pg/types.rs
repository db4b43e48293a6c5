//! sqlparser's `DataType` → the [`SqlType`] Postgres would store.

#[cfg(test)]
mod tests;

use sqlparser::ast::{
    ArrayElemTypeDef, CharacterLength, DataType, ExactNumberInfo, ObjectName, TimezoneInfo,
    TypeModifier,
};

use crate::catalog::{Catalog, SqlType};
use crate::pg::builtin::{extension_type_schema, is_builtin_type};

/// Why a written type does not resolve, classed as Postgres classes the error; the message is
/// Postgres's own wording.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeError {
    /// The type does not exist (`type "x" does not exist`, SQLSTATE 42704).
    Undefined(String),
    /// A modifier out of range or not a number (`NUMERIC precision 0 must be between 1 and
    /// 1000`, SQLSTATE 22023).
    InvalidModifier(String),
    /// A spelling Postgres's grammar rejects (`syntax error at or near ","`, SQLSTATE 42601).
    Syntax(String),
}

impl TypeError {
    /// The message, as Postgres words it.
    pub fn message(&self) -> &str {
        match self {
            TypeError::Undefined(m) | TypeError::InvalidModifier(m) | TypeError::Syntax(m) => m,
        }
    }
}

impl std::fmt::Display for TypeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for TypeError {}

impl From<TypeError> for String {
    fn from(e: TypeError) -> String {
        match e {
            TypeError::Undefined(m) | TypeError::InvalidModifier(m) | TypeError::Syntax(m) => m,
        }
    }
}

/// Resolves a written type to the stored type (`varchar(255)` → `varchar` with `[255]`,
/// `int` → `int4`, `timestamptz` → `timestamptz`, `my_enum` → the enum's schema and name).
///
/// Built-in spellings follow Postgres's grammar (`float(p)` is `float4` up to 24 bits,
/// `char` without a length is `bpchar(1)`, `numeric(p)` is `numeric(p,0)`); other names are
/// looked up through `search_path` (with `pg_catalog` first) among the built-in types, the
/// catalog's enums, domains, composite types and tables, and the types of installed extensions
/// (`citext`, `vector`, `hstore`, …). Interval field restrictions (`interval day`) and
/// non-numeric type modifiers (PostGIS `geometry(Point, 4326)`) are not kept.
///
/// # Errors
/// A [`TypeError`] when the type does not exist (Postgres: `type "x" does not exist`), or when its
/// modifiers are invalid.
pub fn resolve_type(
    dt: &DataType,
    catalog: &Catalog,
    search_path: &[String],
) -> Result<SqlType, TypeError> {
    let b = |name: &str| Ok(SqlType::builtin(name));
    let with = |name: &str, mods: Vec<i64>| Ok(SqlType::builtin(name).with_modifiers(mods));
    match dt {
        DataType::Array(def) => {
            let inner = match def {
                ArrayElemTypeDef::SquareBracket(t, _)
                | ArrayElemTypeDef::Qualified(t, _)
                | ArrayElemTypeDef::AngleBracket(t)
                | ArrayElemTypeDef::Parenthesis(t)
                | ArrayElemTypeDef::ParenthesisNotNull(t) => t,
                ArrayElemTypeDef::None => {
                    return Err(TypeError::Syntax("array element type missing".into()))
                }
            };
            let t = resolve_type(inner, catalog, search_path)?;
            if let (DataType::Custom(name, _), true) = (inner.as_ref(), t.is_array()) {
                // An array type's own name (`_text`) is an array already, and PostgreSQL looks
                // `_text[]` up as the array of that array, which no type is.
                let parts: Vec<String> = name.0.iter().map(fold).collect();
                return Err(TypeError::Undefined(format!(
                    "type \"{}[]\" does not exist",
                    parts.join(".")
                )));
            }
            let dims = t.array_dims + 1;
            Ok(t.with_array_dims(dims))
        }
        DataType::Collate(t, _) => resolve_type(t, catalog, search_path),
        DataType::Int(None) | DataType::Integer(None) | DataType::Int4(None) => b("int4"),
        DataType::SmallInt(None) | DataType::Int2(None) => b("int2"),
        DataType::BigInt(None) | DataType::Int8(None) => b("int8"),
        DataType::Real | DataType::Float4 => b("float4"),
        DataType::Float8 | DataType::DoublePrecision => b("float8"),
        DataType::Float(info) => match info {
            ExactNumberInfo::None => b("float8"),
            ExactNumberInfo::Precision(p) if *p < 1 => Err(TypeError::InvalidModifier(
                "precision for type float must be at least 1 bit".into(),
            )),
            ExactNumberInfo::Precision(p) if *p <= 24 => b("float4"),
            ExactNumberInfo::Precision(p) if *p <= 53 => b("float8"),
            ExactNumberInfo::Precision(_) => Err(TypeError::InvalidModifier(
                "precision for type float must be less than 54 bits".into(),
            )),
            ExactNumberInfo::PrecisionAndScale(..) => {
                Err(TypeError::Syntax("syntax error at or near \",\"".into()))
            }
        },
        DataType::Numeric(info) | DataType::Decimal(info) | DataType::Dec(info) => match info {
            ExactNumberInfo::None => b("numeric"),
            ExactNumberInfo::Precision(p) => {
                check_numeric(*p as i64, 0)?;
                with("numeric", vec![*p as i64, 0])
            }
            ExactNumberInfo::PrecisionAndScale(p, s) => {
                check_numeric(*p as i64, *s)?;
                with("numeric", vec![*p as i64, *s])
            }
        },
        DataType::Varchar(len) | DataType::CharacterVarying(len) | DataType::CharVarying(len) => {
            match len {
                None => b("varchar"),
                Some(l) => with("varchar", vec![char_len(l, "varchar")?]),
            }
        }
        DataType::Char(len) | DataType::Character(len) => match len {
            None => with("bpchar", vec![1]),
            Some(l) => with("bpchar", vec![char_len(l, "char")?]),
        },
        DataType::Text => b("text"),
        DataType::Bool | DataType::Boolean => b("bool"),
        DataType::Uuid => b("uuid"),
        DataType::JSON => b("json"),
        DataType::JSONB => b("jsonb"),
        DataType::Bytea => b("bytea"),
        DataType::Date => b("date"),
        DataType::Regclass => b("regclass"),
        DataType::TsVector => b("tsvector"),
        DataType::TsQuery => b("tsquery"),
        DataType::Time(p, tz) => {
            let name = match tz {
                TimezoneInfo::WithTimeZone | TimezoneInfo::Tz => "timetz",
                _ => "time",
            };
            with(name, precision(*p, name)?)
        }
        DataType::Timestamp(p, tz) => {
            let name = match tz {
                TimezoneInfo::WithTimeZone | TimezoneInfo::Tz => "timestamptz",
                _ => "timestamp",
            };
            with(name, precision(*p, name)?)
        }
        DataType::Interval { precision: p, .. } => with("interval", precision(*p, "interval")?),
        DataType::Bit(len) => with("bit", vec![len.unwrap_or(1) as i64]),
        DataType::BitVarying(len) | DataType::VarBit(len) => match len {
            None => b("varbit"),
            Some(l) => with("varbit", vec![*l as i64]),
        },
        DataType::GeometricType(kind) => b(&kind.to_string()),
        DataType::Custom(name, mods) => resolve_named(name, mods, catalog, search_path),
        // Spellings sqlparser accepts for other dialects; Postgres rejects them.
        other => Err(TypeError::Undefined(format!(
            "type \"{}\" does not exist",
            other.to_string().to_lowercase()
        ))),
    }
}

fn check_numeric(p: i64, s: i64) -> Result<(), TypeError> {
    if !(1..=1000).contains(&p) {
        return Err(TypeError::InvalidModifier(format!(
            "NUMERIC precision {p} must be between 1 and 1000"
        )));
    }
    if !(-1000..=1000).contains(&s) {
        return Err(TypeError::InvalidModifier(format!(
            "NUMERIC scale {s} must be between -1000 and 1000"
        )));
    }
    Ok(())
}

fn char_len(l: &CharacterLength, what: &str) -> Result<i64, TypeError> {
    match l {
        CharacterLength::IntegerLength { length, .. } if *length >= 1 => Ok(*length as i64),
        CharacterLength::IntegerLength { .. } => Err(TypeError::InvalidModifier(format!(
            "length for type {what} must be at least 1"
        ))),
        CharacterLength::Max => Err(TypeError::Syntax("syntax error at or near \"MAX\"".into())),
    }
}

fn precision(p: Option<u64>, _name: &str) -> Result<Vec<i64>, TypeError> {
    Ok(match p {
        None => Vec::new(),
        // Postgres reduces larger precisions to 6 with a warning.
        Some(p) => vec![p.min(6) as i64],
    })
}

/// Folds an identifier part of an object name.
fn fold(part: &sqlparser::ast::ObjectNamePart) -> String {
    match part.as_ident() {
        Some(id) if id.quote_style.is_some() => id.value.clone(),
        Some(id) => id.value.to_lowercase(),
        None => part.to_string(),
    }
}

fn resolve_named(
    name: &ObjectName,
    mods: &[TypeModifier],
    catalog: &Catalog,
    search_path: &[String],
) -> Result<SqlType, TypeError> {
    let parts: Vec<String> = name.0.iter().map(fold).collect();
    let mut modifiers = Vec::new();
    for m in mods {
        match m {
            TypeModifier::Number(n, _) => modifiers.push(n.parse::<i64>().map_err(|_| {
                TypeError::InvalidModifier(format!("invalid type modifier \"{n}\""))
            })?),
            // Non-numeric modifiers (PostGIS `geometry(Point, 4326)`) are not modelled.
            TypeModifier::Identifier(_) | TypeModifier::String(_) => {}
        }
    }
    let (schema, tname) = match parts.as_slice() {
        [n] => (None, n.clone()),
        [.., s, n] => (Some(s.clone()), n.clone()),
        [] => return Err(TypeError::Syntax("empty type name".into())),
    };
    // Postgres's own spellings that sqlparser leaves as custom names.
    if schema.is_none() || schema.as_deref() == Some("pg_catalog") {
        let quoted = name
            .0
            .last()
            .and_then(|p| p.as_ident())
            .is_some_and(|i| i.quote_style.is_some());
        if !quoted {
            let alias = match tname.as_str() {
                "int" | "integer" => Some("int4"),
                "smallint" => Some("int2"),
                "bigint" => Some("int8"),
                "real" => Some("float4"),
                "boolean" => Some("bool"),
                "decimal" | "dec" => Some("numeric"),
                _ => None,
            };
            if let Some(a) = alias {
                return Ok(SqlType::builtin(a).with_modifiers(modifiers));
            }
        }
    }
    // Each schema is searched in turn for a type of that name: its own name first, then the
    // name of an array type (`_text`, `_my_enum`: PostgreSQL's `typname` of the array of `text`,
    // `my_enum`), as a type literally called `_foo` in that schema takes that name from the array
    // of `foo`.
    let in_schema = |s: &str| -> Option<(String, bool)> {
        if type_in_schema(catalog, s, &tname) {
            return Some((s.to_string(), false));
        }
        let elem = tname.strip_prefix('_')?;
        array_in_schema(catalog, s, elem).then(|| (s.to_string(), true))
    };
    let found = match &schema {
        Some(s) => in_schema(s),
        None => effective_path(search_path)
            .into_iter()
            .find_map(|s| in_schema(&s)),
    };
    match found {
        Some((s, is_array)) => {
            let elem = if is_array { &tname[1..] } else { &tname[..] };
            let mut t = SqlType::in_schema(&s, elem).with_modifiers(modifiers);
            if elem == "numeric" && s == "pg_catalog" && t.modifiers.len() == 1 {
                t.modifiers.push(0);
            }
            Ok(t.with_array_dims(u32::from(is_array)))
        }
        None => {
            let shown = match &schema {
                Some(s) => format!("{s}.{tname}"),
                None => tname,
            };
            Err(TypeError::Undefined(format!(
                "type \"{shown}\" does not exist"
            )))
        }
    }
}

/// Whether the type `elem` of `schema` has an array type called `_elem` there: built-in types
/// but the pseudo-types, and every enum, domain, composite, range, table and view (row types);
/// not when a type of that schema is itself called `_elem`, which takes the name.
fn array_in_schema(catalog: &Catalog, schema: &str, elem: &str) -> bool {
    if elem.is_empty() || elem.len() >= crate::catalog::NAMEDATALEN - 1 {
        return false;
    }
    if schema == "pg_catalog" {
        return crate::pg::builtin::builtin_has_array(elem);
    }
    type_in_schema(catalog, schema, elem)
}

fn effective_path(path: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    if !path.iter().any(|s| s == "pg_catalog") {
        out.push("pg_catalog".to_string());
    }
    for s in path {
        let s = if s == "$user" { "postgres" } else { s.as_str() };
        if !out.iter().any(|o| o == s) {
            out.push(s.to_string());
        }
    }
    out
}

fn type_in_schema(catalog: &Catalog, schema: &str, name: &str) -> bool {
    if schema == "pg_catalog" {
        return is_builtin_type(name) && !is_pseudo(name);
    }
    if catalog
        .schemas
        .get(schema)
        .is_some_and(|s| s.has_type(name))
    {
        return true;
    }
    extension_type_schema(catalog, name).as_deref() == Some(schema)
}

fn is_pseudo(name: &str) -> bool {
    matches!(name, "unknown" | "internal" | "cstring")
}

/// The integer type behind a serial pseudo-type: `serial`/`serial4` → `int4`,
/// `bigserial`/`serial8` → `int8`, `smallserial`/`serial2` → `int2`.
pub fn serial_kind(dt: &DataType) -> Option<&'static str> {
    let DataType::Custom(name, mods) = dt else {
        return None;
    };
    if !mods.is_empty() {
        return None;
    }
    let parts: Vec<String> = name.0.iter().map(fold).collect();
    let tname = match parts.as_slice() {
        [n] => n,
        [s, n] if s == "pg_catalog" => n,
        _ => return None,
    };
    match tname.as_str() {
        "serial" | "serial4" => Some("int4"),
        "bigserial" | "serial8" => Some("int8"),
        "smallserial" | "serial2" => Some("int2"),
        _ => None,
    }
}
