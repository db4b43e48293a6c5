//! `schema.prisma` text → [`SchemaAst`].
//!
//! A hand-written parser for the grammar of Prisma's `datamodel.pest`: blocks are line based
//! (one field, value, attribute or property per line; whitespace never spans lines), `///` lines
//! document the next item, `//` lines are comments. A line that does not parse is reported with its
//! line and column and skipped, so that one mistake yields one error and parsing goes on; the
//! parser never panics on any input.

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

fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphanumeric()
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

impl<'a> Parser<'a> {
    /// A field line with one word (`name`, `name @unique`, `name?`) is refused as Prisma's
    /// parser refuses it, except what `db pull` itself writes for a relation field whose name
    /// sanitised to nothing: the related model's name alone, `Model[]`, `Model?` or
    /// `Model @relation(…)` (schemagen reads its own output; see [`Parser::field`]).
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
                if !f.name.name.is_empty() || relation {
                    continue;
                }
                // Prisma's grammar reads `name?` and `name[]` as no field at all, and
                // `name` / `name @attribute` as a field missing its type.
                let message = if f.ty.arity == Arity::Required && !f.ty.unsupported {
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

    fn rest(&self) -> &'a str {
        &self.src[self.pos..]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn at_eof(&self) -> bool {
        self.pos >= self.src.len()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn eat(&mut self, s: &str) -> bool {
        if self.rest().starts_with(s) {
            self.pos += s.len();
            true
        } else {
            false
        }
    }

    fn fail<T>(&self, message: impl Into<String>) -> PResult<T> {
        Err(Fail {
            pos: self.pos,
            message: message.into(),
        })
    }

    fn report(&mut self, pos: usize, message: impl Into<String>) {
        let (line, column) = line_col(&self.src[self.base..], pos.saturating_sub(self.base));
        self.errors.push(ParseError {
            line,
            column,
            message: message.into(),
        });
    }

    /// Spaces and tabs (PSL whitespace never includes newlines).
    fn skip_ws(&mut self) {
        while let Some(c) = self.peek() {
            if c == ' ' || c == '\t' || (c.is_whitespace() && c != '\n' && c != '\r') {
                self.bump();
            } else {
                break;
            }
        }
    }

    fn at_newline(&self) -> bool {
        matches!(self.peek(), Some('\n') | Some('\r'))
    }

    fn eat_newline(&mut self) -> bool {
        if self.eat("\r\n") || self.eat("\n") || self.eat("\r") {
            return true;
        }
        false
    }

    /// Skips to just after the end of the current line.
    fn skip_line(&mut self) {
        while let Some(c) = self.peek() {
            if c == '\n' || c == '\r' {
                self.eat_newline();
                return;
            }
            self.bump();
        }
    }

    /// The rest of the current line after optional whitespace must be empty or one comment
    /// (`trailing_comment`); returns the documentation that comment adds (`/// x`, `/* x */`).
    fn end_of_line(&mut self) -> PResult<Option<String>> {
        self.skip_ws();
        let doc = if self.starts_comment() {
            self.comment_item(self.pos)?
        } else {
            None
        };
        self.skip_ws();
        if self.at_eof() || self.eat_newline() {
            Ok(doc)
        } else {
            self.fail(format!(
                "unexpected `{}`",
                self.rest().chars().take(20).collect::<String>().trim_end()
            ))
        }
    }

    fn starts_comment(&self) -> bool {
        self.rest().starts_with("//") || self.rest().starts_with("/*")
    }

    /// One comment at the current position (`///`, `//` or `/* */`); `raw_start` is where the
    /// grammar's match begins (leading whitespace included when the comment is not the first of
    /// its block). Returns its documentation text, as psl's parser reads it: `///` lines from the
    /// first non-blank character, `/* */` comments as their matched text without the first two
    /// and last two characters, trimmed (so leading whitespace shifts the cut), `//` nothing.
    fn comment_item(&mut self, raw_start: usize) -> PResult<Option<String>> {
        if self.eat("/*") {
            match self.rest().find("*/") {
                Some(i) => self.pos += i + 2,
                None => {
                    self.pos -= 2;
                    return self.fail("this comment is not closed with `*/`");
                }
            }
            let raw = &self.src[raw_start..self.pos];
            let inner = raw.get(2..raw.len() - 2).unwrap_or_default();
            return Ok(Some(inner.trim().to_string()));
        }
        let doc = self.eat("///");
        if !doc {
            self.eat("//");
        }
        let start = self.pos;
        while !self.at_eof() && !self.at_newline() {
            self.bump();
        }
        Ok(doc.then(|| self.src[start..self.pos].trim_start().to_string()))
    }

    fn ident(&mut self) -> PResult<Ident> {
        let start = self.pos;
        match self.peek() {
            Some(c) if is_ident_start(c) => {}
            _ => return self.fail("expected a name"),
        }
        while matches!(self.peek(), Some(c) if is_ident_char(c)) {
            self.bump();
        }
        Ok(Ident {
            name: self.src[start..self.pos].to_string(),
            span: start..self.pos,
        })
    }

    /// `ident(.ident)*`.
    fn path(&mut self) -> PResult<String> {
        let mut out = self.ident()?.name;
        while self.peek() == Some('.') {
            self.bump();
            out.push('.');
            if matches!(self.peek(), Some(c) if is_ident_start(c)) {
                out.push_str(&self.ident()?.name);
            }
        }
        Ok(out)
    }

    // ---------------------------------------------------------------------------------------
    // Top level

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

    /// After an unknown keyword: skips a `{ … }` block when the line opens one, else the line.
    fn skip_block_or_line(&mut self) {
        let line_end = self
            .rest()
            .find('\n')
            .map_or(self.src.len(), |i| self.pos + i);
        if self.src[self.pos..line_end].contains('{') {
            while let Some(c) = self.bump() {
                if c == '}' {
                    break;
                }
            }
        }
        self.skip_line();
    }

    /// A `comment_block`: comments, each followed by at most one line break; returns the
    /// documentation lines joined (None when there are none). An empty line ends the block. The
    /// caller has skipped the whitespace before the first comment.
    fn comment_block(&mut self) -> Option<String> {
        let mut docs: Vec<String> = Vec::new();
        let mut first = true;
        loop {
            let save = self.pos;
            self.skip_ws();
            if !self.starts_comment() {
                self.pos = save;
                break;
            }
            let raw_start = if first { self.pos } else { save };
            first = false;
            match self.comment_item(raw_start) {
                Ok(Some(d)) => docs.push(d),
                Ok(None) => {}
                Err(f) => {
                    self.report(f.pos, f.message);
                    self.skip_line();
                    break;
                }
            }
            self.eat_newline();
        }
        (!docs.is_empty()).then(|| docs.join("\n"))
    }

    /// Whether the next line (after blanks on it) opens a block a top-level comment documents.
    fn next_is_block(&self) -> bool {
        let rest = self.rest().trim_start_matches([' ', '\t']);
        ["model", "view", "type", "enum", "generator", "datasource"]
            .iter()
            .any(|k| {
                rest.strip_prefix(k)
                    .is_some_and(|r| r.starts_with([' ', '\t']))
            })
    }

    /// `name {` and the rest of that line; returns the name.
    fn block_open(&mut self) -> PResult<Ident> {
        self.skip_ws();
        // `db pull` writes `model  {` for a table whose name sanitises to nothing (`ä`); psl
        // cannot read that back, schemagen can (the block's `@@map` names the table).
        let name = if self.peek() == Some('{') {
            Ident {
                name: String::new(),
                span: self.pos..self.pos,
            }
        } else {
            self.ident()?
        };
        self.skip_ws();
        if !self.eat("{") {
            return self.fail("expected `{`");
        }
        // Anything may follow the brace on its line.
        while !self.at_eof() && !self.at_newline() {
            self.bump();
        }
        self.eat_newline();
        Ok(name)
    }

    /// Reports an unterminated block at `start` and returns its span.
    fn block_close(&mut self, start: usize) -> Span {
        start..self.pos
    }

    fn model_block(&mut self, keyword: &str, docs: Option<String>, start: usize) -> Option<Top> {
        let name = match self.block_open() {
            Ok(n) => n,
            Err(f) => {
                self.report(f.pos, f.message);
                self.skip_block_or_line();
                return None;
            }
        };
        let mut fields = Vec::new();
        let mut attributes = Vec::new();
        let mut pending_docs: Option<String> = None;
        let mut closed = false;
        while !self.at_eof() {
            self.skip_ws();
            if self.eat("}") {
                // What follows on the line belongs to the top level (`}/// doc` documents the
                // next block).
                closed = true;
                break;
            }
            if self.eat_newline() {
                continue;
            }
            if self.starts_comment() {
                pending_docs = self.comment_block();
                continue;
            }
            let line_start = self.pos;
            let r = if self.rest().starts_with("@@") {
                self.pos += 2;
                self.attribute_after_at(line_start).and_then(|a| {
                    self.end_of_line()?;
                    attributes.push(a);
                    Ok(())
                })
            } else {
                self.field(line_start, pending_docs.take())
                    .map(|f| fields.push(f))
            };
            if let Err(f) = r {
                self.report(f.pos, f.message);
                self.pos = f.pos.max(line_start);
                self.skip_line();
            }
        }
        if !closed {
            self.report(
                start,
                format!("this {keyword} block is not closed with `}}`"),
            );
        }
        let model = Model {
            name,
            fields,
            attributes,
            documentation: docs,
            is_view: keyword == "view",
            span: self.block_close(start),
        };
        Some(if keyword == "type" {
            Top::CompositeType(model)
        } else {
            Top::Model(model)
        })
    }

    fn field(&mut self, start: usize, docs: Option<String>) -> PResult<Field> {
        let mut name = self.ident()?;
        // `db pull` writes a relation field whose name sanitised to nothing as its type alone
        // (`other[]`, `other?`, `other @relation(…)`); read it as a field without a name.
        let after = self.pos;
        self.skip_ws();
        let nameless = matches!(self.rest().as_bytes().first(), Some(b'@') | None)
            || self.at_newline()
            || self.starts_comment()
            || self.rest().starts_with("[]") && after == self.pos
            || self.rest().starts_with('?') && after == self.pos;
        if nameless {
            self.pos = name.span.start;
            name = Ident {
                name: String::new(),
                span: name.span.start..name.span.start,
            };
        }
        // Prisma 1 legacy `name: Type`.
        if self.eat(":") {
            self.skip_ws();
        }
        let ty = self.field_type()?;
        let mut attributes = Vec::new();
        loop {
            self.skip_ws();
            if self.rest().starts_with("@@") {
                return self.fail("block attributes (`@@`) go on their own line");
            }
            if self.rest().starts_with('@') {
                let at = self.pos;
                self.bump();
                attributes.push(self.attribute_after_at(at)?);
            } else {
                break;
            }
        }
        let end = self.pos;
        let trailing = self.end_of_line()?;
        Ok(Field {
            name,
            ty,
            attributes,
            documentation: join_docs(docs, trailing),
            span: start..end,
        })
    }

    fn field_type(&mut self) -> PResult<FieldType> {
        let start = self.pos;
        let (name, unsupported) = if self.rest().starts_with("Unsupported(") {
            self.pos += "Unsupported(".len();
            self.skip_ws();
            let s = self.string_literal()?;
            self.skip_ws();
            if !self.eat(")") {
                return self.fail("expected `)` after the Unsupported type name");
            }
            (s, true)
        } else if self.eat("[") {
            // Prisma 1 legacy `[Type]`.
            let n = self.ident()?.name;
            if !self.eat("]") {
                return self.fail("expected `]`");
            }
            let span = start..self.pos;
            return Ok(FieldType {
                name: n,
                unsupported: false,
                arity: Arity::List,
                span,
            });
        } else {
            match self.ident() {
                Ok(i) => (i.name, false),
                Err(_) => return self.fail("expected a field type"),
            }
        };
        let arity = if self.eat("[]") {
            // `[]?` is only valid for Unsupported; treat it as a list.
            self.eat("?");
            Arity::List
        } else if self.eat("?") {
            Arity::Optional
        } else {
            // Prisma 1 legacy `Type!`.
            self.eat("!");
            Arity::Required
        };
        Ok(FieldType {
            name,
            unsupported,
            arity,
            span: start..self.pos,
        })
    }

    /// An attribute whose `@` or `@@` was just consumed; `start` is where the `@` was.
    fn attribute_after_at(&mut self, start: usize) -> PResult<Attribute> {
        let name = self.path()?;
        let arguments = if self.peek() == Some('(') {
            self.arguments()?
        } else {
            Vec::new()
        };
        Ok(Attribute {
            name,
            arguments,
            span: start..self.pos,
        })
    }

    /// `( [arg (, arg)*] [,] )`.
    fn arguments(&mut self) -> PResult<Vec<Argument>> {
        if !self.eat("(") {
            return self.fail("expected `(`");
        }
        let mut args = Vec::new();
        loop {
            self.skip_ws();
            if self.eat(")") {
                break;
            }
            if !args.is_empty() {
                if !self.eat(",") {
                    return self.fail("expected `,` or `)`");
                }
                self.skip_ws();
                if self.eat(")") {
                    break;
                }
            }
            args.push(self.argument()?);
        }
        Ok(args)
    }

    fn argument(&mut self) -> PResult<Argument> {
        // `name: value`, `name:` or a value.
        let save = self.pos;
        if matches!(self.peek(), Some(c) if is_ident_start(c)) {
            let name = self.ident()?;
            self.skip_ws();
            if self.peek() == Some(':') && !self.rest().starts_with("::") {
                self.bump();
                self.skip_ws();
                if matches!(self.peek(), Some(',') | Some(')')) {
                    return Ok(Argument {
                        name: Some(name.name),
                        value: Expr::Path(String::new()),
                    });
                }
                let value = self.expression()?;
                return Ok(Argument {
                    name: Some(name.name),
                    value,
                });
            }
            self.pos = save;
        }
        Ok(Argument {
            name: None,
            value: self.expression()?,
        })
    }

    fn expression(&mut self) -> PResult<Expr> {
        self.skip_ws();
        if self.depth >= MAX_NESTING {
            return self.fail(format!("values nested more than {MAX_NESTING} levels deep"));
        }
        self.depth += 1;
        let e = self.expression_here();
        self.depth -= 1;
        e
    }

    fn expression_here(&mut self) -> PResult<Expr> {
        match self.peek() {
            Some('"') => Ok(Expr::Str(self.string_literal()?)),
            Some('[') => {
                self.bump();
                let mut items = Vec::new();
                loop {
                    self.skip_ws();
                    if self.eat("]") {
                        break;
                    }
                    if !items.is_empty() {
                        if !self.eat(",") {
                            return self.fail("expected `,` or `]`");
                        }
                        self.skip_ws();
                        if self.eat("]") {
                            break;
                        }
                    }
                    items.push(self.expression()?);
                }
                Ok(Expr::Array(items))
            }
            Some(c) if c == '-' || c.is_ascii_digit() => {
                let start = self.pos;
                self.eat("-");
                let digits = self.pos;
                while matches!(self.peek(), Some(c) if c.is_ascii_digit()) {
                    self.bump();
                }
                // A name may start with a digit (`1Country`): then it is a path.
                if start == digits && matches!(self.peek(), Some(c) if is_ident_char(c)) {
                    self.pos = start;
                    return self.path_or_call();
                }
                if self.pos == digits {
                    return self.fail("expected a number");
                }
                if self.peek() == Some('.') {
                    self.bump();
                    while matches!(self.peek(), Some(c) if c.is_ascii_digit()) {
                        self.bump();
                    }
                }
                Ok(Expr::Number(self.src[start..self.pos].to_string()))
            }
            Some(c) if is_ident_start(c) => self.path_or_call(),
            _ => self.fail("expected a value"),
        }
    }

    fn path_or_call(&mut self) -> PResult<Expr> {
        let path = self.path()?;
        if self.peek() == Some('(') {
            let args = self.arguments()?;
            Ok(Expr::Function(path, args))
        } else {
            Ok(Expr::Path(path))
        }
    }

    /// A JSON-style string literal; returns its unescaped content.
    fn string_literal(&mut self) -> PResult<String> {
        if !self.eat("\"") {
            return self.fail("expected a string");
        }
        let mut out = String::new();
        loop {
            match self.bump() {
                None | Some('\n') | Some('\r') => {
                    return self.fail("this string is not closed with `\"`");
                }
                Some('"') => return Ok(out),
                Some('\\') => match self.bump() {
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some('r') => out.push('\r'),
                    Some('b') => out.push('\u{8}'),
                    Some('f') => out.push('\u{c}'),
                    Some('u') => {
                        let hex: String = self.rest().chars().take(4).collect();
                        match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                            Some(c) if hex.len() == 4 => {
                                self.pos += 4;
                                out.push(c);
                            }
                            _ => out.push('u'),
                        }
                    }
                    Some(c) => out.push(c),
                    None => return self.fail("this string is not closed with `\"`"),
                },
                Some(c) => out.push(c),
            }
        }
    }

    fn enum_block(&mut self, docs: Option<String>, start: usize) -> Option<Top> {
        let name = match self.block_open() {
            Ok(n) => n,
            Err(f) => {
                self.report(f.pos, f.message);
                self.skip_block_or_line();
                return None;
            }
        };
        let mut values = Vec::new();
        let mut attributes = Vec::new();
        let mut pending_docs = None;
        let mut closed = false;
        while !self.at_eof() {
            self.skip_ws();
            if self.eat("}") {
                // What follows on the line belongs to the top level (`}/// doc` documents the
                // next block).
                closed = true;
                break;
            }
            if self.eat_newline() {
                continue;
            }
            if self.starts_comment() {
                pending_docs = self.comment_block();
                continue;
            }
            let line_start = self.pos;
            let r: PResult<()> = if self.rest().starts_with("@@") {
                self.pos += 2;
                self.attribute_after_at(line_start).and_then(|a| {
                    self.end_of_line()?;
                    attributes.push(a);
                    Ok(())
                })
            } else {
                (|| {
                    let name = self.ident()?;
                    let mut attrs = Vec::new();
                    loop {
                        self.skip_ws();
                        if self.rest().starts_with('@') && !self.rest().starts_with("@@") {
                            let at = self.pos;
                            self.bump();
                            attrs.push(self.attribute_after_at(at)?);
                        } else {
                            break;
                        }
                    }
                    let end = self.pos;
                    let trailing = self.end_of_line()?;
                    values.push(EnumValue {
                        name,
                        attributes: attrs,
                        documentation: join_docs(pending_docs.take(), trailing),
                        span: line_start..end,
                    });
                    Ok(())
                })()
            };
            if let Err(f) = r {
                self.report(f.pos, f.message);
                self.pos = f.pos.max(line_start);
                self.skip_line();
            }
        }
        if !closed {
            self.report(start, "this enum block is not closed with `}`");
        }
        Some(Top::Enum(Enum {
            name,
            values,
            attributes,
            documentation: docs,
            span: start..self.pos,
        }))
    }

    fn config_block(&mut self, keyword: &str, start: usize) -> Option<Top> {
        let name = match self.block_open() {
            Ok(n) => n,
            Err(f) => {
                self.report(f.pos, f.message);
                self.skip_block_or_line();
                return None;
            }
        };
        let mut properties = Vec::new();
        let mut docs = None;
        let mut closed = false;
        while !self.at_eof() {
            self.skip_ws();
            if self.eat("}") {
                closed = true;
                break;
            }
            if self.eat_newline() {
                continue;
            }
            if self.starts_comment() {
                // The last comment block inside a configuration block documents it.
                docs = self.comment_block();
                continue;
            }
            let line_start = self.pos;
            let r: PResult<()> = (|| {
                let key = self.ident()?;
                self.skip_ws();
                if !self.eat("=") {
                    return self.fail(format!("expected `=` after `{}`", key.name));
                }
                let value = self.expression()?;
                let end = self.pos;
                self.end_of_line()?;
                properties.push(Property {
                    name: key,
                    value,
                    span: line_start..end,
                });
                Ok(())
            })();
            if let Err(f) = r {
                self.report(f.pos, f.message);
                self.pos = f.pos.max(line_start);
                self.skip_line();
            }
        }
        if !closed {
            self.report(
                start,
                format!("this {keyword} block is not closed with `}}`"),
            );
        }
        let block = ConfigBlock {
            name,
            properties,
            documentation: docs,
            span: start..self.pos,
        };
        Some(if keyword == "generator" {
            Top::Generator(block)
        } else {
            Top::Datasource(block)
        })
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

#[cfg(test)]
mod tests {
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
}
