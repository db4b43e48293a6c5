//! `information_schema` constraint views: `table_constraints`, `key_column_usage`,
//! `constraint_column_usage`, `constraint_table_usage`, `referential_constraints`,
//! `check_constraints`.

use crate::catalog::Table;
use crate::sql::replay::guard::errors::Res;
use crate::sql::replay::guard::value::V;
use crate::sql::replay::guard::vtab::{schemas, t, tables, yes_no, Keys, Out, VTable};
use crate::sql::replay::guard::Ctx;

use super::IS;

/// Constraints of a table as `information_schema` lists them: (name, type, own columns,
/// referenced (schema, table, columns) for foreign keys, deferrable, deferred).
type Con<'a> = (
    String,
    &'static str,
    Vec<&'a str>,
    Option<(&'a str, &'a str, Vec<&'a str>)>,
    bool,
    bool,
);

fn constraints<'a>(sc_name: &str, tb: &'a Table) -> Vec<Con<'a>> {
    use crate::catalog::Deferrable;
    let d = |x: Deferrable| {
        (
            x != Deferrable::NotDeferrable,
            x == Deferrable::InitiallyDeferred,
        )
    };
    let cols = |c: &'a [String]| c.iter().map(String::as_str).collect::<Vec<_>>();
    let mut out: Vec<Con<'a>> = Vec::new();
    if let Some(pk) = &tb.primary_key {
        let (a, b) = d(pk.deferrable);
        out.push((
            pk.name.clone(),
            "PRIMARY KEY",
            cols(&pk.columns),
            None,
            a,
            b,
        ));
    }
    for u in &tb.uniques {
        let (a, b) = d(u.deferrable);
        out.push((u.name.clone(), "UNIQUE", cols(&u.columns), None, a, b));
    }
    for f in &tb.foreign_keys {
        let (a, b) = d(f.deferrable);
        out.push((
            f.name.clone(),
            "FOREIGN KEY",
            cols(&f.columns),
            Some((
                f.references.schema.as_str(),
                f.references.name.as_str(),
                cols(&f.referenced_columns),
            )),
            a,
            b,
        ));
    }
    for ck in &tb.checks {
        out.push((ck.name.clone(), "CHECK", Vec::new(), None, false, false));
    }
    // NOT NULL columns appear as CHECK constraints with generated names.
    let ns_oid = crate::sql::replay::guard::value::Obj::Namespace(sc_name.into()).number();
    let rel_oid = crate::sql::replay::guard::vtab::rel(sc_name, &tb.name).number();
    for (i, c) in tb.columns.iter().enumerate() {
        if c.not_null {
            out.push((
                format!("{ns_oid}_{rel_oid}_{}_not_null", i + 1),
                "CHECK",
                Vec::new(),
                None,
                false,
                false,
            ));
        }
    }
    out
}

const CON_COLS: &[&str] = &[
    "constraint_catalog",
    "constraint_schema",
    "constraint_name",
    "table_catalog",
    "table_schema",
    "table_name",
    "constraint_type",
    "is_deferrable",
    "initially_deferred",
    "enforced",
    "nulls_distinct",
];

pub(super) static TABLE_CONSTRAINTS: VTable = VTable {
    schema: IS,
    name: "table_constraints",
    columns: CON_COLS,
    modelled: &[
        "constraint_catalog",
        "constraint_schema",
        "constraint_name",
        "table_catalog",
        "table_schema",
        "table_name",
        "constraint_type",
        "is_deferrable",
        "initially_deferred",
        "enforced",
    ],
    indexed: &["table_schema", "table_name", "constraint_schema"],
    scan: scan_table_constraints,
};

fn scan_table_constraints<'a>(cx: &Ctx<'a>, k: &Keys<'_, '_>, out: &mut Out<'_, 'a>) -> Res<()> {
    let schema = k.text(4).or(k.text(1));
    for sc in schemas(cx, schema) {
        for tb in tables(sc, k.text(5)) {
            for (name, kind, _, _, deferrable, deferred) in constraints(&sc.name, tb) {
                if k.text(2).is_some_and(|n| n != name) {
                    continue;
                }
                let row = [
                    t("postgres"),
                    t(&sc.name),
                    V::text(name),
                    t("postgres"),
                    t(&sc.name),
                    t(&tb.name),
                    t(kind),
                    yes_no(deferrable),
                    yes_no(deferred),
                    t("YES"),
                    V::Opaque,
                ];
                if !out(&row)? {
                    return Ok(());
                }
            }
        }
    }
    Ok(())
}

pub(super) static KEY_COLUMN_USAGE: VTable = VTable {
    schema: IS,
    name: "key_column_usage",
    columns: &[
        "constraint_catalog",
        "constraint_schema",
        "constraint_name",
        "table_catalog",
        "table_schema",
        "table_name",
        "column_name",
        "ordinal_position",
        "position_in_unique_constraint",
    ],
    modelled: &[
        "constraint_catalog",
        "constraint_schema",
        "constraint_name",
        "table_catalog",
        "table_schema",
        "table_name",
        "column_name",
        "ordinal_position",
        "position_in_unique_constraint",
    ],
    indexed: &["table_schema", "table_name", "constraint_schema"],
    scan: scan_key_column_usage,
};

