//! [`Datamodel`] → text, laid out exactly as `psl::reformat` lays out the engine's output.
//!
//! The layout is computed here, in a view model of finished lines ([`SchemaView`]); the tera
//! template (`templates/schema.prisma.tera`) only joins them. What psl's reformatter does, and
//! this module reproduces:
//!
//! * inside a block, consecutive field lines form a table: names, types and attributes are
//!   padded to the widest entry of their column (byte length, one space between columns, the
//!   last column of a line never padded); comment lines take no part in the widths;
//! * field attributes are sorted `@id @unique @default @updatedAt @@index @@fulltext @map
//!   @relation @ignore`, then the others (`@db.*`) in their order; block attributes likewise;
//! * block attributes come after one empty line; a comment block directly before the first
//!   block attribute moves with it (so commented-out lines at the end of a block end up after the
//!   empty line);
//! * top-level blocks are separated by one empty line; documentation is `/// text`.

use serde::Serialize;

use super::dm::{Block, ConfigBlock, Datamodel, Line};

/// The template, embedded so that the crate works as a build dependency.
pub const TEMPLATE: &str = include_str!("../../../templates/schema.prisma.tera");

/// The pre-laid-out schema the template renders.
#[derive(Debug, Clone, Serialize)]
pub struct SchemaView {
    /// Top-level blocks in order.
    pub blocks: Vec<BlockView>,
}

/// One top-level block: its finished lines (without newlines).
#[derive(Debug, Clone, Serialize)]
pub struct BlockView {
    /// An empty line separates it from the previous block.
    pub blank_before: bool,
    /// Lines, indentation and padding included.
    pub lines: Vec<String>,
}

/// Sort position of an attribute in psl's reformatter (`get_sort_index_of_attribute`).
fn sort_index(attr: &str) -> usize {
    let path = attr.trim_start_matches('@');
    let path = path.split('(').next().unwrap_or(path);
    const ORDER: [&str; 9] = [
        "id",
        "unique",
        "default",
        "updatedAt",
        "index",
        "fulltext",
        "map",
        "relation",
        "ignore",
    ];
    ORDER.iter().position(|p| *p == path).unwrap_or(usize::MAX)
}

fn sorted(attrs: &[String]) -> Vec<String> {
    let mut v: Vec<String> = attrs.to_vec();
    v.sort_by_key(|a| sort_index(a));
    v
}

/// A row of a reformat table.
enum Row {
    /// Columns (trailing empty ones are dropped).
    Cols(Vec<String>),
    /// A comment line (`/// x`, `// x`).
    Comment(String),
    /// A line reformat cannot parse: copied as it is, outside the table.
    Verbatim(String),
    /// An empty line.
    Blank,
}

fn doc_line(d: &str) -> String {
    if d.is_empty() {
        "///".to_string()
    } else {
        format!("/// {d}")
    }
}

/// The `///` lines of one documentation line. A carriage return inside it (a database comment,
/// a `/* */` comment of the previous schema) would end the comment when the file is read again
/// (Prisma's grammar takes `\r` for a line break), so it starts a new `///` line instead.
fn doc_lines(d: &str) -> impl Iterator<Item = String> + '_ {
    d.split("\r\n").flat_map(|p| p.split('\r')).map(doc_line)
}

/// A `// ` comment line holding generated text (a commented-out field, enum value or model):
/// ASCII control characters are escaped as in a string literal (`\n`, `\t`, `\u0001`), so
/// that a name with a line break cannot end the comment and turn the rest into schema text.
/// (`db pull` writes them raw; its output then no longer parses.)
fn comment_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 3);
    out.push_str("// ");
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_ascii_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// Lays out a table of rows with `indent` spaces.
fn render_table(rows: &[Row], indent: usize, out: &mut Vec<String>) {
    let mut widths: Vec<usize> = Vec::new();
    let trimmed: Vec<Option<Vec<&str>>> = rows
        .iter()
        .map(|r| match r {
            Row::Cols(c) => {
                let mut cols: Vec<&str> = c.iter().map(|s| s.trim()).collect();
                while cols.last() == Some(&"") {
                    cols.pop();
                }
                Some(cols)
            }
            _ => None,
        })
        .collect();
    for cols in trimmed.iter().flatten() {
        for (i, c) in cols.iter().enumerate() {
            if widths.len() <= i {
                widths.push(0);
            }
            widths[i] = widths[i].max(c.len());
        }
    }
    let pad = " ".repeat(indent);
    for (row, cols) in rows.iter().zip(&trimmed) {
        match row {
            Row::Blank => out.push(String::new()),
            Row::Comment(c) | Row::Verbatim(c) => out.push(format!("{pad}{c}")),
            Row::Cols(_) => {
                let cols = cols.as_ref().expect("columns");
                let mut line = pad.clone();
                for (i, c) in cols.iter().enumerate() {
                    line.push_str(c);
                    if i + 1 < cols.len() {
                        line.push_str(&" ".repeat(widths[i] - c.len() + 1));
                    }
                }
                if cols.is_empty() {
                    line = String::new();
                }
                out.push(line);
            }
        }
    }
}

