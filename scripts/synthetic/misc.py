"""Migrations that mostly do not shape tables (most statements of real histories): enum values,
functions and triggers, policy rewrites, grants, comments, DML, DO guards and loops."""

from . import ddl, plpgsql, words
from .model import Enum, Function
from .tables import DEFAULTS, policy_sql

PROJECT_ROLES = ["anon", "authenticated", "service_role"]
VALUES = ["queued", "running", "succeeded", "refunded", "disputed", "on_hold", "in_review",
          "approved", "rejected", "waitlisted", "checked_in", "no_show", "transferred", "void",
          "partially_paid", "overdue", "escalated", "snoozed", "muted", "blocked", "verified",
          "unverified", "migrated", "legacy", "beta", "internal", "sandbox", "trial", "grace"]


def enum_values(model, rng):
    """ALTER TYPE … ADD VALUE [IF NOT EXISTS] [BEFORE|AFTER …]; now and then RENAME VALUE."""
    out = []
    for e in rng.sample(model.enums, min(len(model.enums), rng.randint(1, 3))):
        for _ in range(rng.randint(1, 6)):
            base = rng.choice(VALUES)
            v, n = base, 1
            while v in e.values:
                n += 1
                v = f"{base}_{n}"
            ine = "if not exists " if rng.random() < 0.7 else ""
            where = ""
            r = rng.random()
            if r < 0.1:
                where = f" before '{e.values[0]}'"
                e.values.insert(0, v)
            elif r < 0.2:
                anchor = rng.choice(e.values)
                where = f" after '{anchor}'"
                e.values.insert(e.values.index(anchor) + 1, v)
            else:
                e.values.append(v)
            e.fresh.append(v)
            out.append(f"alter type {e.q} add value {ine}'{v}'{where};\n")
        if rng.random() < 0.05 and e.usable():
            old = rng.choice(e.usable())
            new = f"{old}_v2"
            if new not in e.values and old not in ("owner", "admin", "member"):
                out.append(f"alter type {e.q} rename value '{old}' to '{new}';\n")
                e.values[e.values.index(old)] = new
    return out


def new_enum(model, rng):
    schema = "public" if rng.random() < 0.8 else rng.choice(model.schemas)
    name = model.fresh(f"{rng.choice(words.PREFIXES)}_{rng.choice(['kind', 'state', 'tier'])}",
                       model.names)
    e = Enum(schema, name, rng.sample(VALUES, rng.randint(2, 6)))
    model.enums.append(e)
    if rng.random() < 0.6:
        return [plpgsql.guard_create_enum(model, rng, e)]
    vals = ", ".join(f"'{v}'" for v in e.values)
    return [f"create type {e.q} as enum ({vals});\n"]


def functions(model, rng):
    """RPC functions (new or replaced), ALTER FUNCTION, grants, comments; trigger functions."""
    out = []
    for _ in range(rng.randint(2, 6)):
        rpcs = model.functions_of("rpc")
        if rpcs and rng.random() < 0.35:
            f = rng.choice(rpcs)
            t = model.pick_table()
            if f.ret == "rpc-table" and rng.random() < 0.7:
                _, sql = ddl.rpc_function(model, rng, t, name=f.name, args=f.args)
                out.append(sql)
            else:  # another parameter list or result: drop the old one first
                out.append(f"drop function if exists {f.sig};\n")
                model.functions.remove(f)
                f, sql = ddl.rpc_function(model, rng, t, name=f.name)
                model.functions.append(f)
                out.append(sql)
        elif rng.random() < 0.25:
            t = model.pick_table(lambda t: t.org or t.owner)
            key = t.org or t.owner
            name = model.fresh(f"count_{t.name}", model.names)
            f = Function("public", name, ["uuid"], "bigint", "rpc")
            model.functions.append(f)
            out.append(f"create or replace function public.{name}(p_key uuid)\nreturns bigint\n"
                       "language sql\nstable\nset search_path = ''\nas $$\n"
                       f"  select count(*) from {t.q} where {key} = p_key;\n$$;\n")
        else:
            f, sql = ddl.rpc_function(model, rng, model.pick_table())
            model.functions.append(f)
            out.append(sql)
        if rng.random() < 0.5:
            out.append(f"alter function {f.sig} owner to postgres;\n")
        if rng.random() < 0.3:
            out.append(f"alter function {f.sig} set search_path = '';\n")
        out.append(f"revoke all on function {f.sig} from public, anon;\n")
        out.append(f"grant execute on function {f.sig} to authenticated;\n")
        if rng.random() < 0.5:
            out.append(f"grant execute on function {f.sig} to service_role;\n")
        if rng.random() < 0.4:
            out.append(f"comment on function {f.sig} is '{ddl.comment_text(rng, f.name)}';\n")
    if rng.random() < 0.4:
        out.extend(trigger_function(model, rng))
    return out


