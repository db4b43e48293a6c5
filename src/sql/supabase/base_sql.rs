//! What the SQL of a fresh Supabase project needs besides [`super::base_catalog`], for
//! `schemagen supabase-base` (a database built from the repository alone, without the shared
//! prelude): the roles, the definitions of the functions the catalog only names, and the
//! publication, grants and role settings migrations rely on.
//!
//! The signatures are those of the prelude's functions (`pg_get_function_arguments` /
//! `pg_get_function_result` on a database holding `shared/supabase/prelude.sql`;
//! `tests/supabase_base.rs` compares them when the shared folder is there). The bodies of
//! `auth.uid()`, `auth.role()`, `auth.email()`, `auth.jwt()`, `realtime.topic()` and
//! `storage.foldername()`/`filename()`/`extension()` are Supabase's; the others are stand-ins that
//! return nothing (`NULL`, no rows, the row unchanged for triggers).

/// Supabase's roles and their attributes (created when missing; roles are cluster-wide).
pub const ROLE_ATTRIBUTES: &[(&str, &str)] = &[
    (
        "supabase_admin",
        "SUPERUSER CREATEDB CREATEROLE REPLICATION BYPASSRLS LOGIN",
    ),
    ("anon", "NOLOGIN NOINHERIT"),
    ("authenticated", "NOLOGIN NOINHERIT"),
    ("service_role", "NOLOGIN NOINHERIT BYPASSRLS"),
    ("authenticator", "LOGIN NOINHERIT"),
    ("supabase_auth_admin", "LOGIN NOINHERIT CREATEROLE"),
    ("supabase_storage_admin", "LOGIN NOINHERIT CREATEROLE"),
    ("supabase_functions_admin", "LOGIN NOINHERIT CREATEROLE"),
    ("supabase_realtime_admin", "NOLOGIN NOINHERIT"),
    ("supabase_replication_admin", "LOGIN REPLICATION"),
    ("supabase_read_only_user", "LOGIN BYPASSRLS"),
    ("dashboard_user", "NOLOGIN CREATEDB CREATEROLE REPLICATION"),
    ("pgbouncer", "LOGIN"),
];

