"""A whole history: the baseline, then one themed migration per file, in version order."""

import datetime
import os

from . import baseline, misc, plpgsql, tables
from .model import Model

SCHEMAS = ["public", "private", "analytics", "billing", "messaging", "ticketing", "util"]

# Themes of the migrations after the baseline, weighted so that the statement mix follows the
# corpus (see scripts/synthetic/README.md for the figures).
THEMES = [("alter", 16), ("fk", 7), ("swap", 8), ("enum", 27), ("new_enum", 2),
          ("functions", 26), ("policies", 16), ("grants", 14), ("comments", 3), ("guards", 14),
          ("loops", 9), ("views", 3), ("indexes", 5), ("dml", 2)]


def loops(model, rng):
    """One DO block with a loop (and what goes with it)."""
    r = rng.random()
    schemas = [s for s in model.schemas if s == "public" or rng.random() < 0.5]
    if r < 0.2:
        return "updated_at_triggers", [plpgsql.loop_updated_at_triggers(model, schemas)]
    if r < 0.32:
        movable = [t for t in model.tables if t.schema == "public" and t.movable]
        if len(movable) >= 2:
            moved = rng.sample(movable, min(len(movable), rng.randint(2, 6)))
            return "move_to_private", ["create schema if not exists private;\n",
                                       "grant usage on schema private to service_role;\n",
                                       plpgsql.loop_move_schema(moved, "private")]
    if r < 0.45:
        return "schema_grants", [plpgsql.loop_grants(rng.choice(model.schemas))]
    rpcs = [f for f in model.functions_of("rpc") if f.ret == "rpc-table"]
    if r < 0.62 and rpcs:
        f = rng.choice(rpcs)
        for g in [g for g in model.functions if g.name == f.name]:
            model.functions.remove(g)
        g, sql = tables.ddl.rpc_function(model, rng, model.pick_table(), name=f.name)
        model.functions.append(g)
        return f"recreate_{f.name}", [plpgsql.loop_drop_overloads(f.name), sql,
                                      f"grant execute on function {g.sig} to authenticated;\n"]
    if r < 0.7:
        return "secdef_grants", [plpgsql.loop_secdef_grants()]
    if r < 0.8 and len(rpcs) >= 4:
        sigs = [f.sig for f in rng.sample(rpcs, min(len(rpcs), rng.randint(4, 30)))]
        half = len(sigs) // 2
        return "function_privileges", [plpgsql.foreach_signatures(
            sigs[:half] + ["public.removed_helper(uuid)"],
            sigs[half:] + ["public.has_org_role(uuid, public.member_role[])"])]
    if r < 0.9:
        return "timestamptz", [plpgsql.loop_retype_timestamps(model, schemas)]
    return partitions(model, rng)


def partitions(model, rng):
    name = model.fresh(f"{rng.choice(tables.ddl.words.PREFIXES)}_events_log")
    model.relnames[f"{name}_pkey"] = True
    hashed = rng.random() < 0.5
    by = "hash (id)" if hashed else "range (occurred_at)"
    parent = tables.ddl.Table("analytics", name)
    parent.partitioned = True
    out = [f"create table if not exists analytics.{name} (\n"
           "  id uuid not null default gen_random_uuid(),\n"
           "  occurred_at timestamptz not null default now(),\n  kind text not null,\n"
           "  payload jsonb not null default '{}'::jsonb,\n  user_id uuid,\n"
           f"  primary key (id, occurred_at)\n) partition by {by};\n"]
    if hashed:
        n = rng.choice([4, 8])
        for i in range(n):
            model.relnames[f"{name}_p{i}"] = True
            model.relnames[f"{name}_p{i}_pkey"] = True
        out.append(plpgsql.hash_partitions(parent, n))
    else:
        year, months = rng.choice([2024, 2025]), rng.choice([6, 12])
        for m in range(months):
            part = f"{name}_{year + (m // 12)}_{m % 12 + 1:02d}"
            model.relnames[part] = True
            model.relnames[f"{part}_pkey"] = True
        out.append(plpgsql.month_partitions(parent, year, months))
    out.append(f"grant select on analytics.{name} to authenticated;\n")
    return "partitions", out


