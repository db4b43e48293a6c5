//! Differential test of the expression deparser against a real PostgreSQL 15.
//!
//! Every case (a column default, a CHECK, a partial-index predicate, an index expression, a
//! policy expression, a generated column) is created in a real database, Postgres's own text is
//! read back (`pg_get_expr`, `pg_get_constraintdef`, `pg_get_indexdef(…, k, true)`), and
//! compared with what `schemagen::pg::deparse` prints for the sqlparser-parsed expression, with
//! a catalog read from the same database.
//!
//! Cases come from two fixture files:
//! - `tests/fixtures/deparse/hand_cases.txt`: focused edge cases over the tables of
//!   `hand_setup.sql` (one case a line: `kind | table-or-type | [type-or-method |] expr`);
//! - `tests/fixtures/deparse/corpus_cases.jsonl`: every distinct expression of those kinds in
//!   the corpus migrations and the Supabase prelude, each checked in a database where its
//!   migration set was applied
//!   (kept in sync by the `harvest` test; `EXPECTORATE=overwrite cargo test --test deparse_vs_postgres harvest` rewrites it).
//!
//! In each corpus database, every expression Postgres already holds (defaults, generated
//! columns, CHECKs, index predicates and expressions, policies, including the prelude's `auth`
//! and `storage` objects and whatever DO blocks and functions created) is also re-parsed from
//! Postgres's own text and must deparse to that same text (`fix:` categories).
//!
//! The tests fail when a category's match rate drops below the thresholds below, and print
//! every mismatch with the figures.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use common::apply::{available_extensions, comment_out_missing_extensions};
use common::pg::{shared_dir, Db, PgCluster};
use common::shared::{self, CORPUS, PRELUDE};
use schemagen::catalog::{
    Catalog, Column, CompositeType, Domain, EnumType, Extension, Schema, Sequence, SqlType, Table,
    View,
};
use schemagen::pg::deparse::{
    deparse_bool, deparse_generated, deparse_index_key, stored_default, ExprContext, FunctionSig,
};
use serde::{Deserialize, Serialize};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

/// One case.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
struct Case {
    /// Migration set (corpus folder name) or `hand`.
    set: String,
    /// `default`, `check`, `predicate`, `index`, `policy`, `generated`.
    kind: String,
    /// `schema.table` the expression belongs to (empty for a default: a scratch table).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    table: String,
    /// Column type (default, generated) or access method (index).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    extra: String,
    /// The expression as SQL text.
    expr: String,
}

/// Loads the prelude; serialised, since its role creation is cluster-wide and races.
fn load_prelude(db: &Db) {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    db.load_prelude();
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/deparse")
}

fn parse_hand_cases(text: &str) -> Vec<Case> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (kind, rest) = line.split_once('|').expect("kind |");
        let kind = kind.trim().to_string();
        let n = if matches!(kind.as_str(), "generated" | "index") {
            3
        } else {
            2
        };
        let parts: Vec<&str> = rest.splitn(n, '|').map(str::trim).collect();
        let (table, extra, expr) = match (kind.as_str(), parts.as_slice()) {
            ("default", [ty, e]) => (String::new(), ty.to_string(), e.to_string()),
            (_, [t, e]) => (t.to_string(), String::new(), e.to_string()),
            (_, [t, x, e]) => (t.to_string(), x.to_string(), e.to_string()),
            _ => panic!("bad case line: {line}"),
        };
        let table = if table.is_empty() || table.contains('.') {
            table
        } else {
            format!("public.{table}")
        };
        out.push(Case {
            set: "hand".into(),
            kind,
            table,
            extra,
            expr,
        });
    }
    out
}

// ---------------------------------------------------------------------------------------------
// A catalog read from the live database (just what the deparser needs).

fn modifiers(typname: &str, typmod: i32) -> Vec<i64> {
    if typmod < 0 {
        return Vec::new();
    }
    let t = i64::from(typmod);
    match typname {
        "varchar" | "bpchar" => vec![t - 4],
        "numeric" => vec![((t - 4) >> 16) & 0xffff, (t - 4) & 0xffff],
        "interval" => {
            let p = t & 0xffff;
            if p == 0xffff {
                Vec::new()
            } else {
                vec![p]
            }
        }
        _ => vec![t],
    }
}

