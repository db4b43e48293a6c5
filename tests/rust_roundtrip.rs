//! The generated Rust against a real PostgreSQL 15: the example project's migrations
//! (`examples/build-script/supabase/migrations`) applied to a throwaway database, rows inserted
//! through the generated insert structs and read back through the row structs — by the
//! example's own code (`examples/build-script/src/demo.rs`), compiled here with the golden file
//! that `tests/rust_emit.rs` keeps equal to what the example's build script generates.

mod common;

use std::path::PathBuf;

use chrono::{NaiveDate, TimeZone, Utc};
use common::pg::PgCluster;
use rust_decimal::Decimal;

#[allow(dead_code)]
mod db {
    include!("fixtures/rust/build-script.rs");
}
#[path = "../examples/build-script/src/demo.rs"]
mod demo;

use db::public::NoteStatus;

#[test]
fn insert_structs_in_row_structs_out() {
    let pg = PgCluster::shared();
    let database = pg.create_database("rust_roundtrip");
    let dir = PathBuf::from("examples/build-script/supabase/migrations");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for f in &files {
        database
            .psql_file(f)
            .unwrap_or_else(|e| panic!("{}: {e}", f.display()));
    }
    let mut client = database.client();
    let s = demo::run(&mut client).unwrap_or_else(|e| panic!("{e}"));

    // Defaults and domains.
    assert_eq!(s.profile.email, "ada@example.com");
    assert_eq!(s.profile.display_name.as_deref(), Some("Ada"));
    assert!(s.profile.created_at <= Utc::now());

    let [draft, published] = &s.notes[..] else {
        panic!("{:?}", s.notes)
    };
    // Identity column: numbered by the database.
    assert_eq!((draft.id, published.id), (1, 2));
    // NULLs and defaults.
    assert_eq!(draft.body, None);
    assert_eq!(draft.metadata, None);
    assert_eq!(draft.price, None);
    assert_eq!(draft.status, NoteStatus::Draft);
    assert!(draft.tags.is_empty());
    assert_eq!(draft.word_count, 1);
    assert_eq!(draft.reviewers, None);
    assert!(draft.status_history.is_empty());
    assert_eq!(draft.r#type, None);
    assert_eq!(draft.order_date, None);
    // Generated column.
    assert_eq!(draft.title_length, Some(5));
    assert_eq!(published.title_length, Some(12));
    // Values of every kind.
    assert_eq!(published.status, NoteStatus::Published);
    assert_eq!(published.tags, vec!["rust", "postgres"]);
    assert_eq!(
        published.metadata,
        Some(serde_json::json!({"lang": "en", "stars": [1, 2]}))
    );
    assert_eq!(published.price, Some(Decimal::new(1999, 2)));
    assert_eq!(published.word_count, 2);
    assert_eq!(
        published.published_at,
        Some(Utc.with_ymd_and_hms(2025, 3, 1, 12, 30, 0).unwrap())
    );
    assert_eq!(published.r#type.as_deref(), Some("essay"));
    assert_eq!(published.order_date, NaiveDate::from_ymd_opt(2025, 2, 28));
    assert_eq!(published.reviewers, Some(vec![s.profile.id]));
    assert_eq!(
        published.status_history,
        vec![NoteStatus::Draft, NoteStatus::InReview]
    );
    // The view.
    assert_eq!(s.published.len(), 1);
    assert_eq!(s.published[0].id, Some(2));
    assert_eq!(s.published[0].title.as_deref(), Some("Hello, world"));
    // Another schema, an enum of `public`, bytea, inet, serial, smallint.
    let i = &s.invoice;
    assert_eq!(i.id, 1);
    assert_eq!(i.amount, Decimal::new(12_345, 2));
    assert!(!i.paid);
    assert_eq!(i.pdf.as_deref(), Some(&b"%PDF-1.7"[..]));
    assert_eq!(i.client_ip, Some("192.0.2.7".parse().unwrap()));
    assert_eq!(i.sent_at, None);
    assert_eq!(i.attempts, 1);
    assert_eq!(i.status, Some(NoteStatus::Archived));

    // serde uses the database names.
    let json = serde_json::to_value(published).unwrap();
    assert_eq!(json["Order Date"], "2025-02-28");
    assert_eq!(json["type"], "essay");
    assert_eq!(json["status"], "published");
    let back: db::public::Notes = serde_json::from_value(json).unwrap();
    assert_eq!(&back, published);

    // A domain's CHECK still applies: the database rejects what the type alias lets through.
    let bad = db::public::NewProfiles {
        id: None,
        email: "not an email".into(),
        display_name: None,
        created_at: None,
    };
    let (sql, params) = bad.insert_statement();
    let err = client.query_one(sql.as_str(), &params).unwrap_err();
    let message = err.as_db_error().map(|d| d.message().to_string());
    assert!(
        message
            .as_deref()
            .is_some_and(|m| m.contains("violates check constraint")),
        "{err:?}"
    );
}
