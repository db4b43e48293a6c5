use super::*;

#[test]
fn parses_blocks_fields_and_attributes() {
    let text = r#"
generator client {
  provider = "prisma-client"
  previewFeatures = ["views"]
}

/// The users.
model User {
  /// Primary key.
  id    Int     @id @default(autoincrement())
  name  String? @map("user_name") @db.VarChar(20)
  posts Post[]  @relation("A")
  blob  Unsupported("tsvector")?

  @@index([name(sort: Desc), id], map: "x")
  @@map("users")
}

enum Role {
  USER @map("user")
  ADMIN
  @@schema("public")
}
"#;
    let (ast, errors) = parse_schema(text);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(ast.tops.len(), 3);
    let Top::Model(m) = &ast.tops[1] else {
        panic!()
    };
    assert_eq!(m.documentation.as_deref(), Some("The users."));
    assert_eq!(m.fields.len(), 4);
    assert_eq!(m.fields[0].documentation.as_deref(), Some("Primary key."));
    assert_eq!(m.fields[1].ty.arity, Arity::Optional);
    assert_eq!(
        m.fields[1].attribute("map").unwrap().positional(),
        Some(&Expr::Str("user_name".into()))
    );
    assert!(m.fields[3].ty.unsupported);
    assert_eq!(m.attributes.len(), 2);
    assert_eq!(
        m.attributes[0].arguments[0].value.to_psl(),
        "[name(sort: Desc), id]"
    );
}

#[test]
fn errors_have_line_and_column_and_never_panic() {
    let text = "model A {\n  id Int @id(\n  x String\n}\nfoo bar\n";
    let (_, errors) = parse_schema(text);
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert_eq!((errors[0].line, errors[0].column), (2, 14));
    assert_eq!(errors[1].line, 5);
    for junk in [
        "{",
        "model",
        "model {",
        "enum E {\n @@",
        "\"",
        "model A {\n a \"",
        "@@@",
    ] {
        let _ = parse_schema(junk);
    }
}