fn scan_key_column_usage<'a>(cx: &Ctx<'a>, k: &Keys<'_, '_>, out: &mut Out<'_, 'a>) -> Res<()> {
    let schema = k.text(4).or(k.text(1));
    for sc in schemas(cx, schema) {
        for tb in tables(sc, k.text(5)) {
            for (name, kind, cols, target, _, _) in constraints(&sc.name, tb) {
                if kind == "CHECK" || k.text(2).is_some_and(|n| n != name) {
                    continue;
                }
                for (i, col) in cols.iter().enumerate() {
                    let pos_in_unique = match &target {
                        Some(_) => V::Int(i as i64 + 1),
                        None => V::Null,
                    };
                    let row = [
                        t("postgres"),
                        t(&sc.name),
                        V::text(name.clone()),
                        t("postgres"),
                        t(&sc.name),
                        t(&tb.name),
                        t(col),
                        V::Int(i as i64 + 1),
                        pos_in_unique,
                    ];
                    if !out(&row)? {
                        return Ok(());
                    }
                }
            }
        }
    }
    Ok(())
}

pub(super) static CONSTRAINT_COLUMN_USAGE: VTable = VTable {
    schema: IS,
    name: "constraint_column_usage",
    columns: &[
        "table_catalog",
        "table_schema",
        "table_name",
        "column_name",
        "constraint_catalog",
        "constraint_schema",
        "constraint_name",
    ],
    modelled: &[
        "table_catalog",
        "table_schema",
        "table_name",
        "column_name",
        "constraint_catalog",
        "constraint_schema",
        "constraint_name",
    ],
    indexed: &[],
    scan: scan_constraint_column_usage,
};

fn scan_constraint_column_usage<'a>(
    cx: &Ctx<'a>,
    k: &Keys<'_, '_>,
    out: &mut Out<'_, 'a>,
) -> Res<()> {
    for sc in schemas(cx, k.text(5)) {
        for tb in sc.tables.values() {
            for (name, kind, cols, target, _, _) in constraints(&sc.name, tb) {
                if k.text(6).is_some_and(|n| n != name) {
                    continue;
                }
                if kind == "CHECK" && !tb.checks.iter().any(|c| c.name == name) {
                    continue;
                }
                let (ts, tn, used) = match &target {
                    Some((s, n, c)) => (*s, *n, c.clone()),
                    None if kind == "CHECK" => (
                        sc.name.as_str(),
                        tb.name.as_str(),
                        check_columns(cx, &sc.name, tb, &name)?,
                    ),
                    None => (sc.name.as_str(), tb.name.as_str(), cols.clone()),
                };
                for col in used {
                    let row = [
                        t("postgres"),
                        t(ts),
                        t(tn),
                        t(col),
                        t("postgres"),
                        t(&sc.name),
                        V::text(name.clone()),
                    ];
                    if !out(&row)? {
                        return Ok(());
                    }
                }
            }
        }
    }
    Ok(())
}

/// The columns of `tb` that its CHECK constraint `name` reads (PostgreSQL lists those it
/// records in `pg_depend`), in column order.
fn check_columns<'a>(cx: &Ctx<'_>, schema: &str, tb: &'a Table, name: &str) -> Res<Vec<&'a str>> {
    let not_modelled = || {
        crate::sql::replay::guard::Fail::unknown(format!(
            "the columns CHECK constraint {name} uses (information_schema.constraint_column_usage) are not known"
        ))
    };
    let Some(check) = tb.checks.iter().find(|c| c.name == name) else {
        return Ok(Vec::new());
    };
    let dialect = sqlparser::dialect::PostgreSqlDialect {};
    let expr = sqlparser::parser::Parser::new(&dialect)
        .try_with_sql(&check.expression)
        .and_then(|mut p| p.parse_expr())
        .map_err(|_| not_modelled())?;
    let ctx = cx.r.expr_ctx(&tb.columns);
    let (_, analysed) = crate::pg::deparse::analyse_bool(&expr, &ctx);
    let analysed = analysed.ok_or_else(not_modelled)?;
    let own = (schema, tb.name.as_str());
    Ok(tb
        .columns
        .iter()
        .filter(|c| analysed.reads_column(schema, &tb.name, &c.name, own))
        .map(|c| c.name.as_str())
        .collect())
}

pub(super) static CONSTRAINT_TABLE_USAGE: VTable = VTable {
    schema: IS,
    name: "constraint_table_usage",
    columns: &[
        "table_catalog",
        "table_schema",
        "table_name",
        "constraint_catalog",
        "constraint_schema",
        "constraint_name",
    ],
    modelled: &[
        "table_catalog",
        "table_schema",
        "table_name",
        "constraint_catalog",
        "constraint_schema",
        "constraint_name",
    ],
    indexed: &[],
    scan: scan_constraint_table_usage,
};