fn read_catalog(db: &Db) -> (Catalog, Vec<FunctionSig>) {
    let mut c = db.client();
    let mut cat = Catalog::default();
    let user_schema = "n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast') and n.nspname not like 'pg_temp%' and n.nspname not like 'pg_toast%'";
    for r in c
        .query(
            &format!("select n.nspname from pg_namespace n where {user_schema}"),
            &[],
        )
        .unwrap()
    {
        let name: String = r.get(0);
        cat.schemas.insert(name.clone(), Schema::new(name));
    }
    for r in c
        .query(
            "select e.extname, n.nspname from pg_extension e join pg_namespace n on n.oid = e.extnamespace",
            &[],
        )
        .unwrap()
    {
        let (name, schema): (String, String) = (r.get(0), r.get(1));
        cat.extensions.insert(name.clone(), Extension { name, schema });
    }
    // Column and argument types.
    let type_sql = "(case when e.typarray = t.oid then e.typname else t.typname end)::text,
        (case when e.typarray = t.oid then en.nspname else tn.nspname end)::text,
        coalesce(e.typarray = t.oid, false)";
    let mk = |name: String, schema: String, is_array: bool, typmod: i32| SqlType {
        modifiers: modifiers(&name, typmod),
        schema,
        name,
        array_dims: u32::from(is_array),
    };
    let rows = c
        .query(
            &format!(
                "select n.nspname::text, cl.relname::text, cl.relkind::text, a.attname::text, {type_sql}, a.atttypmod
                 from pg_class cl join pg_namespace n on n.oid = cl.relnamespace
                 left join pg_attribute a on a.attrelid = cl.oid and a.attnum > 0 and not a.attisdropped
                 left join pg_type t on t.oid = a.atttypid left join pg_namespace tn on tn.oid = t.typnamespace
                 left join pg_type e on e.oid = t.typelem left join pg_namespace en on en.oid = e.typnamespace
                 where {user_schema} and cl.relkind in ('r', 'p', 'v', 'm', 'S', 'c', 'f')
                 order by 1, 2, a.attnum"
            ),
            &[],
        )
        .unwrap();
    for r in rows {
        let (schema, rel, kind): (String, String, String) = (r.get(0), r.get(1), r.get(2));
        let s = cat
            .schemas
            .entry(schema.clone())
            .or_insert_with(|| Schema::new(&schema));
        let col: Option<String> = r.get(3);
        let column = col.map(|name| Column {
            name,
            ty: mk(r.get(4), r.get(5), r.get(6), r.get(7)),
            ..Default::default()
        });
        match kind.as_str() {
            "r" | "p" | "f" => {
                let t = s
                    .tables
                    .entry(rel.clone())
                    .or_insert_with(|| Table::new(&rel));
                t.columns.extend(column);
            }
            "v" | "m" => {
                let v = s.views.entry(rel.clone()).or_insert_with(|| View {
                    name: rel.clone(),
                    ..Default::default()
                });
                v.columns.extend(column);
            }
            "S" => {
                s.sequences.insert(
                    rel.clone(),
                    Sequence {
                        name: rel,
                        data_type: "bigint".into(),
                        ..Default::default()
                    },
                );
            }
            _ => {
                let t = s
                    .composites
                    .entry(rel.clone())
                    .or_insert_with(|| CompositeType {
                        name: rel.clone(),
                        attributes: Vec::new(),
                    });
                if let Some(col) = column {
                    t.attributes.push((col.name, col.ty));
                }
            }
        }
    }
    for r in c
        .query(
            &format!(
                "select n.nspname::text, t.typname::text, e.enumlabel::text from pg_enum e join pg_type t on t.oid = e.enumtypid
                 join pg_namespace n on n.oid = t.typnamespace where {user_schema} order by 1, 2, e.enumsortorder"
            ),
            &[],
        )
        .unwrap()
    {
        let (schema, name, label): (String, String, String) = (r.get(0), r.get(1), r.get(2));
        if let Some(s) = cat.schemas.get_mut(&schema) {
            s.enums
                .entry(name.clone())
                .or_insert_with(|| EnumType {
                    name,
                    values: Vec::new(),
                    comment: None,
                })
                .values
                .push(label);
        }
    }
    for r in c
        .query(
            &format!(
                "select n.nspname::text, d.typname::text, {type_sql}, d.typtypmod
                 from pg_type d join pg_namespace n on n.oid = d.typnamespace
                 join pg_type t on t.oid = d.typbasetype join pg_namespace tn on tn.oid = t.typnamespace
                 left join pg_type e on e.oid = t.typelem left join pg_namespace en on en.oid = e.typnamespace
                 where d.typtype = 'd' and {user_schema}"
            ),
            &[],
        )
        .unwrap()
    {
        let (schema, name): (String, String) = (r.get(0), r.get(1));
        if let Some(s) = cat.schemas.get_mut(&schema) {
            s.domains.insert(
                name.clone(),
                Domain {
                    name,
                    base: mk(r.get(2), r.get(3), r.get(4), r.get(5)),
                    not_null: false,
                    default: None,
                    checks: Vec::new(),
                },
            );
        }
    }
    // User functions (not members of an extension), with their signatures.
    let mut funcs = Vec::new();
    let rows = c
        .query(
            &format!(
                "select n.nspname::text, p.proname::text, p.oid::int8, p.provariadic <> 0, p.pronargdefaults::int4
                 from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                 where {user_schema} and not exists (select 1 from pg_depend d where d.classid = 'pg_proc'::regclass
                   and d.objid = p.oid and d.deptype = 'e')"
            ),
            &[],
        )
        .unwrap();
    for r in rows {
        let (schema, name, oid): (String, String, i64) = (r.get(0), r.get(1), r.get(2));
        if let Some(s) = cat.schemas.get_mut(&schema) {
            s.functions.insert(name.clone());
        }
        let ty_of = |c: &mut postgres::Client, expr: &str| -> Vec<SqlType> {
            c.query(
                &format!(
                    "select {type_sql} from (select a.t, a.n from pg_proc p, unnest({expr}) with ordinality a(t, n) where p.oid = $1::int8::oid) x
                     join pg_type t on t.oid = x.t join pg_namespace tn on tn.oid = t.typnamespace
                     left join pg_type e on e.oid = t.typelem left join pg_namespace en on en.oid = e.typnamespace order by x.n"
                ),
                &[&oid],
            )
            .unwrap()
            .into_iter()
            .map(|r| mk(r.get(0), r.get(1), r.get(2), -1))
            .collect()
        };
        let args = ty_of(&mut c, "p.proargtypes::oid[]");
        let ret = ty_of(&mut c, "array[p.prorettype]");
        funcs.push(FunctionSig {
            schema,
            name,
            args,
            ret: ret.into_iter().next().unwrap_or_default(),
            variadic: r.get(3),
            defaults: r.get::<_, i32>(4) as usize,
            out_columns: Vec::new(),
        });
    }
    (cat, funcs)
}

