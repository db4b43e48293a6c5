#!/usr/bin/env python3
"""Writes a synthetic Supabase migration history, shaped like real ones, for benchmarks.

Usage: scripts/gen-synthetic-history.py OUT_DIR [--scale 1] [--tables N] [--files N] [--seed 1]

`--scale 1` is the size of the real history that motivated issue 8: about 7 MB in 1,262 files
with about 600 tables; `--scale 0.5`, `2`, `4` give ½×, 2×, 4× that (`--tables`/`--files`
override the scale's counts). The first file is a `supabase db dump`-style baseline (pg_dump
quoting and order, ~30% of the tables); the others are themed migrations whose statement mix
follows the corpus (scripts/synthetic/README.md): grants, policies, functions, comments and
triggers are about 70% of the statements; the ALTER TABLE mix, NOT VALID + VALIDATE, ~2k
`ALTER TYPE … ADD VALUE` per 7 MB, tables in seven schemas, DO guards over information_schema and
pg_catalog (with joins), and loops (`FOR … IN SELECT … LOOP EXECUTE format(…)`, `FOREACH`,
`WHILE`, `LOOP … EXIT WHEN`, loops over pg_proc signatures).

Every generated history applies cleanly to PostgreSQL 15 on top of the Supabase prelude
(`../shared/supabase/prelude.sql`), one transaction per file. The same arguments give the same
files, byte for byte. Prints `files bytes tables` on stdout.
"""
import argparse
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from synthetic.history import generate  # noqa: E402

FILES_1X, TABLES_1X = 1262, 600


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--tables", type=int)
    ap.add_argument("--files", type=int)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    files = a.files or max(2, round(FILES_1X * a.scale))
    tables = a.tables or max(8, round(TABLES_1X * a.scale))
    os.makedirs(a.out, exist_ok=True)
    for f in os.listdir(a.out):
        if f.endswith(".sql"):
            os.remove(os.path.join(a.out, f))
    n, size = generate(a.out, files, tables, a.seed, random.Random(a.seed))
    print(n, size, tables)


if __name__ == "__main__":
    main()
