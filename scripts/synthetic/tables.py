"""Migrations that create and evolve tables: CREATE TABLE with its policies, grants, indexes,
trigger and comments; the ALTER TABLE mix; NOT VALID foreign keys and checks, VALIDATE, DROP
CONSTRAINT; indexes; views."""

from . import ddl, plpgsql
from .model import Column

# ALTER TABLE forms, weighted as counted over the corpus (ADD COLUMN 1,420, DROP COLUMN 161,
# SET/DROP NOT NULL 135, SET/DROP DEFAULT 92, ALTER COLUMN TYPE 56, RENAME COLUMN 41, RENAME 26).
ALTER_OPS = [("add", 1420), ("drop", 161), ("notnull", 135), ("default", 92), ("type", 56),
             ("rename_col", 41), ("rename", 26)]

DEFAULTS = {
    "text": "'n/a'", "varchar(255)": "'n/a'", "integer": "1", "bigint": "0", "boolean": "true",
    "numeric(12,2)": "0", "jsonb": "'[]'::jsonb", "timestamptz": "now()", "timestamp": "now()",
    "date": "current_date", "text[]": "'{}'::text[]", "uuid": "gen_random_uuid()",
    "interval": "'1 hour'::interval",
}
RETYPE = {"integer": "bigint", "varchar(255)": "text", "numeric(12,2)": "numeric(14,4)",
          "date": "timestamptz", "text": "varchar(1000)"}


def weighted(rng, pairs):
    total = sum(w for _, w in pairs)
    x = rng.random() * total
    for k, w in pairs:
        x -= w
        if x < 0:
            return k
    return pairs[-1][0]


def policy_sql(model, rng, t, verb=None, name=None):
    verb = verb or rng.choice(["view", "create", "update", "delete", "manage"])
    cmd = {"view": "select", "create": "insert", "update": "update", "delete": "delete",
           "manage": "all"}[verb]
    name = name or model.policy_name(t, verb)
    r = rng.random()
    if t.org and r < 0.25:
        cond = (f"exists (\n    select 1 from public.organization_members m\n"
                f"    where m.organization_id = {t.name}.{t.org}\n"
                "      and m.user_id = (select auth.uid())\n"
                "      and m.role in ('owner', 'admin')\n  )")
    elif t.org and r < 0.6:
        cond = (f"public.is_org_member({t.org})" if rng.random() < 0.6 else
                f"public.has_org_role({t.org}, array['owner', 'admin']::public.member_role[])")
    elif t.owner:
        cond = f"(select auth.uid()) = {t.owner}"
    else:
        cond = "true"
    role = "authenticated" if rng.random() < 0.9 else "service_role"
    if cmd == "insert":
        clause = f"with check ({cond})"
    elif cmd in ("update", "all"):
        clause = f"using ({cond})\n  with check ({cond})"
    else:
        clause = f"using ({cond})"
    return f'create policy "{name}"\n  on {t.q}\n  for {cmd}\n  to {role}\n  {clause};\n'


