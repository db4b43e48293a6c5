//! The fuzz targets' bodies (issue 9 §4), shared by the libFuzzer targets in `fuzz_targets/`.
//!
//! A target fails (panics) when schemagen panics, when a panic it caught itself shows up as an
//! "internal error" diagnostic, when an error has no position in the file, or when schemagen
//! cannot read back the schema it wrote.

use std::sync::OnceLock;

use schemagen::catalog::Catalog;
use schemagen::diagnostics::{Diagnostics, Severity, Sources};
use schemagen::pipeline::{render_schema, PrismaOptions};
use schemagen::sql::replay::Replayer;

fn base() -> &'static Catalog {
    static BASE: OnceLock<Catalog> = OnceLock::new();
    BASE.get_or_init(schemagen::sql::supabase::base_catalog)
}

/// A small database for the Prisma round trip: the previous schema's models, fields, enums and
/// relations are merged with it, so hand edits (`@map`, `@@map`, relation names, comments) on
/// these names are exercised.
const HISTORY: &str = "
create type mood as enum ('happy', 'sad');
create table b (id bigint generated always as identity primary key, name text unique);
create table a (
  id int primary key,
  b_id bigint references b (id) on delete cascade,
  m mood default 'happy',
  tags text[],
  at timestamptz default now()
);
create index a_b on a (b_id);
create view v as select id, m from a;
";

fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        let (catalog, diags, _) = replay(HISTORY);
        assert!(!diags.has_errors(), "the fuzz history replays cleanly");
        catalog
    })
}

fn replay(text: &str) -> (Catalog, Diagnostics, Sources) {
    let mut sources = Sources::new();
    let file = sources.add("fuzz.sql", text.to_string());
    let mut diags = Diagnostics::new();
    let mut r = Replayer::new(base().clone());
    // An endless loop stops after milliseconds instead of seconds (the limits' code paths are
    // the same), so the fuzzer spends its time on new inputs.
    r.limit_do_blocks(20_000, 300);
    r.replay_file(&sources, file, &mut diags);
    (r.finish(), diags, sources)
}

/// Splits and replays `data` as one migration file, renders its diagnostics, and renders the
/// catalog as `schema.prisma` (which must parse again).
pub fn sql_replay(data: &[u8]) {
    // The reader refuses other input before any replay (tests/stranger.rs covers it).
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if text.contains('\0') {
        return;
    }
    let (catalog, diags, sources) = replay(text);
    for d in diags.iter() {
        assert!(
            !d.message.contains("internal error"),
            "{}",
            d.one_line(&sources)
        );
        if d.severity == Severity::Error {
            assert!(
                d.span.is_some(),
                "an error without a position: {}",
                d.message
            );
        }
    }
    let _ = diags.render(&sources);
    let _ = schemagen::pipeline::catalog_text(&catalog);
    let rendered = render_schema(&catalog, None, &PrismaOptions::default())
        .expect("no previous schema, nothing to fail on");
    if let Err(e) = schemagen::prisma::parse(&rendered.text) {
        panic!(
            "schemagen cannot read the schema it wrote: {e}\n{}",
            rendered.text
        );
    }
    // The next run reads it as the previous schema.
    if let Err(e) = render_schema(&catalog, Some(&rendered.text), &PrismaOptions::default()) {
        panic!(
            "schemagen cannot re-introspect over the schema it wrote: {e}\n{}",
            rendered.text
        );
    }
}

/// Parses `data` as a previous `schema.prisma`; when it parses, renders it over a fixed
/// catalog: the output must parse, and re-rendering settles (the second run's output renders to itself).
pub fn prisma_roundtrip(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let ast = match schemagen::prisma::parse(text) {
        Ok(ast) => ast,
        Err(e) => {
            for err in &e.errors {
                assert!(err.line >= 1 && err.column >= 1, "{err}");
            }
            let _ = e.render("schema.prisma");
            return;
        }
    };
    drop(ast);
    for major in [6, 7] {
        let opts = PrismaOptions {
            prisma_major: major,
            ..PrismaOptions::default()
        };
        let first = render_schema(catalog(), Some(text), &opts).expect("it parsed");
        let again = |previous: &str| {
            match render_schema(catalog(), Some(previous), &opts) {
            Ok(r) => r.text,
            Err(e) => panic!(
                "schemagen cannot read the schema it wrote (Prisma {major}): {e}\n--- input\n{text}\n--- output\n{previous}"
            ),
        }
        };
        // The engine's own re-introspection is not always a fixed point at once (an appended
        // `partialIndexes` preview feature is sorted into place by the next run): the second
        // run's output must be one.
        let second = again(&first.text);
        let third = again(&second);
        assert!(
            second == third,
            "rendering its own output keeps changing it (Prisma {major})\n--- input\n{text}\n--- second\n{second}\n--- third\n{third}"
        );
    }
}
