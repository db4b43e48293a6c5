//! Constants and their casts, coercions, type and operator names.

use crate::catalog::quote_ident;
use crate::pg::deparse::consts::quote_const;
use crate::pg::deparse::funcs::Oper;
use crate::pg::deparse::node::Node;
use crate::pg::deparse::typesys::Ty;

use super::*;

impl<'a, 'c> Printer<'a, 'c> {
    /// `get_const_expr`; `showtype` -1 never labels, 0 labels when needed, 1 always.
    pub fn constant(&mut self, ty: &Ty, typmod: &[i64], value: Option<&str>, showtype: i32) {
        let Some(v) = value else {
            self.buf.push_str("NULL");
            if showtype >= 0 {
                let t = self.format_type(ty, typmod);
                self.buf.push_str("::");
                self.buf.push_str(&t);
            }
            return;
        };
        let mut needlabel = false;
        if ty.is("int4") {
            if v.starts_with('-') {
                self.buf.push_str(&quote_const(v));
                needlabel = true;
            } else {
                self.buf.push_str(v);
            }
        } else if ty.is("numeric") {
            if v.as_bytes().first().is_some_and(u8::is_ascii_digit) && v.contains(['e', 'E', '.']) {
                self.buf.push_str(v);
            } else {
                self.buf.push_str(&quote_const(v));
                needlabel = true;
            }
        } else if ty.is("bool") {
            self.buf.push_str(if v == "t" || v == "true" {
                "true"
            } else {
                "false"
            });
        } else {
            self.buf.push_str(&quote_const(v));
        }
        if showtype < 0 {
            return;
        }
        if ty.is("bool") || ty.is_unknown() {
            needlabel = false;
        } else if ty.is("int4") {
        } else if ty.is("numeric") {
            needlabel |= !typmod.is_empty();
        } else {
            needlabel = true;
        }
        if needlabel || showtype > 0 {
            let t = self.format_type(ty, typmod);
            self.buf.push_str("::");
            self.buf.push_str(&t);
        }
    }

    /// `get_coercion_expr`.
    pub(super) fn coercion(&mut self, arg: &Node, ty: &Ty, typmod: &[i64], parent: &Node) {
        match arg {
            Node::Const {
                ty: cty,
                typmod: ctm,
                value,
            } if cty == ty && ctm.is_empty() => {
                self.constant(cty, ctm, value.as_deref(), -1);
            }
            _ => {
                self.open();
                self.expr_paren(arg, false, parent);
                self.close();
            }
        }
        let t = self.format_type(ty, typmod);
        self.buf.push_str("::");
        self.buf.push_str(&t);
    }

    /// `format_type_with_typemod`: qualified only when not visible.
    pub fn format_type(&self, ty: &Ty, typmod: &[i64]) -> String {
        if ty.schema.is_empty() {
            return ty.name.clone();
        }
        let qualify = ty.schema != "pg_catalog" && !self.ctx.type_visible(&ty.schema, &ty.name);
        ty.to_sql(typmod).format(qualify)
    }

    pub(super) fn oper_name(&self, oper: &Oper, left: Option<&Ty>, right: &Ty) -> String {
        let found = self
            .ctx
            .resolve_operator(None, &oper.name, left, right, self.ctx.display_path);
        if found.is_some_and(|o| o.schema == oper.schema) || oper.schema.is_empty() {
            oper.name.clone()
        } else {
            format!("OPERATOR({}.{})", quote_ident(&oper.schema), oper.name)
        }
    }
}
