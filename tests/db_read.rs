//! `read_catalog` against a real PostgreSQL 15: every IR field, read back from
//! `tests/fixtures/db_read/schema.sql`, with the values Postgres really reports.

mod common;

use std::path::Path;
use std::sync::OnceLock;

use common::pg::PgCluster;
use schemagen::catalog::{
    Catalog, CheckConstraint, Deferrable, FkAction, Identity, Index, IndexKey, IndexTarget,
    MatchType, Policy, QualifiedName, SqlType, Table,
};
use schemagen::db::read_catalog;

const FIXTURE: &str = "tests/fixtures/db_read/schema.sql";

/// The fixture database, read once for every test of this file.
fn fixture() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        let db = PgCluster::shared().create_database("db_read");
        db.psql_file(Path::new(FIXTURE))
            .unwrap_or_else(|e| panic!("{FIXTURE}: {e}"));
        read_catalog(&mut db.client()).expect("read_catalog")
    })
}

fn table(schema: &str, name: &str) -> &'static Table {
    fixture()
        .table(schema, name)
        .unwrap_or_else(|| panic!("table {schema}.{name} not read"))
}

fn index<'a>(indexes: &'a [Index], name: &str) -> &'a Index {
    indexes
        .iter()
        .find(|i| i.name == name)
        .unwrap_or_else(|| panic!("index {name} not read"))
}

fn col(name: &str) -> IndexKey {
    IndexKey {
        target: IndexTarget::Column(name.to_string()),
        ..IndexKey::default()
    }
}

#[test]
fn system_schemas_are_left_out_and_schema_comments_read() {
    let c = fixture();
    let names: Vec<&str> = c.schemas.keys().map(String::as_str).collect();
    assert_eq!(names, ["app", "public"]);
    assert_eq!(
        c.schema("app").unwrap().comment.as_deref(),
        Some("application schema")
    );
}

#[test]
fn column_types_decode_typmods_and_arrays() {
    let t = table("app", "users");
    let names: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "id",
            "email",
            "name",
            "big",
            "small",
            "amount",
            "ts",
            "plain_ts",
            "tags",
            "matrix",
            "mood",
            "moods",
            "score",
            "flags",
            "vb",
            "ch",
            "iv",
            "tt",
            "lower_email",
            "created"
        ],
        "attnum order, dropped column left out"
    );
    let ty = |name: &str| t.column(name).unwrap().ty.clone();
    let b = SqlType::builtin;
    assert_eq!(ty("id"), b("int4"));
    assert_eq!(ty("email"), b("varchar").with_modifiers(vec![255]));
    assert_eq!(ty("big"), b("int8"));
    assert_eq!(ty("small"), b("int2"));
    assert_eq!(ty("amount"), b("numeric").with_modifiers(vec![10, 2]));
    assert_eq!(ty("ts"), b("timestamptz").with_modifiers(vec![3]));
    assert_eq!(ty("plain_ts"), b("timestamp"));
    assert_eq!(ty("tags"), b("text").with_array_dims(1));
    assert_eq!(ty("matrix"), b("int4").with_array_dims(2));
    assert_eq!(ty("mood"), SqlType::in_schema("app", "mood"));
    assert_eq!(
        ty("moods"),
        SqlType::in_schema("app", "mood").with_array_dims(1)
    );
    assert_eq!(ty("score"), SqlType::in_schema("app", "posint"));
    assert_eq!(ty("flags"), b("bit").with_modifiers(vec![8]));
    assert_eq!(ty("vb"), b("varbit").with_modifiers(vec![16]));
    assert_eq!(ty("ch"), b("bpchar").with_modifiers(vec![2]));
    assert_eq!(ty("iv"), b("interval").with_modifiers(vec![2]));
    assert_eq!(ty("tt"), b("timetz").with_modifiers(vec![0]));
    assert_eq!(ty("created"), b("date"));
    assert_eq!(ty("email").format(true), "character varying(255)");
}

