//! Scalar fields of a model: name, type, native type, attributes and default.

use crate::emit::prisma::calculate::*;
use crate::emit::prisma::defaults::{DbDefault, Value};
use crate::emit::prisma::describe::{Col, ColArity, Family, IndexKind};
use crate::emit::prisma::dm::Line;
use crate::psl::names::{self, string_literal};
use crate::psl::resolved::PField;

impl<'a> Calc<'a> {
    pub(crate) fn render_scalar_field(&self, ti: usize, ci: usize, partial: &mut bool) -> Line {
        let t = &self.db.tables[ti];
        let col = &t.columns[ci];
        let prev_field = self
            .existing_fields
            .get(&(ti, ci))
            .map(|&fi| &self.previous_model(ti).expect("matched model").fields[fi]);
        let pname = self.column_name(ti, ci);
        let mut line = self.scalar_line(col, &pname, prev_field, |fam| self.family_type(fam));
        // Renderer order: updatedAt, unique, id, default, map, relation, native, ignore.
        let mut attrs = Vec::new();
        if prev_field.is_some_and(|f| f.updated_at) {
            attrs.push("@updatedAt".to_string());
        }
        if let Some(u) = t.indexes.iter().find(|i| {
            i.kind == IndexKind::Unique && i.columns.len() == 1 && i.columns[0].column == ci
        }) {
            let mut args = Vec::new();
            if u.name != names::unique_index_name(&t.name, &[col.name.as_str()]) {
                args.push(format!("map: {}", string_literal(&u.name)));
            }
            if u.columns[0].desc {
                args.push("sort: Desc".into());
            }
            if let Some(p) = &u.predicate {
                *partial = true;
                args.push(format!("where: raw({})", string_literal(p)));
            }
            attrs.push(with_args("@unique", &args));
        }
        if let Some(pk) = t
            .primary_key()
            .filter(|pk| pk.columns.len() == 1 && pk.columns[0].column == ci)
        {
            let mut args = Vec::new();
            if pk.columns[0].desc {
                args.push("sort: Desc".to_string());
            }
            if pk.name != names::primary_key_name(&t.name) {
                args.push(format!("map: {}", string_literal(&pk.name)));
            }
            attrs.push(with_args("@id", &args));
        }
        if let Some(d) = self.render_default(col, prev_field) {
            attrs.push(d);
        }
        line.attributes.splice(0..0, attrs);
        line
    }

    /// Name, type, docs, map, native type, ignore and the commented-out state of a scalar field
    /// (the parts views and models share). Attributes come out in renderer order with `@map`
    /// first; callers insert `@updatedAt`/`@unique`/`@id`/`@default` in front.
    pub(crate) fn scalar_line(
        &self,
        col: &Col,
        pname: &PName,
        prev_field: Option<&PField>,
        family_type: impl Fn(&Family) -> String,
    ) -> Line {
        let name = if pname.name.is_empty() {
            col.name.clone()
        } else {
            pname.name.clone()
        };
        let mut ty = match &col.family {
            Family::Unsupported(u) => format!("Unsupported({})", string_literal(u)),
            f => family_type(f),
        };
        match col.arity {
            ColArity::Required => {}
            ColArity::Nullable => ty.push('?'),
            ColArity::List => ty.push_str("[]"),
        }
        let mut docs = Vec::new();
        if let Some(d) = prev_field.and_then(|f| f.documentation.as_deref()) {
            docs.extend(d.split('\n').map(String::from));
        }
        let mut attributes = Vec::new();
        if let Some(m) = &pname.mapped {
            attributes.push(format!("@map({})", string_literal(m)));
        }
        if let Some(n) = col.native.as_ref().filter(|n| !n.is_default) {
            if n.args.is_empty() {
                attributes.push(format!("@db.{}", n.name));
            } else {
                attributes.push(format!("@db.{}({})", n.name, n.args.join(", ")));
            }
        }
        if prev_field.is_some_and(|f| f.ignored) {
            attributes.push("@ignore".into());
        }
        let commented_out = names::sanitize(&col.name).is_empty();
        if commented_out {
            docs.push(names::COMMENTED_OUT_FIELD_DOC.into());
        }
        Line {
            docs,
            commented_out,
            name,
            ty,
            attributes,
        }
    }

    pub(crate) fn family_type(&self, f: &Family) -> String {
        match f {
            Family::Int => "Int".into(),
            Family::BigInt => "BigInt".into(),
            Family::Float => "Float".into(),
            Family::Decimal => "Decimal".into(),
            Family::Boolean => "Boolean".into(),
            Family::String | Family::Uuid => "String".into(),
            Family::DateTime => "DateTime".into(),
            Family::Binary => "Bytes".into(),
            Family::Json => "Json".into(),
            Family::Enum(e) => self.enum_name(*e).name,
            Family::Unsupported(u) => u.clone(),
        }
    }

    pub(crate) fn enum_value_name(&self, e: usize, label: &str) -> String {
        self.enum_variant_name(e, label).name
    }

    /// `@default(…)` (`DefaultValuePair::kind` + `rendering/defaults.rs`).
    pub(crate) fn render_default(&self, col: &Col, prev: Option<&PField>) -> Option<String> {
        let value = match (&col.default, &col.family) {
            (_, Family::Int | Family::BigInt) if col.auto_increment => {
                "autoincrement()".to_string()
            }
            (Some(DbDefault::Sequence), _) => "autoincrement()".to_string(),
            (Some(DbDefault::DbGenerated(s)), _) => dbgenerated(s),
            (Some(DbDefault::Now), Family::DateTime) => "now()".to_string(),
            (Some(DbDefault::Now), _) => return None,
            (Some(DbDefault::Value(Value::Enum(v))), Family::Enum(e)) => {
                match self.enum_label(*e, v) {
                    Some(name) if !name.is_empty() => name,
                    Some(_) => dbgenerated(v),
                    None => dbgenerated(v),
                }
            }
            (Some(DbDefault::Value(v)), _) => render_value(v),
            (None, Family::String | Family::Uuid) => {
                let (name, args) = prev?.default_function.as_ref()?;
                match name.as_str() {
                    "ulid" => "ulid()".to_string(),
                    "cuid" | "uuid" | "nanoid" => {
                        let arg = args.first().map(|a| a.value.to_psl());
                        format!("{name}({})", arg.unwrap_or_default())
                    }
                    _ => return None,
                }
            }
            (None, _) => return None,
        };
        Some(format!("@default({value})"))
    }

    /// The Prisma name of enum label `label` (None when the enum has no such value).
    pub(crate) fn enum_label(&self, e: usize, label: &str) -> Option<String> {
        if !self.db.enums[e].values.iter().any(|v| v == label) {
            return None;
        }
        Some(self.enum_value_name(e, label))
    }
}
