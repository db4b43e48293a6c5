//! Which transaction last wrote each object of a database: the `xmin` of the `pg_catalog` rows
//! that describe it (for a table its `pg_class` row, which `ALTER TABLE` rewrites; for a column
//! its `pg_attribute` row, its default and its comment; …). With the transaction ids the
//! statements ran under ([`crate::db::apply`]), that names the statement that last wrote each
//! object in PostgreSQL — also one replay did not understand.

use std::collections::BTreeMap;

use crate::catalog::{ObjectKey, ObjectKind};
use crate::error::Result;

/// `WHERE` condition on `pg_namespace n` keeping the user's schemas.
const USER_SCHEMA: &str = "n.nspname NOT IN ('pg_catalog', 'information_schema') \
     AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'";

/// Each query returns: schema, relation or type (empty for a schema), kind letter, member (or
/// NULL), xmin as text.
fn queries() -> [String; 9] {
    let rel = "JOIN pg_namespace n ON n.oid = c.relnamespace";
    [
        format!("SELECT n.nspname::text, '', 'n', NULL::text, n.xmin::text FROM pg_namespace n WHERE {USER_SCHEMA}"),
        format!(
            "SELECT n.nspname::text, c.relname::text, c.relkind::text, NULL::text, c.xmin::text \
             FROM pg_class c {rel} WHERE {USER_SCHEMA} AND c.relkind IN ('r','p','v','m','S','c')"
        ),
        format!(
            "SELECT n.nspname::text, c.relname::text, 'col', a.attname::text, a.xmin::text \
             FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid {rel} \
             WHERE {USER_SCHEMA} AND c.relkind IN ('r','p','v','m') AND a.attnum > 0 AND NOT a.attisdropped"
        ),
        format!(
            "SELECT n.nspname::text, c.relname::text, 'col', a.attname::text, d.xmin::text \
             FROM pg_attrdef d JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum \
             JOIN pg_class c ON c.oid = d.adrelid {rel} WHERE {USER_SCHEMA}"
        ),
        // Comments: on a relation (objsubid 0) or one of its columns.
        format!(
            "SELECT n.nspname::text, c.relname::text, \
                    CASE WHEN ds.objsubid = 0 THEN c.relkind::text ELSE 'col' END, \
                    CASE WHEN ds.objsubid = 0 THEN NULL ELSE a.attname::text END, ds.xmin::text \
             FROM pg_description ds JOIN pg_class c ON c.oid = ds.objoid {rel} \
             LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ds.objsubid \
             WHERE ds.classoid = 'pg_class'::regclass AND {USER_SCHEMA}"
        ),
        format!(
            "SELECT n.nspname::text, COALESCE(c.relname, t.typname)::text, \
                    CASE WHEN co.contypid <> 0 THEN 'c' ELSE co.contype::text END, \
                    co.conname::text, co.xmin::text \
             FROM pg_constraint co JOIN pg_namespace n ON n.oid = co.connamespace \
             LEFT JOIN pg_class c ON c.oid = co.conrelid LEFT JOIN pg_type t ON t.oid = co.contypid \
             WHERE {USER_SCHEMA} AND co.contype IN ('p','u','f','c','x')"
        ),
        format!(
            "SELECT n.nspname::text, c.relname::text, 'i', i.relname::text, i.xmin::text \
             FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid {rel} \
             WHERE {USER_SCHEMA}"
        ),
        format!(
            "SELECT n.nspname::text, c.relname::text, 'pol', p.polname::text, p.xmin::text \
             FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid {rel} WHERE {USER_SCHEMA}"
        ),
        // Enum and domain types, and each enum label.
        format!(
            "SELECT n.nspname::text, t.typname::text, t.typtype::text, NULL::text, t.xmin::text \
             FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace \
             WHERE {USER_SCHEMA} AND t.typtype IN ('e','d') \
             UNION ALL \
             SELECT n.nspname::text, t.typname::text, 'e', NULL::text, e.xmin::text \
             FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid JOIN pg_namespace n ON n.oid = t.typnamespace \
             WHERE {USER_SCHEMA}"
        ),
    ]
}

/// The key of a row of [`queries`], by its kind letter.
fn key(schema: &str, name: &str, kind: &str, member: Option<&str>) -> Option<ObjectKey> {
    let object = |k| Some(ObjectKey::object(k, schema, name));
    let member_key = |k| member.map(|m| ObjectKey::member(k, schema, name, m));
    match kind {
        "n" => Some(ObjectKey::schema(schema)),
        "r" | "p" => object(ObjectKind::Table),
        "v" | "m" => object(ObjectKind::View),
        "S" => object(ObjectKind::Sequence),
        "c" if member.is_none() => object(ObjectKind::Composite),
        "e" => object(ObjectKind::Enum),
        "d" => object(ObjectKind::Domain),
        "col" => member_key(ObjectKind::Column),
        "i" => member_key(ObjectKind::Index),
        "pol" => member_key(ObjectKind::Policy),
        _ => None,
    }
}

/// The constraint kinds (`contype`) as member kinds.
fn constraint_kind(contype: &str) -> Option<ObjectKind> {
    Some(match contype {
        "p" => ObjectKind::PrimaryKey,
        "u" => ObjectKind::Unique,
        "f" => ObjectKind::ForeignKey,
        "c" => ObjectKind::Check,
        "x" => ObjectKind::Exclusion,
        _ => return None,
    })
}

/// Every object of the user's schemas with the transaction ids (`xmin`) of the catalog rows
/// describing it.
///
/// # Errors
/// When a query fails.
pub(crate) fn written(client: &mut postgres::Client) -> Result<BTreeMap<ObjectKey, Vec<u32>>> {
    let mut out: BTreeMap<ObjectKey, Vec<u32>> = BTreeMap::new();
    for (i, sql) in queries().iter().enumerate() {
        for row in client.query(sql.as_str(), &[])? {
            let schema: String = row.try_get(0)?;
            let name: String = row.try_get(1)?;
            let kind: String = row.try_get(2)?;
            let member: Option<String> = row.try_get(3)?;
            let xmin: String = row.try_get(4)?;
            let Ok(xmin) = xmin.parse::<u32>() else {
                continue;
            };
            // Constraint rows (query 5) carry their `contype` as the kind.
            let k = if i == 5 {
                constraint_kind(&kind).and_then(|k| {
                    member
                        .as_deref()
                        .map(|m| ObjectKey::member(k, &schema, &name, m))
                })
            } else {
                key(&schema, &name, &kind, member.as_deref())
            };
            if let Some(k) = k {
                out.entry(k).or_default().push(xmin);
            }
        }
    }
    Ok(out)
}
