#!/usr/bin/env python3
"""Writes a synthetic Supabase migration history for benchmarks.

Usage: scripts/gen-synthetic-history.py OUT_DIR [--tables 1000] [--files 5000] [--seed 1]

The history creates TABLES tables over FILES files: each table is created once, then grown by
ALTERs (columns, defaults, NOT NULL, renames), foreign keys to earlier tables and to auth.users,
enums with ADD VALUE, indexes (plain, partial, expression), RLS policies, comments, functions,
grants and DO-block guards, in the proportions the corpus shows. The same seed gives the same
files, byte for byte.
"""
import argparse
import os
import random


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--tables", type=int, default=1000)
    ap.add_argument("--files", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    os.makedirs(a.out, exist_ok=True)
    for f in os.listdir(a.out):
        if f.endswith(".sql"):
            os.remove(os.path.join(a.out, f))

    tables = []  # (name, [columns])
    enums = []  # (name, [values])
    per_file_new = a.tables / a.files
    created = 0.0
    for i in range(a.files):
        version = 20200101000000 + i * 100
        out = [f"-- synthetic migration {i}\n"]
        created += per_file_new
        while len(tables) < int(created) or (i == a.files - 1 and len(tables) < a.tables):
            n = len(tables)
            name = f"t{n:05d}"
            cols = ["id", "name", "created_at", "owner_id"]
            if rng.random() < 0.1:
                ename = f"e{len(enums):04d}_status"
                vals = ["draft", "active", "archived"]
                enums.append((ename, vals))
                out.append(
                    "do $$ begin\n"
                    f"  create type public.{ename} as enum ({', '.join(repr(v) for v in vals)});\n"
                    "exception when duplicate_object then null; end $$;\n"
                )
            fk = ""
            if tables and rng.random() < 0.6:
                ref = rng.choice(tables)[0]
                fk = f",\n  parent_id uuid references public.{ref} (id) on delete cascade"
                cols.append("parent_id")
            out.append(
                f"create table if not exists public.{name} (\n"
                f"  id uuid primary key default gen_random_uuid(),\n"
                f"  name varchar(255) not null default 'untitled',\n"
                f"  created_at timestamptz not null default timezone('utc'::text, now()),\n"
                f"  owner_id uuid references auth.users (id) on delete set null{fk}\n"
                ");\n"
                f"alter table public.{name} enable row level security;\n"
                f"create policy \"owners read {name}\" on public.{name} for select to authenticated "
                f"using ((select auth.uid()) = owner_id);\n"
                f"create index on public.{name} (created_at desc);\n"
                f"comment on table public.{name} is 'synthetic table {n}';\n"
                f"grant select on public.{name} to authenticated;\n"
            )
            tables.append((name, cols))
        # Grow existing tables.
        for _ in range(rng.randint(1, 3)):
            if not tables:
                break
            t, cols = rng.choice(tables)
            k = rng.random()
            if k < 0.35:
                c = f"c{len(cols):03d}"
                cols.append(c)
                typ = rng.choice(["text", "integer default 0", "boolean not null default false",
                                  "jsonb default '{}'::jsonb", "numeric(12, 2)", "timestamptz"])
                out.append(f"alter table public.{t} add column if not exists {c} {typ};\n")
            elif k < 0.5:
                out.append(
                    "do $$\nbegin\n"
                    f"  if not exists (select 1 from information_schema.columns where table_schema = 'public' "
                    f"and table_name = '{t}' and column_name = 'note') then\n"
                    f"    alter table public.{t} add column note text;\n"
                    "  end if;\nend $$;\n"
                )
                if "note" not in cols:
                    cols.append("note")
            elif k < 0.6 and enums:
                e, vals = rng.choice(enums)
                v = f"v{len(vals)}"
                vals.append(v)
                out.append(f"alter type public.{e} add value if not exists '{v}';\n")
            elif k < 0.7:
                out.append(f"create index if not exists {t}_name_{i}_idx on public.{t} (lower(name)) "
                           f"where created_at is not null;\n")
            elif k < 0.8:
                out.append(
                    f"create or replace function public.touch_{t}_{i}() returns trigger language plpgsql as $f$\n"
                    "begin\n  new.created_at = now();\n  return new;\nend;\n$f$;\n"
                )
            elif k < 0.9:
                out.append(f"alter table public.{t} alter column name set default 'unnamed';\n")
            else:
                out.append(f"insert into public.{t} (name) values ('seed {i}');\n")
        with open(os.path.join(a.out, f"{version}_step_{i}.sql"), "w") as fh:
            fh.write("".join(out))


if __name__ == "__main__":
    main()
