"""Columns, tables and functions as migrations write them: hand-written (lower case, unquoted) or
as `supabase db dump` / pg_dump prints them (everything quoted, `"uuid"`, `"now"()`)."""

from . import words
from .model import Column, Function, Table

# (type, [defaults], probability of NOT NULL). Hand-written spelling; `dump_type` gives pg_dump's.
COLUMN_TYPES = [
    ("text", [None, None, "''"], 0.2),
    ("varchar(255)", [None], 0.1),
    ("integer", [None, "0"], 0.3),
    ("bigint", [None, "0"], 0.2),
    ("boolean", ["false", "true"], 0.8),
    ("numeric(12,2)", [None, "0"], 0.2),
    ("jsonb", ["'{}'::jsonb", None], 0.5),
    ("timestamptz", [None, "now()"], 0.1),
    ("timestamp", [None], 0.0),  # converted to timestamptz by a later loop
    ("date", [None], 0.0),
    ("text[]", ["'{}'::text[]", None], 0.3),
    ("uuid", [None], 0.0),
    ("inet", [None], 0.0),
    ("interval", [None, "'1 day'::interval"], 0.0),
]

DUMP_TYPES = {
    "text": '"text"', "varchar(255)": "character varying(255)", "integer": "integer",
    "bigint": "bigint", "boolean": "boolean", "numeric(12,2)": "numeric(12,2)",
    "jsonb": '"jsonb"', "timestamptz": "timestamp with time zone",
    "timestamp": "timestamp without time zone", "date": '"date"', "text[]": '"text"[]',
    "uuid": '"uuid"', "inet": '"inet"', "interval": '"interval"',
}


def dump_type(t):
    if t in DUMP_TYPES:
        return DUMP_TYPES[t]
    if "." in t:  # an enum: public.order_status
        s, n = t.split(".", 1)
        return f'"{s}"."{n}"'
    return t


def dump_default(d):
    return (d.replace("now()", '"now"()').replace("gen_random_uuid()", '"gen_random_uuid"()')
            .replace("::jsonb", '::"jsonb"').replace("::text[]", '::"text"[]'))


def new_column(model, table, rng, enum_ok=True):
    """A new column for `table` (not yet added), of a realistic type."""
    if enum_ok and model.enums and rng.random() < 0.12:
        e = rng.choice(model.enums)
        usable = e.usable()
        part = next((w for w in e.name.split("_") if w in ("status", "kind", "state", "tier")),
                    None)
        name = model.column_name(table, part if rng.random() < 0.5 else None)
        if usable and rng.random() < 0.6:
            return Column(name, e.q, nullable=False, default=f"'{usable[0]}'::{e.q}")
        return Column(name, e.q)
    type_, defaults, notnull = rng.choice(COLUMN_TYPES)
    default = rng.choice(defaults)
    nullable = not (default is not None and rng.random() < notnull)
    return Column(model.column_name(table), type_, nullable=nullable, default=default)


def column_sql(c, dump=False):
    if dump:
        s = f'"{c.name}" {dump_type(c.type)}'
        if c.default is not None:
            s += f" DEFAULT {dump_default(c.default)}"
        return s + ("" if c.nullable else " NOT NULL")
    s = f"{c.name} {c.type}"
    if c.default is not None:
        s += f" default {c.default}"
    return s + ("" if c.nullable else " not null")


def plan_table(model, rng, schema, parents, identity=False):
    """A new table's columns (registered in the model); its FKs are returned as
    (column, referenced table or None for auth.users, on delete)."""
    t = Table(schema, model.table_name(), pk="bigint" if identity else "uuid")
    fks = []
    if identity:
        t.cols.append(Column("id", "bigint", nullable=False, pinned=True))
    else:
        t.cols.append(Column("id", "uuid", nullable=False, default="gen_random_uuid()",
                             pinned=True))
    orgs = [p for p in parents if p.name == "organizations"]
    r = rng.random()
    if orgs and r < 0.4:
        t.org = "organization_id"
        t.cols.append(Column("organization_id", "uuid", nullable=False, pinned=True))
        fks.append(("organization_id", orgs[0], "cascade"))
    if r >= 0.3 or t.org is None:
        t.owner = rng.choice(["user_id", "owner_id", "created_by", "profile_id"])
        t.cols.append(Column(t.owner, "uuid", nullable=rng.random() < 0.4, pinned=True))
        fks.append((t.owner, None, rng.choice(["cascade", "set null", "cascade"])))
    others = [p for p in parents if p.name not in ("organizations",) and p.pk == "uuid"]
    if others and rng.random() < 0.55:
        p = rng.choice(others)
        col = model.column_name(t, p.name.rstrip("s") + "_id")
        t.cols.append(Column(col, "uuid", nullable=rng.random() < 0.5, pinned=True))
        fks.append((col, p, rng.choice(["cascade", "set null", "restrict"])))
    for _ in range(rng.randint(2, 9)):
        t.cols.append(new_column(model, t, rng))
    t.cols.append(Column("created_at", "timestamptz", nullable=False, default="now()",
                         pinned=True))
    if rng.random() < 0.8:
        t.cols.append(Column("updated_at", "timestamptz", nullable=False, default="now()",
                             pinned=True))
    return t, fks


