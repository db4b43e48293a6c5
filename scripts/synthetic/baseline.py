"""The first migration: a `supabase db dump`-style baseline (one big file, everything quoted,
pg_dump's order), as squashed histories start (Cap-go, kruxt, classroomio)."""

from . import ddl, plpgsql, words
from .model import Column, Enum, Function, Table

HEADER = """SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

"""

ROLES = ["anon", "authenticated", "service_role"]


def core_tables(model):
    """profiles, organizations, organization_members, plans: what policies and FKs lean on."""
    def t(name, cols, pk="uuid"):
        model.relnames[name] = True
        tab = Table("public", name, pk)
        tab.cols = cols
        tab.movable = False
        return tab
    C = Column
    profiles = t("profiles", [
        C("id", "uuid", False, pinned=True), C("username", "text", pinned=True),
        C("full_name", "text"), C("avatar_url", "text"),
        C("created_at", "timestamptz", False, "now()", True),
        C("updated_at", "timestamptz", False, "now()", True)])
    profiles.owner = "id"
    orgs = t("organizations", [
        C("id", "uuid", False, "gen_random_uuid()", True), C("name", "text", False),
        C("slug", "text", False, pinned=True), C("created_by", "uuid", pinned=True),
        C("created_at", "timestamptz", False, "now()", True),
        C("updated_at", "timestamptz", False, "now()", True)])
    orgs.org = "id"
    members = t("organization_members", [
        C("id", "uuid", False, "gen_random_uuid()", True),
        C("organization_id", "uuid", False, pinned=True), C("user_id", "uuid", False, pinned=True),
        C("role", "public.member_role", False, "'member'::public.member_role", True),
        C("created_at", "timestamptz", False, "now()", True)])
    members.owner, members.org = "user_id", "organization_id"
    plans = t("plans", [
        C("id", "bigint", False, pinned=True), C("slug", "text", False, pinned=True),
        C("name", "text", False, pinned=True), C("price_cents", "integer", False, "0", True),
        C("created_at", "timestamptz", False, "now()", True)], pk="bigint")
    plans.seeded = True
    fks = {
        "profiles": [("id", None, "cascade")],
        "organizations": [("created_by", None, "set null")],
        "organization_members": [("organization_id", orgs, "cascade"), ("user_id", None, "cascade")],
        "plans": [],
    }
    uniques = {"profiles": ["username"], "organizations": ["slug"],
               "organization_members": ["organization_id", "user_id"], "plans": ["slug"]}
    return [profiles, orgs, members, plans], fks, uniques


def helper_functions(model):
    model.names.update({"handle_updated_at": True, "is_org_member": True, "has_org_role": True})
    fs = [Function("public", "handle_updated_at", [], "trigger", "trigger"),
          Function("public", "is_org_member", ["uuid"], "boolean", "helper"),
          Function("public", "has_org_role", ["uuid", "public.member_role[]"], "boolean",
                   "helper")]
    sql = ['''CREATE OR REPLACE FUNCTION "public"."handle_updated_at"() RETURNS "trigger"
    LANGUAGE "plpgsql"
    AS $$
begin
  new.updated_at = now();
  return new;
end;
$$;
''', '''CREATE OR REPLACE FUNCTION "public"."is_org_member"("p_org" "uuid") RETURNS boolean
    LANGUAGE "sql" STABLE SECURITY DEFINER
    SET "search_path" TO ''
    AS $$
  select exists (
    select 1 from public.organization_members m
    where m.organization_id = p_org and m.user_id = (select auth.uid())
  );
$$;
''', '''CREATE OR REPLACE FUNCTION "public"."has_org_role"("p_org" "uuid", "p_roles" "public"."member_role"[]) RETURNS boolean
    LANGUAGE "sql" STABLE SECURITY DEFINER
    SET "search_path" TO ''
    AS $$
  select exists (
    select 1 from public.organization_members m
    where m.organization_id = p_org
      and m.user_id = (select auth.uid())
      and m.role = any (p_roles)
  );
$$;
''']
    return fs, sql


def dump_policies(model, rng, t):
    out = []
    owner = f'"{t.owner}"' if t.owner else None
    org = f'"{t.org}"' if t.org else None
    if owner:
        cond = f'(( SELECT "auth"."uid"() AS "uid") = {owner})'
        for verb, cmd, clause in [("view", "SELECT", "USING"), ("create", "INSERT", "WITH CHECK"),
                                  ("update", "UPDATE", "USING"), ("delete", "DELETE", "USING")]:
            if rng.random() < 0.8:
                name = model.policy_name(t, verb)
                out.append(f'CREATE POLICY "{name}" ON {t.dq} FOR {cmd} TO "authenticated" '
                           f"{clause} ({cond});\n")
    if org:
        name = model.policy_name(t, "view")
        out.append(f'CREATE POLICY "{name}" ON {t.dq} FOR SELECT TO "authenticated" '
                   f'USING ("public"."is_org_member"({org}));\n')
        name = model.policy_name(t, "manage")
        out.append(f'CREATE POLICY "{name}" ON {t.dq} TO "authenticated" USING '
                   f'("public"."has_org_role"({org}, ARRAY[\'owner\'::"public"."member_role", '
                   f'\'admin\'::"public"."member_role"]));\n')
    if rng.random() < 0.3:
        name = model.policy_name(t, "manage")
        out.append(f'CREATE POLICY "{name}" ON {t.dq} TO "service_role" USING (true) '
                   "WITH CHECK (true);\n")
    return out