#[test]
fn defaults_are_pg_get_expr_text() {
    let users = table("app", "users");
    let default = |t: &Table, c: &str| t.column(c).unwrap().default.clone();
    // `app` is not on the reader's search_path, so its names come out qualified.
    assert_eq!(
        default(users, "id").as_deref(),
        Some("nextval('app.users_id_seq'::regclass)")
    );
    assert_eq!(
        default(users, "email").as_deref(),
        Some("'x'::character varying")
    );
    assert_eq!(default(users, "amount").as_deref(), Some("1.50"));
    assert_eq!(default(users, "ts").as_deref(), Some("now()"));
    assert_eq!(default(users, "tags").as_deref(), Some("'{}'::text[]"));
    assert_eq!(default(users, "mood").as_deref(), Some("'happy'::app.mood"));
    assert_eq!(default(users, "created").as_deref(), Some("CURRENT_DATE"));
    assert_eq!(default(users, "name"), None);
    let notes = table("public", "notes");
    assert_eq!(
        default(notes, "n").as_deref(),
        Some("nextval('notes_n_seq'::regclass)")
    );
    assert_eq!(default(notes, "id").as_deref(), Some("gen_random_uuid()"));
    assert_eq!(
        default(notes, "body").as_deref(),
        Some("'x'::character varying")
    );
}

#[test]
fn identity_generated_not_null_collation_and_comments() {
    let t = table("app", "users");
    let c = |name: &str| t.column(name).unwrap();
    assert_eq!(c("big").identity, Some(Identity::Always));
    assert_eq!(c("small").identity, Some(Identity::ByDefault));
    assert_eq!(c("id").identity, None);
    assert!(c("big").not_null && c("big").default.is_none());
    assert_eq!(
        c("lower_email").generated.as_deref(),
        Some("lower((email)::text)")
    );
    assert_eq!(c("lower_email").default, None);
    assert!(c("email").not_null);
    assert!(!c("amount").not_null);
    assert_eq!(c("name").collation.as_deref(), Some("C"));
    assert_eq!(c("email").collation, None);
    assert_eq!(
        table("public", "notes")
            .column("body")
            .unwrap()
            .collation
            .as_deref(),
        Some("C")
    );
    assert_eq!(c("email").comment.as_deref(), Some("login"));
    assert_eq!(c("name").comment, None);
    assert_eq!(t.comment.as_deref(), Some("people"));
}

#[test]
fn primary_keys_and_uniques() {
    let users = table("app", "users");
    let pk = users.primary_key.as_ref().unwrap();
    assert_eq!(
        (pk.name.as_str(), pk.columns.as_slice()),
        ("users_pkey", &["id".to_string()][..])
    );
    assert_eq!(pk.deferrable, Deferrable::NotDeferrable);
    assert_eq!(users.uniques.len(), 1);
    assert_eq!(users.uniques[0].name, "users_email_key");
    assert!(!users.uniques[0].nulls_not_distinct);

    let posts = table("app", "posts");
    let pk = posts.primary_key.as_ref().unwrap();
    assert_eq!(pk.name, "posts_pkey");
    assert_eq!(pk.deferrable, Deferrable::InitiallyDeferred);
    let u = &posts.uniques[0];
    assert_eq!(u.name, "posts_user_title");
    assert_eq!(u.columns, ["user_id", "title"]);
    assert_eq!(u.include, ["body"]);
    assert!(u.nulls_not_distinct);
    assert_eq!(u.deferrable, Deferrable::InitiallyImmediate);
}

#[test]
fn foreign_keys() {
    let posts = table("app", "posts");
    let names: Vec<&str> = posts.foreign_keys.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["posts_user_full", "posts_user_id_fkey"], "by name");
    let full = &posts.foreign_keys[0];
    assert_eq!(full.references, QualifiedName::new("app", "users"));
    assert_eq!(full.columns, ["user_id"]);
    assert_eq!(full.referenced_columns, ["id"]);
    assert_eq!(full.match_type, MatchType::Full);
    assert!(!full.validated);
    assert_eq!(
        (full.on_delete, full.on_update),
        (FkAction::NoAction, FkAction::NoAction)
    );
    let fk = &posts.foreign_keys[1];
    assert_eq!(fk.on_delete, FkAction::Cascade);
    assert_eq!(fk.on_update, FkAction::SetNull);
    assert_eq!(fk.deferrable, Deferrable::InitiallyDeferred);
    assert_eq!(fk.match_type, MatchType::Simple);
    assert!(fk.validated);
    let notes = table("public", "notes");
    assert_eq!(
        notes.foreign_keys[0].references,
        QualifiedName::new("app", "users"),
        "cross-schema reference"
    );
}