/// (schema, name, arguments, result, language, body) of every function of the base catalog.
pub const ROUTINES: &[(&str, &str, &str, &str, &str, &str)] = &[
    ("auth", "email", "", "text", "sql", "select coalesce(nullif(current_setting('request.jwt.claim.email', true), ''), (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email'))::text"),
    ("auth", "jwt", "", "jsonb", "sql", "select coalesce(nullif(current_setting('request.jwt.claim', true), ''), nullif(current_setting('request.jwt.claims', true), ''))::jsonb"),
    ("auth", "role", "", "text", "sql", "select coalesce(nullif(current_setting('request.jwt.claim.role', true), ''), (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role'))::text"),
    ("auth", "uid", "", "uuid", "sql", "select coalesce(nullif(current_setting('request.jwt.claim.sub', true), ''), (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub'))::uuid"),
    ("graphql_public", "graphql", "\"operationName\" text DEFAULT NULL::text, query text DEFAULT NULL::text, variables jsonb DEFAULT NULL::jsonb, extensions jsonb DEFAULT NULL::jsonb", "jsonb", "sql", "select null::jsonb"),
    ("pgbouncer", "get_auth", "p_usename text", "TABLE(username text, password text)", "sql", "select null::text, null::text where false"),
    ("realtime", "broadcast_changes", "topic_name text, event_name text, operation text, table_name text, table_schema text, new record, old record, level text DEFAULT 'ROW'::text", "void", "plpgsql", "begin end"),
    ("realtime", "send", "payload jsonb, event text, topic text, private boolean DEFAULT true", "void", "plpgsql", "begin end"),
    ("realtime", "topic", "", "text", "sql", "select nullif(current_setting('realtime.topic', true), '')::text"),
    ("storage", "allow_any_operation", "expected_operations text[]", "boolean", "sql", "select null::boolean"),
    ("storage", "allow_only_operation", "expected_operation text", "boolean", "sql", "select null::boolean"),
    ("storage", "can_insert_object", "bucketid text, name text, owner uuid, metadata jsonb", "void", "plpgsql", "begin end"),
    ("storage", "enforce_bucket_name_length", "", "trigger", "plpgsql", "begin return coalesce(new, old); end"),
    ("storage", "extension", "name text", "text", "plpgsql", "declare _parts text[]; _filename text; begin select string_to_array(name, '/') into _parts; select _parts[array_length(_parts, 1)] into _filename; return reverse(split_part(reverse(_filename), '.', 1)); end"),
    ("storage", "filename", "name text", "text", "plpgsql", "declare _parts text[]; begin select string_to_array(name, '/') into _parts; return _parts[array_length(_parts, 1)]; end"),
    ("storage", "foldername", "name text", "text[]", "plpgsql", "declare _parts text[]; begin select string_to_array(name, '/') into _parts; return _parts[1 : array_length(_parts, 1) - 1]; end"),
    ("storage", "get_common_prefix", "p_key text, p_prefix text, p_delimiter text", "text", "sql", "select null::text"),
    ("storage", "get_size_by_bucket", "", "TABLE(size bigint, bucket_id text)", "plpgsql", "begin end"),
    ("storage", "list_multipart_uploads_with_delimiter", "bucket_id text, prefix_param text, delimiter_param text, max_keys integer DEFAULT 100, next_key_token text DEFAULT ''::text, next_upload_token text DEFAULT ''::text", "TABLE(key text, id text, created_at timestamp with time zone)", "plpgsql", "begin end"),
    ("storage", "list_objects_with_delimiter", "_bucket_id text, prefix_param text, delimiter_param text, max_keys integer DEFAULT 100, start_after text DEFAULT ''::text, next_token text DEFAULT ''::text, sort_order text DEFAULT 'asc'::text", "TABLE(name text, id uuid, metadata jsonb, updated_at timestamp with time zone, created_at timestamp with time zone, last_accessed_at timestamp with time zone)", "plpgsql", "begin end"),
    ("storage", "operation", "", "text", "plpgsql", "begin return current_setting('storage.operation', true); end"),
    ("storage", "protect_delete", "", "trigger", "plpgsql", "begin return coalesce(new, old); end"),
    ("storage", "search", "prefix text, bucketname text, limits integer DEFAULT 100, levels integer DEFAULT 1, offsets integer DEFAULT 0, search text DEFAULT ''::text, sortcolumn text DEFAULT 'name'::text, sortorder text DEFAULT 'asc'::text", "TABLE(name text, id uuid, updated_at timestamp with time zone, created_at timestamp with time zone, last_accessed_at timestamp with time zone, metadata jsonb)", "plpgsql", "begin end"),
    ("storage", "search_by_timestamp", "p_prefix text, p_bucket_id text, p_limit integer, p_level integer, p_start_after text, p_sort_order text, p_sort_column text, p_sort_column_after text", "TABLE(key text, name text, id uuid, updated_at timestamp with time zone, created_at timestamp with time zone, last_accessed_at timestamp with time zone, metadata jsonb)", "plpgsql", "begin end"),
    ("storage", "search_v2", "prefix text, bucket_name text, limits integer DEFAULT 100, levels integer DEFAULT 1, start_after text DEFAULT ''::text, sort_order text DEFAULT 'asc'::text, sort_column text DEFAULT 'name'::text, sort_column_after text DEFAULT ''::text", "TABLE(key text, name text, id uuid, updated_at timestamp with time zone, created_at timestamp with time zone, last_accessed_at timestamp with time zone, metadata jsonb)", "plpgsql", "begin end"),
    ("storage", "update_updated_at_column", "", "trigger", "plpgsql", "begin new.updated_at = now(); return new; end"),
    ("supabase_functions", "http_request", "", "trigger", "plpgsql", "begin return coalesce(new, old); end"),
    ("vault", "create_secret", "new_secret text, new_name text DEFAULT NULL::text, new_description text DEFAULT ''::text, new_key_id uuid DEFAULT NULL::uuid", "uuid", "sql", "insert into vault.secrets (secret, name, description) values (new_secret, new_name, new_description) returning id"),
    ("vault", "update_secret", "secret_id uuid, new_secret text DEFAULT NULL::text, new_name text DEFAULT NULL::text, new_description text DEFAULT NULL::text, new_key_id uuid DEFAULT NULL::uuid", "void", "sql", "update vault.secrets set secret = coalesce(new_secret, secret), name = coalesce(new_name, name), description = coalesce(new_description, description) where id = secret_id"),
];

/// Before the catalog's statements: the roles (when missing) and their settings.
pub fn prologue() -> Vec<String> {
    let values: Vec<String> = ROLE_ATTRIBUTES
        .iter()
        .map(|(n, a)| format!("('{n}', '{a}')"))
        .collect();
    vec![
        format!(
            "DO $$\nDECLARE r record;\nBEGIN\n  FOR r IN SELECT * FROM (VALUES {}) AS t(name, attrs) LOOP\n    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r.name) THEN\n      EXECUTE format('CREATE ROLE %I %s', r.name, r.attrs);\n    END IF;\n  END LOOP;\nEND $$",
            values.join(", ")
        ),
        "GRANT anon, authenticated, service_role TO authenticator".into(),
        "GRANT anon, authenticated, service_role TO postgres".into(),
        "GRANT supabase_auth_admin, supabase_storage_admin, supabase_functions_admin TO postgres".into(),
        "ALTER ROLE postgres SET search_path TO \"$user\", public, extensions".into(),
        "ALTER ROLE supabase_admin SET search_path TO \"$user\", public, extensions".into(),
        // The session building the database resolves names as the reader printed them.
        "SET search_path TO public, extensions".into(),
    ]
}

/// After the catalog's statements: the publication and the schema grants of a Supabase project.
pub fn epilogue() -> Vec<String> {
    let mut out = vec![
        "CREATE PUBLICATION supabase_realtime WITH (publish = 'insert, update, delete, truncate')"
            .to_string(),
    ];
    for schema in [
        "auth",
        "extensions",
        "graphql",
        "graphql_public",
        "public",
        "realtime",
        "storage",
        "supabase_functions",
    ] {
        out.push(format!(
            "GRANT USAGE ON SCHEMA {schema} TO anon, authenticated, service_role"
        ));
    }
    out.push("GRANT USAGE ON SCHEMA vault TO service_role".into());
    out.push("RESET search_path".into());
    out
}