def baseline(model, rng, n_tables, n_enums):
    """The baseline's SQL; registers everything it creates in the model."""
    out = [HEADER]
    for s in model.schemas:
        if s != "public":
            out.append(f'CREATE SCHEMA IF NOT EXISTS "{s}";\n\nALTER SCHEMA "{s}" OWNER TO "postgres";\n\n')
    out.append("COMMENT ON SCHEMA \"public\" IS 'standard public schema';\n\n")
    for ext in ["pg_trgm", "pgcrypto", "uuid-ossp"]:
        out.append(f'CREATE EXTENSION IF NOT EXISTS "{ext}" WITH SCHEMA "extensions";\n\n')
    # Enums.
    model.enums.append(Enum("public", "member_role", ["owner", "admin", "member", "viewer"]))
    model.names["member_role"] = True
    for _ in range(n_enums):
        schema = "public" if rng.random() < 0.8 else rng.choice(model.schemas)
        name = model.fresh(f"{rng.choice(words.PREFIXES)}_status", model.names)
        vals = rng.sample(["draft", "pending", "active", "paused", "archived", "failed",
                           "completed", "cancelled", "scheduled", "expired"], rng.randint(3, 6))
        model.enums.append(Enum(schema, name, vals))
    for e in model.enums:
        vals = ", ".join(f"'{v}'" for v in e.values)
        out.append(f'CREATE TYPE "{e.schema}"."{e.name}" AS ENUM (\n    {vals}\n);\n\n'
                   f'ALTER TYPE "{e.schema}"."{e.name}" OWNER TO "postgres";\n\n')
    # Tables (planned first: pg_dump prints functions before tables).
    tables, fks, uniques = core_tables(model)
    for _ in range(max(0, n_tables - len(tables))):
        schema = "public" if rng.random() < 0.7 else rng.choice(model.schemas)
        t, f = ddl.plan_table(model, rng, schema, tables, identity=rng.random() < 0.15)
        tables.append(t)
        fks[t.name] = f
        uniques[t.name] = []
    model.tables.extend(tables)
    funcs, fsql = helper_functions(model)
    for t in tables[4:]:
        if rng.random() < 0.9:
            f, sql = ddl.rpc_function(model, rng, t, dump=True)
            funcs.append(f)
            fsql.append(sql)
    model.functions.extend(funcs)
    for f, sql in zip(funcs, fsql):
        out.append(sql + "\n")
        out.append(f'ALTER FUNCTION {dump_sig(f)} OWNER TO "postgres";\n\n')
        if rng.random() < 0.4:
            out.append(f"COMMENT ON FUNCTION {dump_sig(f)} IS '{ddl.comment_text(rng, f.name)}';\n\n")
    out.append("SET default_tablespace = '';\n\nSET default_table_access_method = \"heap\";\n\n")
    for t in tables:
        out.append(table_sql(model, rng, t))
    for t in tables:
        out.append(keys_sql(model, rng, t, uniques[t.name]))
    for t in tables:
        out.append(indexes_sql(model, rng, t))
    for t in tables:
        if t.has("updated_at"):
            t.triggers.append("set_updated_at")
            out.append(f'CREATE OR REPLACE TRIGGER "set_updated_at" BEFORE UPDATE ON {t.dq} '
                       'FOR EACH ROW EXECUTE FUNCTION "public"."handle_updated_at"();\n\n')
    for t in tables:
        for col, ref, on_delete in fks[t.name]:
            target = '"auth"."users"' if ref is None else ref.dq
            name = model.fresh(f"{t.name}_{col}_fkey")
            out.append(f'ALTER TABLE ONLY {t.dq}\n    ADD CONSTRAINT "{name}" FOREIGN KEY ("{col}") '
                       f'REFERENCES {target}("id") ON DELETE {on_delete.upper()};\n\n')
            t.droppable.append((name, "fk"))
    for t in tables:
        out.extend(p + "\n" for p in dump_policies(model, rng, t))
    for t in tables:
        out.append(f"ALTER TABLE {t.dq} ENABLE ROW LEVEL SECURITY;\n\n")
    out.append('ALTER PUBLICATION "supabase_realtime" OWNER TO "postgres";\n\n')
    for t in rng.sample(tables, min(5, len(tables))):
        out.append(f'ALTER PUBLICATION "supabase_realtime" ADD TABLE ONLY {t.dq};\n\n')
    out.append(grants_sql(model, tables, funcs))
    sigs = [f.sig for f in funcs if f.kind == "rpc"]
    if sigs:
        half = len(sigs) // 2
        out.append(plpgsql.foreach_signatures(sigs[:half] + ["public.removed_helper(uuid)"],
                                              sigs[half:] + ["public.has_org_role(uuid, public.member_role[])"]))
        out.append("\n")
    out.append("RESET ALL;\n")
    return "".join(out)


