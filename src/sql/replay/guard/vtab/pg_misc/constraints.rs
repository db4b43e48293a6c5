//! `pg_constraint`: primary keys, uniques, foreign keys, checks, exclusions and not-null
//! constraints.

use std::borrow::Cow;

use crate::catalog::{Deferrable, FkAction};
use crate::sql::replay::guard::errors::Res;
use crate::sql::replay::guard::value::{Obj, V};
use crate::sql::replay::guard::vtab::{
    attnum, ns, oid, rel, schemas, t, tables, Keys, Out, VTable,
};
use crate::sql::replay::guard::Ctx;

use super::PG;

pub(super) static PG_CONSTRAINT: VTable = VTable {
    schema: PG,
    name: "pg_constraint",
    columns: &[
        "oid",
        "conname",
        "connamespace",
        "contype",
        "condeferrable",
        "condeferred",
        "convalidated",
        "conrelid",
        "contypid",
        "conindid",
        "conparentid",
        "confrelid",
        "confupdtype",
        "confdeltype",
        "confmatchtype",
        "conislocal",
        "coninhcount",
        "connoinherit",
        "conkey",
        "confkey",
        "conpfeqop",
        "conppeqop",
        "conffeqop",
        "confdelsetcols",
        "conexclop",
        "conbin",
    ],
    modelled: &[
        "oid",
        "conname",
        "connamespace",
        "contype",
        "condeferrable",
        "condeferred",
        "convalidated",
        "conrelid",
        "contypid",
        "conindid",
        "conparentid",
        "confrelid",
        "confupdtype",
        "confdeltype",
        "confmatchtype",
        "conislocal",
        "coninhcount",
        "connoinherit",
        "conkey",
        "confkey",
        "conbin",
    ],
    indexed: &["oid", "conrelid", "conname", "connamespace"],
    scan: scan_constraint,
};

fn fk_action(a: FkAction) -> &'static str {
    match a {
        FkAction::NoAction => "a",
        FkAction::Restrict => "r",
        FkAction::Cascade => "c",
        FkAction::SetNull => "n",
        FkAction::SetDefault => "d",
    }
}

fn scan_constraint<'a>(cx: &Ctx<'a>, k: &Keys<'_, '_>, out: &mut Out<'_, 'a>) -> Res<()> {
    let c = cx.catalog();
    let (only_schema, only_table, only_name) = match (k.obj(0), k.rel(7)) {
        (Some(Obj::Con(s, tb, n)), _) => (Some(s.as_ref()), Some(tb.as_ref()), Some(n.as_ref())),
        (_, Some((s, n))) => (Some(s), Some(n), k.text(1)),
        _ => (k.ns(2), None, k.text(1)),
    };
    for sc in schemas(cx, only_schema) {
        for tb in tables(sc, only_table) {
            // `conname = '…'` (the usual guard): pass over tables without that constraint
            // before building any row, so a guard per table stays linear in the schema.
            if only_name.is_some_and(|n| !has_constraint(tb, n)) {
                continue;
            }
            for con in table_constraints(tb) {
                if only_name.is_some_and(|n| n != con.name) {
                    continue;
                }
                if !out(&constraint_row(c, sc, tb, con))? {
                    return Ok(());
                }
            }
        }
        if only_table.is_none() && !domain_checks(sc, only_name, out)? {
            return Ok(());
        }
    }
    Ok(())
}

/// One constraint of a table, as `pg_constraint` shows it.
struct Con<'a> {
    name: &'a str,
    kind: &'static str,
    deferrable: Deferrable,
    validated: bool,
    key: V<'a>,
    fk: Option<&'a crate::catalog::ForeignKey>,
    bin: Option<&'a str>,
    index: bool,
    no_inherit: bool,
}

/// The constraints of a table: primary key, uniques, foreign keys, checks, exclusions.
fn table_constraints(tb: &crate::catalog::Table) -> Vec<Con<'_>> {
    let keys = |cols: &[String]| V::Array(cols.iter().map(|x| V::Int(attnum(tb, x))).collect());
    let mut cons = Vec::new();
    if let Some(pk) = &tb.primary_key {
        cons.push(Con {
            name: &pk.name,
            kind: "p",
            deferrable: pk.deferrable,
            validated: true,
            key: keys(&pk.columns),
            fk: None,
            bin: None,
            index: true,
            no_inherit: false,
        });
    }
    for u in &tb.uniques {
        cons.push(Con {
            name: &u.name,
            kind: "u",
            deferrable: u.deferrable,
            validated: true,
            key: keys(&u.columns),
            fk: None,
            bin: None,
            index: true,
            no_inherit: false,
        });
    }
    for f in &tb.foreign_keys {
        cons.push(Con {
            name: &f.name,
            kind: "f",
            deferrable: f.deferrable,
            validated: f.validated,
            key: keys(&f.columns),
            fk: Some(f),
            bin: None,
            index: false,
            no_inherit: false,
        });
    }
    for ck in &tb.checks {
        cons.push(Con {
            name: &ck.name,
            kind: "c",
            deferrable: Deferrable::NotDeferrable,
            validated: ck.validated,
            key: V::Opaque,
            fk: None,
            bin: Some(&ck.expression),
            index: false,
            no_inherit: ck.no_inherit,
        });
    }
    for x in &tb.exclusions {
        cons.push(Con {
            name: &x.name,
            kind: "x",
            deferrable: Deferrable::NotDeferrable,
            validated: true,
            key: V::Opaque,
            fk: None,
            bin: None,
            index: true,
            no_inherit: false,
        });
    }
    cons
}

