//! Roles (`pg_roles`, `pg_user`, `pg_authid`), `pg_publication`, `pg_description`, and small fixed
//! catalogs (`pg_event_trigger`, `pg_language`, `pg_am`, `pg_database`).

use crate::sql::replay::guard::errors::Res;
use crate::sql::replay::guard::value::{Obj, V};
use crate::sql::replay::guard::vtab::{oid, rel, schemas, t, tables, Keys, Out, VTable};
use crate::sql::replay::guard::Ctx;

use super::{role, PG};

fn role_names() -> impl Iterator<Item = &'static str> {
    std::iter::once("postgres").chain(
        crate::sql::supabase::ROLES
            .iter()
            .copied()
            .filter(|r| *r != "postgres"),
    )
}

pub(super) static PG_ROLES: VTable = VTable {
    schema: PG,
    name: "pg_roles",
    columns: &[
        "rolname",
        "rolsuper",
        "rolinherit",
        "rolcreaterole",
        "rolcreatedb",
        "rolcanlogin",
        "rolreplication",
        "rolconnlimit",
        "rolpassword",
        "rolvaliduntil",
        "rolbypassrls",
        "rolconfig",
        "oid",
    ],
    modelled: &["rolname", "oid"],
    indexed: &["rolname"],
    scan: scan_roles,
};

fn scan_roles<'a>(_: &Ctx<'a>, k: &Keys<'_, '_>, out: &mut Out<'_, 'a>) -> Res<()> {
    for r in role_names() {
        if k.text(0).is_some_and(|n| n != r) {
            continue;
        }
        let mut row = vec![V::Opaque; 13];
        row[0] = t(r);
        row[12] = role(r);
        if !out(&row)? {
            break;
        }
    }
    Ok(())
}

pub(super) static PG_USER: VTable = VTable {
    schema: PG,
    name: "pg_user",
    columns: &[
        "usename",
        "usesysid",
        "usecreatedb",
        "usesuper",
        "userepl",
        "usebypassrls",
        "passwd",
        "valuntil",
        "useconfig",
    ],
    modelled: &["usename", "usesysid"],
    indexed: &["usename"],
    scan: scan_user,
};

fn scan_user<'a>(_: &Ctx<'a>, k: &Keys<'_, '_>, out: &mut Out<'_, 'a>) -> Res<()> {
    for r in role_names() {
        if k.text(0).is_some_and(|n| n != r) {
            continue;
        }
        let mut row = vec![V::Opaque; 9];
        row[0] = t(r);
        row[1] = role(r);
        if !out(&row)? {
            break;
        }
    }
    Ok(())
}

pub(super) static PG_AUTHID: VTable = VTable {
    schema: PG,
    name: "pg_authid",
    columns: &[
        "oid",
        "rolname",
        "rolsuper",
        "rolinherit",
        "rolcreaterole",
        "rolcreatedb",
        "rolcanlogin",
        "rolreplication",
        "rolbypassrls",
        "rolconnlimit",
        "rolpassword",
        "rolvaliduntil",
    ],
    modelled: &["oid", "rolname"],
    indexed: &["rolname"],
    scan: scan_authid,
};

fn scan_authid<'a>(_: &Ctx<'a>, k: &Keys<'_, '_>, out: &mut Out<'_, 'a>) -> Res<()> {
    for r in role_names() {
        if k.text(1).is_some_and(|n| n != r) {
            continue;
        }
        let mut row = vec![V::Opaque; 12];
        row[0] = role(r);
        row[1] = t(r);
        if !out(&row)? {
            break;
        }
    }
    Ok(())
}

pub(super) static PG_PUBLICATION: VTable = VTable {
    schema: PG,
    name: "pg_publication",
    columns: &[
        "oid",
        "pubname",
        "pubowner",
        "puballtables",
        "pubinsert",
        "pubupdate",
        "pubdelete",
        "pubtruncate",
        "pubviaroot",
    ],
    modelled: &["oid", "pubname", "pubowner"],
    indexed: &["pubname"],
    scan: scan_publication,
};

fn scan_publication<'a>(_: &Ctx<'a>, k: &Keys<'_, '_>, out: &mut Out<'_, 'a>) -> Res<()> {
    if k.text(1).is_some_and(|n| n != "supabase_realtime") {
        return Ok(());
    }
    let mut row = vec![V::Opaque; 9];
    row[0] = oid(Obj::Number(1));
    row[1] = t("supabase_realtime");
    row[2] = role("postgres");
    out(&row).map(|_| ())
}

pub(super) static PG_DESCRIPTION: VTable = VTable {
    schema: PG,
    name: "pg_description",
    columns: &["objoid", "classoid", "objsubid", "description"],
    modelled: &["objoid", "objsubid", "description"],
    indexed: &["objoid"],
    scan: scan_description,
};

