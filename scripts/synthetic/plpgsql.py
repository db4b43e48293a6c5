"""`DO` blocks as real histories write them: guards reading information_schema / pg_catalog
(with joins), `EXCEPTION WHEN duplicate_object`, and loops — `FOR r IN SELECT … LOOP EXECUTE
format(…)`, `FOREACH … IN ARRAY`, `WHILE`, `LOOP … EXIT WHEN`, loops over `pg_proc` signatures.
Each function returns SQL text and updates the model as PostgreSQL would."""

from . import ddl


def guard_add_column(model, rng, t):
    c = ddl.new_column(model, t, rng, enum_ok=False)
    t.cols.append(c)
    if rng.random() < 0.5:
        cond = (f"select 1 from information_schema.columns\n"
                f"    where table_schema = '{t.schema}' and table_name = '{t.name}'"
                f" and column_name = '{c.name}'")
    else:
        cond = ("select 1\n    from information_schema.columns c\n"
                "    join information_schema.tables t\n"
                "      on t.table_schema = c.table_schema and t.table_name = c.table_name\n"
                f"    where t.table_type = 'BASE TABLE' and c.table_schema = '{t.schema}'\n"
                f"      and c.table_name = '{t.name}' and c.column_name = '{c.name}'")
    return (f"do $$\nbegin\n  if not exists (\n    {cond}\n  ) then\n"
            f"    alter table {t.q} add column {ddl.column_sql(c)};\n  end if;\nend $$;\n")


def guard_create_enum(model, rng, e):
    vals = ", ".join(f"'{v}'" for v in e.values)
    if rng.random() < 0.5:
        return (f"do $$ begin\n  create type {e.q} as enum ({vals});\n"
                "exception\n  when duplicate_object then null;\nend $$;\n")
    return ("DO $$\nBEGIN\n  IF NOT EXISTS (\n    SELECT 1 FROM pg_type t\n"
            "    JOIN pg_namespace n ON n.oid = t.typnamespace\n"
            f"    WHERE t.typname = '{e.name}' AND n.nspname = '{e.schema}'\n  ) THEN\n"
            f"    CREATE TYPE {e.q} AS ENUM ({vals});\n  END IF;\nEND\n$$;\n")


def guard_add_fk(t, name, col, ref, on_delete):
    return ("do $$\nbegin\n  if not exists (\n    select 1 from pg_constraint c\n"
            "    join pg_class r on r.oid = c.conrelid\n"
            "    join pg_namespace n on n.oid = r.relnamespace\n"
            f"    where c.conname = '{name}' and r.relname = '{t.name}'"
            f" and n.nspname = '{t.schema}'\n  ) then\n"
            f"    alter table {t.q}\n      add constraint {name} foreign key ({col})\n"
            f"      references {ref} (id) on delete {on_delete} not valid;\n"
            "  end if;\nend $$;\n")


def guard_index(t, name, cols, where):
    return ("DO $$\nBEGIN\n  IF EXISTS (\n    SELECT 1 FROM information_schema.tables\n"
            f"    WHERE table_schema = '{t.schema}'\n    AND table_name = '{t.name}'\n  ) THEN\n"
            f"    CREATE INDEX IF NOT EXISTS {name}\n      ON {t.q}({cols}){where};\n\n"
            f"    RAISE NOTICE 'Created index: {name}';\n  ELSE\n"
            f"    RAISE NOTICE 'Skipped: {t.name} table does not exist';\n  END IF;\nEND $$;\n")


def guard_rls(t):
    return (f"do $$\nbegin\n  if to_regclass('{t.q}') is not null then\n"
            f"    alter table {t.q} enable row level security;\n  end if;\nend $$;\n")