#[test]
fn checks_and_exclusions() {
    let posts = table("app", "posts");
    let check = |name: &str, expression: &str, validated: bool, no_inherit: bool| CheckConstraint {
        name: name.into(),
        expression: expression.into(),
        validated,
        no_inherit,
    };
    assert_eq!(
        posts.checks,
        [
            check("posts_body_check", "(body IS NOT NULL)", false, false),
            check("posts_positive", "(id > 0)", true, true),
            check("posts_title_len", "(char_length(title) < 100)", true, false),
        ]
    );
    let booking = table("app", "booking");
    assert_eq!(booking.exclusions.len(), 1);
    assert_eq!(booking.exclusions[0].name, "booking_during_excl");
    assert_eq!(
        booking.exclusions[0].definition,
        "EXCLUDE USING gist (during WITH &&)"
    );
    assert!(
        booking.indexes.is_empty(),
        "the exclusion's index is not listed"
    );
}

#[test]
fn indexes_not_backing_constraints() {
    let posts = table("app", "posts");
    let names: Vec<&str> = posts.indexes.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "posts_coll",
            "posts_expr",
            "posts_gin",
            "posts_incl",
            "posts_nnd",
            "posts_title_partial"
        ],
        "sorted by name; posts_pkey and posts_user_title back constraints"
    );
    let partial = index(&posts.indexes, "posts_title_partial");
    assert_eq!(partial.predicate.as_deref(), Some("(title IS NOT NULL)"));
    assert_eq!(partial.method, "btree");
    assert!(!partial.unique);

    let expr = index(&posts.indexes, "posts_expr");
    assert_eq!(
        expr.keys,
        [
            IndexKey {
                target: IndexTarget::Expression("lower(title)".into()),
                descending: true,
                nulls_first: false,
                ..IndexKey::default()
            },
            IndexKey {
                nulls_first: true,
                ..col("id")
            },
        ]
    );
    assert!(expr.keys[1].has_non_default_nulls_order());

    let gin = index(&posts.indexes, "posts_gin");
    assert_eq!(gin.method, "gin");
    assert_eq!(
        gin.keys,
        [IndexKey {
            opclass: Some("jsonb_path_ops".into()),
            ..col("body")
        }]
    );
    assert_eq!(gin.comment.as_deref(), Some("json search"));

    let incl = index(&posts.indexes, "posts_incl");
    assert!(incl.unique);
    assert_eq!(incl.keys, [col("id")]);
    assert_eq!(incl.include, ["title", "body"]);

    let coll = index(&posts.indexes, "posts_coll");
    assert_eq!(
        coll.keys,
        [IndexKey {
            collation: Some("C".into()),
            ..col("title")
        }]
    );
    let nnd = index(&posts.indexes, "posts_nnd");
    assert!(nnd.unique && nnd.nulls_not_distinct);
    assert!(!incl.nulls_not_distinct);

    let trgm = index(&table("app", "users").indexes, "users_name_trgm");
    assert_eq!(trgm.keys[0].opclass.as_deref(), Some("gin_trgm_ops"));
    assert_eq!(trgm.keys[0].collation, None, "the column's own collation");
}

#[test]
fn row_level_security_and_policies() {
    let posts = table("app", "posts");
    assert!(posts.rls_enabled && posts.rls_forced);
    let users = table("app", "users");
    assert!(!users.rls_enabled && !users.rls_forced);
    let policy = |name: &str,
                  permissive: bool,
                  command: &str,
                  roles: &[&str],
                  using: Option<&str>,
                  with_check: Option<&str>| Policy {
        name: name.into(),
        permissive,
        command: command.into(),
        roles: roles.iter().map(|r| r.to_string()).collect(),
        using: using.map(Into::into),
        with_check: with_check.map(Into::into),
    };
    assert_eq!(
        posts.policies,
        [
            policy("del", true, "delete", &["public"], Some("false"), None),
            policy(
                "ins",
                false,
                "insert",
                &["public"],
                None,
                Some("(title <> ''::text)")
            ),
            policy(
                "owner can read",
                true,
                "select",
                &["pg_monitor", "pg_read_all_data"],
                Some("(user_id = 1)"),
                None
            ),
            policy(
                "upd",
                true,
                "update",
                &["public"],
                Some("true"),
                Some("(id > 0)")
            ),
        ]
    );
}