// ---------------------------------------------------------------------------------------------
// Postgres's text for a case.

/// `Ok(None)`: Postgres stored nothing (a NULL default). `Err`: Postgres rejected the case.
fn expected(db: &Db, case: &Case) -> Result<Option<String>, String> {
    let mut c = db.client();
    let mut tx = c.transaction().map_err(|e| e.to_string())?;
    let run = |tx: &mut postgres::Transaction<'_>, sql: &str| {
        tx.batch_execute(sql).map_err(|e| {
            e.as_db_error()
                .map(|d| d.message().to_string())
                .unwrap_or_else(|| e.to_string())
        })
    };
    let one = |tx: &mut postgres::Transaction<'_>, sql: &str| -> Result<Option<String>, String> {
        let rows = tx.query(sql, &[]).map_err(|e| e.to_string())?;
        Ok(rows.first().and_then(|r| r.get::<_, Option<String>>(0)))
    };
    let t = &case.table;
    let e = &case.expr;
    let out = match case.kind.as_str() {
        "default" => {
            run(&mut tx, "create schema zz_deparse")?;
            run(
                &mut tx,
                &format!("create table zz_deparse.d (c {} default {e})", case.extra),
            )?;
            one(
                &mut tx,
                "select pg_get_expr(adbin, adrelid) from pg_attrdef where adrelid = 'zz_deparse.d'::regclass",
            )?
        }
        "generated" => {
            run(
                &mut tx,
                &format!(
                    "alter table {t} add column zz_gen {} generated always as ({e}) stored",
                    case.extra
                ),
            )?;
            one(
                &mut tx,
                &format!("select pg_get_expr(adbin, adrelid) from pg_attrdef d join pg_attribute a on a.attrelid = d.adrelid and a.attnum = d.adnum where d.adrelid = '{t}'::regclass and a.attname = 'zz_gen'"),
            )?
        }
        "check" => {
            run(
                &mut tx,
                &format!("alter table {t} add constraint zz_chk check ({e}) not valid"),
            )?;
            one(
                &mut tx,
                &format!("select pg_get_constraintdef(oid) from pg_constraint where conname = 'zz_chk' and conrelid = '{t}'::regclass"),
            )?
            .map(|d| {
                d.strip_prefix("CHECK (")
                    .and_then(|x| x.strip_suffix(") NOT VALID"))
                    .unwrap_or(&d)
                    .to_string()
            })
        }
        "predicate" => {
            run(
                &mut tx,
                &format!("create index zz_idx on {t} ((1)) where {e}"),
            )?;
            one(
                &mut tx,
                "select pg_get_expr(indpred, indrelid) from pg_index i join pg_class c on c.oid = i.indexrelid where c.relname = 'zz_idx'",
            )?
        }
        "index" => {
            let (method, opclass) = case.extra.split_once(' ').unwrap_or((&case.extra, ""));
            run(
                &mut tx,
                &format!("create index zz_idx on {t} using {method} (({e}) {opclass})"),
            )?;
            one(
                &mut tx,
                "select pg_get_indexdef(oid, 1, true) from pg_class where relname = 'zz_idx'",
            )?
        }
        "policy" | "policy_check" => {
            let clause = if case.kind == "policy" {
                "using"
            } else {
                "with check"
            };
            run(
                &mut tx,
                &format!("create policy zz_pol on {t} {clause} ({e})"),
            )?;
            let col = if case.kind == "policy" {
                "polqual"
            } else {
                "polwithcheck"
            };
            one(
                &mut tx,
                &format!("select pg_get_expr({col}, polrelid) from pg_policy where polname = 'zz_pol' and polrelid = '{t}'::regclass"),
            )?
        }
        other => return Err(format!("unknown kind {other}")),
    };
    drop(tx);
    Ok(out)
}