def pk_guard(t):
    """pg_dump baseline squashed from migrations (Cap-go): the primary key added by a guard that
    reads pg_constraint into variables."""
    return f"""DO $$
DECLARE
  existing_name "text";
  existing_definition "text";
BEGIN
  SELECT
    "conname",
    "pg_catalog"."pg_get_constraintdef"("oid", true)
  INTO existing_name, existing_definition
  FROM "pg_catalog"."pg_constraint"
  WHERE "conrelid" = '{t.q}'::"regclass"
    AND "contype" = 'p';

  IF existing_name IS NULL THEN
    ALTER TABLE {t.dq}
      ADD CONSTRAINT "{t.name}_pkey" PRIMARY KEY ("id");
  ELSIF existing_name <> '{t.name}_pkey' THEN
    RAISE EXCEPTION '{t.name} primary key conflicts with expected {t.name}_pkey (id): % %',
      existing_name, existing_definition;
  END IF;
END;
$$;
"""


def guard_policy(t, name, body):
    return ("do $$\nbegin\n  if not exists (\n    select 1 from pg_policies\n"
            f"    where schemaname = '{t.schema}' and tablename = '{t.name}'"
            f" and policyname = '{name}'\n  ) then\n    {body}\n  end if;\nend\n$$;\n")


def guard_rename_policy(t, old, new):
    return ("DO $$\nBEGIN\n  IF EXISTS (\n    SELECT 1\n    FROM pg_catalog.pg_policies\n"
            f"    WHERE schemaname = '{t.schema}'\n      AND tablename = '{t.name}'\n"
            f"      AND policyname = '{old}'\n  ) THEN\n"
            f'    ALTER POLICY "{old}" ON {t.q} RENAME TO "{new}";\n  END IF;\nEND;\n$$;\n')


def schema_array(schemas):
    return "array[" + ", ".join(f"'{s}'" for s in schemas) + "]"


def loop_updated_at_triggers(model, schemas):
    """FOR over information_schema.columns JOIN information_schema.tables, EXECUTE format."""
    for t in model.tables:
        if t.schema in schemas and t.has("updated_at") and "set_updated_at" not in t.triggers:
            t.triggers.append("set_updated_at")
    return f"""do $$
declare
  r record;
begin
  for r in
    select c.table_schema, c.table_name
    from information_schema.columns c
    join information_schema.tables t
      on t.table_schema = c.table_schema
     and t.table_name = c.table_name
    where c.column_name = 'updated_at'
      and t.table_type = 'BASE TABLE'
      and c.table_schema = any ({schema_array(schemas)})
    order by 1, 2
  loop
    execute format('drop trigger if exists set_updated_at on %I.%I', r.table_schema, r.table_name);
    execute format(
      'create trigger set_updated_at before update on %I.%I for each row execute function public.handle_updated_at()',
      r.table_schema, r.table_name
    );
  end loop;
end $$;
"""


def loop_move_schema(tables, target):
    """FOREACH over an array of names, EXECUTE format(... SET SCHEMA ...)."""
    names = ", ".join(f"'{t.name}'" for t in tables)
    for t in tables:
        t.schema = target
    return f"""DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY[{names}] LOOP
    EXECUTE format('ALTER TABLE public.%I SET SCHEMA {target}', t);
  END LOOP;
END $$;
"""


def loop_grants(schema):
    """FOR over pg_tables: grants and row level security on every table of a schema."""
    return f"""do $$
declare
  r record;
begin
  for r in select tablename from pg_tables where schemaname = '{schema}' loop
    execute format('grant select, insert, update, delete on %I.%I to authenticated', '{schema}', r.tablename);
    execute format('grant all on %I.%I to service_role', '{schema}', r.tablename);
    execute 'alter table ' || quote_ident('{schema}') || '.' || quote_ident(r.tablename) || ' enable row level security';
  end loop;
end
$$;
"""


def loop_drop_overloads(name):
    """FOR over pg_proc: drop every overload of a function before re-creating it."""
    return f"""DO $$
DECLARE
    r RECORD;
BEGIN
    FOR r IN
        SELECT oid::regprocedure AS sig
        FROM pg_proc
        WHERE proname = '{name}'
          AND pronamespace = 'public'::regnamespace
    LOOP
        EXECUTE 'DROP FUNCTION IF EXISTS ' || r.sig || ' CASCADE';
    END LOOP;
END $$;
"""


