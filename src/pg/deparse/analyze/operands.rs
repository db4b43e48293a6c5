//! Constants, unary operators and SQL value functions (`CURRENT_TIMESTAMP`, `CURRENT_USER`, …).

use crate::pg::deparse::consts;
use crate::pg::deparse::node::{BoolOp, Node};
use crate::pg::deparse::typesys::{CoercionContext, Ty};
use sqlparser::ast::{Expr, UnaryOperator, Value};

use super::*;

impl<'a, 'c> Analyzer<'a, 'c> {
    /// A literal.
    pub fn value(&mut self, v: &Value, negate: bool) -> Node {
        let text = |s: String| Node::Const {
            ty: Ty::unknown(),
            typmod: Vec::new(),
            value: Some(s),
        };
        match v {
            Value::Number(n, _) => number_const(n, negate),
            Value::SingleQuotedString(s) => text(self.string_value(s, false)),
            Value::EscapedStringLiteral(s) => text(self.string_value(s, true)),
            Value::DollarQuotedString(d) => text(d.value.clone()),
            Value::UnicodeStringLiteral(s) => text(s.clone()),
            Value::NationalStringLiteral(s) => {
                let lit = text(self.string_value(s, false));
                self.coerce_to_target(lit, &Ty::b("bpchar"), &[], CoercionContext::Explicit, true)
            }
            Value::Boolean(b) => Node::Const {
                ty: Ty::b("bool"),
                typmod: Vec::new(),
                value: Some(if *b { "true" } else { "false" }.into()),
            },
            Value::Null => Node::null(),
            // Bit-string constants (`B'1010'`, `X'AF'`) are of type bit.
            Value::SingleQuotedByteStringLiteral(s) | Value::HexStringLiteral(s) => {
                let bits = match v {
                    Value::HexStringLiteral(_) => consts::hex_bits(s),
                    _ => consts::binary_bits(s),
                };
                match bits {
                    Some(b) => Node::Const {
                        ty: Ty::b("bit"),
                        typmod: Vec::new(),
                        value: Some(b),
                    },
                    None => Node::Raw {
                        text: v.to_string(),
                        ty: Ty::unknown(),
                    },
                }
            }
            other => Node::Raw {
                text: other.to_string(),
                ty: Ty::unknown(),
            },
        }
    }

    pub(super) fn unary(&mut self, op: UnaryOperator, x: &Expr, whole: &Expr) -> Node {
        match op {
            UnaryOperator::Not => {
                let arg = self.boolean(x);
                Node::Bool {
                    op: BoolOp::Not,
                    args: vec![arg],
                }
            }
            UnaryOperator::Minus => {
                let mut inner = x;
                while let Expr::Nested(i) = inner {
                    inner = i;
                }
                if let Expr::Value(v) = inner {
                    if let Value::Number(..) = v.value {
                        return self.value(&v.value, true);
                    }
                }
                let arg = self.expr(x);
                self.make_op(None, "-", None, arg)
            }
            UnaryOperator::Plus => {
                let arg = self.expr(x);
                self.make_op(None, "+", None, arg)
            }
            UnaryOperator::PGSquareRoot => {
                let arg = self.expr(x);
                self.make_op(None, "|/", None, arg)
            }
            UnaryOperator::PGCubeRoot => {
                let arg = self.expr(x);
                self.make_op(None, "||/", None, arg)
            }
            UnaryOperator::PGAbs => {
                let arg = self.expr(x);
                self.make_op(None, "@", None, arg)
            }
            UnaryOperator::BitwiseNot | UnaryOperator::PGPrefixFactorial => {
                let arg = self.expr(x);
                self.make_op(None, "~", None, arg)
            }
            _ => self.raw(whole),
        }
    }

    /// `CURRENT_TIMESTAMP` and friends (`SQLValueFunction`).
    pub fn sql_value_function(&self, name: &str, precision: Option<i64>) -> Option<Node> {
        let (printed, ty): (&'static str, &str) = match name {
            "current_date" => ("CURRENT_DATE", "date"),
            "current_time" => ("CURRENT_TIME", "timetz"),
            "current_timestamp" => ("CURRENT_TIMESTAMP", "timestamptz"),
            "localtime" => ("LOCALTIME", "time"),
            "localtimestamp" => ("LOCALTIMESTAMP", "timestamp"),
            "current_role" => ("CURRENT_ROLE", "name"),
            "current_user" => ("CURRENT_USER", "name"),
            "user" => ("USER", "name"),
            "session_user" => ("SESSION_USER", "name"),
            "current_catalog" => ("CURRENT_CATALOG", "name"),
            "current_schema" => ("CURRENT_SCHEMA", "name"),
            _ => return None,
        };
        Some(Node::SqlValue {
            name: printed,
            typmod: precision,
            ty: Ty::b(ty),
        })
    }
}

/// `make_const` for a numeric literal: int4, int8 or numeric.
pub(crate) fn number_const(n: &str, negate: bool) -> Node {
    let text = if negate {
        format!("-{n}")
    } else {
        n.to_string()
    };
    let is_int = n.bytes().all(|b| b.is_ascii_digit());
    if is_int {
        if let Ok(v) = text.parse::<i64>() {
            if i32::try_from(v).is_ok() {
                return Node::Const {
                    ty: Ty::b("int4"),
                    typmod: Vec::new(),
                    value: Some(v.to_string()),
                };
            }
            return Node::Const {
                ty: Ty::b("int8"),
                typmod: Vec::new(),
                value: Some(v.to_string()),
            };
        }
    }
    let value = consts::normalize_numeric(&text).unwrap_or(text);
    Node::Const {
        ty: Ty::b("numeric"),
        typmod: Vec::new(),
        value: Some(value),
    }
}

/// `quote_identifier` that always quotes (collation names are printed quoted).
pub(super) fn quote_always(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}
