//! Tables, views, materialized views and composite types (`pg_class`), their columns
//! (`pg_attribute`, `pg_attrdef`) and parents (`pg_inherits`).

use crate::catalog::{Column, CompositeType, Identity, QualifiedName, Table, View};
use crate::error::Result;

use super::types::{sql_type, type_columns, type_join};
use super::{not_in_extension, qualified_unless_pg_catalog, Reader, Rel, RelKind, USER_SCHEMA};

impl Reader<'_, '_> {
    /// The relations (`relkind` `r`, `p`, `v`, `m`, `c`), without their columns.
    pub(super) fn read_relations(&mut self) -> Result<()> {
        let sql = format!(
            "SELECT c.oid, n.nspname::text AS schema, c.relname::text AS name,
                    c.relkind::text AS kind, c.relispartition, c.relrowsecurity,
                    c.relforcerowsecurity,
                    CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partkey,
                    CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid) END AS viewdef,
                    coalesce(c.reloptions, '{{}}')::text[] AS options,
                    obj_description(c.oid, 'pg_class') AS comment,
                    (((c.ctid::text::point)[0] * 65536 + (c.ctid::text::point)[1]) + 1)::int8
                        AS row_order
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relkind IN ('r', 'p', 'v', 'm', 'c') AND {USER_SCHEMA}
               AND {} AND {}",
            not_in_extension("pg_class", "c.oid"),
            // A composite type belongs to an extension through its pg_type row.
            not_in_extension("pg_type", "c.reltype")
        );
        for row in self.tx.query(&sql, &[])? {
            let oid: u32 = row.try_get("oid")?;
            let schema: String = row.try_get("schema")?;
            let name: String = row.try_get("name")?;
            let kind: String = row.try_get("kind")?;
            let comment: Option<String> = row.try_get("comment")?;
            let rel_kind = match kind.as_str() {
                "r" | "p" => {
                    let table = Table {
                        name: name.clone(),
                        is_partition: row.try_get("relispartition")?,
                        rls_enabled: row.try_get("relrowsecurity")?,
                        rls_forced: row.try_get("relforcerowsecurity")?,
                        partition_by: row.try_get("partkey")?,
                        comment,
                        ..Table::default()
                    };
                    self.schema_mut(&schema).tables.insert(name.clone(), table);
                    RelKind::Table
                }
                "v" | "m" => {
                    let view = View {
                        name: name.clone(),
                        materialized: kind == "m",
                        definition: row
                            .try_get::<_, Option<String>>("viewdef")?
                            .unwrap_or_default(),
                        options: row.try_get("options")?,
                        comment,
                        row_order: row.try_get::<_, i64>("row_order")?.max(1) as u64,
                        ..View::default()
                    };
                    self.schema_mut(&schema).views.insert(name.clone(), view);
                    RelKind::View
                }
                _ => {
                    let ty = CompositeType {
                        name: name.clone(),
                        attributes: Vec::new(),
                    };
                    self.schema_mut(&schema).composites.insert(name.clone(), ty);
                    RelKind::Composite
                }
            };
            self.rels.insert(
                oid,
                Rel {
                    schema,
                    name,
                    kind: rel_kind,
                },
            );
        }
        self.rank_view_rows();
        Ok(())
    }

    /// Views numbered 1, 2, … in the order of their rows (the physical positions read are not
    /// kept: only their order means something).
    fn rank_view_rows(&mut self) {
        let mut rows: Vec<(u64, String, String)> = self
            .catalog
            .schemas
            .iter()
            .flat_map(|(s, sc)| {
                sc.views
                    .values()
                    .map(move |v| (v.row_order, s.clone(), v.name.clone()))
            })
            .collect();
        rows.sort();
        for (rank, (_, s, v)) in rows.into_iter().enumerate() {
            if let Some(v) = self
                .catalog
                .schemas
                .get_mut(&s)
                .and_then(|sc| sc.views.get_mut(&v))
            {
                v.row_order = rank as u64 + 1;
            }
        }
    }

    /// Columns of every relation read, in `attnum` order, dropped ones left out.
    pub(super) fn read_columns(&mut self) -> Result<()> {
        let sql = format!(
            "SELECT a.attrelid, a.attname::text AS name, a.attnotnull,
                    a.attidentity::text AS identity, a.attgenerated::text AS generated,
                    pg_get_expr(d.adbin, d.adrelid) AS def,
                    co.collname::text AS coll_name, con.nspname::text AS coll_schema,
                    col_description(a.attrelid, a.attnum) AS comment,
                    {}
             FROM pg_attribute a
             JOIN pg_class c ON c.oid = a.attrelid
             JOIN pg_namespace n ON n.oid = c.relnamespace
             LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
             LEFT JOIN pg_type t ON t.oid = a.atttypid
             LEFT JOIN pg_collation co
                    ON co.oid = a.attcollation AND a.attcollation <> t.typcollation
             LEFT JOIN pg_namespace con ON con.oid = co.collnamespace
             {}
             WHERE a.attnum > 0 AND NOT a.attisdropped
               AND c.relkind IN ('r', 'p', 'v', 'm', 'c') AND {USER_SCHEMA}
             ORDER BY a.attrelid, a.attnum",
            type_columns("a.atttypid", "a.atttypmod", "a.attndims"),
            type_join("a.atttypid"),
        );
        for row in self.tx.query(&sql, &[])? {
            let oid: u32 = row.try_get("attrelid")?;
            let Some(rel) = self.rels.get(&oid).cloned() else {
                continue;
            };
            let ty = sql_type(&row)?;
            let name: String = row.try_get("name")?;
            if rel.kind == RelKind::Composite {
                if let Some(c) = self.schema_mut(&rel.schema).composites.get_mut(&rel.name) {
                    c.attributes.push((name, ty));
                }
                continue;
            }
            let def: Option<String> = row.try_get("def")?;
            let is_generated = row.try_get::<_, String>("generated")? == "s";
            let identity = match row.try_get::<_, String>("identity")?.as_str() {
                "a" => Some(Identity::Always),
                "d" => Some(Identity::ByDefault),
                _ => None,
            };
            let collation = match (
                row.try_get::<_, Option<String>>("coll_schema")?,
                row.try_get::<_, Option<String>>("coll_name")?,
            ) {
                (Some(schema), Some(name)) => Some(qualified_unless_pg_catalog(&schema, &name)),
                _ => None,
            };
            let column = Column {
                name,
                ty,
                not_null: row.try_get("attnotnull")?,
                default: if is_generated { None } else { def.clone() },
                generated: if is_generated { def } else { None },
                identity,
                collation,
                comment: row.try_get("comment")?,
            };
            let schema = self.schema_mut(&rel.schema);
            match rel.kind {
                RelKind::Table => {
                    if let Some(t) = schema.tables.get_mut(&rel.name) {
                        t.columns.push(column);
                    }
                }
                RelKind::View => {
                    if let Some(v) = schema.views.get_mut(&rel.name) {
                        v.columns.push(column);
                    }
                }
                RelKind::Composite => {}
            }
        }
        Ok(())
    }

    /// `INHERITS` parents and the parents of partitions, in `inhseqno` order.
    pub(super) fn read_inherits(&mut self) -> Result<()> {
        let sql = "SELECT i.inhrelid, pn.nspname::text, p.relname::text
             FROM pg_inherits i
             JOIN pg_class p ON p.oid = i.inhparent
             JOIN pg_namespace pn ON pn.oid = p.relnamespace
             ORDER BY i.inhrelid, i.inhseqno";
        for row in self.tx.query(sql, &[])? {
            let oid: u32 = row.try_get(0)?;
            let parent =
                QualifiedName::new(row.try_get::<_, String>(1)?, row.try_get::<_, String>(2)?);
            if let Some(t) = self.table_mut(oid) {
                t.inherits.push(parent);
            }
        }
        Ok(())
    }

    /// The table with `pg_class.oid` `oid`, if the reader kept it.
    pub(super) fn table_mut(&mut self, oid: u32) -> Option<&mut Table> {
        let rel = self.rels.get(&oid)?;
        if rel.kind != RelKind::Table {
            return None;
        }
        self.catalog
            .schemas
            .get_mut(&rel.schema)?
            .tables
            .get_mut(&rel.name)
    }

    /// The view with `pg_class.oid` `oid`, if the reader kept it.
    pub(super) fn view_mut(&mut self, oid: u32) -> Option<&mut View> {
        let rel = self.rels.get(&oid)?;
        if rel.kind != RelKind::View {
            return None;
        }
        self.catalog
            .schemas
            .get_mut(&rel.schema)?
            .views
            .get_mut(&rel.name)
    }
}
