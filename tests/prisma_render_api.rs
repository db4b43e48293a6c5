//! `prisma::render_schema` without a database: errors in the previous schema, robustness against
//! any input, determinism, and schemagen's own notices. (The rendering itself is checked against
//! the real engine by `prisma_render_fixtures.rs` and `prisma_render_corpus.rs`.)

use schemagen::catalog::{Catalog, Column, ForeignKey, PrimaryKey, QualifiedName, SqlType, Table};
use schemagen::pipeline::{render_schema, Naming, PrismaOptions};

fn profiles_catalog() -> Catalog {
    let mut c = schemagen::sql::supabase::base_catalog();
    let mut t = Table::new("profiles");
    t.columns.push(Column {
        name: "id".into(),
        ty: SqlType::builtin("uuid"),
        not_null: true,
        ..Column::default()
    });
    t.columns.push(Column {
        name: "username".into(),
        ty: SqlType::builtin("text"),
        ..Column::default()
    });
    t.primary_key = Some(PrimaryKey {
        name: "profiles_pkey".into(),
        columns: vec!["id".into()],
        ..PrimaryKey::default()
    });
    t.foreign_keys.push(ForeignKey {
        name: "profiles_id_fkey".into(),
        columns: vec!["id".into()],
        references: QualifiedName::new("auth", "users"),
        referenced_columns: vec!["id".into()],
        ..ForeignKey::default()
    });
    c.schemas
        .get_mut("public")
        .expect("public")
        .tables
        .insert("profiles".into(), t);
    c
}

#[test]
fn parse_errors_have_line_and_column() {
    let previous = "generator client {\n  provider = \"prisma-client\"\n}\n\nmodel A {\n  id Int @id @default(\n}\n\nnonsense here\n";
    let err = render_schema(
        &Catalog::default(),
        Some(previous),
        &PrismaOptions::default(),
    )
    .expect_err("the schema does not parse");
    let located: Vec<(usize, usize)> = err.errors.iter().map(|e| (e.line, e.column)).collect();
    assert_eq!(located, [(6, 23), (9, 1)], "{err}");
    let text = err.to_string();
    assert!(text.starts_with("6:23: "), "{text}");
    assert!(
        err.render("prisma/schema.prisma")
            .starts_with("prisma/schema.prisma:6:23: error: "),
        "{}",
        err.render("prisma/schema.prisma")
    );
}

#[test]
fn any_input_is_handled_without_panicking() {
    let catalog = profiles_catalog();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/prisma");
    let mut texts: Vec<String> = Vec::new();
    for case in std::fs::read_dir(&dir).unwrap().flatten() {
        for f in ["input.prisma", "expected.prisma"] {
            if let Ok(t) = std::fs::read_to_string(case.path().join(f)) {
                texts.push(t);
            }
        }
    }
    texts.push("\u{feff}model 😀 { é ü }\n\"\\\n@@@ ((( [[[ \u{0}".into());
    for t in &texts {
        // The parser sees ~300 prefixes of each text, the whole pipeline ~8.
        let cuts: Vec<usize> = (0..=t.len()).filter(|&i| t.is_char_boundary(i)).collect();
        for &i in cuts.iter().step_by(cuts.len() / 300 + 1) {
            let _ = schemagen::prisma::parse::parse_schema(&t[..i]);
        }
        for &i in cuts.iter().step_by(cuts.len() / 8 + 1) {
            for naming in [Naming::Prisma, Naming::Pascal] {
                let opts = PrismaOptions {
                    naming,
                    ..PrismaOptions::default()
                };
                let _ = render_schema(&catalog, Some(&t[..i]), &opts);
            }
        }
    }
}