def trigger_function(model, rng):
    t = model.pick_table()
    name = model.fresh(f"log_{t.name}_changes", model.names)
    model.functions.append(Function("public", name, [], "trigger", "trigger"))
    trig = f"on_{t.name}_change"[:63]
    out = [f"create or replace function public.{name}()\nreturns trigger\nlanguage plpgsql\n"
           "security definer\nset search_path = ''\nas $$\nbegin\n"
           "  if tg_op = 'DELETE' then\n"
           f"    perform pg_notify('{t.name}', json_build_object('op', tg_op, 'id', old.id)::text);\n"
           "    return old;\n  end if;\n"
           f"  perform pg_notify('{t.name}', json_build_object('op', tg_op, 'id', new.id)::text);\n"
           "  return new;\nend;\n$$;\n"]
    if trig in t.triggers:
        out.append(f"drop trigger if exists {trig} on {t.q};\n")
    else:
        t.triggers.append(trig)
    out.append(f"create trigger {trig}\n  after insert or update or delete on {t.q}\n"
               f"  for each row execute function public.{name}();\n")
    return out


def policies(model, rng):
    """Policy rewrites: DROP POLICY IF EXISTS + CREATE POLICY, ALTER POLICY … RENAME."""
    out = []
    for t in model.pick_tables(rng.randint(1, 4)):
        for _ in range(rng.randint(1, 3)):
            r = rng.random()
            if t.policies and r < 0.55:
                name = rng.choice(t.policies)
                out.append(f'drop policy if exists "{name}" on {t.q};\n')
                verb = rng.choice(["view", "update", "manage"])
                out.append(policy_sql(model, rng, t, verb, name=name))
            elif t.policies and r < 0.65:
                old = rng.choice(t.policies)
                t.policies.remove(old)
                out.append(f'drop policy if exists "{old}" on {t.q};\n')
            elif t.policies and r < 0.7:
                old = rng.choice(t.policies)
                new = model.policy_name(t, "manage")
                t.policies.remove(old)
                if rng.random() < 0.5:
                    out.append(plpgsql.guard_rename_policy(t, old, new))
                else:
                    out.append(f'alter policy "{old}" on {t.q} rename to "{new}";\n')
            elif r < 0.8:
                name = model.policy_name(t, "view")
                body = policy_sql(model, rng, t, "view", name=name).replace("\n", "\n    ")
                out.append(plpgsql.guard_policy(t, name, body.rstrip()))
            else:
                out.append(policy_sql(model, rng, t))
    return out


def grants(model, rng):
    out = []
    for _ in range(rng.randint(3, 12)):
        r = rng.random()
        if r < 0.45:
            t = model.pick_table()
            role = rng.choice(PROJECT_ROLES)
            privs = rng.choice(["select", "select, insert, update, delete", "all", "select, insert"])
            verb, prep = ("revoke", "from") if rng.random() < 0.25 else ("grant", "to")
            out.append(f"{verb} {privs} on table {t.q} {prep} {role};\n")
        elif r < 0.8 and model.functions:
            f = rng.choice(model.functions)
            if rng.random() < 0.4:
                out.append(f"revoke execute on function {f.sig} from anon, public;\n")
            else:
                out.append(f"grant execute on function {f.sig} to {rng.choice(PROJECT_ROLES[1:])};\n")
        elif r < 0.9:
            s = rng.choice(model.schemas)
            out.append(f"grant usage on schema {s} to authenticated, service_role;\n")
        elif r < 0.97:
            s = rng.choice(model.schemas)
            out.append(f"grant all on all tables in schema {s} to service_role;\n")
        else:
            out.append("alter default privileges in schema public revoke execute on functions "
                       "from public, anon;\n")
    return out


