//! Fields and their types, attributes and their arguments, expressions and string literals.

use super::cursor::is_ident_char;
use super::cursor::is_ident_start;
use crate::psl::ast::*;

use super::*;

impl<'a> Parser<'a> {
    pub(super) fn field(&mut self, start: usize, docs: Option<String>) -> PResult<Field> {
        // `db pull` writes a relation field pointing at a model whose name sanitised to nothing
        // with no type (`? @relation(…)`, `_c_aTo ? @relation(…)`), and one named after such a
        // model with a leading `_` (`__kTo`). Read here, refused after the parse unless they
        // are such relations ([`Parser::fields_without_a_name_or_type`]).
        if self.at_typeless_arity() {
            return self.field_rest(
                start,
                docs,
                Ident {
                    name: String::new(),
                    span: self.pos..self.pos,
                },
            );
        }
        let mut name = if self.peek() == Some('_') {
            let at = self.pos;
            while matches!(self.peek(), Some(c) if is_ident_char(c)) {
                self.bump();
            }
            Ident {
                name: self.src[at..self.pos].to_string(),
                span: at..self.pos,
            }
        } else {
            self.ident()?
        };
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
        self.field_rest(start, docs, name)
    }

    /// At `?` or `[]` where a type name should be (see [`Parser::field`]).
    fn at_typeless_arity(&self) -> bool {
        self.rest().starts_with('?') || self.rest().starts_with("[]")
    }

    /// A field after its name: the type and the attributes.
    fn field_rest(&mut self, start: usize, docs: Option<String>, name: Ident) -> PResult<Field> {
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

    pub(super) fn field_type(&mut self) -> PResult<FieldType> {
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
        } else if self.at_typeless_arity() {
            (String::new(), false)
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
    pub(super) fn attribute_after_at(&mut self, start: usize) -> PResult<Attribute> {
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
    pub(super) fn arguments(&mut self) -> PResult<Vec<Argument>> {
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

    pub(super) fn argument(&mut self) -> PResult<Argument> {
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

    pub(super) fn expression(&mut self) -> PResult<Expr> {
        self.skip_ws();
        if self.depth >= MAX_NESTING {
            return self.fail(format!("values nested more than {MAX_NESTING} levels deep"));
        }
        self.depth += 1;
        let e = self.expression_here();
        self.depth -= 1;
        e
    }

    pub(super) fn expression_here(&mut self) -> PResult<Expr> {
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
                    let start = self.pos;
                    let item = match self.expression() {
                        Ok(item) => item,
                        // Not a value (`_ok`): read as a name below, if it is words.
                        Err(e) if !matches!(self.src[start..].chars().next(), Some('"' | '[')) => {
                            self.pos = start;
                            if matches!(self.peek(), Some(',' | ']') | None) {
                                return Err(e);
                            }
                            Expr::Path(String::new())
                        }
                        Err(e) => return Err(e),
                    };
                    self.skip_ws();
                    items.push(self.words_run_on(start, item)?);
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

    /// An array element followed by more words before `,` or `]`, or that is no value at all:
    /// `db pull` writes enum labels in array defaults as they are (`@default([a b, _ok])` for
    /// the labels `a b` and `_ok`, `[red"]` for `red"`), and schemagen must read back what it
    /// wrote; the words are kept as one name, as written.
    fn words_run_on(&mut self, start: usize, item: Expr) -> PResult<Expr> {
        if matches!(self.peek(), None | Some(',') | Some(']')) && self.pos > start {
            return Ok(item);
        }
        while let Some(c) = self.peek() {
            match c {
                ',' | ']' => break,
                // A label may hold quotes and brackets (`a"b`, `x)`): only the line's end stops it.
                '\n' | '\r' => return self.fail("expected `,` or `]`"),
                _ => {
                    self.bump();
                }
            }
        }
        if self.peek().is_none() {
            return self.fail("expected `,` or `]`");
        }
        Ok(Expr::Path(self.src[start..self.pos].trim_end().to_string()))
    }

    pub(super) fn path_or_call(&mut self) -> PResult<Expr> {
        let path = self.path()?;
        if self.peek() == Some('(') {
            let args = self.arguments()?;
            Ok(Expr::Function(path, args))
        } else {
            Ok(Expr::Path(path))
        }
    }

    /// A JSON-style string literal; returns its unescaped content.
    pub(super) fn string_literal(&mut self) -> PResult<String> {
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
}