#[test]
fn dropped_datasource_properties_are_noticed() {
    let previous = "datasource db {\n  provider  = \"postgresql\"\n  url       = env(\"DATABASE_URL\")\n  directUrl = env(\"DIRECT_URL\")\n}\n";
    let rendered = render_schema(
        &Catalog::default(),
        Some(previous),
        &PrismaOptions::default(),
    )
    .unwrap();
    assert!(rendered
        .text
        .starts_with("datasource db {\n  provider = \"postgresql\"\n}\n"));
    assert_eq!(
        rendered.notices,
        [
            "datasource db: `url` is not written: Prisma 7 reads connection URLs from prisma.config.ts (https://pris.ly/d/config-datasource) (a Prisma 5/6 project keeps it: set `[prisma] version = 6` in schemagen.toml, pass --prisma-version 6, or list prisma 6 in package.json).",
            "datasource db: `directUrl` is not written: Prisma 7 reads connection URLs from prisma.config.ts (https://pris.ly/d/config-datasource) (a Prisma 5/6 project keeps it: set `[prisma] version = 6` in schemagen.toml, pass --prisma-version 6, or list prisma 6 in package.json).",
        ]
    );
    // Prisma 5/6 keep them, as their db pull does.
    let six = PrismaOptions {
        prisma_major: 6,
        ..Default::default()
    };
    let rendered = render_schema(&Catalog::default(), Some(previous), &six).unwrap();
    assert_eq!(rendered.text, previous);
    assert!(rendered.notices.is_empty(), "{:?}", rendered.notices);
}

#[test]
fn rendering_is_deterministic() {
    let catalog = profiles_catalog();
    let previous = "generator client {\n  provider = \"prisma-client\"\n}\n\ndatasource db {\n  provider = \"postgresql\"\n  schemas  = [\"auth\", \"public\"]\n}\n";
    for naming in [Naming::Prisma, Naming::Pascal] {
        let opts = PrismaOptions {
            naming,
            ..PrismaOptions::default()
        };
        let a = render_schema(&catalog, Some(previous), &opts).unwrap();
        for _ in 0..3 {
            assert_eq!(render_schema(&catalog, Some(previous), &opts).unwrap(), a);
        }
        assert!(a.notices.is_empty());
        assert!(a.text.contains("@@schema(\"auth\")"));
    }
}

#[test]
fn a_reference_into_an_unlisted_schema_is_left_out_with_a_notice() {
    let catalog = profiles_catalog();
    let rendered = render_schema(&catalog, None, &PrismaOptions::default()).unwrap();
    assert_eq!(
        rendered.text,
        "generator client {\n  provider = \"prisma-client\"\n}\n\ndatasource db {\n  provider = \"postgresql\"\n}\n\nmodel profiles {\n  id       String  @id @db.Uuid\n  username String?\n}\n"
    );
    assert_eq!(rendered.notices.len(), 1, "{:?}", rendered.notices);
    let notice = &rendered.notices[0];
    for part in [
        "1 foreign key points into schema \"auth\", which is not introspected",
        "\n  - `public.profiles` -> `auth.users` (profiles_id_fkey)",
        "add \"auth\" to the schemas list of datasource db",
        "schemas = [\"auth\", \"public\"]",
    ] {
        assert!(notice.contains(part), "{notice}");
    }
}

/// Replays SQL text on the Supabase base catalog.
fn replay_sql(sql: &str) -> Catalog {
    let mut sources = schemagen::diagnostics::Sources::new();
    let mut diags = schemagen::diagnostics::Diagnostics::new();
    let id = sources.add("names.sql", sql.to_string());
    let mut r = schemagen::sql::replay::Replayer::new(schemagen::sql::supabase::base_catalog());
    r.replay_file(&sources, id, &mut diags);
    assert!(!diags.has_errors(), "{}", diags.render_short(&sources));
    r.finish()
}

