//! Constructs `db pull` never writes (client-side defaults, `@updatedAt`, explicit `BTree`,
//! mistakes), and the diagnostics. The round trip over the corpus is `tests/prisma_lower.rs`.

use super::*;
use crate::catalog::{FkAction, IndexTarget};
use crate::diagnostics::Sources;
use crate::prisma::parse::parse_schema;

fn lower_text(text: &str) -> (Catalog, Vec<String>) {
    let (ast, errors) = parse_schema(text);
    assert!(errors.is_empty(), "{errors:?}");
    let mut sources = Sources::new();
    let file = sources.add("schema.prisma", text.to_string());
    let mut diags = Diagnostics::new();
    let c = lower(&ast, file, &LowerOptions::default(), &mut diags);
    (c, diags.iter().map(|d| d.one_line(&sources)).collect())
}

const BLOG: &str = r#"
datasource db {
  provider = "postgresql"
}

model User {
  id        String   @id @default(uuid())
  email     String   @unique @db.VarChar(320)
  role      Role     @default(USER)
  tags      String[] @default(["a", "b c"])
  createdAt DateTime @default(now()) @map("created_at")
  updatedAt DateTime @updatedAt
  posts     Post[]

  @@map("users")
}

model Post {
  id       Int     @id @default(autoincrement())
  title    String  @default("it's")
  authorId String?
  author   User?   @relation(fields: [authorId], references: [id])
  score    Decimal @default(1.50) @db.Decimal(10, 2)

  @@index([title(sort: Desc)], type: BTree)
  @@unique([authorId, title], where: raw("score > 0"))
}

enum Role {
  USER
  ADMIN @map("admin")
}
"#;

#[test]
fn a_hand_written_schema() {
    let (c, problems) = lower_text(BLOG);
    assert!(problems.is_empty(), "{problems:?}");
    let users = c.table("public", "users").unwrap();
    let col = |n: &str| users.column(n).unwrap();
    assert_eq!(col("id").default, None, "uuid() is filled in by the client");
    assert!(col("id").not_null);
    assert_eq!(col("email").ty.format(true), "character varying(320)");
    assert_eq!(col("role").default.as_deref(), Some("'USER'::\"Role\""));
    assert_eq!(
        col("tags").default.as_deref(),
        Some("'{a,\"b c\"}'::text[]")
    );
    assert!(!col("tags").not_null, "lists are nullable");
    assert_eq!(col("created_at").default.as_deref(), Some("now()"));
    assert_eq!(
        col("created_at").ty.format(true),
        "timestamp(3) without time zone"
    );
    assert_eq!(col("updatedAt").default, None);
    assert_eq!(users.primary_key.as_ref().unwrap().name, "users_pkey");
    assert_eq!(users.uniques[0].name, "users_email_key");
    assert_eq!(
        c.enum_type("public", "Role").unwrap().values,
        vec!["USER", "admin"]
    );

    let posts = c.table("public", "Post").unwrap();
    let id = posts.column("id").unwrap();
    assert_eq!(
        id.default.as_deref(),
        Some("nextval('\"Post_id_seq\"'::regclass)")
    );
    let seq = &c.schemas["public"].sequences["Post_id_seq"];
    assert_eq!(seq.owned_by, Some(("Post".into(), "id".into())));
    assert_eq!(
        posts.column("title").unwrap().default.as_deref(),
        Some("'it''s'::text")
    );
    assert_eq!(
        posts.column("score").unwrap().default.as_deref(),
        Some("1.50")
    );
    let fk = &posts.foreign_keys[0];
    assert_eq!(fk.name, "Post_authorId_fkey");
    assert_eq!(
        (fk.on_delete, fk.on_update),
        (FkAction::SetNull, FkAction::Cascade)
    );
    assert_eq!(fk.references.name, "users");
    let by_name = |n: &str| posts.indexes.iter().find(|i| i.name == n).unwrap();
    let title = by_name("Post_title_idx");
    assert!(title.keys[0].descending && title.method == "btree");
    let partial = by_name("Post_authorId_title_key");
    assert!(partial.unique);
    assert_eq!(partial.predicate.as_deref(), Some("(score > (0)::numeric)"));
    assert_eq!(partial.keys[1].target, IndexTarget::Column("title".into()));
}