#[test]
fn enums_domains_and_composites() {
    let app = fixture().schema("app").unwrap();
    let mood = &app.enums["mood"];
    assert_eq!(
        mood.values,
        ["ecstatic", "happy", "meh", "sad"],
        "enumsortorder"
    );
    assert_eq!(mood.comment.as_deref(), Some("how it feels"));

    let posint = &app.domains["posint"];
    assert_eq!(posint.base, SqlType::builtin("int4"));
    assert!(posint.not_null);
    assert_eq!(posint.default.as_deref(), Some("1"));
    assert_eq!(posint.checks.len(), 1);
    assert_eq!(posint.checks[0].name, "posint_positive");
    assert_eq!(posint.checks[0].expression, "(VALUE > 0)");
    let codes = &app.domains["codes"];
    assert_eq!(
        codes.base,
        SqlType::builtin("varchar")
            .with_modifiers(vec![5])
            .with_array_dims(1)
    );
    assert!(!codes.not_null && codes.default.is_none() && codes.checks.is_empty());

    let pair = &app.composites["pair"];
    assert_eq!(
        pair.attributes,
        [
            ("x".to_string(), SqlType::builtin("int4")),
            (
                "label".to_string(),
                SqlType::builtin("varchar").with_modifiers(vec![10])
            ),
            (
                "tags".to_string(),
                SqlType::builtin("text").with_array_dims(1)
            ),
        ]
    );
    assert!(!app.tables.contains_key("pair") && !app.views.contains_key("pair"));
}

#[test]
fn views_and_materialized_views() {
    let app = fixture().schema("app").unwrap();
    let v = &app.views["user_emails"];
    assert!(!v.materialized);
    assert_eq!(
        v.definition,
        " SELECT users.id,\n    users.email\n   FROM app.users\n  WHERE (users.id > 0);"
    );
    assert_eq!(v.options, ["security_invoker=true"]);
    assert_eq!(v.comment.as_deref(), Some("a view"));
    let cols: Vec<(&str, &SqlType)> = v.columns.iter().map(|c| (c.name.as_str(), &c.ty)).collect();
    assert_eq!(
        cols,
        [
            ("id", &SqlType::builtin("int4")),
            (
                "email",
                &SqlType::builtin("varchar").with_modifiers(vec![255])
            ),
        ]
    );
    assert!(v.indexes.is_empty());

    let mv = &app.views["post_counts"];
    assert!(mv.materialized);
    assert_eq!(
        mv.definition,
        " SELECT posts.user_id,\n    count(*) AS n\n   FROM app.posts\n  GROUP BY posts.user_id;"
    );
    assert_eq!(mv.columns[1].name, "n");
    assert_eq!(mv.columns[1].ty, SqlType::builtin("int8"));
    assert_eq!(mv.indexes.len(), 1);
    assert_eq!(mv.indexes[0].name, "post_counts_user");
    assert!(mv.indexes[0].unique);
    assert_eq!(mv.indexes[0].keys, [col("user_id")]);
}

#[test]
fn sequences_and_their_owners() {
    let app = fixture().schema("app").unwrap();
    let names: Vec<&str> = app.sequences.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "counter",
            "owned",
            "users_big_seq",
            "users_id_seq",
            "users_small_seq"
        ]
    );
    let counter = &app.sequences["counter"];
    assert_eq!(counter.data_type, "integer");
    assert_eq!(
        (
            counter.start,
            counter.increment,
            counter.min_value,
            counter.max_value,
            counter.cache
        ),
        (20, 5, 10, 1000, 3)
    );
    assert!(counter.cycle);
    assert_eq!(counter.owned_by, None);
    let owner = |s: &str| app.sequences[s].owned_by.clone();
    let pair = |t: &str, c: &str| Some((t.to_string(), c.to_string()));
    assert_eq!(owner("owned"), pair("posts", "id"), "OWNED BY (deptype a)");
    assert_eq!(
        owner("users_id_seq"),
        pair("users", "id"),
        "serial (deptype a)"
    );
    assert_eq!(
        owner("users_big_seq"),
        pair("users", "big"),
        "identity (deptype i)"
    );
    let small = &app.sequences["users_small_seq"];
    assert_eq!(
        (small.data_type.as_str(), small.start, small.max_value),
        ("smallint", 7, 32767)
    );
    let big = &app.sequences["users_big_seq"];
    assert_eq!(
        (big.data_type.as_str(), big.max_value),
        ("bigint", i64::MAX)
    );
    assert!(!big.cycle);
    let public = fixture().schema("public").unwrap();
    assert_eq!(public.sequences["notes_n_seq"].owned_by, pair("notes", "n"));
}

