//! Table constraints (`pg_constraint`): primary keys, uniques, foreign keys, checks, exclusions.

use postgres::Row;

use crate::catalog::{
    CheckConstraint, Deferrable, ExclusionConstraint, FkAction, ForeignKey, MatchType, PrimaryKey,
    QualifiedName, UniqueConstraint,
};
use crate::error::Result;

use super::Reader;

/// Column names of `attnums` (an `int2[]` expression) of relation `rel`, in array order.
fn attnames(attnums: &str, rel: &str) -> String {
    format!(
        "array(SELECT a.attname::text FROM unnest({attnums}) WITH ORDINALITY k(num, ord)
               JOIN pg_attribute a ON a.attrelid = {rel} AND a.attnum = k.num ORDER BY k.ord)"
    )
}

impl Reader<'_, '_> {
    /// Every constraint of the tables read (`NOT NULL` is a column flag in PostgreSQL 15).
    ///
    /// A foreign key referencing a partitioned table has internal clones on the same table, one
    /// per referenced partition (`t_x_fkey1` → the partition); like `pg_dump` and `psql`'s `\d`,
    /// the reader leaves those out. Clones on partitions of a referencing partitioned table are
    /// real constraints of those partitions and are kept.
    pub(super) fn read_constraints(&mut self) -> Result<()> {
        let sql = format!(
            "SELECT con.conrelid, con.conname::text AS name, con.contype::text AS kind,
                    con.condeferrable, con.condeferred, con.convalidated, con.connoinherit,
                    pg_get_constraintdef(con.oid) AS def,
                    {} AS columns, {} AS ref_columns,
                    rn.nspname::text AS ref_schema, rc.relname::text AS ref_table,
                    con.confdeltype::text AS on_delete, con.confupdtype::text AS on_update,
                    con.confmatchtype::text AS match_type,
                    array(SELECT a.attname::text
                          FROM pg_index i
                          CROSS JOIN generate_series(i.indnkeyatts, i.indnatts - 1) g(k)
                          JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[g.k]
                          WHERE i.indexrelid = con.conindid ORDER BY g.k) AS include,
                    coalesce((SELECT i.indnullsnotdistinct FROM pg_index i
                              WHERE i.indexrelid = con.conindid), false) AS nulls_not_distinct
             FROM pg_constraint con
             LEFT JOIN pg_class rc ON rc.oid = con.confrelid
             LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
             WHERE con.conrelid <> 0 AND con.contype IN ('p', 'u', 'f', 'c', 'x')
               AND NOT EXISTS (SELECT 1 FROM pg_constraint parent
                               WHERE parent.oid = con.conparentid
                                 AND parent.conrelid = con.conrelid)",
            attnames("con.conkey", "con.conrelid"),
            attnames("con.confkey", "con.confrelid"),
        );
        for row in self.tx.query(&sql, &[])? {
            let oid: u32 = row.try_get("conrelid")?;
            let kind: String = row.try_get("kind")?;
            let Some(table) = self.table_mut(oid) else {
                continue;
            };
            let name: String = row.try_get("name")?;
            let deferrable = deferrable(&row)?;
            let columns: Vec<String> = row.try_get("columns")?;
            match kind.as_str() {
                "p" => {
                    table.primary_key = Some(PrimaryKey {
                        name,
                        columns,
                        include: row.try_get("include")?,
                        deferrable,
                    });
                }
                "u" => table.uniques.push(UniqueConstraint {
                    name,
                    columns,
                    include: row.try_get("include")?,
                    nulls_not_distinct: row.try_get("nulls_not_distinct")?,
                    deferrable,
                }),
                "f" => table.foreign_keys.push(ForeignKey {
                    name,
                    columns,
                    references: QualifiedName::new(
                        row.try_get::<_, Option<String>>("ref_schema")?
                            .unwrap_or_default(),
                        row.try_get::<_, Option<String>>("ref_table")?
                            .unwrap_or_default(),
                    ),
                    referenced_columns: row.try_get("ref_columns")?,
                    on_delete: fk_action(&row.try_get::<_, String>("on_delete")?),
                    on_delete_columns: on_delete_columns(&row.try_get::<_, String>("def")?),
                    on_update: fk_action(&row.try_get::<_, String>("on_update")?),
                    match_type: match row.try_get::<_, String>("match_type")?.as_str() {
                        "f" => MatchType::Full,
                        "p" => MatchType::Partial,
                        _ => MatchType::Simple,
                    },
                    deferrable,
                    validated: row.try_get("convalidated")?,
                }),
                "c" => {
                    let validated: bool = row.try_get("convalidated")?;
                    let no_inherit: bool = row.try_get("connoinherit")?;
                    let def: String = row.try_get("def")?;
                    table.checks.push(CheckConstraint {
                        name,
                        expression: check_expression(&def, validated, no_inherit),
                        validated,
                        no_inherit,
                    });
                }
                "x" => table.exclusions.push(ExclusionConstraint {
                    name,
                    definition: row.try_get("def")?,
                }),
                _ => {}
            }
        }
        Ok(())
    }
}