#[test]
fn multi_schema_and_many_to_many() {
    let (c, problems) = lower_text(
        r#"
datasource db {
  provider = "postgresql"
  schemas  = ["app", "public"]
}

model Tag {
  id    BigInt @id @default(autoincrement())
  items Item[]

  @@schema("app")
}

model Item {
  id   Int   @id
  tags Tag[]

  @@schema("public")
}
"#,
    );
    assert!(problems.is_empty(), "{problems:?}");
    let tag = c.table("app", "Tag").unwrap();
    assert_eq!(
        tag.columns[0].default.as_deref(),
        Some("nextval('app.\"Tag_id_seq\"'::regclass)")
    );
    assert_eq!(c.schemas["app"].sequences["Tag_id_seq"].data_type, "bigint");
    let join = c.table("public", "_ItemToTag").unwrap();
    assert_eq!(join.columns[0].ty.format(true), "integer");
    assert_eq!(join.columns[1].ty.format(true), "bigint");
    assert_eq!(
        join.primary_key.as_ref().unwrap().name,
        "_ItemToTag_AB_pkey"
    );
    assert_eq!(join.indexes[0].name, "_ItemToTag_B_index");
    let fk_b = &join.foreign_keys[1];
    assert_eq!(fk_b.references.schema, "app");
    assert_eq!(fk_b.on_delete, FkAction::Cascade);
}

#[test]
fn mistakes_are_reported_where_they_are() {
    let text = "model A {\n  id Int @id @default(\"x\")\n  b  Nope\n  c  String @db.Integer\n  \
                d  Int @default(autoincrement())\n  e  String\n\n  @@index([missing])\n  \
                @@unique([e], where: e)\n}\n";
    let (c, problems) = lower_text(text);
    let a = c.table("public", "A").unwrap();
    assert_eq!(
        a.columns
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>(),
        ["id", "c", "d", "e"]
    );
    let joined = problems.join("\n");
    for want in [
        "schema.prisma:2:14: error: `\"x\"` is not a value of Int",
        "schema.prisma:3:6: error: type `Nope` is neither a scalar type, an enum nor a model",
        "schema.prisma:4:13: error: native type `Integer` is not a PostgreSQL type of `String`",
        "schema.prisma:8:3: error: `missing` is not a scalar field of the model",
        "schema.prisma:9:3: error: `where:` takes `raw(\"…\")`, not `e`",
    ] {
        assert!(joined.contains(want), "{want}\nin:\n{joined}");
    }
}

#[test]
fn views_have_columns_and_no_keys() {
    let (c, problems) = lower_text(
        "model A {\n  id Int @id\n  vid Int\n  v V @relation(fields: [vid], references: [id])\n}\n\
         view V {\n  id Int @unique\n  n String\n  a A[]\n}\n",
    );
    assert!(problems.is_empty(), "{problems:?}");
    assert!(c.table("public", "A").unwrap().foreign_keys.is_empty());
    let v = &c.schemas["public"].views["V"];
    assert_eq!(v.columns.len(), 2);
    assert!(v.columns.iter().all(|c| !c.not_null));
}

#[test]
fn nothing_panics_on_broken_relations() {
    for text in [
        "model A {\n  id Int @id\n  b B @relation(fields: [x], references: [id])\n}\nmodel B {\n  id Int @id\n  a A[]\n}\n",
        "model A {\n  id Int @id\n  bid Int\n  b B @relation(fields: [bid], references: [id, id])\n}\nmodel B {\n  id Int @id\n  a A[]\n}\n",
        "model A {\n  x Int\n  y Int\n  bs B[]\n\n  @@id([x, y])\n}\nmodel B {\n  id Int @id\n  as A[]\n}\n",
        "model A {\n  id Int @id @default(dbgenerated(\"(\"))\n}\n",
        "model A {\n  id String @id @default(autoincrement())\n}\n",
        "datasource db {\n  provider = \"postgresql\"\n  schemas = [\"a\"]\n}\nmodel A {\n  id Int @id\n}\n",
        "datasource db {\n  provider = \"postgresql\"\n  schemas = [\"a\"]\n}\nenum E {\n  X\n  @@schema(\"b\")\n}\n",
    ] {
        let (ast, _) = parse_schema(text);
        let mut sources = Sources::new();
        let file = sources.add("schema.prisma", text.to_string());
        let mut diags = Diagnostics::new();
        let _ = lower(&ast, file, &LowerOptions::default(), &mut diags);
        assert!(diags.has_errors(), "{text}");
    }
}
