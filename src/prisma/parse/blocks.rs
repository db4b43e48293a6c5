//! Blocks: `model`/`view`/`type`, `enum`, `datasource`/`generator`, and the recovery that skips
//! a block or a line that does not parse.

use crate::psl::ast::*;

use super::*;

impl<'a> Parser<'a> {
    /// After an unknown keyword: skips a `{ … }` block when the line opens one, else the line.
    pub(super) fn skip_block_or_line(&mut self) {
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
    pub(super) fn comment_block(&mut self) -> Option<String> {
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
    pub(super) fn next_is_block(&self) -> bool {
        let rest = self.rest().trim_start_matches([' ', '\t']);
        ["model", "view", "type", "enum", "generator", "datasource"]
            .iter()
            .any(|k| {
                rest.strip_prefix(k)
                    .is_some_and(|r| r.starts_with([' ', '\t']))
            })
    }

    /// `name {` and the rest of that line; returns the name.
    pub(super) fn block_open(&mut self) -> PResult<Ident> {
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
    pub(super) fn block_close(&mut self, start: usize) -> Span {
        start..self.pos
    }

    pub(super) fn model_block(
        &mut self,
        keyword: &str,
        docs: Option<String>,
        start: usize,
    ) -> Option<Top> {
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

    pub(super) fn enum_block(&mut self, docs: Option<String>, start: usize) -> Option<Top> {
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

    pub(super) fn config_block(&mut self, keyword: &str, start: usize) -> Option<Top> {
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