/// The `pg_constraint` row of a table's constraint.
fn constraint_row<'a>(
    c: &'a crate::catalog::Catalog,
    sc: &'a crate::catalog::Schema,
    tb: &'a crate::catalog::Table,
    con: Con<'a>,
) -> [V<'a>; 26] {
    let (frel, fkey, upd, del, mt) = match con.fk {
        Some(f) => {
            let target = c.table(&f.references.schema, &f.references.name);
            let fkey = match target {
                Some(rt) => V::Array(
                    f.referenced_columns
                        .iter()
                        .map(|x| V::Int(attnum(rt, x)))
                        .collect(),
                ),
                None => V::Opaque,
            };
            (
                oid(rel(&f.references.schema, &f.references.name)),
                fkey,
                t(fk_action(f.on_update)),
                t(fk_action(f.on_delete)),
                t(match f.match_type {
                    crate::catalog::MatchType::Simple => "s",
                    crate::catalog::MatchType::Full => "f",
                    crate::catalog::MatchType::Partial => "p",
                }),
            )
        }
        None => (oid(Obj::Number(0)), V::Null, t(" "), t(" "), t(" ")),
    };
    let (name, d) = (con.name, con.deferrable);
    [
        oid(Obj::Con(
            Cow::Borrowed(&sc.name),
            Cow::Borrowed(&tb.name),
            Cow::Borrowed(name),
        )),
        t(name),
        oid(ns(&sc.name)),
        t(con.kind),
        V::Bool(d != Deferrable::NotDeferrable),
        V::Bool(d == Deferrable::InitiallyDeferred),
        V::Bool(con.validated),
        oid(rel(&sc.name, &tb.name)),
        oid(Obj::Number(0)),
        oid(if con.index {
            rel(&sc.name, name)
        } else {
            Obj::Number(0)
        }),
        oid(Obj::Number(0)),
        frel,
        upd,
        del,
        mt,
        V::Bool(true),
        V::Int(0),
        V::Bool(con.no_inherit),
        con.key,
        fkey,
        V::Opaque,
        V::Opaque,
        V::Opaque,
        V::Opaque,
        V::Opaque,
        con.bin.map_or(V::Null, t),
    ]
}

/// The rows of a schema's domain checks; `false` when the consumer wants no more.
fn domain_checks<'a>(
    sc: &'a crate::catalog::Schema,
    only_name: Option<&str>,
    out: &mut Out<'_, 'a>,
) -> Res<bool> {
    for d in sc.domains.values() {
        for ck in &d.checks {
            if only_name.is_some_and(|n| n != ck.name) {
                continue;
            }
            let mut row = vec![V::Opaque; 26];
            row[0] = oid(Obj::Con(
                Cow::Borrowed(&sc.name),
                Cow::Borrowed(&d.name),
                Cow::Borrowed(&ck.name),
            ));
            row[1] = t(&ck.name);
            row[2] = oid(ns(&sc.name));
            row[3] = t("c");
            row[6] = V::Bool(ck.validated);
            row[7] = oid(Obj::Number(0));
            row[8] = oid(Obj::Type(Cow::Borrowed(&sc.name), Cow::Borrowed(&d.name)));
            row[11] = oid(Obj::Number(0));
            row[25] = t(&ck.expression);
            if !out(&row)? {
                return Ok(false);
            }
        }
    }
    Ok(true)
}

/// Whether a table has a constraint called `name` (the kinds [`scan_constraint`] emits).
fn has_constraint(tb: &crate::catalog::Table, name: &str) -> bool {
    tb.primary_key.as_ref().is_some_and(|pk| pk.name == name)
        || tb.uniques.iter().any(|u| u.name == name)
        || tb.foreign_keys.iter().any(|f| f.name == name)
        || tb.checks.iter().any(|c| c.name == name)
        || tb.exclusions.iter().any(|x| x.name == name)
}