def migration(model, rng, i, new_tables):
    """The statements of migration `i` and a slug for its file name."""
    out, slug = [], None
    for _ in range(new_tables):
        schema = "public" if rng.random() < 0.7 else rng.choice(model.schemas[1:])
        out.extend(tables.new_table(model, rng, schema))
        slug = slug or f"create_{model.tables[-1].name}"
    themes = [] if new_tables and rng.random() < 0.6 else [tables.weighted(rng, THEMES)]
    if rng.random() < 0.55:
        themes.append(tables.weighted(rng, THEMES))
    if model.pending_validate and rng.random() < 0.15:
        themes.append("validate")
    for theme in themes:
        part = {
            "alter": lambda: tables.alter_table(model, rng),
            "fk": lambda: tables.foreign_keys(model, rng),
            "validate": lambda: tables.validate(model, rng),
            "swap": lambda: tables.drop_constraints(model, rng),
            "indexes": lambda: tables.indexes(model, rng),
            "views": lambda: tables.views(model, rng),
            "enum": lambda: misc.enum_values(model, rng),
            "new_enum": lambda: misc.new_enum(model, rng),
            "functions": lambda: misc.functions(model, rng),
            "policies": lambda: misc.policies(model, rng),
            "grants": lambda: misc.grants(model, rng),
            "comments": lambda: misc.comments(model, rng),
            "guards": lambda: misc.guards(model, rng),
            "dml": lambda: misc.dml(model, rng, i),
        }.get(theme)
        if part is None:
            name, stmts = loops(model, rng)
            slug = slug or name
            out.extend(stmts)
        else:
            out.extend(part())
            slug = slug or theme
    model.end_file()
    # Real migrations are about a fifth comments: a header, notes before statements.
    rule = "-- " + "=" * rng.randint(40, 70)
    head = [rule, f"-- Migration {i}: {slug.replace('_', ' ')}"]
    head += [note(rng) for _ in range(rng.randint(1, 4))] + [rule, "", ""]
    body = "\n".join("\n".join(note(rng) for _ in range(rng.randint(1, 3))) + "\n" + s
                     if rng.random() < 0.2 else s for s in out)
    if rng.random() < 0.02:
        body = "begin;\n\n" + body + "\ncommit;\n"
    return slug, "\n".join(head) + body


NOTE_VERBS = ["Keep", "Ensure", "Backfill", "Allow", "Fix", "Add", "Drop", "Harden",
              "Recreate", "Guard", "Note:", "TODO:", "Make sure", "Avoid"]


def note(rng):
    words = tables.ddl.words
    text = " ".join(rng.choice(words.COLUMNS + words.NOUNS) for _ in range(rng.randint(4, 12)))
    return f"-- {rng.choice(NOTE_VERBS)} {text.replace('_', ' ')}"


def generate(out_dir, n_files, n_tables, seed, rng):
    """Writes the history; returns (files, bytes)."""
    model = Model(rng, SCHEMAS)
    n_base = max(8, round(n_tables * 0.35))
    when = datetime.datetime(2023, 1, 1)
    total = 0

    def write(slug, sql):
        nonlocal total
        name = f"{when.strftime('%Y%m%d%H%M%S')}_{slug}.sql"[:120]
        with open(os.path.join(out_dir, name), "w", encoding="utf-8") as fh:
            fh.write(sql)
        total += len(sql.encode())

    write("remote_schema", baseline.baseline(model, rng, n_base, max(3, n_tables // 12)))
    model.end_file()
    remaining = max(0, n_tables - len(model.tables))
    created = 0
    for i in range(1, n_files):
        when += datetime.timedelta(minutes=rng.randint(30, 1800))
        due = round(i * remaining / max(1, n_files - 1)) - created
        created += due
        slug, sql = migration(model, rng, i, due)
        write(slug, sql)
    return n_files, total