def new_table(model, rng, schema):
    """CREATE TABLE with everything a feature migration puts around it."""
    identity = rng.random() < 0.1
    parents = [t for t in model.tables if t.pk == "uuid"]
    t, fks = ddl.plan_table(model, rng, schema, parents + [model.tables[1]], identity)
    lines = []
    for c in t.cols:
        s = ddl.column_sql(c)
        if c.name == "id":
            s = ("id bigint generated always as identity primary key" if identity else
                 "id uuid primary key default gen_random_uuid()")
        fk = next((f for f in fks if f[0] == c.name), None)
        if fk and rng.random() < 0.7:
            ref = "auth.users" if fk[1] is None else fk[1].q
            s += f" references {ref}(id) on delete {fk[2]}"
            model.relnames[f"{t.name}_{c.name}_fkey"] = True
            t.droppable.append((f"{t.name}_{c.name}_fkey", "fk"))
            fks = [f for f in fks if f is not fk]
        lines.append("  " + s)
    for col, ref, on_delete in fks:
        name = model.fresh(f"{t.name}_{col}_fkey")
        target = "auth.users" if ref is None else ref.q
        lines.append(f"  constraint {name} foreign key ({col}) references {target}(id) "
                     f"on delete {on_delete}")
        t.droppable.append((name, "fk"))
    model.relnames[f"{t.name}_pkey"] = True
    if identity:
        model.fresh(f"{t.name}_id_seq")
    model.tables.append(t)
    cols = ",\n".join(lines)
    out = [f"-- {t.name}\ncreate table if not exists {t.q} (\n{cols}\n);\n",
           f"alter table {t.q} enable row level security;\n"]
    for verb in ["view", "create", "update", "delete"]:
        if rng.random() < 0.75:
            out.append(policy_sql(model, rng, t, verb))
    key = t.org or t.owner
    if key:
        name = model.fresh(f"idx_{t.name}_{key}")
        out.append(f"create index if not exists {name} on {t.q} ({key});\n")
    if rng.random() < 0.6:
        name = model.fresh(f"idx_{t.name}_created_at")
        out.append(f"create index if not exists {name} on {t.q} (created_at desc);\n")
    if t.has("updated_at"):
        trig = "set_updated_at" if rng.random() < 0.7 else f"update_{t.name}_updated_at"[:63]
        t.triggers.append(trig)
        out.append(f"drop trigger if exists {trig} on {t.q};\n"
                   f"create trigger {trig}\n  before update on {t.q}\n  for each row\n"
                   "  execute function public.handle_updated_at();\n")
    out.append(f"comment on table {t.q} is '{ddl.comment_text(rng, t.name)}';\n")
    for c in rng.sample(t.cols, min(len(t.cols), rng.randint(0, 2))):
        out.append(f"comment on column {t.q}.{c.name} is '{ddl.comment_text(rng, c.name)}';\n")
    out.append(f"grant select, insert, update, delete on table {t.q} to authenticated;\n"
               f"grant all on table {t.q} to service_role;\n")
    if rng.random() < 0.5:
        out.append(f"revoke all on table {t.q} from anon;\n")
    if identity:
        out.append(f"grant usage, select on sequence {t.schema}.{t.name}_id_seq to authenticated;\n")
    if rng.random() < 0.08:
        out.append(f"alter publication supabase_realtime add table {t.q};\n")
    if rng.random() < 0.4:
        f, sql = ddl.rpc_function(model, rng, t)
        model.functions.append(f)
        out.append(sql)
        out.append(f"grant execute on function {f.sig} to authenticated;\n")
    return out


def alter_table(model, rng):
    out = []
    for _ in range(rng.randint(1, 6)):
        op = weighted(rng, ALTER_OPS)
        t = model.pick_table()
        fits = {
            "drop": lambda c: True,
            "notnull": lambda c: not c.nullable or not t.seeded,
            "default": lambda c: c.default is not None or "." in c.type or c.type in DEFAULTS,
            "type": lambda c: c.type in RETYPE,
            "rename_col": lambda c: True,
            "rename": lambda c: t.movable,
        }.get(op)
        free = [c for c in t.free_cols() if fits and fits(c)]
        if op == "add" or not free:
            c = ddl.new_column(model, t, rng)
            t.cols.append(c)
            ine = "if not exists " if rng.random() < 0.4 else ""
            out.append(f"alter table {t.q} add column {ine}{ddl.column_sql(c)};\n")
            if rng.random() < 0.4:
                out.append(f"comment on column {t.q}.{c.name} is "
                           f"'{ddl.comment_text(rng, c.name)}';\n")
            continue
        out.append(alter_column(model, rng, t, op, rng.choice(free)))
    return out