def comment_text(rng, what):
    text = f"{rng.choice(words.PHRASES)} {what.replace('_', ' ')}"
    if rng.random() < 0.2:
        text += "; it''s kept in sync by triggers"
    if rng.random() < 0.3:
        text += ". " + " ".join(rng.choice(words.COLUMNS) for _ in range(rng.randint(4, 16)))
    return text


def rpc_function(model, rng, table, dump=False, name=None, args=None):
    """An RPC function over `table` (plpgsql, returns a table): a Function and its SQL."""
    verb = rng.choice(words.FUNCTION_VERBS)
    fname = name or model.fresh(f"{verb}_{table.name}", model.names)
    key = table.org or table.owner or "id"
    args = args or (["uuid", "integer"] if rng.random() < 0.6 else ["uuid"])
    f = Function("public", fname, args, "rpc-table", "rpc")
    limit = "p_limit" if len(args) == 2 else "100"
    body = plpgsql_body(rng, table, key, steps=rng.randint(4, 16)).replace("LIMIT_", limit)
    if dump:
        params = '"p_key" "uuid"' + (', "p_limit" integer DEFAULT 50' if len(args) == 2 else "")
        sql = (f'CREATE OR REPLACE FUNCTION "public"."{fname}"({params}) '
               'RETURNS TABLE("id" "uuid", "created_at" timestamp with time zone, "total" bigint)\n'
               '    LANGUAGE "plpgsql" STABLE SECURITY DEFINER\n'
               "    SET \"search_path\" TO ''\n"
               f"    AS $$\n{body}$$;\n")
    else:
        params = "p_key uuid" + (", p_limit integer default 50" if len(args) == 2 else "")
        sql = (f"create or replace function public.{fname}({params})\n"
               "returns table(id uuid, created_at timestamptz, total bigint)\n"
               "language plpgsql\nstable\nsecurity definer\nset search_path = ''\n"
               f"as $$\n{body}$$;\n")
    return f, sql


def plpgsql_body(rng, table, key, steps):
    lines = [
        "declare",
        "  v_user uuid := auth.uid();",
        "  v_total bigint := 0;",
        "  v_row record;",
        "begin",
        "  if v_user is null then",
        "    raise exception 'not authenticated' using errcode = '42501';",
        "  end if;",
    ]
    for k in range(steps):
        col = rng.choice(words.COLUMNS)
        shape = rng.random()
        if shape < 0.35:
            lines += [
                f"  -- step {k + 1}: count what the caller can see",
                f"  select count(*) into v_total",
                f"  from {table.q} t",
                f"  where t.{key} = p_key",
                f"    and t.created_at > now() - interval '{rng.randint(1, 90)} days';",
            ]
        elif shape < 0.6:
            lines += [
                f"  for v_row in select t.id from {table.q} t where t.{key} = p_key loop",
                f"    perform pg_notify('{table.name}_{col}', v_row.id::text);",
                "  end loop;",
            ]
        elif shape < 0.8:
            lines += [
                f"  if v_total > {rng.randint(10, 5000)} then",
                f"    raise notice '{table.name}: % rows over the limit for %', v_total, p_key;",
                "  elsif v_total = 0 then",
                f"    raise notice 'nothing to do for {col}';",
                "  end if;",
            ]
        else:
            lines += [
                "  begin",
                f"    update {table.q} t set updated_at = now() where t.{key} = p_key and false;",
                "  exception when others then",
                "    raise warning 'update failed: %', sqlerrm;",
                "  end;",
            ]
    lines += [
        "  return query",
        "    select t.id, t.created_at, v_total",
        f"    from {table.q} t",
        f"    where t.{key} = p_key",
        "    order by t.created_at desc",
        "    limit LIMIT_;",
        "end;",
        "",
    ]
    return "\n".join(lines)
