//! Names in a Prisma schema: sanitisation of database identifiers, reserved names, the constraint
//! names Prisma expects (so that `map:` is only written when a name differs), PSL string
//! literals, and the case conversions of the `pascal` naming option.
//!
//! Sanitisation and reserved names follow the schema engine's `sanitize_datamodel_names.rs` and
//! `reserved_model_names.rs`; default constraint names follow psl's `constraint_names.rs` with
//! PostgreSQL's 63-byte identifier limit.

/// PostgreSQL's identifier limit, as Prisma's connector reports it.
const MAX_IDENTIFIER_LENGTH: usize = 63;

/// Type names the generated client reserves (case-sensitive).
const RESERVED_TYPE_NAMES: &[&str] = &[
    "PrismaClient",
    "async",
    "await",
    "break",
    "case",
    "catch",
    "class",
    "const",
    "continue",
    "debugger",
    "default",
    "delete",
    "do",
    "else",
    "enum",
    "export",
    "extends",
    "false",
    "finally",
    "for",
    "function",
    "if",
    "implements",
    "import",
    "in",
    "instanceof",
    "interface",
    "let",
    "new",
    "null",
    "package",
    "private",
    "protected",
    "public",
    "return",
    "super",
    "switch",
    "this",
    "throw",
    "true",
    "try",
    "typeof",
    "using",
    "var",
    "void",
    "while",
    "with",
    "yield",
];

/// The documentation the engine gives a field it comments out because its name has no ASCII
/// letter.
pub const COMMENTED_OUT_FIELD_DOC: &str = "This field was commented out because of an invalid name. Please provide a valid one that matches [a-zA-Z][a-zA-Z0-9_]*";

/// Whether `name` is reserved for a model, view or enum.
pub fn is_reserved_type_name(name: &str) -> bool {
    RESERVED_TYPE_NAMES.contains(&name)
}

/// Whether an identifier must be changed to be valid in PSL: it does not start with an ASCII
/// letter, or it holds a character other than `[_a-zA-Z0-9]`.
pub fn needs_sanitation(s: &str) -> bool {
    !s.starts_with(|c: char| c.is_ascii_alphabetic())
        || s.chars().any(|c| !(c == '_' || c.is_ascii_alphanumeric()))
}

/// The PSL-valid form of an identifier: its leading non-letters removed, then every character
/// outside `[_a-zA-Z0-9]` replaced by `_` (may be empty).
pub fn sanitize(s: &str) -> String {
    if !needs_sanitation(s) {
        return s.to_string();
    }
    let start = s.trim_start_matches(|c: char| !c.is_ascii_alphabetic());
    start
        .chars()
        .map(|c| {
            if c == '_' || c.is_ascii_alphanumeric() {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// A PSL string literal (JSON string grammar): quotes, with `\t \n \r " \\` and ASCII control
/// characters (`\u00XX`) escaped.
pub fn string_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '"' => out.push_str("\\\""),
            '\r' => out.push_str("\\r"),
            '\\' => out.push_str("\\\\"),
            c if c.is_ascii_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn floor_char_boundary(s: &str, mut index: usize) -> usize {
    if index >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(index) {
        index -= 1;
    }
    index
}

/// The primary key name Prisma expects: `{table}_pkey`.
pub fn primary_key_name(table: &str) -> String {
    let limit = MAX_IDENTIFIER_LENGTH - 5;
    let table = if table.len() >= limit {
        &table[..floor_char_boundary(table, limit)]
    } else {
        table
    };
    format!("{table}_pkey")
}

fn index_name(table: &str, columns: &[&str], suffix: &str) -> String {
    let mut out = format!("{table}_{}", columns.join("_"));
    let limit = MAX_IDENTIFIER_LENGTH - suffix.len();
    if out.len() >= limit {
        let split = floor_char_boundary(&out, limit);
        out.truncate(split);
    }
    out.push_str(suffix);
    out
}

/// The unique constraint name Prisma expects: `{table}_{cols}_key`.
pub fn unique_index_name(table: &str, columns: &[&str]) -> String {
    index_name(table, columns, "_key")
}

/// The index name Prisma expects: `{table}_{cols}_idx`.
pub fn non_unique_index_name(table: &str, columns: &[&str]) -> String {
    index_name(table, columns, "_idx")
}

/// The foreign key name Prisma expects: `{table}_{cols}_fkey`.
pub fn foreign_key_name(table: &str, columns: &[&str]) -> String {
    index_name(table, columns, "_fkey")
}

/// `user_profiles` → `UserProfiles` (after PSL sanitisation; empty when nothing is left). Words
/// split at `_` and case changes as `heck` splits them (`userID` → `UserId`, `HTMLParser` →
/// `HtmlParser`).
pub fn pascal_case(s: &str) -> String {
    heck::ToUpperCamelCase::to_upper_camel_case(sanitize(s).as_str())
}

/// `created_at` → `createdAt` (after PSL sanitisation; empty when nothing is left).
pub fn camel_case(s: &str) -> String {
    heck::ToLowerCamelCase::to_lower_camel_case(sanitize(s).as_str())
}

/// `createdAt` → `created_at` (after PSL sanitisation; empty when nothing is left).
pub fn snake_case(s: &str) -> String {
    heck::ToSnakeCase::to_snake_case(sanitize(s).as_str())
}

/// First letter in lower case (`UserProfiles` → `userProfiles`).
pub fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_ascii_lowercase().to_string() + c.as_str(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitisation_matches_the_engine() {
        let cases = [
            ("users", "users"),
            ("1Country", "Country"),
            ("my-table", "my_table"),
            ("_foo", "foo"),
            ("ä", ""),
            ("12", ""),
            ("+5000", ""),
            ("a b", "a_b"),
        ];
        for (input, want) in cases {
            assert_eq!(sanitize(input), want, "{input}");
        }
        assert!(needs_sanitation("_foo"));
        assert!(!needs_sanitation("Foo_1"));
    }

    #[test]
    fn default_constraint_names() {
        assert_eq!(primary_key_name("users"), "users_pkey");
        assert_eq!(unique_index_name("t", &["a", "b"]), "t_a_b_key");
        assert_eq!(non_unique_index_name("t", &["a"]), "t_a_idx");
        assert_eq!(foreign_key_name("t", &["a"]), "t_a_fkey");
        let long = "x".repeat(70);
        assert_eq!(unique_index_name(&long, &["a"]).len(), 63);
        assert_eq!(primary_key_name(&long).len(), 63);
    }

    #[test]
    fn case_conversions() {
        assert_eq!(pascal_case("user_profiles"), "UserProfiles");
        assert_eq!(pascal_case("userID"), "UserId");
        assert_eq!(pascal_case("HTMLParser"), "HtmlParser");
        assert_eq!(camel_case("created_at"), "createdAt");
        assert_eq!(camel_case("Created-At"), "createdAt");
        assert_eq!(camel_case("id"), "id");
        assert_eq!(snake_case("userID"), "user_id");
        assert_eq!(snake_case("Order Date"), "order_date");
        assert_eq!(pascal_case("ä"), "");
        assert_eq!(
            string_literal("a\"b\\c\n\u{1}"),
            "\"a\\\"b\\\\c\\n\\u0001\""
        );
    }
}
