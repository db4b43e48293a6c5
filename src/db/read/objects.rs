//! Policies, sequences, enums, domains and functions.

use std::collections::HashMap;

use crate::catalog::{
    CheckConstraint, Domain, EnumType, Policy, QualifiedName, RangeType, Sequence,
};
use crate::error::Result;

use super::constraints::check_expression;
use super::types::{sql_type, type_columns, type_join};
use super::{not_in_extension, Reader, USER_SCHEMA};

impl Reader<'_, '_> {
    /// Row-level security policies (`pg_policy`), read as the `pg_policies` view reads them.
    pub(super) fn read_policies(&mut self) -> Result<()> {
        let sql = "SELECT p.polrelid, p.polname::text AS name, p.polpermissive,
                    p.polcmd::text AS cmd,
                    array(SELECT CASE WHEN r = 0 THEN 'public' ELSE pg_get_userbyid(r)::text END
                          FROM unnest(p.polroles) r) AS roles,
                    pg_get_expr(p.polqual, p.polrelid) AS using,
                    pg_get_expr(p.polwithcheck, p.polrelid) AS with_check
             FROM pg_policy p";
        for row in self.tx.query(sql, &[])? {
            let oid: u32 = row.try_get("polrelid")?;
            let mut roles: Vec<String> = row.try_get("roles")?;
            roles.sort();
            let command = match row.try_get::<_, String>("cmd")?.as_str() {
                "r" => "select",
                "a" => "insert",
                "w" => "update",
                "d" => "delete",
                _ => "all",
            };
            let policy = Policy {
                name: row.try_get("name")?,
                permissive: row.try_get("polpermissive")?,
                command: command.to_string(),
                roles,
                using: row.try_get("using")?,
                with_check: row.try_get("with_check")?,
            };
            if let Some(t) = self.table_mut(oid) {
                t.policies.push(policy);
            }
        }
        Ok(())
    }

    /// Sequences (`pg_sequence`), with the column owning them (`OWNED BY`, serial, identity).
    pub(super) fn read_sequences(&mut self) -> Result<()> {
        let sql = format!(
            "SELECT n.nspname::text AS schema, c.relname::text AS name,
                    format_type(s.seqtypid, NULL) AS data_type,
                    s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle,
                    (SELECT array[t.relname::text, a.attname::text]
                     FROM pg_depend d
                     JOIN pg_class t ON t.oid = d.refobjid
                     JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                     WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                       AND d.refclassid = 'pg_class'::regclass AND d.refobjsubid > 0
                       AND d.deptype IN ('a', 'i')
                     ORDER BY d.deptype DESC LIMIT 1) AS owned_by
             FROM pg_sequence s
             JOIN pg_class c ON c.oid = s.seqrelid
             JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE {USER_SCHEMA} AND {}",
            not_in_extension("pg_class", "c.oid")
        );
        for row in self.tx.query(&sql, &[])? {
            let schema: String = row.try_get("schema")?;
            let owned_by = row
                .try_get::<_, Option<Vec<String>>>("owned_by")?
                .and_then(|v| match <[String; 2]>::try_from(v) {
                    Ok([table, column]) => Some((table, column)),
                    Err(_) => None,
                });
            let seq = Sequence {
                name: row.try_get("name")?,
                data_type: row.try_get("data_type")?,
                start: row.try_get("seqstart")?,
                increment: row.try_get("seqincrement")?,
                min_value: row.try_get("seqmin")?,
                max_value: row.try_get("seqmax")?,
                cache: row.try_get("seqcache")?,
                cycle: row.try_get("seqcycle")?,
                owned_by,
            };
            self.schema_mut(&schema)
                .sequences
                .insert(seq.name.clone(), seq);
        }
        Ok(())
    }

    /// Enum types with their labels in `enumsortorder`.
    pub(super) fn read_enums(&mut self) -> Result<()> {
        let sql = format!(
            "SELECT n.nspname::text AS schema, t.typname::text AS name,
                    array(SELECT e.enumlabel::text FROM pg_enum e
                          WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder) AS labels,
                    obj_description(t.oid, 'pg_type') AS comment
             FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
             WHERE t.typtype = 'e' AND {USER_SCHEMA} AND {}",
            not_in_extension("pg_type", "t.oid")
        );
        for row in self.tx.query(&sql, &[])? {
            let schema: String = row.try_get("schema")?;
            let e = EnumType {
                name: row.try_get("name")?,
                values: row.try_get("labels")?,
                comment: row.try_get("comment")?,
            };
            self.schema_mut(&schema).enums.insert(e.name.clone(), e);
        }
        Ok(())
    }