/// `schema.table` (either part possibly quoted) → the two names.
fn split_table(s: &str) -> (String, String) {
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                cur.push('"');
            }
            '"' => quoted = !quoted,
            '.' if !quoted => parts.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    parts.push(cur);
    match parts.as_slice() {
        [schema, table] => (schema.clone(), table.clone()),
        _ => (String::new(), String::new()),
    }
}

/// What schemagen prints for a case.
fn ours(case: &Case, cat: &Catalog, funcs: &[FunctionSig]) -> Result<Option<String>, String> {
    let dialect = PostgreSqlDialect {};
    let expr = Parser::new(&dialect)
        .try_with_sql(&case.expr)
        .and_then(|mut p| p.parse_expr())
        .map_err(|e| format!("sqlparser: {e}"))?;
    let path: Vec<String> = vec!["$user".into(), "public".into(), "extensions".into()];
    let (schema, table) = split_table(&case.table);
    let (schema, table) = (schema.as_str(), table.as_str());
    let empty = Vec::new();
    let columns = cat
        .table(schema, table)
        .map(|t| &t.columns)
        .unwrap_or(&empty);
    let mut ctx = ExprContext::new(cat, &path, columns).with_functions(funcs);
    if !table.is_empty() {
        ctx = ctx.with_table(schema, table);
    }
    let parse_type = |s: &str| {
        Parser::new(&dialect)
            .try_with_sql(s)
            .and_then(|mut p| p.parse_data_type())
            .map_err(|e| format!("sqlparser type: {e}"))
            .and_then(|dt| {
                schemagen::pg::types::resolve_type(&dt, cat, &path).map_err(String::from)
            })
    };
    Ok(match case.kind.as_str() {
        "default" => stored_default(&expr, &parse_type(&case.extra)?, &ctx),
        "generated" => Some(deparse_generated(&expr, &parse_type(&case.extra)?, &ctx)),
        "index" => Some(deparse_index_key(&expr, &ctx)),
        _ => Some(deparse_bool(&expr, &ctx)),
    })
}

// ---------------------------------------------------------------------------------------------
// Running and reporting.

#[derive(Default)]
struct Tally {
    matched: usize,
    total: usize,
    pg_rejected: usize,
    mismatches: Vec<String>,
}

fn run_cases(db: &Db, cases: &[Case], tallies: &mut BTreeMap<String, Tally>) {
    let (cat, funcs) = read_catalog(db);
    for case in cases {
        let kind = if case.kind == "policy_check" {
            "policy".to_string()
        } else {
            case.kind.clone()
        };
        let t = tallies.entry(kind).or_default();
        let want = match expected(db, case) {
            Ok(w) => w,
            Err(e) => {
                t.pg_rejected += 1;
                if std::env::var_os("DEPARSE_SHOW_REJECTED").is_some() {
                    println!(
                        "rejected [{}] {} {} :: {}\n    {e}",
                        case.set, case.kind, case.table, case.expr
                    );
                }
                continue;
            }
        };
        t.total += 1;
        let got = ours(case, &cat, &funcs);
        if got.as_ref() == Ok(&want) {
            t.matched += 1;
        } else {
            t.mismatches.push(format!(
                "[{}] {} {} {} :: {}\n    postgres: {}\n    ours:     {}",
                case.set,
                case.kind,
                case.table,
                case.extra,
                case.expr,
                want.as_deref().unwrap_or("<no default>"),
                match &got {
                    Ok(Some(g)) => g.clone(),
                    Ok(None) => "<no default>".into(),
                    Err(e) => format!("<{e}>"),
                }
            ));
        }
    }
}

/// Fixpoint cases already checked (the prelude's objects are in every database).
type Seen = std::sync::Mutex<BTreeSet<(String, String, String, String)>>;

