//! The Prisma reader: `schema.prisma` text → [`psl`](crate::psl) ([`parse()`]).

pub mod files;
pub mod lower;
pub mod parse;
pub mod project;

use std::fmt;

pub use parse::ParseError;

use crate::psl::ast::SchemaAst;

/// Parses a whole schema.
///
/// # Errors
/// When it does not parse (every error, with line and column).
pub fn parse(text: &str) -> Result<SchemaAst, SchemaError> {
    let (ast, errors) = parse::parse_schema(text);
    if errors.is_empty() {
        Ok(ast)
    } else {
        Err(SchemaError { errors })
    }
}

/// The previous schema does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaError {
    /// Every problem found, with line and column.
    pub errors: Vec<ParseError>,
}

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl SchemaError {
    /// The errors as `path:line:column: error: message` lines (the shape compilers use, so that
    /// editors and terminals link them).
    pub fn render(&self, path: &str) -> String {
        self.errors
            .iter()
            .map(|e| {
                format!(
                    "{path}:{}:{}: error: {}\n",
                    e.line,
                    e.column,
                    crate::diagnostics::escape_controls(&e.message).replace('\n', "\\n")
                )
            })
            .collect()
    }
}

impl std::error::Error for SchemaError {}