#[test]
fn partitions_and_inheritance() {
    let measure = table("app", "measure");
    assert_eq!(measure.partition_by.as_deref(), Some("RANGE (at)"));
    assert!(!measure.is_partition && measure.inherits.is_empty());
    assert_eq!(index(&measure.indexes, "measure_id_idx").keys, [col("id")]);
    let part = table("app", "measure_2024");
    assert_eq!(index(&part.indexes, "measure_2024_id_idx").method, "btree");
    assert!(part.is_partition);
    assert_eq!(part.partition_by, None);
    assert_eq!(part.inherits, [QualifiedName::new("app", "measure")]);
    let child = table("app", "child");
    assert!(!child.is_partition);
    assert_eq!(child.inherits, [QualifiedName::new("app", "base")]);
    let names: Vec<&str> = child.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["a", "b"]);
}

#[test]
fn partition_constraint_clones() {
    let fk_names = |t: &str| -> Vec<String> {
        table("app", t)
            .foreign_keys
            .iter()
            .map(|f| f.name.clone())
            .collect()
    };
    // Postgres also stores `reading_m_id_m_at_fkey1` (reading → measure_2024); it is internal.
    assert_eq!(fk_names("reading"), ["reading_m_id_m_at_fkey"]);
    assert_eq!(fk_names("plog"), ["plog_m_id_at_fkey"]);
    assert_eq!(fk_names("plog_2024"), ["plog_m_id_at_fkey"]);
    assert_eq!(
        table("app", "plog_2024").foreign_keys[0].references,
        QualifiedName::new("app", "measure")
    );
    let pk = |t: &str| table("app", t).primary_key.as_ref().map(|p| p.name.clone());
    assert_eq!(pk("measure").as_deref(), Some("measure_pkey"));
    assert_eq!(pk("measure_2024").as_deref(), Some("measure_2024_pkey"));
}

#[test]
fn functions_collapse_and_extension_members_are_left_out() {
    let c = fixture();
    let app = c.schema("app").unwrap();
    let functions: Vec<&str> = app.functions.iter().map(String::as_str).collect();
    // pg_trgm lives in `app` too, but `similarity`, `gin_trgm_ops`' support functions… are its own.
    assert_eq!(functions, ["f", "p", "total"]);
    let ext = &c.extensions["pg_trgm"];
    assert_eq!(ext.schema, "app");
    assert_eq!(c.extensions["plpgsql"].schema, "pg_catalog");
    assert_eq!(c.extensions.len(), 2);
    // A schema and a composite type made members of pg_trgm in the fixture.
    assert!(c.schema("ext_member").is_none());
    assert!(!app.composites.contains_key("ext_member_row"));
}

#[test]
fn fixture_reads_back_as_its_golden_json() {
    expectorate::assert_contents("tests/fixtures/db_read/expected.json", &fixture().to_json());
}

#[test]
fn connect_takes_a_url() {
    let db = PgCluster::shared().create_database("db_read_connect");
    db.psql("create table t (id int primary key);").unwrap();
    let mut client = schemagen::db::connect(&db.url()).expect("connect");
    let c = read_catalog(&mut client).unwrap();
    assert_eq!(c.table("public", "t").unwrap().columns.len(), 1);
    let Err(err) = schemagen::db::connect(&db.url().replace(&db.name, "no_such_db")) else {
        panic!("connected to a missing database");
    };
    let text = err.to_string();
    assert!(
        text.contains("no_such_db") && text.contains("does not exist"),
        "{text}"
    );
}