def alter_column(model, rng, t, op, c):
    if op == "drop":
        t.cols.remove(c)
        ie = "if exists " if rng.random() < 0.5 else ""
        return f"alter table {t.q} drop column {ie}{c.name};\n"
    if op == "notnull":
        c.nullable = not c.nullable
        return f"alter table {t.q} alter column {c.name} {'drop' if c.nullable else 'set'} not null;\n"
    if op == "default":
        if c.default is None:
            c.default = enum_default(model, c) if "." in c.type else DEFAULTS[c.type]
        if c.default is not None and (c.nullable or rng.random() < 0.7):
            return f"alter table {t.q} alter column {c.name} set default {c.default};\n"
        c.default = None
        return f"alter table {t.q} alter column {c.name} drop default;\n"
    if op == "type":
        c.type = RETYPE[c.type]
        using = f" using {c.name}::{c.type}" if rng.random() < 0.4 else ""
        return f"alter table {t.q} alter column {c.name} type {c.type}{using};\n"
    if op == "rename_col":
        new = model.column_name(t)
        old, c.name = c.name, new
        return f"alter table {t.q} rename column {old} to {new};\n"
    old, t.name = t.name, model.table_name()
    return f"alter table {t.schema}.{old} rename to {t.name};\n"


def enum_default(model, c):
    e = next((e for e in model.enums if e.q == c.type), None)
    usable = e.usable() if e else []
    return f"'{usable[-1]}'::{c.type}" if usable else None


def foreign_keys(model, rng):
    """ADD COLUMN + ADD CONSTRAINT … FOREIGN KEY [NOT VALID], some behind a pg_constraint guard;
    CHECK constraints NOT VALID. VALIDATE comes in a later migration."""
    out = []
    for _ in range(rng.randint(1, 3)):
        t = model.pick_table()
        if rng.random() < 0.25 and not t.seeded:
            nums = [c for c in t.free_cols() if c.type in ("integer", "bigint", "numeric(12,2)")]
            if nums:
                c = nums[0]
                c.pinned = True
                name = model.fresh(f"{t.name}_{c.name}_check")
                out.append(f"alter table {t.q}\n  add constraint {name} check ({c.name} >= 0) "
                           "not valid;\n")
                t.droppable.append((name, "check"))
                model.pending_validate.append((t, name))
                continue
        ref = model.pick_table(lambda r: r.pk == "uuid" and r is not t)
        to_users = ref is None or rng.random() < 0.2
        target = "auth.users" if to_users else ref.q
        col = model.column_name(t, "user_ref_id" if to_users else ref.name.rstrip("s") + "_id")
        t.cols.append(Column(col, "uuid", pinned=True))
        out.append(f"alter table {t.q} add column if not exists {col} uuid;\n")
        name = model.fresh(f"{t.name}_{col}_fkey")
        on_delete = rng.choice(["cascade", "set null", "no action"])
        t.droppable.append((name, "fk"))
        if rng.random() < 0.2:
            out.append(plpgsql.guard_add_fk(t, name, col, target, on_delete))
            model.pending_validate.append((t, name))
        elif rng.random() < 0.78:
            out.append(f"alter table {t.q}\n  add constraint {name}\n  foreign key ({col}) "
                       f"references {target}(id) on delete {on_delete} not valid;\n")
            model.pending_validate.append((t, name))
        else:
            out.append(f"alter table {t.q}\n  add constraint {name}\n  foreign key ({col}) "
                       f"references {target}(id) on delete {on_delete};\n")
        if rng.random() < 0.6:
            idx = model.fresh(f"idx_{t.name}_{col}")
            out.append(f"create index if not exists {idx} on {t.q} ({col});\n")
    return out


def validate(model, rng):
    out = []
    pending, model.pending_validate = model.pending_validate, []
    for t, name in pending:
        if rng.random() < 0.93:
            out.append(f"alter table {t.q} validate constraint {name};\n")
    return out


