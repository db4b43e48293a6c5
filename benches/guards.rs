//! `DO`-block guard evaluation (not a test): prints, for schemas of 250, 1,000 and 4,000 tables,
//! the time one migration file of real-shaped plpgsql takes to replay on top of that schema.
//!
//! `cargo bench --bench guards [-- SIZES…]` measures, each on its own file:
//! - `for-join`: one `FOR r IN SELECT … FROM information_schema.columns c JOIN
//!   information_schema.tables t ON … LOOP EXECUTE format(…)` block (comments every `updated_at`
//!   column of every base table);
//! - `for-proc`: one loop over the functions of `public` (`pg_proc` joined with `pg_namespace`,
//!   `p.oid::regprocedure`) that `ALTER FUNCTION %s SET search_path`s each of them;
//! - `foreach`: one `FOREACH t IN ARRAY ARRAY[…every table…] LOOP EXECUTE format('ALTER TABLE
//!   public.%I ADD COLUMN IF NOT EXISTS …', t)` block;
//! - `if-not-exists`: one `DO` block per table, each guarding an `ADD COLUMN` with
//!   `IF NOT EXISTS (SELECT 1 FROM information_schema.columns WHERE …)` and an `ADD CONSTRAINT`
//!   with `IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = …)`.
//!
//! The schema file is replayed once per size; each shape is then replayed on a copy of that
//! replayer, best of several runs. Growth is linear when the time per table stays flat.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use schemagen::diagnostics::{Diagnostics, Sources};
use schemagen::sql::replay::Replayer;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `n` tables with real-shaped columns, keys and indexes, and one function per ten tables.
fn schema(n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        let _ = writeln!(
            s,
            "create table public.t{i} (id uuid primary key default gen_random_uuid(), \
             org_id uuid not null, name text not null, status text default 'new', \
             amount numeric(12,2), created_at timestamptz not null default now(), \
             updated_at timestamptz);\n\
             create index t{i}_org_idx on public.t{i} (org_id);\n\
             alter table public.t{i} add constraint t{i}_name_check check (length(name) < 200);"
        );
        if i % 10 == 0 {
            let _ = writeln!(
                s,
                "create function public.f{i}(p_id uuid, p_limit integer) returns integer \
                 language sql as $$ select 1 $$;"
            );
        }
    }
    s
}

fn for_join() -> String {
    "do $$\n\
     declare r record;\n\
     begin\n\
       for r in\n\
         select c.table_name, c.column_name\n\
         from information_schema.columns c\n\
         join information_schema.tables t\n\
           on t.table_schema = c.table_schema and t.table_name = c.table_name\n\
         where c.table_schema = 'public' and t.table_type = 'BASE TABLE'\n\
           and c.column_name = 'updated_at'\n\
       loop\n\
         execute format('comment on column public.%I.%I is %L', r.table_name, r.column_name, 'last change');\n\
       end loop;\n\
     end $$;\n"
        .to_string()
}

fn for_proc() -> String {
    "do $$\n\
     declare r record;\n\
     begin\n\
       for r in\n\
         select p.oid::regprocedure as sig\n\
         from pg_proc p join pg_namespace n on n.oid = p.pronamespace\n\
         where n.nspname = 'public' and p.prokind = 'f'\n\
       loop\n\
         execute format('alter function %s set search_path = public', r.sig);\n\
       end loop;\n\
     end $$;\n"
        .to_string()
}

fn foreach(n: usize) -> String {
    let names: Vec<String> = (0..n).map(|i| format!("'t{i}'")).collect();
    format!(
        "do $$\n\
         declare t text;\n\
         begin\n\
           foreach t in array array[{}] loop\n\
             execute format('alter table public.%I add column if not exists note text', t);\n\
           end loop;\n\
         end $$;\n",
        names.join(", ")
    )
}

fn if_not_exists(n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        let _ = writeln!(
            s,
            "do $$ begin\n\
               if not exists (select 1 from information_schema.columns where table_schema = 'public' \
                 and table_name = 't{i}' and column_name = 'archived') then\n\
                 alter table public.t{i} add column archived boolean not null default false;\n\
               end if;\n\
               if not exists (select 1 from pg_constraint where conname = 't{i}_org_fkey') then\n\
                 alter table public.t{i} add constraint t{i}_org_fkey foreign key (org_id) references auth.users (id);\n\
               end if;\n\
             end $$;"
        );
    }
    s
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![250, 1000, 4000]
    } else {
        sizes
    };
    for n in sizes {
        let mut sources = Sources::new();
        let base = sources.add("schema.sql", schema(n));
        let mut diags = Diagnostics::new();
        let mut r = Replayer::new(schemagen::sql::supabase::base_catalog());
        r.replay_file(&sources, base, &mut diags);
        assert!(!diags.has_errors(), "{}", diags.render_short(&sources));
        let shapes = [
            ("for-join", for_join()),
            ("for-proc", for_proc()),
            ("foreach", foreach(n)),
            ("if-not-exists", if_not_exists(n)),
        ];
        for (label, text) in shapes {
            let id = sources.add(format!("{label}.sql"), text);
            let runs = if n >= 4000 { 2 } else { 4 };
            let mut best = Duration::MAX;
            let mut outcome = String::new();
            for _ in 0..runs {
                let mut copy = r.clone();
                let mut d = Diagnostics::new();
                let start = Instant::now();
                copy.replay_file(&sources, id, &mut d);
                best = best.min(start.elapsed());
                let s = copy.stats();
                outcome = format!(
                    "{} understood, {} not understood, {} errors",
                    s.understood - r.stats().understood,
                    s.not_understood - r.stats().not_understood,
                    s.errors - r.stats().errors
                );
            }
            println!(
                "{n:>5} tables  {label:<14} {:>10.2} ms  {:>8.2} µs/table  ({outcome})",
                best.as_secs_f64() * 1e3,
                best.as_secs_f64() * 1e6 / n as f64
            );
        }
    }
}
