//! Rust names for database names: PascalCase types, snake_case fields and modules, SCREAMING_CASE
//! constants, `r#` for keywords, and unique names within one scope.
//!
//! Words are split as the `pascal` naming of `prisma-from-sql` splits them (`heck`'s case
//! conversions after PSL sanitisation), so a table gets the name its Prisma model has with
//! `--naming pascal`. Names stay ASCII; a database name with no ASCII letter
//! or digit left gets a positional name (`Type1`, `column_3`).

use std::collections::BTreeSet;

use proc_macro2::{Ident, Span};

use crate::psl;

/// Strict, reserved and edition-2024 keywords: a field or module with one of these names is
/// written `r#name`.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let",
    "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return",
    "static", "struct", "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use",
    "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers: they get a trailing `_`.
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super", "_"];

/// Type names the generated code (or the derives it uses) refers to unqualified, and names from
/// the prelude: a table called `result` must not shadow `Result`.
const RESERVED_TYPES: &[&str] = &[
    "Self",
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "Vec",
    "Box",
    "ToString",
    "ToOwned",
    "Clone",
    "Copy",
    "Send",
    "Sync",
    "Sized",
    "Unpin",
    "Default",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "Eq",
    "PartialEq",
    "Ord",
    "PartialOrd",
    "Iterator",
    "IntoIterator",
    "DoubleEndedIterator",
    "ExactSizeIterator",
    "Extend",
    "AsRef",
    "AsMut",
    "Into",
    "From",
    "TryFrom",
    "TryInto",
    "FromIterator",
    "Debug",
    "Hash",
    "Display",
    "FromStr",
    "Formatter",
];

/// `user_profiles` → `UserProfiles`: the Prisma model's name with `--naming pascal`
/// ([`psl::names::pascal_case`]); empty when the name has no ASCII letter.
pub fn pascal_case(s: &str) -> String {
    psl::names::pascal_case(s)
}

/// `createdAt` → `created_at`. Unlike [`pascal_case`], leading digits are kept
/// (`2fa_enabled` → `_2fa_enabled`), so that columns differing only there stay apart.
pub fn snake_case(s: &str) -> String {
    let rest = s.trim_start_matches(|c: char| !c.is_ascii_alphabetic());
    let prefix = &s[..s.len() - rest.len()];
    let lead: String = prefix.chars().filter(char::is_ascii_digit).collect();
    let out = psl::names::snake_case(rest);
    match (lead.is_empty(), out.is_empty()) {
        (true, _) => out,
        (false, true) => format!("_{lead}"),
        // `2fa_enabled` → `_2fa_enabled`, `2024_total` → `_2024_total`.
        (false, false) if prefix.ends_with(|c: char| c.is_ascii_digit()) => {
            format!("_{lead}{out}")
        }
        (false, false) => format!("_{lead}_{out}"),
    }
}

/// `created_at` → `CREATED_AT` (`_2FA_ENABLED` when it starts with digits).
pub fn screaming_case(s: &str) -> String {
    snake_case(s).to_ascii_uppercase()
}

/// An identifier for a snake_case name: `r#type` for keywords, `self_` for the keywords that
/// cannot be raw.
pub fn ident(name: &str) -> Ident {
    if NOT_RAW.contains(&name) {
        Ident::new(&format!("{name}_"), Span::call_site())
    } else if KEYWORDS.contains(&name) {
        Ident::new_raw(name, Span::call_site())
    } else {
        Ident::new(name, Span::call_site())
    }
}

/// The name an identifier stands for in serde and sqlx (`r#type` is `type`).
pub fn unraw(ident: &Ident) -> String {
    let s = ident.to_string();
    s.strip_prefix("r#").map(str::to_string).unwrap_or(s)
}

/// Hands out names unique within one scope (a module's types, a struct's fields, an enum's
/// variants): a taken name gets `suffix`, then a number.
#[derive(Debug, Default)]
pub struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    /// A scope in which the prelude's type names are taken.
    pub fn for_types() -> Self {
        Scope {
            taken: RESERVED_TYPES.iter().map(|s| s.to_string()).collect(),
        }
    }

    /// Marks `name` as taken.
    pub fn reserve(&mut self, name: &str) {
        self.taken.insert(name.to_string());
    }

    /// `wanted` if free, else `wanted` + `suffix`, else that followed by 2, 3, …
    pub fn claim(&mut self, wanted: &str, suffix: &str) -> String {
        let mut name = wanted.to_string();
        if self.taken.contains(&name) && !suffix.is_empty() {
            name = format!("{wanted}{suffix}");
        }
        let base = name.clone();
        let mut i = 2;
        while self.taken.contains(&name) {
            name = if base.ends_with(|c: char| c.is_ascii_digit()) {
                format!("{base}_{i}")
            } else {
                format!("{base}{i}")
            };
            i += 1;
        }
        self.taken.insert(name.clone());
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases() {
        let cases = [
            (
                "user_profiles",
                "UserProfiles",
                "user_profiles",
                "USER_PROFILES",
            ),
            ("userID", "UserId", "user_id", "USER_ID"),
            ("HTMLParser", "HtmlParser", "html_parser", "HTML_PARSER"),
            ("Order Date", "OrderDate", "order_date", "ORDER_DATE"),
            ("2fa_enabled", "FaEnabled", "_2fa_enabled", "_2FA_ENABLED"),
            ("2024_total", "Total", "_2024_total", "_2024_TOTAL"),
            ("_private", "Private", "private", "PRIVATE"),
            ("ä", "", "", ""),
            ("my-table", "MyTable", "my_table", "MY_TABLE"),
        ];
        for (input, pascal, snake, screaming) in cases {
            assert_eq!(pascal_case(input), pascal, "{input}");
            assert_eq!(snake_case(input), snake, "{input}");
            assert_eq!(screaming_case(input), screaming, "{input}");
        }
    }

    #[test]
    fn idents_and_scopes() {
        assert_eq!(ident("type").to_string(), "r#type");
        assert_eq!(ident("self").to_string(), "self_");
        assert_eq!(ident("name").to_string(), "name");
        assert_eq!(unraw(&ident("type")), "type");
        let mut s = Scope::for_types();
        assert_eq!(s.claim("User", "Enum"), "User");
        assert_eq!(s.claim("User", "Enum"), "UserEnum");
        assert_eq!(s.claim("User", "Enum"), "UserEnum2");
        assert_eq!(s.claim("Result", "Model"), "ResultModel");
        let mut f = Scope::default();
        assert_eq!(f.claim("col1", ""), "col1");
        assert_eq!(f.claim("col1", ""), "col1_2");
    }
}
