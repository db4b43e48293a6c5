//! Array constants: `'{…}'` parsed and printed again as `array_in`/`array_out` do.

use crate::pg::deparse::typesys::Ty;
use crate::pg::deparse::ExprContext;

use super::*;

/// Parses an array literal and prints it as `array_out` does, elements normalised.
pub(super) fn normalize_array(ctx: &ExprContext<'_>, text: &str, elem: &Ty) -> Option<String> {
    let t = text.trim();
    // Skip explicit dimensions (`[1:2]={…}`).
    let t = match t.find('=') {
        Some(i) if t.starts_with('[') => t[i + 1..].trim(),
        _ => t,
    };
    let mut p = ArrayParser {
        s: t.as_bytes(),
        i: 0,
    };
    let v = p.parse()?;
    p.skip_ws();
    if p.i != p.s.len() {
        return None;
    }
    let mut out = String::new();
    write_array(ctx, &v, elem, &mut out)?;
    Some(out)
}

pub(super) enum ArrayVal {
    List(Vec<ArrayVal>),
    Item(Option<String>),
}

pub(super) struct ArrayParser<'a> {
    pub(super) s: &'a [u8],
    pub(super) i: usize,
}

impl ArrayParser<'_> {
    fn skip_ws(&mut self) {
        while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }

    fn parse(&mut self) -> Option<ArrayVal> {
        self.skip_ws();
        if self.s.get(self.i) != Some(&b'{') {
            return None;
        }
        self.i += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.s.get(self.i) == Some(&b'}') {
            self.i += 1;
            return Some(ArrayVal::List(items));
        }
        loop {
            self.skip_ws();
            match self.s.get(self.i)? {
                b'{' => items.push(self.parse()?),
                b'"' => {
                    self.i += 1;
                    let mut buf = Vec::new();
                    loop {
                        match *self.s.get(self.i)? {
                            b'\\' => {
                                buf.push(*self.s.get(self.i + 1)?);
                                self.i += 2;
                            }
                            b'"' => {
                                self.i += 1;
                                break;
                            }
                            c => {
                                buf.push(c);
                                self.i += 1;
                            }
                        }
                    }
                    items.push(ArrayVal::Item(Some(String::from_utf8(buf).ok()?)));
                }
                _ => {
                    let mut buf = Vec::new();
                    while let Some(&c) = self.s.get(self.i) {
                        if c == b',' || c == b'}' {
                            break;
                        }
                        if c == b'\\' {
                            buf.push(*self.s.get(self.i + 1)?);
                            self.i += 2;
                            continue;
                        }
                        buf.push(c);
                        self.i += 1;
                    }
                    let raw = String::from_utf8(buf).ok()?;
                    let raw = raw.trim_end().to_string();
                    if raw.eq_ignore_ascii_case("null") {
                        items.push(ArrayVal::Item(None));
                    } else {
                        items.push(ArrayVal::Item(Some(raw)));
                    }
                }
            }
            self.skip_ws();
            match self.s.get(self.i)? {
                b',' => self.i += 1,
                b'}' => {
                    self.i += 1;
                    return Some(ArrayVal::List(items));
                }
                _ => return None,
            }
        }
    }
}

pub(super) fn write_array(
    ctx: &ExprContext<'_>,
    v: &ArrayVal,
    elem: &Ty,
    out: &mut String,
) -> Option<()> {
    match v {
        ArrayVal::List(items) => {
            out.push('{');
            for (i, it) in items.iter().enumerate() {
                if i > 0 {
                    out.push(if elem.is("box") { ';' } else { ',' });
                }
                write_array(ctx, it, elem, out)?;
            }
            out.push('}');
        }
        ArrayVal::Item(None) => out.push_str("NULL"),
        ArrayVal::Item(Some(s)) => {
            let s = normalize(ctx, s, elem)?;
            let needs_quote = s.is_empty()
                || s.eq_ignore_ascii_case("null")
                || s.bytes().any(|b| {
                    matches!(b, b'{' | b'}' | b',' | b'"' | b'\\') || b.is_ascii_whitespace()
                });
            if needs_quote {
                out.push('"');
                for c in s.chars() {
                    if c == '"' || c == '\\' {
                        out.push('\\');
                    }
                    out.push(c);
                }
                out.push('"');
            } else {
                out.push_str(&s);
            }
        }
    }
    Some(())
}