    /// Range types with their subtype, and the multirange types that go with them.
    pub(super) fn read_ranges(&mut self) -> Result<()> {
        let sql = format!(
            "SELECT n.nspname::text AS schema, t.typname::text AS name,
                    mn.nspname::text AS mschema, m.typname::text AS mname,
                    {}
             FROM pg_range r
             JOIN pg_type t ON t.oid = r.rngtypid
             JOIN pg_namespace n ON n.oid = t.typnamespace
             JOIN pg_type m ON m.oid = r.rngmultitypid
             JOIN pg_namespace mn ON mn.oid = m.typnamespace
             {}
             WHERE {USER_SCHEMA} AND {}",
            type_columns("r.rngsubtype", "-1", "0"),
            type_join("r.rngsubtype"),
            not_in_extension("pg_type", "t.oid")
        );
        for row in self.tx.query(&sql, &[])? {
            let schema: String = row.try_get("schema")?;
            let range = RangeType {
                name: row.try_get("name")?,
                subtype: sql_type(&row)?,
            };
            let mschema: String = row.try_get("mschema")?;
            let mname: String = row.try_get("mname")?;
            self.schema_mut(&mschema)
                .multiranges
                .insert(mname, QualifiedName::new(&schema, &range.name));
            self.schema_mut(&schema)
                .ranges
                .insert(range.name.clone(), range);
        }
        Ok(())
    }

    /// Domains with their base type, `NOT NULL`, default and `CHECK` constraints.
    pub(super) fn read_domains(&mut self) -> Result<()> {
        let sql = format!(
            "SELECT t.oid, n.nspname::text AS schema, t.typname::text AS name, t.typnotnull,
                    pg_get_expr(t.typdefaultbin, 0) AS def,
                    {}
             FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
             {}
             WHERE t.typtype = 'd' AND {USER_SCHEMA} AND {}",
            type_columns("t.typbasetype", "t.typtypmod", "t.typndims"),
            type_join("t.typbasetype"),
            not_in_extension("pg_type", "t.oid")
        );
        let mut by_oid: HashMap<u32, (String, String)> = HashMap::new();
        for row in self.tx.query(&sql, &[])? {
            let schema: String = row.try_get("schema")?;
            let d = Domain {
                name: row.try_get("name")?,
                base: sql_type(&row)?,
                not_null: row.try_get("typnotnull")?,
                default: row.try_get("def")?,
                checks: Vec::new(),
            };
            by_oid.insert(row.try_get("oid")?, (schema.clone(), d.name.clone()));
            self.schema_mut(&schema).domains.insert(d.name.clone(), d);
        }
        let sql = "SELECT con.contypid, con.conname::text AS name, con.convalidated,
                    pg_get_constraintdef(con.oid) AS def
             FROM pg_constraint con WHERE con.contypid <> 0 AND con.contype = 'c'
             ORDER BY con.conname";
        for row in self.tx.query(sql, &[])? {
            let oid: u32 = row.try_get("contypid")?;
            let Some((schema, name)) = by_oid.get(&oid) else {
                continue;
            };
            let validated: bool = row.try_get("convalidated")?;
            let def: String = row.try_get("def")?;
            let check = CheckConstraint {
                name: row.try_get("name")?,
                expression: check_expression(&def, validated, false),
                validated,
                no_inherit: false,
            };
            if let Some(d) = self
                .catalog
                .schemas
                .get_mut(schema)
                .and_then(|s| s.domains.get_mut(name))
            {
                d.checks.push(check);
            }
        }
        Ok(())
    }

    /// Names of functions, procedures, aggregates and window functions (overloads collapse).
    pub(super) fn read_functions(&mut self) -> Result<()> {
        let sql = format!(
            "SELECT DISTINCT n.nspname::text, p.proname::text
             FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
             WHERE {USER_SCHEMA} AND {}",
            not_in_extension("pg_proc", "p.oid")
        );
        for row in self.tx.query(&sql, &[])? {
            let schema: String = row.try_get(0)?;
            self.schema_mut(&schema).functions.insert(row.try_get(1)?);
        }
        Ok(())
    }
}