def drop_constraints(model, rng):
    """DROP CONSTRAINT, often to re-add a foreign key with another ON DELETE."""
    out = []
    for t in model.pick_tables(rng.randint(1, 3), lambda t: t.droppable):
        name, kind = rng.choice(t.droppable)
        t.droppable.remove((name, kind))
        model.pending_validate = [p for p in model.pending_validate if p[1] != name]
        out.append(f"alter table {t.q} drop constraint if exists {name};\n")
        fk_cols = [c for c in t.cols if c.name.endswith("_id") and c.pinned and c.type == "uuid"
                   and c.name not in ("id", t.org)]
        if kind == "fk" and fk_cols and rng.random() < 0.6:
            c = rng.choice(fk_cols)
            new = model.fresh(f"{t.name}_{c.name}_fkey")
            t.droppable.append((new, "fk"))
            out.append(f"alter table {t.q}\n  add constraint {new} foreign key ({c.name})\n"
                       "  references auth.users(id) on delete cascade not valid;\n")
            model.pending_validate.append((t, new))
    return out


def indexes(model, rng):
    out = []
    for _ in range(rng.randint(1, 3)):
        t = model.pick_table()
        free = [c for c in t.free_cols() if c.type not in ("inet",)]
        if not free:
            continue
        c = rng.choice(free)
        c.pinned = True
        if c.type == "jsonb":
            name = model.fresh(f"idx_{t.name}_{c.name}_gin")
            out.append(f"create index if not exists {name} on {t.q} using gin ({c.name});\n")
        elif c.type == "text" and rng.random() < 0.3:
            name = model.fresh(f"idx_{t.name}_{c.name}_trgm")
            out.append(f"create index if not exists {name} on {t.q} using gin "
                       f"({c.name} extensions.gin_trgm_ops);\n")
        elif rng.random() < 0.3 and t.has("deleted_at"):
            name = model.fresh(f"idx_{t.name}_{c.name}_live")
            out.append(f"create index if not exists {name}\n  on {t.q} ({c.name}, created_at desc)"
                       "\n  where deleted_at is null;\n")
        elif c.type in ("text", "varchar(255)") and rng.random() < 0.4:
            name = model.fresh(f"idx_{t.name}_lower_{c.name}")
            out.append(f"create index if not exists {name} on {t.q} (lower({c.name}));\n")
        else:
            key = t.org or t.owner
            cols = f"{key}, {c.name}" if key and rng.random() < 0.4 else c.name
            uniq = "unique " if rng.random() < 0.1 and not t.seeded else ""
            name = model.fresh(f"idx_{t.name}_{c.name}")
            out.append(f"create {uniq}index if not exists {name} on {t.q} using btree ({cols});\n")
        if rng.random() < 0.1:
            out.append(f"drop index if exists {t.schema}.{name};\n")
    return out


def views(model, rng):
    out = []
    t = model.pick_table()
    cols = [c for c in t.cols if c.type != "timestamp"][: rng.randint(3, 8)]
    for c in cols:
        c.pinned = True
    name = model.fresh(f"{t.name}_overview")
    sel = ",\n    ".join(f"t.{c.name}" for c in cols)
    inv = " with (security_invoker = true)" if rng.random() < 0.5 else ""
    out.append(f"create or replace view {t.schema}.{name}{inv} as\n  select\n    {sel}\n"
               f"  from {t.q} t;\n")
    out.append(f"grant select on {t.schema}.{name} to authenticated;\n")
    if rng.random() < 0.3:
        out.append(f"comment on view {t.schema}.{name} is '{ddl.comment_text(rng, name)}';\n")
    model.views.append((t.schema, name))
    if rng.random() < 0.25:
        mv = model.fresh(f"{t.name}_daily")
        idx = model.fresh(f"{mv}_day_idx")
        out.append(f"create materialized view if not exists analytics.{mv} as\n"
                   f"  select date_trunc('day', created_at) as day, count(*) as total\n"
                   f"  from {t.q}\n  group by 1\nwith no data;\n"
                   f"create unique index if not exists {idx} on analytics.{mv} (day);\n")
    return out
