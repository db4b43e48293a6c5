//! `schema.prisma` text → [`SchemaAst`].
//!
//! A hand-written parser for the grammar of Prisma's `datamodel.pest`: blocks are line based
//! (one field, value, attribute or property per line; whitespace never spans lines), `///` lines
//! document the next item, `//` lines are comments. A line that does not parse is reported with its
//! line and column and skipped, so that one mistake yields one error and parsing goes on; the
//! parser never panics on any input.

mod blocks;
mod cursor;
mod fields;
#[cfg(test)]
mod tests;

use crate::psl::ast::*;

/// A problem in the previous schema, with a 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

/// Parses a schema. Returns the tree and every error found (an empty list when the text is fine).
pub fn parse_schema(text: &str) -> (SchemaAst, Vec<ParseError>) {
    parse_schema_at(text, 0..text.len())
}

/// Parses the schema file at `range` of `all` (the files of a multi-file schema one after the
/// other): spans are offsets into `all`, so that they tell the files apart; errors count lines
/// and columns from the start of the range.
pub fn parse_schema_at(all: &str, range: std::ops::Range<usize>) -> (SchemaAst, Vec<ParseError>) {
    let mut p = Parser {
        src: &all[..range.end],
        pos: range.start,
        base: range.start,
        errors: Vec::new(),
        depth: 0,
    };
    let ast = p.schema();
    p.fields_without_a_name_or_type(&ast);
    p.errors.sort_by_key(|e| (e.line, e.column));
    (ast, p.errors)
}

/// Values nested deeper than this (`[[[…]]]`, `f(g(h(…)))`) are an error: no schema needs more
/// than a few levels, and the parser, the renderer and dropping the tree recurse once per level.
pub(crate) const MAX_NESTING: usize = 256;

struct Parser<'a> {
    src: &'a str,
    pos: usize,
    /// Where the file starts in `src` (see [`parse_schema_at`]).
    base: usize,
    errors: Vec<ParseError>,
    /// Values being parsed, one inside another.
    depth: usize,
}

/// A parse failure inside a line; the caller reports it and skips the line.
struct Fail {
    pos: usize,
    message: String,
}

type PResult<T> = Result<T, Fail>;

impl<'a> Parser<'a> {
    /// A field line with one word (`name`, `name @unique`, `name?`) is refused as Prisma's
    /// parser refuses it, except what `db pull` itself writes for a relation field whose name
    /// sanitised to nothing: the related model's name alone, `Model[]`, `Model?` or
    /// `Model @relation(…)`, and for one pointing at a model whose own name sanitised to
    /// nothing, no type (`? @relation(…)`) and a name with a leading `_` (schemagen reads its
    /// own output; see [`Parser::field`]).
    fn fields_without_a_name_or_type(&mut self, ast: &SchemaAst) {
        let models: std::collections::HashSet<&str> = ast
            .tops
            .iter()
            .filter_map(|t| match t {
                Top::Model(m) => Some(m.name.name.as_str()),
                _ => None,
            })
            .collect();
        for top in &ast.tops {
            let (m, container) = match top {
                Top::Model(m) if m.is_view => (m, "view"),
                Top::Model(m) => (m, "model"),
                Top::CompositeType(m) => (m, "type"),
                _ => continue,
            };
            for f in &m.fields {
                let relation = matches!(top, Top::Model(_)) && models.contains(f.ty.name.as_str());
                // A name with a leading `_` or no type name (`? @relation(…)`): only `db pull`'s
                // relations to and named after a model whose name sanitised to nothing.
                let odd = f.name.name.starts_with('_') || f.ty.name.is_empty() && !f.ty.unsupported;
                if relation || !f.name.name.is_empty() && !odd {
                    continue;
                }
                // Prisma's grammar reads `name?` and `name[]` as no field at all, and
                // `name` / `name @attribute` as a field missing its type.
                let message = if f.ty.arity == Arity::Required && !f.ty.unsupported && !odd {
                    format!(
                        "Error validating {container} \"{}\": This field declaration is invalid. \
                         It is either missing a name or a type.",
                        m.name.name
                    )
                } else {
                    "Error validating: This line is not a valid field or attribute definition."
                        .to_string()
                };
                self.report(f.span.start, message);
            }
        }
    }

    fn schema(&mut self) -> SchemaAst {
        let mut tops = Vec::new();
        let mut pending_docs: Option<String> = None;
        loop {
            let line_start = self.pos;
            self.skip_ws();
            if self.at_eof() {
                break;
            }
            if self.eat_newline() {
                continue;
            }
            if self.starts_comment() {
                // psl keeps a comment block for the next model or enum only when that block
                // follows directly; configuration blocks do not take it (it then documents the
                // next model or enum, even after empty lines).
                let docs = self.comment_block();
                if self.next_is_block() {
                    pending_docs = docs;
                }
                continue;
            }
            let keyword_start = self.pos;
            let Ok(keyword) = self.ident() else {
                self.report(
                    keyword_start,
                    "This line is invalid. It does not start with any known Prisma schema keyword.",
                );
                self.skip_line();
                continue;
            };
            let result = match keyword.name.as_str() {
                "model" | "view" | "type" => {
                    self.model_block(&keyword.name, pending_docs.take(), line_start)
                }
                "enum" => self.enum_block(pending_docs.take(), line_start),
                "generator" | "datasource" => self.config_block(&keyword.name, line_start),
                _ => {
                    self.report(
                        keyword_start,
                        format!(
                            "This block is invalid. It does not start with any known Prisma schema keyword \
                             (`{}`). Valid keywords include 'model', 'enum', 'type', 'view', 'datasource' and 'generator'.",
                            keyword.name
                        ),
                    );
                    self.skip_block_or_line();
                    continue;
                }
            };
            if let Some(top) = result {
                tops.push(top);
            }
        }
        SchemaAst { tops }
    }
}

/// A leading comment block and a trailing comment, as psl joins them.
fn join_docs(leading: Option<String>, trailing: Option<String>) -> Option<String> {
    match (leading, trailing) {
        (Some(a), Some(b)) => Some(format!("{a}\n{b}")),
        (a, None) | (None, a) => a,
    }
}

/// 1-based line and column (in characters) of byte offset `pos` in `text`.
pub fn line_col(text: &str, pos: usize) -> (usize, usize) {
    let mut pos = pos.min(text.len());
    while !text.is_char_boundary(pos) {
        pos -= 1;
    }
    let before = &text[..pos];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, text[line_start..pos].chars().count() + 1)
}