/// Names with line breaks and other control characters never become schema text: a
/// commented-out field or enum value shows them escaped (`db pull` writes them raw, so a newline
/// ends the comment and the rest of the name becomes a line of schema), and schemagen reads its
/// own output back to the same text (also `model  {`, what `db pull` writes for a table whose
/// name sanitises to nothing, and relation fields without a name).
#[test]
fn names_never_become_schema_text_and_the_output_reads_back() {
    let catalog = replay_sql(
        "create table t (id int primary key, \"1\n}\" text, \"2\r\n3\" int, \"\t\" int, \"4\u{1}\" int, \"new\nline\" text);\n\
         create type e as enum ('ok', '1\n}', '\u{7f}', 'a\nb');\n\
         create table uses_e (id int primary key, v e default '1\n}');\n\
         create table \"\u{1}\" (id int primary key);\n\
         create table \"ä\" (id int primary key);\n\
         create table \"ö\" (id int primary key, other int references \"ä\" (id));\n\
         create table \"}\n\" (id int primary key);\n\
         create view v as select id, \"1\n}\" from t;\n",
    );
    let previous = "generator client {\n  provider        = \"prisma-client\"\n  previewFeatures = [\"views\"]\n}\n\ndatasource db {\n  provider = \"postgresql\"\n}\n";
    let opts = PrismaOptions::default();
    let first = render_schema(&catalog, Some(previous), &opts).expect("renders");
    let text = &first.text;
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\n'),
        "a raw control character in:\n{text}"
    );
    for line in text.lines() {
        let t = line.trim();
        assert!(
            t.is_empty()
                || t == "}"
                || t.starts_with("//")
                || t.starts_with('@')
                || t.contains(' ')
                || t.ends_with("[]")
                || t.ends_with('?')
                || t.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
            "a line that is not schema: {line:?}\n{text}"
        );
    }
    assert!(
        text.contains("  // 1\\n} String? @map(\"1\\n}\")\n"),
        "{text}"
    );
    assert!(
        text.contains("  // 2\\r\\n3 Int? @map(\"2\\r\\n3\")\n"),
        "{text}"
    );
    assert!(text.contains("  // \\t Int? @map(\"\\t\")\n"), "{text}");
    assert!(text.contains("  // 1\\n} @map(\"1\\n}\")\n"), "{text}");
    assert!(text.contains("  // \\u007f @map(\"\\u007f\")\n"), "{text}");
    assert!(
        text.contains("  new_line String? @map(\"new\\nline\")\n"),
        "{text}"
    );
    // The output parses and is a fixed point.
    let (_, errors) = schemagen::prisma::parse::parse_schema(text);
    assert!(errors.is_empty(), "{errors:?}\n{text}");
    let second = render_schema(&catalog, Some(text), &opts).expect("reads its own output");
    assert_eq!(second.text, first.text);
}

/// Found by fuzzing (scripts/fuzz.sh prisma_roundtrip): documentation holding a carriage return
/// (a `/* */` comment of the previous schema) is written as several `///`
/// lines, since Prisma's grammar ends a line at `\r`; and a previous block without a name
/// (`model  {`, read because `db pull` writes it) lends its table no name, so relation fields
/// pointing at it get a type. Each output reads back to itself.
#[test]
fn fuzz_found_documentation_with_carriage_returns_and_nameless_previous_models_read_back() {
    let catalog = replay_sql(
        "create table a (id int primary key);\n\
         create table b (id int primary key, a_id int references a (id));\n",
    );
    let head = "generator client {\n  provider = \"prisma-client\"\n}\n\ndatasource db {\n  provider = \"postgresql\"\n}\n\n";
    let previous = [
        // A block comment with a carriage return documents the model.
        format!("{head}/* one\rtwo */\nmodel a {{\n  id Int @id\n}}\n"),
        // A nameless previous model mapped to `a`.
        format!("{head}model  {{\n  id Int @id\n\n  @@map(\"a\")\n}}\n"),
    ];
    let opts = PrismaOptions::default();
    for prev in &previous {
        let first = render_schema(&catalog, Some(prev), &opts).expect("renders");
        let text = &first.text;
        assert!(!text.contains('\r'), "a raw carriage return in:\n{text}");
        let (_, errors) = schemagen::prisma::parse::parse_schema(text);
        assert!(errors.is_empty(), "{errors:?}\n{text}");
        assert!(text.contains("model a {\n"), "{text}");
        let second = render_schema(&catalog, Some(text), &opts).expect("reads its own output");
        assert_eq!(second.text, first.text);
    }
    let first = render_schema(&catalog, Some(&previous[0]), &opts).expect("renders");
    assert!(
        first.text.contains("/// one\n/// two\nmodel a {"),
        "{}",
        first.text
    );
}
