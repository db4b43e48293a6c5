//! Types of values and conversions between them: `::type` casts, assignment to declared
//! variables, text input and output.

use std::borrow::Cow;

use super::datetime::{self, USECS_PER_DAY};
use super::errors::{Fail, Res};
use super::value::{self, Obj, Reg, V};
use super::Ctx;

/// The type a value is converted to.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Ty {
    /// `text`, `varchar`, `char`, `name`, `uuid`, `json(b)`, enums and other text-like types.
    Text,
    Int,
    Float,
    Bool,
    Date,
    Ts,
    Tstz,
    Interval,
    Reg(Reg),
    Array(Box<Ty>),
    Record,
    /// A type whose values are kept as given.
    Any,
}

impl Ty {
    /// The type of a type name as written (`pg_catalog.regprocedure`, `"regclass"`,
    /// `character varying(20)`, `text[]`, `timestamp with time zone`).
    pub(crate) fn parse(written: &str) -> Ty {
        let mut t = written
            .trim()
            .replace('"', "")
            .to_ascii_lowercase()
            .replace(" [", "[")
            .replace("[ ]", "[]")
            .replace(" . ", ".")
            .replace(" (", "(");
        let mut dims = 0;
        while let Some(x) = t.strip_suffix("[]") {
            t = x.trim_end().to_string();
            dims += 1;
        }
        if let Some(x) = t.strip_suffix(" array") {
            t = x.to_string();
            dims += 1;
        }
        let base = t.split('(').next().unwrap_or("").trim().to_string();
        let base = base
            .strip_prefix("pg_catalog.")
            .unwrap_or(&base)
            .to_string();
        let mut ty = match base.as_str() {
            "smallint" | "int2" | "integer" | "int" | "int4" | "bigint" | "int8"
            | "smallserial" | "serial" | "bigserial" | "serial4" | "serial8" => Ty::Int,
            "numeric" | "decimal" | "real" | "float4" | "float8" | "double precision" | "float" => {
                Ty::Float
            }
            "bool" | "boolean" => Ty::Bool,
            "date" => Ty::Date,
            "timestamp" | "timestamp without time zone" => Ty::Ts,
            "timestamptz" | "timestamp with time zone" => Ty::Tstz,
            "interval" => Ty::Interval,
            "oid" => Ty::Reg(Reg::Oid),
            "regclass" => Ty::Reg(Reg::Class),
            "regtype" => Ty::Reg(Reg::Type),
            "regproc" => Ty::Reg(Reg::Proc),
            "regprocedure" => Ty::Reg(Reg::Procedure),
            "regnamespace" => Ty::Reg(Reg::Namespace),
            "regrole" => Ty::Reg(Reg::Role),
            "record" => Ty::Record,
            "anyelement" | "anyarray" | "anynonarray" | "anycompatible" => Ty::Any,
            _ if base.starts_with("timestamp") && base.ends_with("with time zone") => Ty::Tstz,
            _ if base.starts_with("timestamp") => Ty::Ts,
            _ => Ty::Text,
        };
        if t.contains("with time zone") && !t.contains("without") && ty == Ty::Ts {
            ty = Ty::Tstz;
        }
        for _ in 0..dims {
            ty = Ty::Array(Box::new(ty));
        }
        ty
    }
}

fn bad_input(ty: &str, s: &str) -> Fail {
    Fail::pg(
        "invalid_text_representation",
        format!("invalid input syntax for type {ty}: \"{s}\""),
    )
}