/// The engine's one-line rendering of a field (used for commented-out lines, which reformat
/// does not touch).
fn plain_line(l: &Line) -> String {
    let mut s = l.name.clone();
    if !l.ty.is_empty() {
        s.push(' ');
        s.push_str(&l.ty);
    }
    for a in &l.attributes {
        s.push(' ');
        s.push_str(a);
    }
    s
}

/// Whether reformat can parse `name` as a block name (else the block is copied verbatim).
fn is_identifier(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// Whether psl's parser reads the argument of an `@default([…])` list (the only attribute the
/// engine writes from raw database text: enum labels): each element must be a number, a path
/// (`a`, `a.b`, `a-b`, `pré`) or a call of one (`f(…)`). Checked against psl's reformatter.
fn attribute_parses(a: &str) -> bool {
    let Some(list) = a
        .strip_prefix("@default([")
        .and_then(|r| r.strip_suffix("])"))
    else {
        return true;
    };
    elements(list).is_some_and(|els| els.into_iter().all(psl_value))
}

/// The elements of a list's text, split at the `, ` between them (not inside a string
/// constant); `None` when a string is not closed.
fn elements(list: &str) -> Option<Vec<&str>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in list.char_indices() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
        } else if c == '"' {
            in_string = true;
        } else if c == ',' && list[i..].starts_with(", ") {
            out.push(&list[start..i]);
            start = i + 2;
        }
    }
    if in_string {
        return None;
    }
    if !list.is_empty() {
        out.push(&list[start..]);
    }
    Some(out)
}

/// A number, a path or a call, as psl's grammar reads an array element.
fn psl_value(v: &str) -> bool {
    let number = |t: &str| {
        let t = t.strip_prefix('-').unwrap_or(t);
        let (int, frac) = t.split_once('.').unwrap_or((t, "0"));
        [int, frac]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    };
    let segment = |s: &str, first: bool| {
        let mut cs = s.chars();
        match cs.next() {
            None => !first,
            Some(c) if first && !c.is_alphabetic() => false,
            Some(c) if !c.is_alphanumeric() => false,
            _ => cs.all(|c| c.is_alphanumeric() || c == '_' || c == '-'),
        }
    };
    let path = |p: &str| p.split('.').enumerate().all(|(i, s)| segment(s, i == 0));
    let string = |t: &str| t.len() >= 2 && t.starts_with('"') && t.ends_with('"');
    if number(v) || path(v) || string(v) {
        return true;
    }
    // A call: `path(args)`, the arguments values themselves.
    let Some((callee, rest)) = v.split_once('(') else {
        return false;
    };
    let Some(args) = rest.strip_suffix(')') else {
        return false;
    };
    path(callee) && (args.trim().is_empty() || args.split(',').all(|a| psl_value(a.trim())))
}

/// The engine's own text of a block reformat cannot parse (a name sanitised to nothing): the
/// grammar's catch-all keeps it as written, unindented, attributes in the renderer's order.
fn raw_block_lines(b: &Block) -> Vec<String> {
    let mut out: Vec<String> = b.docs.iter().flat_map(|d| doc_lines(d)).collect();
    out.push(format!("{} {} {{", b.kind.keyword(), b.name));
    for l in &b.lines {
        out.extend(l.docs.iter().flat_map(|d| doc_lines(d)));
        out.push(if l.commented_out {
            comment_line(&plain_line(l))
        } else {
            plain_line(l)
        });
    }
    out.extend(b.attributes.iter().cloned());
    out.push("}".into());
    out
}