/// The column list of `ON DELETE SET NULL (a, b)` / `SET DEFAULT (…)` in a foreign key's
/// `pg_get_constraintdef` text (PostgreSQL 15 prints it there; `confdelsetcols` is new in 15).
fn on_delete_columns(def: &str) -> Vec<String> {
    let rest = ["ON DELETE SET NULL (", "ON DELETE SET DEFAULT ("]
        .iter()
        .find_map(|k| def.find(k).map(|i| &def[i + k.len()..]));
    let Some(rest) = rest else {
        return Vec::new();
    };
    // Identifiers as quote_ident prints them, separated by ", ", up to ")".
    let mut out = Vec::new();
    let mut chars = rest.chars().peekable();
    let mut cur = String::new();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                cur.push('"');
            }
            '"' => quoted = !quoted,
            ',' | ')' if !quoted => {
                out.push(std::mem::take(&mut cur).trim().to_string());
                if c == ')' {
                    break;
                }
            }
            c => cur.push(c),
        }
    }
    out
}

/// `condeferrable` + `condeferred` of a row.
pub(super) fn deferrable(row: &Row) -> Result<Deferrable> {
    let deferrable: bool = row.try_get("condeferrable")?;
    let deferred: bool = row.try_get("condeferred")?;
    Ok(match (deferrable, deferred) {
        (false, _) => Deferrable::NotDeferrable,
        (true, false) => Deferrable::InitiallyImmediate,
        (true, true) => Deferrable::InitiallyDeferred,
    })
}

/// `confdeltype` / `confupdtype` → action (unknown codes read as `NO ACTION`).
fn fk_action(code: &str) -> FkAction {
    match code {
        "r" => FkAction::Restrict,
        "c" => FkAction::Cascade,
        "n" => FkAction::SetNull,
        "d" => FkAction::SetDefault,
        _ => FkAction::NoAction,
    }
}

/// The expression inside `CHECK (…)` of a `pg_get_constraintdef` text
/// (`CHECK (expr)[ NO INHERIT][ NOT VALID]`); the whole text if it has another shape.
pub(super) fn check_expression(def: &str, validated: bool, no_inherit: bool) -> String {
    let mut s = def;
    if !validated {
        s = s.strip_suffix(" NOT VALID").unwrap_or(s);
    }
    if no_inherit {
        s = s.strip_suffix(" NO INHERIT").unwrap_or(s);
    }
    match s.strip_prefix("CHECK (").and_then(|s| s.strip_suffix(')')) {
        Some(inner) => inner.to_string(),
        None => def.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::check_expression;

    #[test]
    fn check_wrapper_is_removed() {
        let cases = [
            ("CHECK ((a > 0))", true, false, "(a > 0)"),
            ("CHECK ((a > 0)) NOT VALID", false, false, "(a > 0)"),
            ("CHECK ((a > 0)) NO INHERIT", true, true, "(a > 0)"),
            (
                "CHECK ((a > 0)) NO INHERIT NOT VALID",
                false,
                true,
                "(a > 0)",
            ),
            ("CHECK (ok)", true, false, "ok"),
            ("weird", true, false, "weird"),
        ];
        for (def, validated, no_inherit, want) in cases {
            assert_eq!(check_expression(def, validated, no_inherit), want, "{def}");
        }
    }
}
