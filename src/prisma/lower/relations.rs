//! Relations → foreign keys, and implicit many-to-many relations → their join tables, as
//! Prisma Migrate creates them.
//!
//! * A relation field with `fields: [...]`, `references: [...]` is a foreign key on its model's
//!   table: named `map:` or `{table}_{columns}_fkey`; `onDelete`/`onUpdate` as written, else
//!   `RESTRICT` on delete when the relation is required — a referencing field is required, or
//!   the relation field is — and `SET NULL` otherwise, and `CASCADE` on update (psl's
//!   `referential_arity`).
//! * Two list fields pointing at each other without `fields:` are an implicit many-to-many
//!   relation: table `_{relation name}` (`_{A}To{B}` by default, model names in order) with
//!   columns `A` and `B` typed like the ids they reference, primary key `_{name}_AB_pkey`,
//!   index `_{name}_B_index`, and foreign keys `_{name}_A_fkey`/`_{name}_B_fkey`
//!   (`ON DELETE CASCADE ON UPDATE CASCADE`). `A` references the model whose name sorts first.

use crate::catalog::{
    Column, FkAction, ForeignKey, Index, IndexKey, IndexTarget, PrimaryKey, QualifiedName, Table,
};
use crate::psl::ast::Arity;

use super::Lowering;

/// `Cascade` → `CASCADE`, …
fn action(name: &str) -> Option<FkAction> {
    Some(match name {
        "Cascade" => FkAction::Cascade,
        "Restrict" => FkAction::Restrict,
        "NoAction" => FkAction::NoAction,
        "SetNull" => FkAction::SetNull,
        "SetDefault" => FkAction::SetDefault,
        _ => return None,
    })
}

impl Lowering<'_> {
    /// The foreign keys of the relation fields that carry `fields:`.
    pub(super) fn foreign_keys(&mut self) {
        for r in self.prev.relations.clone() {
            let (mi, fi) = r.forward;
            let field = self.prev.models[mi].fields[fi].clone();
            let span = self.models[mi].fields[fi].span.clone();
            let Some(target) = field.related_model else {
                continue;
            };
            let (from, to) = (self.placed[mi].clone(), self.placed[target].clone());
            if from.is_view || to.is_view {
                continue;
            }
            let fields = field.relation_fields().unwrap_or_default();
            let references = field.relation_references().unwrap_or_default();
            if fields.is_empty() || fields.len() != references.len() {
                self.error(
                    "`fields` and `references` must name as many fields, at least one",
                    &span,
                );
                continue;
            }
            let columns: Option<Vec<String>> =
                fields.iter().map(|f| self.column_name(mi, f)).collect();
            let referenced: Option<Vec<String>> = references
                .iter()
                .map(|f| self.column_name(target, f))
                .collect();
            let (Some(columns), Some(referenced)) = (columns, referenced) else {
                self.error(
                    "a field named in `fields` or `references` is not a scalar field of its model",
                    &span,
                );
                continue;
            };
            let required = field.arity == Arity::Required
                || fields.iter().any(|f| {
                    self.prev.models[mi]
                        .fields
                        .iter()
                        .any(|pf| &pf.name == f && pf.arity == Arity::Required)
                });
            let mut actions = [FkAction::NoAction; 2];
            for (slot, (arg, default)) in [
                (
                    "onDelete",
                    if required {
                        FkAction::Restrict
                    } else {
                        FkAction::SetNull
                    },
                ),
                ("onUpdate", FkAction::Cascade),
            ]
            .into_iter()
            .enumerate()
            {
                actions[slot] = match field.relation_constant(arg) {
                    None => default,
                    Some(a) => match action(a) {
                        Some(a) => a,
                        None => {
                            self.error(format!("unknown referential action `{a}`"), &span);
                            default
                        }
                    },
                };
            }
            let name = field.relation_map().map(String::from).unwrap_or_else(|| {
                let cols: Vec<&str> = columns.iter().map(String::as_str).collect();
                crate::psl::names::foreign_key_name(&from.name, &cols)
            });
            let fk = ForeignKey {
                name,
                columns,
                references: QualifiedName::new(&to.schema, &to.name),
                referenced_columns: referenced,
                on_delete: actions[0],
                on_update: actions[1],
                ..Default::default()
            };
            if let Some(t) = self.out.table_mut(&from.schema, &from.name) {
                t.foreign_keys.push(fk);
            }
        }
    }

    /// The single-column id of model `mi`: its column name and type.
    fn id_column(&self, mi: usize) -> Option<(String, crate::catalog::SqlType)> {
        let p = &self.placed[mi];
        let pk = self.out.table(&p.schema, &p.name)?.primary_key.as_ref()?;
        let [col] = pk.columns.as_slice() else {
            return None;
        };
        let ty = self.out.table(&p.schema, &p.name)?.column(col)?.ty.clone();
        Some((col.clone(), ty))
    }

    /// The join tables of implicit many-to-many relations.
    pub(super) fn join_tables(&mut self) {
        for r in self.prev.m2m.clone() {
            let mut sides = r.sides;
            sides.sort_by(|a, b| {
                self.prev.models[a.0]
                    .name
                    .cmp(&self.prev.models[b.0].name)
                    .then(a.1.cmp(&b.1))
            });
            let span = self.models[sides[0].0].fields[sides[0].1].span.clone();
            let (Some(a), Some(b)) = (self.id_column(sides[0].0), self.id_column(sides[1].0))
            else {
                self.error(
                    format!(
                        "the models of the many-to-many relation `{}` need a single-field id",
                        r.name
                    ),
                    &span,
                );
                continue;
            };
            let name = format!("_{}", r.name);
            let schema = self.placed[sides[0].0].schema.clone();
            let column = |n: &str, ty: &crate::catalog::SqlType| Column {
                name: n.to_string(),
                ty: ty.clone(),
                not_null: true,
                ..Default::default()
            };
            let fk = |c: &str, side: usize, id: &str| {
                let p = &self.placed[side];
                ForeignKey {
                    name: format!("{name}_{c}_fkey"),
                    columns: vec![c.to_string()],
                    references: QualifiedName::new(&p.schema, &p.name),
                    referenced_columns: vec![id.to_string()],
                    on_delete: FkAction::Cascade,
                    on_update: FkAction::Cascade,
                    ..Default::default()
                }
            };
            let mut table = Table::new(&name);
            table.columns = vec![column("A", &a.1), column("B", &b.1)];
            table.primary_key = Some(PrimaryKey {
                name: format!("{name}_AB_pkey"),
                columns: vec!["A".into(), "B".into()],
                ..Default::default()
            });
            table.indexes = vec![Index {
                name: format!("{name}_B_index"),
                method: "btree".into(),
                keys: vec![IndexKey {
                    target: IndexTarget::Column("B".into()),
                    ..Default::default()
                }],
                ..Default::default()
            }];
            table.foreign_keys = vec![fk("A", sides[0].0, &a.0), fk("B", sides[1].0, &b.0)];
            self.schema_mut(&schema).tables.insert(name, table);
        }
    }
}