fn block_lines(b: &Block) -> Vec<String> {
    if !is_identifier(&b.name) {
        return raw_block_lines(b);
    }
    let mut out: Vec<String> = b.docs.iter().flat_map(|d| doc_lines(d)).collect();
    let kw = b.kind.keyword();
    if b.commented_out {
        out.push(comment_line(&format!("{kw} {} {{", b.name)));
        for l in &b.lines {
            out.push(comment_line(&plain_line(l)));
        }
        for a in &b.attributes {
            out.push(comment_line(a));
        }
        out.push("// }".into());
        return out;
    }
    out.push(format!("{kw} {} {{", b.name));
    let is_enum = b.kind == super::dm::BlockKind::Enum;
    let mut rows: Vec<Row> = Vec::new();
    for l in &b.lines {
        for d in &l.docs {
            rows.extend(doc_lines(d).map(Row::Comment));
        }
        if l.commented_out {
            rows.push(Row::Comment(comment_line(&plain_line(l))));
        } else if !is_identifier(&l.name) {
            // A field whose name is not an identifier in psl's grammar: empty (a relation to a
            // table named `ä`) or starting with `_` (a relation named after such a table,
            // `__a_idTo`): psl's reformatter cannot parse the line and copies it, trimmed,
            // outside the table.
            rows.push(Row::Verbatim(plain_line(l).trim_start().to_string()));
        } else if !l.attributes.iter().all(|a| attribute_parses(a)) {
            // An enum-array default whose labels are not values in the grammar (`[a b]`,
            // `[_x]`): the engine writes them so, and reformat copies the line as it is.
            rows.push(Row::Verbatim(plain_line(l).trim_start().to_string()));
        } else if is_enum {
            rows.push(Row::Cols(vec![l.name.clone(), l.attributes.concat()]));
        } else {
            rows.push(Row::Cols(vec![
                l.name.clone(),
                l.ty.clone(),
                sorted(&l.attributes).join(" "),
            ]));
        }
    }
    // Comments directly before the block attributes move with the first of them.
    let mut pending: Vec<Row> = Vec::new();
    if !b.attributes.is_empty() {
        while matches!(rows.last(), Some(Row::Comment(_))) {
            pending.insert(0, rows.pop().expect("row"));
        }
    }
    render_table(&rows, 2, &mut out);
    if !b.attributes.is_empty() {
        let mut attrs: Vec<(Vec<Row>, &String)> = b
            .attributes
            .iter()
            .enumerate()
            .map(|(i, a)| {
                (
                    if i == 0 {
                        std::mem::take(&mut pending)
                    } else {
                        Vec::new()
                    },
                    a,
                )
            })
            .collect();
        attrs.sort_by_key(|(_, a)| sort_index(a));
        let mut rows = vec![Row::Blank];
        for (comments, a) in attrs {
            rows.extend(comments);
            rows.push(Row::Cols(vec![a.clone()]));
        }
        render_table(&rows, 2, &mut out);
    }
    out.push("}".into());
    out
}

fn config_lines(c: &ConfigBlock) -> Vec<String> {
    let mut out: Vec<String> = c.docs.iter().flat_map(|d| doc_lines(d)).collect();
    out.push(format!("{} {} {{", c.keyword, c.name));
    let rows: Vec<Row> = c
        .lines
        .iter()
        .map(|l| Row::Cols(vec![l.key.clone(), format!("= {}", l.value)]))
        .collect();
    render_table(&rows, 2, &mut out);
    out.push("}".into());
    out
}

/// Builds the view model of a datamodel.
pub fn view(dm: &Datamodel) -> SchemaView {
    let mut blocks: Vec<BlockView> = dm
        .config
        .iter()
        .map(|c| BlockView {
            blank_before: true,
            lines: config_lines(c),
        })
        .collect();
    for b in &dm.blocks {
        // A verbatim block ends without its newline; the empty line after it is eaten.
        let after_raw = blocks.len() > dm.config.len()
            && !is_identifier(&dm.blocks[blocks.len() - dm.config.len() - 1].name);
        blocks.push(BlockView {
            blank_before: !after_raw,
            lines: block_lines(b),
        });
    }
    if let Some(first) = blocks.first_mut() {
        first.blank_before = false;
    }
    SchemaView { blocks }
}

/// Renders a datamodel through the template.
///
/// # Errors
/// When tera fails (which the embedded template does not).
pub fn render(dm: &Datamodel) -> Result<String, tera::Error> {
    let mut tera = tera::Tera::default();
    tera.autoescape_on(Vec::new());
    tera.add_raw_template("schema.prisma.tera", TEMPLATE)?;
    let ctx = tera::Context::from_serialize(view(dm))?;
    tera.render("schema.prisma.tera", &ctx)
}

#[cfg(test)]
mod tests {
    /// What psl's reformatter aligns (a value) and what it copies as it is, found with
    /// `oracle/validate.mjs --format` on one field per label.
    #[test]
    fn array_elements_psl_reads() {
        for ok in [
            "ok", "a-b", "a.b", "pré", "ÄÖ", "1", "12", "-1", "a_b", "A", "x1", "é", "1.5", "a.1",
            "a..b", "a-", "a(b)", "true", "null", "a.", "a-.b", "a_", "a1-2", "ab()", "Ä-1",
            "a(1)", "a(b,c)", "ab.cd.ef", "a.b-c", "ß",
        ] {
            assert!(super::psl_value(ok), "{ok}");
        }
        for bad in [
            "a b", "1a", "_x", "a$b", "a\\b", "-a", "a/b", "a:b", "a#b", "a'b", "a\"b", "a]b",
            "(a)", "a b c", "a(b c)", "a()x", "a.-b", "a·b", "a–b", "x y",
        ] {
            assert!(!super::psl_value(bad), "{bad}");
        }
        assert!(!super::attribute_parses("@default([ok, a b])"));
        assert!(super::attribute_parses("@default([ok, a-b])"));
        assert!(super::attribute_parses("@map(\"a b\")"));
        assert!(super::attribute_parses("@default([\"a, b\", \"c\\\"d\"])"));
        assert!(super::attribute_parses("@default([])"));
    }
}