/// Every default, generated column, CHECK, index predicate and expression, and policy already
/// in the database, as Postgres prints it: re-parsing and deparsing Postgres's own text must
/// give it back unchanged (`fix:` categories).
fn run_fixpoint(db: &Db, set: &str, seen: &Seen, tallies: &mut BTreeMap<String, Tally>) {
    let (cat, funcs) = read_catalog(db);
    let mut c = db.client();
    let user =
        "n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%'";
    let table = "quote_ident(n.nspname) || '.' || quote_ident(c.relname)";
    let queries = [
        format!(
            "select case when a.attgenerated = '' then 'default' else 'generated' end, {table},
                format_type(a.atttypid, a.atttypmod), pg_get_expr(d.adbin, d.adrelid)
             from pg_attrdef d join pg_attribute a on a.attrelid = d.adrelid and a.attnum = d.adnum
             join pg_class c on c.oid = d.adrelid join pg_namespace n on n.oid = c.relnamespace where {user}"
        ),
        format!(
            "select 'check', {table}, '', pg_get_constraintdef(k.oid)
             from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_namespace n on n.oid = c.relnamespace
             where k.contype = 'c' and {user}"
        ),
        format!(
            "select 'predicate', {table}, '', pg_get_expr(i.indpred, i.indrelid)
             from pg_index i join pg_class c on c.oid = i.indrelid join pg_namespace n on n.oid = c.relnamespace
             where i.indpred is not null and {user}"
        ),
        format!(
            "select 'index', {table}, '', pg_get_indexdef(i.indexrelid, k, true)
             from pg_index i join pg_class c on c.oid = i.indrelid join pg_namespace n on n.oid = c.relnamespace,
             generate_series(1, i.indnkeyatts) k
             where i.indkey[k - 1] = 0 and {user}"
        ),
        format!(
            "select 'policy', {table}, '', pg_get_expr(p.polqual, p.polrelid)
             from pg_policy p join pg_class c on c.oid = p.polrelid join pg_namespace n on n.oid = c.relnamespace
             where p.polqual is not null and {user}
             union all
             select 'policy', {table}, '', pg_get_expr(p.polwithcheck, p.polrelid)
             from pg_policy p join pg_class c on c.oid = p.polrelid join pg_namespace n on n.oid = c.relnamespace
             where p.polwithcheck is not null and {user}"
        ),
    ];
    for q in &queries {
        for r in c.query(q.as_str(), &[]).unwrap() {
            let (kind, table, extra, text): (String, String, String, String) =
                (r.get(0), r.get(1), r.get(2), r.get(3));
            let want = if kind == "check" {
                let inner = text.strip_prefix("CHECK (").unwrap_or(&text);
                let inner = inner.strip_suffix(" NOT VALID").unwrap_or(inner);
                let inner = inner.strip_suffix(" NO INHERIT").unwrap_or(inner);
                inner.strip_suffix(')').unwrap_or(inner).to_string()
            } else {
                text
            };
            let key = (kind.clone(), table.clone(), extra.clone(), want.clone());
            if !seen.lock().unwrap().insert(key) {
                continue;
            }
            let case = Case {
                set: format!("{set}:fixpoint"),
                kind: kind.clone(),
                table,
                extra,
                expr: want.clone(),
            };
            let t = tallies.entry(format!("fix:{kind}")).or_default();
            t.total += 1;
            let got = ours(&case, &cat, &funcs);
            if got.as_ref() == Ok(&Some(want.clone())) {
                t.matched += 1;
            } else {
                t.mismatches.push(format!(
                    "[{}] {} {} {}\n    postgres: {}\n    ours:     {}",
                    case.set,
                    case.kind,
                    case.table,
                    case.extra,
                    want,
                    match &got {
                        Ok(Some(g)) => g.clone(),
                        Ok(None) => "<no default>".into(),
                        Err(e) => format!("<{e}>"),
                    }
                ));
            }
        }
    }
}

