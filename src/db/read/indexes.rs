//! Indexes that do not back a constraint (`pg_index`), on tables and materialized views.

use std::collections::BTreeMap;

use crate::catalog::{Index, IndexKey, IndexTarget};
use crate::error::Result;

use super::{qualified_unless_pg_catalog, Reader, USER_SCHEMA};

/// `indoption` bit: `DESC`.
const INDOPTION_DESC: i32 = 1;
/// `indoption` bit: `NULLS FIRST`.
const INDOPTION_NULLS_FIRST: i32 = 2;

impl Reader<'_, '_> {
    /// Indexes not backing a primary key, unique or exclusion constraint.
    pub(super) fn read_indexes(&mut self) -> Result<()> {
        let sql = format!(
            "SELECT i.indexrelid, i.indrelid, ic.relname::text AS name,
                    am.amname::text AS method, i.indisunique, i.indnullsnotdistinct,
                    pg_get_expr(i.indpred, i.indrelid) AS predicate,
                    obj_description(i.indexrelid, 'pg_class') AS comment
             FROM pg_index i
             JOIN pg_class ic ON ic.oid = i.indexrelid
             JOIN pg_am am ON am.oid = ic.relam
             JOIN pg_namespace n ON n.oid = ic.relnamespace
             WHERE {USER_SCHEMA} AND NOT EXISTS (
                SELECT 1 FROM pg_constraint con
                WHERE con.conindid = i.indexrelid AND con.conrelid = i.indrelid
                  AND con.contype IN ('p', 'u', 'x'))"
        );
        // indexrelid → (indrelid, index)
        let mut indexes: BTreeMap<u32, (u32, Index)> = BTreeMap::new();
        for row in self.tx.query(&sql, &[])? {
            let owner: u32 = row.try_get("indrelid")?;
            if !self.rels.contains_key(&owner) {
                continue;
            }
            let index = Index {
                name: row.try_get("name")?,
                unique: row.try_get("indisunique")?,
                method: row.try_get("method")?,
                predicate: row.try_get("predicate")?,
                nulls_not_distinct: row.try_get("indnullsnotdistinct")?,
                comment: row.try_get("comment")?,
                ..Index::default()
            };
            indexes.insert(row.try_get("indexrelid")?, (owner, index));
        }
        self.read_index_keys(&mut indexes)?;
        for (owner, index) in indexes.into_values() {
            if let Some(t) = self.table_mut(owner) {
                t.indexes.push(index);
            } else if let Some(v) = self.view_mut(owner) {
                v.indexes.push(index);
            }
        }
        Ok(())
    }

    /// Key and `INCLUDE` columns of every index, in index column order.
    fn read_index_keys(&mut self, indexes: &mut BTreeMap<u32, (u32, Index)>) -> Result<()> {
        // A key's default collation is its column's, or its expression type's; `indcollation`
        // differs from it only when the index says `COLLATE`.
        let sql = format!(
            "SELECT i.indexrelid, (g.k <= i.indnkeyatts) AS is_key,
                    a.attname::text AS column_name,
                    pg_get_indexdef(i.indexrelid, g.k, true) AS def,
                    opc.opcname::text AS opclass, opc.opcdefault,
                    (i.indoption::int2[])[g.k - 1]::int4 AS option,
                    co.collname::text AS coll_name, con.nspname::text AS coll_schema
             FROM pg_index i
             JOIN pg_class ic ON ic.oid = i.indexrelid
             JOIN pg_namespace n ON n.oid = ic.relnamespace
             CROSS JOIN generate_series(1, i.indnatts) g(k)
             LEFT JOIN pg_attribute a ON i.indkey[g.k - 1] <> 0
                   AND a.attrelid = i.indrelid AND a.attnum = i.indkey[g.k - 1]
             LEFT JOIN pg_opclass opc ON g.k <= i.indnkeyatts AND opc.oid = i.indclass[g.k - 1]
             LEFT JOIN pg_attribute ia ON ia.attrelid = i.indexrelid AND ia.attnum = g.k
             LEFT JOIN pg_type it ON it.oid = ia.atttypid
             LEFT JOIN pg_collation co ON g.k <= i.indnkeyatts
                   AND co.oid = i.indcollation[g.k - 1]
                   AND i.indcollation[g.k - 1] <> coalesce(a.attcollation, it.typcollation, 0)
             LEFT JOIN pg_namespace con ON con.oid = co.collnamespace
             WHERE {USER_SCHEMA}
             ORDER BY i.indexrelid, g.k"
        );
        for row in self.tx.query(&sql, &[])? {
            let oid: u32 = row.try_get("indexrelid")?;
            let Some((_, index)) = indexes.get_mut(&oid) else {
                continue;
            };
            let column: Option<String> = row.try_get("column_name")?;
            if !row.try_get::<_, bool>("is_key")? {
                index.include.extend(column);
                continue;
            }
            let target = match column {
                Some(c) => IndexTarget::Column(c),
                None => IndexTarget::Expression(row.try_get("def")?),
            };
            let opclass: Option<String> = row.try_get("opclass")?;
            let opc_default: Option<bool> = row.try_get("opcdefault")?;
            let option = row.try_get::<_, Option<i32>>("option")?.unwrap_or(0);
            let collation = match (
                row.try_get::<_, Option<String>>("coll_schema")?,
                row.try_get::<_, Option<String>>("coll_name")?,
            ) {
                (Some(schema), Some(name)) => Some(qualified_unless_pg_catalog(&schema, &name)),
                _ => None,
            };
            index.keys.push(IndexKey {
                target,
                opclass: opclass.filter(|_| opc_default == Some(false)),
                collation,
                descending: option & INDOPTION_DESC != 0,
                nulls_first: option & INDOPTION_NULLS_FIRST != 0,
            });
        }
        Ok(())
    }
}