def comments(model, rng):
    out = []
    for _ in range(rng.randint(2, 6)):
        t = model.pick_table()
        r = rng.random()
        if r < 0.35:
            c = rng.choice(t.cols)
            out.append(f"comment on column {t.q}.{c.name} is '{ddl.comment_text(rng, c.name)}';\n")
        elif r < 0.6:
            out.append(f"comment on table {t.q} is '{ddl.comment_text(rng, t.name)}';\n")
        elif r < 0.75 and model.functions:
            f = rng.choice(model.functions)
            out.append(f"comment on function {f.sig} is '{ddl.comment_text(rng, f.name)}';\n")
        elif r < 0.85 and t.policies:
            p = rng.choice(t.policies)
            out.append(f"comment on policy \"{p}\" on {t.q} is 'Checked by the RLS test suite';\n")
        elif r < 0.95:
            e = rng.choice(model.enums)
            out.append(f"comment on type {e.q} is '{ddl.comment_text(rng, e.name)}';\n")
        elif t.triggers:
            out.append(f"comment on trigger {t.triggers[0]} on {t.q} is 'Keeps updated_at current';\n")
    return out


def dml(model, rng, i):
    out = []
    r = rng.random()
    if r < 0.4:
        rows = ", ".join(f"('plan_{i}_{k}', 'Plan {i}.{k}', {rng.randint(0, 99) * 100})"
                         for k in range(rng.randint(1, 4)))
        out.append(f"insert into public.plans (slug, name, price_cents)\nvalues {rows}\n"
                   "on conflict (slug) do nothing;\n")
    elif r < 0.6:
        out.append(f"update public.plans set price_cents = {rng.randint(1, 99) * 100} "
                   f"where slug like 'plan_%';\n")
    elif r < 0.8:
        out.append(f"insert into storage.buckets (id, name, public)\nvalues ('bucket_{i}', "
                   f"'bucket_{i}', {rng.choice(['true', 'false'])})\non conflict (id) do nothing;\n")
        out.append(f'create policy "Users read bucket_{i}"\n  on storage.objects for select\n'
                   f"  to authenticated\n  using (bucket_id = 'bucket_{i}' and "
                   "(select auth.uid())::text = (storage.foldername(name))[1]);\n")
    else:
        out.append("notify pgrst, 'reload schema';\n")
    return out


def guards(model, rng):
    out = []
    for _ in range(rng.randint(1, 3)):
        t = model.pick_table()
        r = rng.random()
        if r < 0.5:
            out.append(plpgsql.guard_add_column(model, rng, t))
        elif r < 0.7:
            key = t.org or t.owner or "created_at"
            name = model.fresh(f"idx_{t.name}_{key}_recent")
            where = "\n      WHERE deleted_at IS NULL" if t.has("deleted_at") else ""
            out.append(plpgsql.guard_index(t, name, f"{key}, created_at DESC", where))
        elif r < 0.85:
            out.append(plpgsql.guard_rls(t))
        else:
            c = next((c for c in t.free_cols() if c.type in DEFAULTS and "." not in c.type), None)
            if c and c.default is None:
                c.default = DEFAULTS[c.type]
                out.append(f"do $$\nbegin\n  if exists (select 1 from information_schema.columns "
                           f"where table_schema = '{t.schema}' and table_name = '{t.name}' "
                           f"and column_name = '{c.name}' and column_default is null) then\n"
                           f"    alter table {t.q} alter column {c.name} set default {c.default};\n"
                           "  end if;\nend $$;\n")
    return out
