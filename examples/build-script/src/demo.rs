//! The round trip: insert structs in, row structs out. Also compiled by schemagen's own tests
//! (`tests/rust_roundtrip.rs`) against a throwaway PostgreSQL.

use std::convert::TryFrom;

use chrono::{NaiveDate, TimeZone, Utc};
use rust_decimal::Decimal;

use crate::db::{billing, public};

/// What was read back.
#[derive(Debug, serde::Serialize)]
pub struct Summary {
    /// The profile inserted.
    pub profile: public::Profiles,
    /// Both notes, by id.
    pub notes: Vec<public::Notes>,
    /// The published one, through the view.
    pub published: Vec<public::PublishedNotes>,
    /// The invoice (schema `billing`).
    pub invoice: billing::Invoices,
}

type Error = Box<dyn std::error::Error + Send + Sync>;
type Params<'a> = Vec<&'a (dyn postgres_types::ToSql + Sync)>;

/// Runs an `insert_statement()` and reads the row it returns.
fn insert_one<C, R>(client: &mut C, statement: (String, Params<'_>)) -> Result<R, Error>
where
    C: postgres::GenericClient,
    R: for<'a> TryFrom<&'a postgres::Row, Error = postgres::Error>,
{
    let (sql, params) = statement;
    let row = client.query_one(sql.as_str(), &params)?;
    Ok(R::try_from(&row)?)
}

/// Inserts a profile, two notes and an invoice, and reads them back.
pub fn run(client: &mut postgres::Client) -> Result<Summary, Error> {
    let mut tx = client.transaction()?;
    let profile: public::Profiles = insert_one(
        &mut tx,
        public::NewProfiles {
            id: None,
            email: "ada@example.com".into(),
            display_name: Some("Ada".into()),
            created_at: None,
        }
        .insert_statement(),
    )?;
    // Every optional field left to its default (or NULL).
    let _draft: public::Notes = insert_one(
        &mut tx,
        public::NewNotes {
            id: None,
            author_id: profile.id,
            title: "Draft".into(),
            body: None,
            status: None,
            tags: None,
            metadata: None,
            price: None,
            word_count: None,
            published_at: None,
            r#type: None,
            order_date: None,
            reviewers: None,
            status_history: None,
        }
        .insert_statement(),
    )?;
    let _published: public::Notes = insert_one(
        &mut tx,
        public::NewNotes {
            id: None,
            author_id: profile.id,
            title: "Hello, world".into(),
            body: Some("First post.".into()),
            status: Some(public::NoteStatus::Published),
            tags: Some(vec!["rust".into(), "postgres".into()]),
            metadata: Some(serde_json::json!({"lang": "en", "stars": [1, 2]})),
            price: Some(Decimal::new(1999, 2)),
            word_count: Some(2),
            published_at: Some(Utc.with_ymd_and_hms(2025, 3, 1, 12, 30, 0).unwrap()),
            r#type: Some("essay".into()),
            order_date: NaiveDate::from_ymd_opt(2025, 2, 28),
            reviewers: Some(vec![profile.id]),
            status_history: Some(vec![
                public::NoteStatus::Draft,
                public::NoteStatus::InReview,
            ]),
        }
        .insert_statement(),
    )?;
    let invoice: billing::Invoices = insert_one(
        &mut tx,
        billing::NewInvoices {
            id: None,
            profile_id: profile.id,
            amount: Decimal::new(12_345, 2),
            paid: None,
            pdf: Some(b"%PDF-1.7".to_vec()),
            client_ip: Some("192.0.2.7".parse()?),
            due_on: NaiveDate::from_ymd_opt(2025, 4, 1).ok_or("date")?,
            sent_at: None,
            attempts: Some(1),
            status: Some(public::NoteStatus::Archived),
        }
        .insert_statement(),
    )?;
    let notes = tx
        .query("SELECT * FROM public.notes ORDER BY id", &[])?
        .iter()
        .map(public::Notes::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    let published = tx
        .query(
            &format!(
                "SELECT * FROM {}.{}",
                public::PublishedNotes::SCHEMA,
                public::PublishedNotes::TABLE
            ),
            &[],
        )?
        .iter()
        .map(public::PublishedNotes::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    tx.commit()?;
    Ok(Summary {
        profile,
        notes,
        published,
        invoice,
    })
}