fn scan_description<'a>(cx: &Ctx<'a>, k: &Keys<'_, '_>, out: &mut Out<'_, 'a>) -> Res<()> {
    let only = k.rel(0);
    for sc in schemas(cx, only.map(|(s, _)| s)) {
        for tb in tables(sc, only.map(|(_, n)| n)) {
            if let Some(c) = &tb.comment {
                if !out(&[oid(rel(&sc.name, &tb.name)), V::Opaque, V::Int(0), t(c)])? {
                    return Ok(());
                }
            }
            for (i, col) in tb.columns.iter().enumerate() {
                if let Some(c) = &col.comment {
                    if !out(&[
                        oid(rel(&sc.name, &tb.name)),
                        V::Opaque,
                        V::Int(i as i64 + 1),
                        t(c),
                    ])? {
                        return Ok(());
                    }
                }
            }
        }
        for v in sc.views.values() {
            if only.is_some_and(|(_, n)| n != v.name) {
                continue;
            }
            if let Some(c) = &v.comment {
                if !out(&[oid(rel(&sc.name, &v.name)), V::Opaque, V::Int(0), t(c)])? {
                    return Ok(());
                }
            }
        }
    }
    Ok(())
}

pub(super) static PG_EVENT_TRIGGER: VTable = VTable {
    schema: PG,
    name: "pg_event_trigger",
    columns: &[
        "oid",
        "evtname",
        "evtevent",
        "evtowner",
        "evtfoid",
        "evtenabled",
        "evttags",
    ],
    modelled: &[],
    indexed: &[],
    scan: |_, _, _| {
        Err(crate::sql::replay::guard::Fail::unknown(
            "event triggers (pg_event_trigger) are not modelled",
        ))
    },
};

pub(super) static PG_LANGUAGE: VTable = VTable {
    schema: PG,
    name: "pg_language",
    columns: &[
        "oid",
        "lanname",
        "lanowner",
        "lanispl",
        "lanpltrusted",
        "lanplcallfoid",
        "laninline",
        "lanvalidator",
        "lanacl",
    ],
    modelled: &["oid", "lanname", "lanispl", "lanpltrusted"],
    indexed: &[],
    scan: scan_language,
};

fn scan_language<'a>(_: &Ctx<'a>, _: &Keys<'_, '_>, out: &mut Out<'_, 'a>) -> Res<()> {
    for (i, (name, pl, trusted)) in [
        ("internal", false, false),
        ("c", false, false),
        ("sql", false, true),
        ("plpgsql", true, true),
    ]
    .into_iter()
    .enumerate()
    {
        let mut row = vec![V::Opaque; 9];
        row[0] = oid(Obj::Number(i as i64 + 12));
        row[1] = t(name);
        row[3] = V::Bool(pl);
        row[4] = V::Bool(trusted);
        if !out(&row)? {
            break;
        }
    }
    Ok(())
}

pub(super) static PG_AM: VTable = VTable {
    schema: PG,
    name: "pg_am",
    columns: &["oid", "amname", "amhandler", "amtype"],
    modelled: &["oid", "amname", "amtype"],
    indexed: &[],
    scan: scan_am,
};

fn scan_am<'a>(_: &Ctx<'a>, _: &Keys<'_, '_>, out: &mut Out<'_, 'a>) -> Res<()> {
    let ams = [
        ("heap", "t"),
        ("btree", "i"),
        ("hash", "i"),
        ("gist", "i"),
        ("gin", "i"),
        ("spgist", "i"),
        ("brin", "i"),
    ];
    for (i, (name, kind)) in ams.into_iter().enumerate() {
        if !out(&[oid(Obj::Number(i as i64 + 2)), t(name), V::Opaque, t(kind)])? {
            break;
        }
    }
    Ok(())
}

pub(super) static PG_DATABASE: VTable = VTable {
    schema: PG,
    name: "pg_database",
    columns: &[
        "oid",
        "datname",
        "datdba",
        "encoding",
        "datlocprovider",
        "datistemplate",
        "datallowconn",
        "datconnlimit",
        "datfrozenxid",
        "datminmxid",
        "dattablespace",
        "datcollate",
        "datctype",
        "daticulocale",
        "datcollversion",
        "datacl",
    ],
    modelled: &["oid", "datname", "datdba"],
    indexed: &[],
    scan: |_, _, out| {
        let mut row = vec![V::Opaque; 16];
        row[0] = oid(Obj::Number(5));
        row[1] = t("postgres");
        row[2] = role("postgres");
        out(&row).map(|_| ())
    },
};