def loop_secdef_grants():
    """FOR over pg_proc JOIN pg_namespace: revoke execute on security definer functions."""
    return """do $$
declare
  r record;
begin
  for r in
    select p.oid::regprocedure as sig
    from pg_proc p
    join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'public' and p.prosecdef
  loop
    execute format('revoke execute on function %s from anon', r.sig);
    execute format('grant execute on function %s to authenticated, service_role', r.sig);
  end loop;
end $$;
"""


def foreach_signatures(service_only, auth_only):
    """Cap-go's privilege hardening: FOREACH over signature strings, to_regprocedure, CONTINUE."""
    def arr(sigs):
        return "ARRAY[\n" + ",\n".join(f"    '{s}'" for s in sigs) + "\n  ]"
    return f"""DO $$
DECLARE
  service_only text[] := {arr(service_only)};
  auth_only text[] := {arr(auth_only)};
  proc text;
  proc_oid regprocedure;
BEGIN
  FOREACH proc IN ARRAY service_only LOOP
    proc_oid := to_regprocedure(proc);
    IF proc_oid IS NULL THEN
      RAISE NOTICE 'skip missing service-only proc %', proc;
      CONTINUE;
    END IF;
    EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', proc_oid);
    EXECUTE format('REVOKE ALL ON FUNCTION %s FROM anon', proc_oid);
    EXECUTE format('REVOKE ALL ON FUNCTION %s FROM authenticated', proc_oid);
    EXECUTE format('GRANT ALL ON FUNCTION %s TO service_role', proc_oid);
  END LOOP;

  FOREACH proc IN ARRAY auth_only LOOP
    proc_oid := to_regprocedure(proc);
    IF proc_oid IS NULL THEN
      RAISE NOTICE 'skip missing auth-only proc %', proc;
      CONTINUE;
    END IF;
    EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', proc_oid);
    EXECUTE format('REVOKE ALL ON FUNCTION %s FROM anon', proc_oid);
    EXECUTE format('GRANT ALL ON FUNCTION %s TO authenticated', proc_oid);
  END LOOP;
END;
$$;
"""


def loop_retype_timestamps(model, schemas):
    """FOR over information_schema JOIN, EXECUTE format(ALTER COLUMN … TYPE): shapes the schema."""
    for t in model.tables:
        if t.schema in schemas:
            for c in t.cols:
                if c.type == "timestamp":
                    c.type = "timestamptz"
    return f"""do $$
declare
  r record;
begin
  for r in
    select c.table_schema, c.table_name, c.column_name
    from information_schema.columns c
    join information_schema.tables t using (table_schema, table_name)
    where t.table_type = 'BASE TABLE'
      and c.data_type = 'timestamp without time zone'
      and c.table_schema = any ({schema_array(schemas)})
  loop
    raise notice 'converting %.%.% to timestamptz', r.table_schema, r.table_name, r.column_name;
    execute format(
      'alter table %I.%I alter column %I type timestamptz using %I at time zone ''UTC''',
      r.table_schema, r.table_name, r.column_name, r.column_name
    );
  end loop;
end $$;
"""


def hash_partitions(parent, n):
    """LOOP … EXIT WHEN with a counter: hash partitions of a partitioned table."""
    return f"""do $$
declare
  i integer := 0;
begin
  loop
    exit when i >= {n};
    execute format(
      'create table if not exists {parent.schema}.%I partition of {parent.q} for values with (modulus {n}, remainder %s)',
      '{parent.name}_p' || i, i
    );
    i := i + 1;
  end loop;
end $$;
"""


def month_partitions(parent, year, months):
    """WHILE over dates: monthly range partitions."""
    return f"""DO $$
DECLARE
  d date := date '{year}-01-01';
  stop date := date '{year}-01-01' + interval '{months} months';
  part text;
BEGIN
  WHILE d < stop LOOP
    part := '{parent.name}_' || to_char(d, 'YYYY_MM');
    EXECUTE format(
      'CREATE TABLE IF NOT EXISTS {parent.schema}.%I PARTITION OF {parent.q} FOR VALUES FROM (%L) TO (%L)',
      part, d, (d + interval '1 month')::date
    );
    d := (d + interval '1 month')::date;
  END LOOP;
END $$;
"""