impl<'a> Ctx<'a> {
    /// Converts a value as `::type` does.
    pub(crate) fn cast<'v>(&self, v: V<'v>, ty: &Ty) -> Res<V<'v>>
    where
        'a: 'v,
    {
        if v.is_null() || matches!(ty, Ty::Any) {
            return Ok(v);
        }
        if matches!(v, V::Opaque) {
            return Ok(V::Opaque);
        }
        Ok(match ty {
            Ty::Text => match v {
                V::Text(_) => v,
                V::Bool(b) => V::text(if b { "true" } else { "false" }),
                other => V::Text(Cow::Owned(self.out_text(&other))),
            },
            Ty::Int => match v {
                V::Int(_) => v,
                V::Float(f) => {
                    if !f.is_finite() || f.abs() > 9.2e18 {
                        return Err(Fail::pg(
                            "numeric_value_out_of_range",
                            "integer out of range",
                        ));
                    }
                    V::Int(f.round() as i64)
                }
                V::Bool(b) => V::Int(b as i64),
                V::Oid(_, o) => V::Int(o.number()),
                V::Text(s) => V::Int(value::parse_int(&s).ok_or_else(|| bad_input("integer", &s))?),
                other => return Err(cannot(&other, "integer")),
            },
            Ty::Float => match v {
                V::Float(_) => v,
                V::Int(i) => V::Float(i as f64),
                V::Text(s) => match value::parse_number(&s) {
                    Some(V::Int(i)) => V::Float(i as f64),
                    Some(n) => n,
                    None => return Err(bad_input("numeric", &s)),
                },
                other => return Err(cannot(&other, "numeric")),
            },
            Ty::Bool => match v {
                V::Bool(_) => v,
                V::Int(i) => V::Bool(i != 0),
                V::Text(s) => {
                    V::Bool(value::parse_bool(&s).ok_or_else(|| bad_input("boolean", &s))?)
                }
                other => return Err(cannot(&other, "boolean")),
            },
            Ty::Date => match v {
                V::Date(_) => v,
                V::Ts(t) | V::Tstz(t) => V::Date(t.div_euclid(USECS_PER_DAY) as i32),
                V::Text(s) => V::Date(
                    datetime::parse_date(&s, self.now).ok_or_else(|| bad_input("date", &s))?,
                ),
                other => return Err(cannot(&other, "date")),
            },
            Ty::Ts | Ty::Tstz => {
                let micros = match v {
                    V::Ts(t) | V::Tstz(t) => t,
                    V::Date(d) => d as i64 * USECS_PER_DAY,
                    V::Text(s) => {
                        datetime::parse_timestamp(&s, self.now)
                            .ok_or_else(|| bad_input("timestamp", &s))?
                            .0
                    }
                    other => return Err(cannot(&other, "timestamp")),
                };
                if *ty == Ty::Ts {
                    V::Ts(micros)
                } else {
                    V::Tstz(micros)
                }
            }
            Ty::Interval => match v {
                V::Interval(_) => v,
                V::Text(s) => V::Interval(
                    datetime::parse_interval(&s).ok_or_else(|| bad_input("interval", &s))?,
                ),
                other => return Err(cannot(&other, "interval")),
            },
            Ty::Reg(reg) => match v {
                V::Oid(_, o) => V::Oid(*reg, o),
                V::Int(n) => V::Oid(*reg, Obj::Number(n)),
                V::Text(s) => self.reg_from_text(*reg, &s)?,
                other => return Err(cannot(&other, "oid")),
            },
            Ty::Array(elem) => {
                let items = match v {
                    V::Array(items) => items,
                    V::Text(s) => match value::parse_array_text(&s)? {
                        V::Array(items) => items,
                        _ => return Err(bad_input("array", &s)),
                    },
                    other => return Err(cannot(&other, "array")),
                };
                let mut out = Vec::with_capacity(items.len());
                for i in items {
                    out.push(match (&**elem, i) {
                        (Ty::Array(inner), V::Array(sub)) => {
                            self.cast(V::Array(sub), &Ty::Array(inner.clone()))?
                        }
                        (e, V::Array(sub)) => {
                            self.cast(V::Array(sub), &Ty::Array(Box::new(e.clone())))?
                        }
                        (e, i) => self.cast(i, e)?,
                    });
                }
                V::Array(out)
            }
            Ty::Record => v,
            Ty::Any => v,
        })
    }

    /// The text a value's output function prints (`t` for true, names for `reg*` ids).
    pub(crate) fn out_text(&self, v: &V<'_>) -> String {
        match v {
            V::Null => String::new(),
            V::Bool(b) => if *b { "t" } else { "f" }.into(),
            V::Int(i) => i.to_string(),
            V::Float(f) => value::float_text(*f),
            V::Text(s) => s.to_string(),
            V::Date(_) | V::Ts(_) | V::Tstz(_) | V::Interval(_) => {
                value::datetime_text(v).unwrap_or_default()
            }
            V::Array(items) => {
                let texts: Vec<String> = items.iter().map(|i| self.out_text(i)).collect();
                let nulls: Vec<bool> = items.iter().map(V::is_null).collect();
                value::array_text(&texts, &nulls)
            }
            V::Record(fields) => {
                let parts: Vec<String> = fields
                    .iter()
                    .map(|(_, v)| match v {
                        V::Null => String::new(),
                        v => {
                            let t = self.out_text(v);
                            if t.is_empty() || t.contains([',', '(', ')', '"', ' ', '\\']) {
                                format!("\"{}\"", t.replace('"', "\"\"").replace('\\', "\\\\"))
                            } else {
                                t
                            }
                        }
                    })
                    .collect();
                format!("({})", parts.join(","))
            }
            V::Oid(reg, o) => self.reg_text(*reg, o),
            V::Opaque => String::new(),
        }
    }

    /// Text for `||` and `::text` (booleans as `true`/`false`); `None` for NULL.
    pub(crate) fn cast_text<'v>(&self, v: &'v V<'_>) -> Res<Option<Cow<'v, str>>> {
        Ok(match v {
            V::Null => None,
            V::Text(s) => Some(Cow::Borrowed(s.as_ref())),
            V::Bool(b) => Some(Cow::Borrowed(if *b { "true" } else { "false" })),
            V::Opaque => return Err(Fail::unknown("a value the history does not give")),
            other => Some(Cow::Owned(self.out_text(other))),
        })
    }
}

fn cannot(v: &V<'_>, to: &str) -> Fail {
    Fail::pg(
        "cannot_coerce",
        format!("cannot cast type {} to {to}", v.type_name()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names() {
        assert_eq!(
            Ty::parse("pg_catalog.regprocedure"),
            Ty::Reg(Reg::Procedure)
        );
        assert_eq!(Ty::parse("\"regclass\""), Ty::Reg(Reg::Class));
        assert_eq!(
            Ty::parse("character varying(20)[]"),
            Ty::Array(Box::new(Ty::Text))
        );
        assert_eq!(Ty::parse("timestamp(3) with time zone"), Ty::Tstz);
        assert_eq!(Ty::parse("TIMESTAMP WITHOUT TIME ZONE"), Ty::Ts);
        assert_eq!(Ty::parse("int"), Ty::Int);
    }
}