def dump_sig(f):
    args = ", ".join(ddl.dump_type(a[:-2]) + "[]" if a.endswith("[]") else ddl.dump_type(a)
                     for a in f.args)
    return f'"{f.schema}"."{f.name}"({args})'


def table_sql(model, rng, t):
    cols = ",\n".join("    " + ddl.column_sql(c, dump=True) for c in t.cols)
    out = [f"CREATE TABLE IF NOT EXISTS {t.dq} (\n{cols}\n);\n\n",
           f'ALTER TABLE {t.dq} OWNER TO "postgres";\n\n']
    if rng.random() < 0.6:
        out.append(f"COMMENT ON TABLE {t.dq} IS '{ddl.comment_text(rng, t.name)}';\n\n")
    for c in rng.sample(t.cols, min(len(t.cols), rng.randint(0, 3))):
        out.append(f"COMMENT ON COLUMN {t.dq}.\"{c.name}\" IS '{ddl.comment_text(rng, c.name)}';\n\n")
    if t.pk == "bigint":
        seq = model.fresh(f"{t.name}_id_seq")
        out.append(f'ALTER TABLE {t.dq} ALTER COLUMN "id" ADD GENERATED BY DEFAULT AS IDENTITY (\n'
                   f'    SEQUENCE NAME "{t.schema}"."{seq}"\n    START WITH 1\n    INCREMENT BY 1\n'
                   "    NO MINVALUE\n    NO MAXVALUE\n    CACHE 1\n);\n\n")
    return "".join(out)


def keys_sql(model, rng, t, uniques):
    model.relnames[f"{t.name}_pkey"] = True
    if rng.random() < 0.05:
        out = [plpgsql.pk_guard(t) + "\n"]
    else:
        out = [f'ALTER TABLE ONLY {t.dq}\n    ADD CONSTRAINT "{t.name}_pkey" PRIMARY KEY ("id");\n\n']
    if uniques:
        name = model.fresh(f"{t.name}_{'_'.join(uniques)}_key")
        cols = ", ".join(f'"{c}"' for c in uniques)
        out.append(f'ALTER TABLE ONLY {t.dq}\n    ADD CONSTRAINT "{name}" UNIQUE ({cols});\n\n')
    return "".join(out)


def indexes_sql(model, rng, t):
    out = []
    key = t.org or t.owner
    if key and key != "id":
        name = model.fresh(f"idx_{t.name}_{key}")
        out.append(f'CREATE INDEX "{name}" ON {t.dq} USING "btree" ("{key}");\n\n')
    if rng.random() < 0.5:
        name = model.fresh(f"idx_{t.name}_created_at")
        out.append(f'CREATE INDEX "{name}" ON {t.dq} USING "btree" ("created_at" DESC);\n\n')
    for c in t.cols:
        if c.type == "jsonb" and not c.pinned and rng.random() < 0.3:
            c.pinned = True
            name = model.fresh(f"idx_{t.name}_{c.name}_gin")
            out.append(f'CREATE INDEX "{name}" ON {t.dq} USING "gin" ("{c.name}");\n\n')
        elif c.type == "text" and not c.pinned and rng.random() < 0.1:
            c.pinned = True
            name = model.fresh(f"idx_{t.name}_{c.name}_trgm")
            out.append(f'CREATE INDEX "{name}" ON {t.dq} USING "gin" ("{c.name}" '
                       '"extensions"."gin_trgm_ops");\n\n')
    return "".join(out)


def grants_sql(model, tables, funcs):
    out = []
    for s in model.schemas:
        for r in ["postgres"] + ROLES:
            out.append(f'GRANT USAGE ON SCHEMA "{s}" TO "{r}";\n')
        out.append("\n")
    for f in funcs:
        for r in ROLES:
            out.append(f'GRANT ALL ON FUNCTION {dump_sig(f)} TO "{r}";\n')
        out.append("\n")
    for t in tables:
        for r in ROLES:
            out.append(f'GRANT ALL ON TABLE {t.dq} TO "{r}";\n')
        out.append("\n")
    for what in ["SEQUENCES", "FUNCTIONS", "TABLES"]:
        for r in ["postgres"] + ROLES:
            out.append(f'ALTER DEFAULT PRIVILEGES FOR ROLE "postgres" IN SCHEMA "public" '
                       f'GRANT ALL ON {what} TO "{r}";\n')
        out.append("\n")
    return "".join(out)