fn scan_constraint_table_usage<'a>(
    cx: &Ctx<'a>,
    k: &Keys<'_, '_>,
    out: &mut Out<'_, 'a>,
) -> Res<()> {
    for sc in schemas(cx, k.text(4)) {
        for tb in sc.tables.values() {
            for (name, kind, _, target, _, _) in constraints(&sc.name, tb) {
                if name.ends_with("_not_null")
                    && kind == "CHECK"
                    && !tb.checks.iter().any(|c| c.name == name)
                {
                    continue;
                }
                if k.text(5).is_some_and(|n| n != name) {
                    continue;
                }
                let (ts, tn) = match &target {
                    Some((s, n, _)) => (*s, *n),
                    None => (sc.name.as_str(), tb.name.as_str()),
                };
                let row = [
                    t("postgres"),
                    t(ts),
                    t(tn),
                    t("postgres"),
                    t(&sc.name),
                    V::text(name),
                ];
                if !out(&row)? {
                    return Ok(());
                }
            }
        }
    }
    Ok(())
}

pub(super) static REFERENTIAL_CONSTRAINTS: VTable = VTable {
    schema: IS,
    name: "referential_constraints",
    columns: &[
        "constraint_catalog",
        "constraint_schema",
        "constraint_name",
        "unique_constraint_catalog",
        "unique_constraint_schema",
        "unique_constraint_name",
        "match_option",
        "update_rule",
        "delete_rule",
    ],
    modelled: &[
        "constraint_catalog",
        "constraint_schema",
        "constraint_name",
        "unique_constraint_catalog",
        "unique_constraint_schema",
        "unique_constraint_name",
        "match_option",
        "update_rule",
        "delete_rule",
    ],
    indexed: &["constraint_schema"],
    scan: scan_referential,
};

fn scan_referential<'a>(cx: &Ctx<'a>, k: &Keys<'_, '_>, out: &mut Out<'_, 'a>) -> Res<()> {
    let c = cx.catalog();
    for sc in schemas(cx, k.text(1)) {
        for tb in sc.tables.values() {
            for f in &tb.foreign_keys {
                if k.text(2).is_some_and(|n| n != f.name) {
                    continue;
                }
                // The referenced table's key with exactly these columns.
                let target = c.table(&f.references.schema, &f.references.name);
                let key = target.and_then(|rt| {
                    rt.primary_key
                        .iter()
                        .map(|p| (&p.name, &p.columns))
                        .chain(rt.uniques.iter().map(|u| (&u.name, &u.columns)))
                        .find(|(_, cols)| *cols == &f.referenced_columns)
                        .map(|(n, _)| n.as_str())
                });
                let row = [
                    t("postgres"),
                    t(&sc.name),
                    t(&f.name),
                    t("postgres"),
                    t(&f.references.schema),
                    key.map_or(V::Null, t),
                    t(match f.match_type {
                        crate::catalog::MatchType::Simple => "NONE",
                        crate::catalog::MatchType::Full => "FULL",
                        crate::catalog::MatchType::Partial => "PARTIAL",
                    }),
                    t(f.on_update.sql()),
                    t(f.on_delete.sql()),
                ];
                if !out(&row)? {
                    return Ok(());
                }
            }
        }
    }
    Ok(())
}

pub(super) static CHECK_CONSTRAINTS: VTable = VTable {
    schema: IS,
    name: "check_constraints",
    columns: &[
        "constraint_catalog",
        "constraint_schema",
        "constraint_name",
        "check_clause",
    ],
    modelled: &[
        "constraint_catalog",
        "constraint_schema",
        "constraint_name",
        "check_clause",
    ],
    indexed: &["constraint_schema"],
    scan: scan_check_constraints,
};

fn scan_check_constraints<'a>(cx: &Ctx<'a>, k: &Keys<'_, '_>, out: &mut Out<'_, 'a>) -> Res<()> {
    for sc in schemas(cx, k.text(1)) {
        for tb in sc.tables.values() {
            for ck in &tb.checks {
                if k.text(2).is_some_and(|n| n != ck.name) {
                    continue;
                }
                let row = [t("postgres"), t(&sc.name), t(&ck.name), t(&ck.expression)];
                if !out(&row)? {
                    return Ok(());
                }
            }
            for (name, _, _, _, _, _) in constraints(&sc.name, tb) {
                let Some(rest) = name.strip_suffix("_not_null") else {
                    continue;
                };
                if tb.checks.iter().any(|c| c.name == name) {
                    continue;
                }
                let num: usize = rest
                    .rsplit('_')
                    .next()
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(0);
                let Some(col) = num.checked_sub(1).and_then(|i| tb.columns.get(i)) else {
                    continue;
                };
                if k.text(2).is_some_and(|n| n != name) {
                    continue;
                }
                let clause = format!("{} IS NOT NULL", crate::sql::quote_ident(&col.name));
                let row = [t("postgres"), t(&sc.name), V::text(name), V::text(clause)];
                if !out(&row)? {
                    return Ok(());
                }
            }
        }
    }
    Ok(())
}