fn report(title: &str, tallies: &BTreeMap<String, Tally>, thresholds: &[(&str, f64)]) {
    let mut failures = Vec::new();
    println!("==== {title}: mismatches ====");
    for (kind, t) in tallies {
        for m in &t.mismatches {
            println!("{m}");
        }
        let _ = kind;
    }
    println!("==== {title}: figures ====");
    for (kind, t) in tallies {
        let rate = if t.total == 0 {
            1.0
        } else {
            t.matched as f64 / t.total as f64
        };
        println!(
            "{kind:<10} {:>5}/{:<5} {:>6.1}%  (rejected by Postgres: {})",
            t.matched,
            t.total,
            rate * 100.0,
            t.pg_rejected
        );
        if let Some((_, min)) = thresholds.iter().find(|(k, _)| k == kind) {
            if rate < *min {
                failures.push(format!(
                    "{kind}: {:.1}% < {:.1}%",
                    rate * 100.0,
                    min * 100.0
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "match rate below threshold: {failures:?}"
    );
}

#[test]
fn hand_written_cases_match_postgres() {
    let text = std::fs::read_to_string(fixtures().join("hand_cases.txt")).unwrap();
    let cases = parse_hand_cases(&text);
    let db = PgCluster::shared().create_database("deparse_hand");
    db.load_supabase();
    let setup = std::fs::read_to_string(fixtures().join("hand_setup.sql")).unwrap();
    db.psql(&setup)
        .unwrap_or_else(|e| panic!("hand_setup.sql: {e}"));
    let mut tallies = BTreeMap::new();
    run_cases(&db, &cases, &mut tallies);
    report(
        "hand-written cases",
        &tallies,
        &[
            ("default", 1.0),
            ("check", 1.0),
            ("predicate", 1.0),
            ("index", 1.0),
            ("policy", 1.0),
            ("generated", 1.0),
        ],
    );
}

/// Applies every `.sql` file of a migration set in name order, statement by statement in
/// autocommit mode, going on past failing statements: the aim is to get as many of the tables
/// the cases refer to as possible, not a faithful replay. Returns (files without error, files).
fn apply_set(db: &Db, dir: &Path) -> (usize, usize) {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    files.sort();
    let available = available_extensions(db);
    let mut ok = 0;
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let (text, _) = comment_out_missing_extensions(&text, &available);
        let mut tmp = tempfile::NamedTempFile::new().unwrap();
        std::io::Write::write_all(&mut tmp, text.as_bytes()).unwrap();
        let out = std::process::Command::new("psql")
            .args(["-X", "-q", "-v", "ON_ERROR_STOP=0"])
            .args(["-h", "127.0.0.1", "-p", &db.port.to_string()])
            .args(["-U", "postgres", "-d", &db.name, "-f"])
            .arg(tmp.path())
            .env("PGOPTIONS", "-c client_min_messages=warning")
            .output()
            .unwrap();
        if !String::from_utf8_lossy(&out.stderr).contains("ERROR") {
            ok += 1;
        }
    }
    (ok, files.len())
}

#[test]
fn corpus_cases_match_postgres() {
    if shared::require("corpus_cases_match_postgres", &[PRELUDE, CORPUS]).is_none() {
        return;
    }
    let text = std::fs::read_to_string(fixtures().join("corpus_cases.jsonl")).unwrap();
    let cases: Vec<Case> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let mut by_set: BTreeMap<String, Vec<Case>> = BTreeMap::new();
    for c in cases {
        by_set.entry(c.set.clone()).or_default().push(c);
    }
    let seen = &Seen::default();
    let results: Vec<BTreeMap<String, Tally>> = std::thread::scope(|s| {
        let sets: Vec<_> = by_set.iter().collect();
        let chunks: Vec<Vec<(&String, &Vec<Case>)>> = (0..2)
            .map(|i| {
                sets.iter()
                    .skip(i)
                    .step_by(2)
                    .map(|(a, b)| (*a, *b))
                    .collect()
            })
            .collect();
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                s.spawn(move || {
                    let mut tallies = BTreeMap::new();
                    for (set, cases) in chunk {
                        let db = PgCluster::shared().create_database("deparse_corpus");
                        load_prelude(&db);
                        let (ok, n) = if set == "prelude" {
                            (0, 0)
                        } else {
                            apply_set(
                                &db,
                                &shared_dir().join("corpus").join(set).join("migrations"),
                            )
                        };
                        println!(
                            "{set}: {ok}/{n} migration files applied without error, {} cases",
                            cases.len()
                        );
                        run_cases(&db, cases, &mut tallies);
                        run_fixpoint(&db, set, seen, &mut tallies);
                    }
                    tallies
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut all: BTreeMap<String, Tally> = BTreeMap::new();
    for r in results {
        for (k, t) in r {
            let a = all.entry(k).or_default();
            a.matched += t.matched;
            a.total += t.total;
            a.pg_rejected += t.pg_rejected;
            a.mismatches.extend(t.mismatches);
        }
    }
    // Thresholds at what is achieved: any new mismatch fails the test (and is printed).
    report(
        "corpus cases",
        &all,
        &[
            ("default", 1.0),
            ("check", 1.0),
            ("predicate", 1.0),
            ("index", 1.0),
            ("policy", 1.0),
            ("generated", 1.0),
            ("fix:default", 1.0),
            ("fix:check", 1.0),
            ("fix:predicate", 1.0),
            ("fix:index", 1.0),
            ("fix:policy", 1.0),
            ("fix:generated", 1.0),
        ],
    );
}

// ---------------------------------------------------------------------------------------------
// Harvesting the corpus.

/// The expressions of the corpus, harvested from the migrations: the checked-in
/// `corpus_cases.jsonl` must be what harvesting gives now (`EXPECTORATE=overwrite` rewrites it).
#[test]
fn harvest() {
    use sqlparser::ast::{
        AlterColumnOperation, AlterPolicyOperation, AlterTableOperation, Statement, TableConstraint,
    };
    if shared::require("harvest", &[PRELUDE, CORPUS]).is_none() {
        return;
    }
    let corpus = shared_dir().join("corpus");
    let mut sets: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("migrations").is_dir())
        .collect();
    sets.sort();
    let mut out: BTreeSet<Case> = BTreeSet::new();
    let mut seen_defaults: BTreeSet<(String, String)> = BTreeSet::new();
    let dialect = PostgreSqlDialect {};
    let mut inputs: Vec<(String, Vec<PathBuf>)> = vec![(
        "prelude".to_string(),
        vec![shared_dir().join("supabase/prelude.sql")],
    )];
    for set_dir in sets {
        let set = set_dir.file_name().unwrap().to_string_lossy().to_string();
        let mut files: Vec<PathBuf> = std::fs::read_dir(set_dir.join("migrations"))
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "sql"))
            .collect();
        files.sort();
        inputs.push((set, files));
    }
    for (set, files) in inputs {
        // Column types per table, as the migrations declare them.
        let mut types: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            let mut sources = schemagen::diagnostics::Sources::new();
            let id = sources.add(f.clone(), text.clone());
            let file = sources.get(id);
            let Ok(lexed) = schemagen::sql::split::lex(file, 0, text.len()) else {
                continue;
            };
            let mut diags = schemagen::diagnostics::Diagnostics::default();
            let mut statements: Vec<String> = Vec::new();
            for st in schemagen::sql::split::split(id, &lexed, &mut diags) {
                let sql = &text[st.span.start..st.span.end];
                statements.push(sql.to_string());
                statements.extend(do_block_statements(sql));
            }
            for sql in &statements {
                let Ok(stmts) = Parser::parse_sql(&dialect, sql) else {
                    continue;
                };
                for stmt in stmts {
                    let qual = |name: &sqlparser::ast::ObjectName| -> String {
                        let parts: Vec<String> = name
                            .0
                            .iter()
                            .map(|p| {
                                let id = p.as_ident().unwrap();
                                if id.quote_style.is_some() {
                                    id.value.clone()
                                } else {
                                    id.value.to_lowercase()
                                }
                            })
                            .collect();
                        let quote = |s: &str| schemagen::catalog::quote_ident(s);
                        match parts.as_slice() {
                            [t] => format!("public.{}", quote(t)),
                            [.., s, t] => format!("{}.{}", quote(s), quote(t)),
                            _ => String::new(),
                        }
                    };
                    let mut push =
                        |kind: &str, table: &str, extra: String, expr: &sqlparser::ast::Expr| {
                            let expr = expr.to_string();
                            if kind == "default"
                                && !seen_defaults.insert((extra.clone(), expr.clone()))
                            {
                                return;
                            }
                            out.insert(Case {
                                set: set.clone(),
                                kind: kind.into(),
                                table: if kind == "default" {
                                    String::new()
                                } else {
                                    table.into()
                                },
                                extra,
                                expr,
                            });
                        };
                    match &stmt {
                        Statement::CreateTable(ct) => {
                            let t = qual(&ct.name);
                            for col in &ct.columns {
                                column_cases(&t, col, &mut types, &mut push);
                            }
                            for c in &ct.constraints {
                                if let TableConstraint::Check(c) = c {
                                    push("check", &t, String::new(), &c.expr);
                                }
                            }
                        }
                        Statement::AlterTable(at) => {
                            let t = qual(&at.name);
                            for op in &at.operations {
                                match op {
                                    AlterTableOperation::AddColumn { column_def, .. } => {
                                        column_cases(&t, column_def, &mut types, &mut push)
                                    }
                                    AlterTableOperation::AddConstraint {
                                        constraint: TableConstraint::Check(c),
                                        ..
                                    } => push("check", &t, String::new(), &c.expr),
                                    AlterTableOperation::AlterColumn {
                                        column_name,
                                        op: AlterColumnOperation::SetDefault { value },
                                    } => {
                                        let ty = types
                                            .get(&t)
                                            .and_then(|m| m.get(&column_name.value.to_lowercase()))
                                            .cloned();
                                        if let Some(ty) = ty {
                                            push("default", &t, ty, value);
                                        }
                                    }
                                    _ => {}
                                }
                            }
                        }
                        Statement::CreateIndex(ci) => {
                            let t = qual(&ci.table_name);
                            if let Some(p) = &ci.predicate {
                                push("predicate", &t, String::new(), p);
                            }
                            let method = ci
                                .using
                                .as_ref()
                                .map(|u| u.to_string().to_lowercase())
                                .unwrap_or_else(|| "btree".into());
                            for c in &ci.columns {
                                // A top-level COLLATE is the column's collation.
                                let mut e = &c.column.expr;
                                while let sqlparser::ast::Expr::Collate { expr, .. }
                                | sqlparser::ast::Expr::Nested(expr) = e
                                {
                                    e = expr;
                                }
                                if matches!(e, sqlparser::ast::Expr::Identifier(_)) {
                                    continue;
                                }
                                let extra = match &c.operator_class {
                                    Some(oc) => format!("{method} {oc}"),
                                    None => method.clone(),
                                };
                                push("index", &t, extra, e);
                            }
                        }
                        Statement::CreatePolicy(cp) => {
                            let t = qual(&cp.table_name);
                            if let Some(u) = &cp.using {
                                push("policy", &t, String::new(), u);
                            }
                            if let Some(w) = &cp.with_check {
                                push("policy_check", &t, String::new(), w);
                            }
                        }
                        Statement::AlterPolicy(ap) => {
                            let t = qual(&ap.table_name);
                            if let AlterPolicyOperation::Apply {
                                using, with_check, ..
                            } = &ap.operation
                            {
                                if let Some(u) = using {
                                    push("policy", &t, String::new(), u);
                                }
                                if let Some(w) = with_check {
                                    push("policy_check", &t, String::new(), w);
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
    }
    let mut text = String::new();
    for c in &out {
        text.push_str(&serde_json::to_string(c).unwrap());
        text.push('\n');
    }
    expectorate::assert_contents("tests/fixtures/deparse/corpus_cases.jsonl", &text);
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for c in &out {
        *counts.entry(c.kind.as_str()).or_default() += 1;
    }
    println!("harvested {} cases: {counts:?}", out.len());
}

type Push<'a> = dyn FnMut(&str, &str, String, &sqlparser::ast::Expr) + 'a;

/// Default, CHECK and generated-column cases of one column definition.
fn column_cases(
    table: &str,
    col: &sqlparser::ast::ColumnDef,
    types: &mut BTreeMap<String, BTreeMap<String, String>>,
    push: &mut Push<'_>,
) {
    use sqlparser::ast::ColumnOption;
    let ty = col.data_type.to_string();
    types
        .entry(table.to_string())
        .or_default()
        .insert(col.name.value.to_lowercase(), ty.clone());
    for o in &col.options {
        match &o.option {
            ColumnOption::Default(e)
                if schemagen::pg::types::serial_kind(&col.data_type).is_none() =>
            {
                push("default", table, ty.clone(), e);
            }
            ColumnOption::Check(c) => push("check", table, String::new(), &c.expr),
            ColumnOption::Generated {
                generation_expr: Some(e),
                ..
            } => push("generated", table, ty.clone(), e),
            _ => {}
        }
    }
}

/// Every fixture expression, deparsed in every mode against an empty catalog (nothing
/// resolves): no panic, even one the API's guard would catch.
#[test]
fn never_panics_without_a_catalog() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static PANICS: AtomicUsize = AtomicUsize::new(0);
    let mut exprs: Vec<String> =
        parse_hand_cases(&std::fs::read_to_string(fixtures().join("hand_cases.txt")).unwrap())
            .into_iter()
            .map(|c| c.expr)
            .collect();
    for l in std::fs::read_to_string(fixtures().join("corpus_cases.jsonl"))
        .unwrap()
        .lines()
    {
        exprs.push(serde_json::from_str::<Case>(l).unwrap().expr);
    }
    // Count panics of this thread only (other tests run in parallel); report the others.
    let me = std::thread::current().id();
    let previous = std::sync::Arc::new(std::panic::take_hook());
    let chained = previous.clone();
    std::panic::set_hook(Box::new(move |info| {
        if std::thread::current().id() == me {
            PANICS.fetch_add(1, Ordering::SeqCst);
            eprintln!("deparser panic: {info}");
        } else {
            chained(info);
        }
    }));
    let cat = Catalog::default();
    let path: Vec<String> = vec!["public".into()];
    let dialect = PostgreSqlDialect {};
    for text in &exprs {
        let Ok(expr) = Parser::new(&dialect)
            .try_with_sql(text)
            .and_then(|mut p| p.parse_expr())
        else {
            continue;
        };
        for raw in [false, true] {
            let ctx = ExprContext::new(&cat, &path, &[])
                .with_table("public", "t")
                .with_raw_strings(raw);
            let _ = stored_default(&expr, &SqlType::builtin("text"), &ctx);
            let _ = deparse_bool(&expr, &ctx);
            let _ = deparse_index_key(&expr, &ctx);
            let _ = deparse_generated(&expr, &SqlType::builtin("int4"), &ctx);
        }
    }
    let _ = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| previous(info)));
    assert_eq!(PANICS.load(Ordering::SeqCst), 0, "the deparser panicked");
}

/// DDL statements inside a `DO $$ … $$` block (often guarded by `IF NOT EXISTS … THEN`): each
/// `CREATE POLICY` / `CREATE INDEX` / `CREATE TABLE` / `ALTER TABLE` / `ALTER POLICY` up to its
/// `;`.
fn do_block_statements(sql: &str) -> Vec<String> {
    use sqlparser::tokenizer::{Token, Tokenizer};
    let trimmed = sql.trim_start();
    if !trimmed
        .get(..2)
        .is_some_and(|p| p.eq_ignore_ascii_case("do"))
    {
        return Vec::new();
    }
    let dialect = PostgreSqlDialect {};
    let Ok(tokens) = Tokenizer::new(&dialect, trimmed).tokenize() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for t in tokens {
        let Token::DollarQuotedString(body) = t else {
            continue;
        };
        let Ok(inner) = Tokenizer::new(&dialect, &body.value).tokenize() else {
            continue;
        };
        let words: Vec<String> = inner
            .iter()
            .map(|t| match t {
                Token::Word(w) if w.quote_style.is_none() => w.value.to_lowercase(),
                _ => String::new(),
            })
            .collect();
        let mut i = 0;
        while i + 1 < inner.len() {
            let next_word = words[i + 1..]
                .iter()
                .zip(&inner[i + 1..])
                .find(|(_, t)| !matches!(t, Token::Whitespace(_)))
                .map(|(w, _)| w.as_str())
                .unwrap_or("");
            let starts = matches!(
                (words[i].as_str(), next_word),
                ("create", "policy" | "index" | "unique" | "table") | ("alter", "table" | "policy")
            );
            if starts {
                let end = inner[i..]
                    .iter()
                    .position(|t| *t == Token::SemiColon)
                    .map(|p| i + p)
                    .unwrap_or(inner.len());
                let text: String = inner[i..end].iter().map(|t| t.to_string()).collect();
                out.push(text);
                i = end;
            }
            i += 1;
        }
    }
    out
}
