//! `COPY … FROM stdin` data, read as PostgreSQL's `text` and `csv` formats read it (`copyfromparse.c`):
//! the fields of each line, `NULL` where the null string stands.

use sqlparser::ast::{CopyLegacyCsvOption, CopyLegacyOption, CopyOption};

/// How the data lines are written.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Format {
    csv: bool,
    delimiter: char,
    null: String,
    header: bool,
    quote: char,
    escape: char,
}

impl Format {
    /// The format the options give (`WITH (FORMAT csv, …)` or the pre-9.0 `CSV HEADER` forms).
    /// `Err` for a format whose data the history does not hold as text (`binary`).
    pub(super) fn new(
        options: &[CopyOption],
        legacy: &[CopyLegacyOption],
    ) -> Result<Format, String> {
        let mut csv = false;
        let mut delimiter = None;
        let mut null = None;
        let mut header = false;
        let mut quote = '"';
        let mut escape = None;
        for o in options {
            match o {
                CopyOption::Format(f) => match f.value.to_ascii_lowercase().as_str() {
                    "csv" => csv = true,
                    "text" => csv = false,
                    other => return Err(format!("COPY in format {other}")),
                },
                CopyOption::Delimiter(c) => delimiter = Some(*c),
                CopyOption::Null(s) => null = Some(s.clone()),
                CopyOption::Header(h) => header = *h,
                CopyOption::Quote(c) => quote = *c,
                CopyOption::Escape(c) => escape = Some(*c),
                CopyOption::ForceNull(_) | CopyOption::ForceNotNull(_) => {
                    return Err("COPY with FORCE_NULL / FORCE_NOT_NULL".to_string())
                }
                _ => {}
            }
        }
        for o in legacy {
            match o {
                CopyLegacyOption::Binary => return Err("COPY in format binary".to_string()),
                CopyLegacyOption::Delimiter(c) => delimiter = Some(*c),
                CopyLegacyOption::Null(s) => null = Some(s.clone()),
                CopyLegacyOption::Header => header = true,
                CopyLegacyOption::Csv(opts) => {
                    csv = true;
                    for c in opts {
                        match c {
                            CopyLegacyCsvOption::Header => header = true,
                            CopyLegacyCsvOption::Quote(q) => quote = *q,
                            CopyLegacyCsvOption::Escape(e) => escape = Some(*e),
                            CopyLegacyCsvOption::ForceNotNull(_) => {
                                return Err("COPY with FORCE NOT NULL".to_string())
                            }
                            CopyLegacyCsvOption::ForceQuote(_) => {}
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(Format {
            csv,
            delimiter: delimiter.unwrap_or(if csv { ',' } else { '\t' }),
            null: null.unwrap_or_else(|| if csv { String::new() } else { "\\N".into() }),
            header,
            quote,
            escape: escape.unwrap_or(quote),
        })
    }

    /// The rows of `data` (the lines after the command, without the `\.` line).
    pub(super) fn rows(&self, data: &str) -> Result<Vec<Vec<Option<String>>>, String> {
        let mut rows = if self.csv {
            self.csv_rows(data)?
        } else {
            lines(data).map(|l| self.text_fields(l)).collect()
        };
        if self.header && !rows.is_empty() {
            rows.remove(0);
        }
        Ok(rows)
    }

    /// One line of the `text` format: fields split at the delimiter, backslash escapes read,
    /// the null string matched before they are.
    fn text_fields(&self, line: &str) -> Vec<Option<String>> {
        let mut out = Vec::new();
        let mut raw_start = 0;
        let mut field = String::new();
        let mut chars = line.char_indices().peekable();
        let finish = |field: &mut String, raw: &str, out: &mut Vec<Option<String>>| {
            out.push((raw != self.null).then(|| std::mem::take(field)));
            field.clear();
        };
        while let Some((i, c)) = chars.next() {
            if c == self.delimiter {
                finish(&mut field, &line[raw_start..i], &mut out);
                raw_start = i + c.len_utf8();
                continue;
            }
            if c != '\\' {
                field.push(c);
                continue;
            }
            let Some((_, e)) = chars.next() else {
                field.push('\\');
                break;
            };
            match e {
                'b' => field.push('\u{8}'),
                'f' => field.push('\u{c}'),
                'n' => field.push('\n'),
                'r' => field.push('\r'),
                't' => field.push('\t'),
                'v' => field.push('\u{b}'),
                '0'..='7' => {
                    let mut n = e.to_digit(8).unwrap_or(0);
                    for _ in 0..2 {
                        match chars.peek() {
                            Some((_, d @ '0'..='7')) => {
                                n = n * 8 + d.to_digit(8).unwrap_or(0);
                                chars.next();
                            }
                            _ => break,
                        }
                    }
                    field.push(char::from_u32(n & 0xff).unwrap_or('\u{fffd}'));
                }
                'x' if chars.peek().is_some_and(|(_, d)| d.is_ascii_hexdigit()) => {
                    let mut n = 0;
                    for _ in 0..2 {
                        match chars.peek() {
                            Some((_, d)) if d.is_ascii_hexdigit() => {
                                n = n * 16 + d.to_digit(16).unwrap_or(0);
                                chars.next();
                            }
                            _ => break,
                        }
                    }
                    field.push(char::from_u32(n).unwrap_or('\u{fffd}'));
                }
                other => field.push(other),
            }
        }
        finish(&mut field, &line[raw_start..], &mut out);
        out
    }

    /// The `csv` format: quoted fields may hold delimiters, quotes (escaped) and line breaks; an
    /// unquoted field equal to the null string is `NULL`, a quoted one never is.
    fn csv_rows(&self, data: &str) -> Result<Vec<Vec<Option<String>>>, String> {
        let mut rows = Vec::new();
        let mut row = Vec::new();
        let mut field = String::new();
        let mut quoted = false;
        let mut in_quotes = false;
        let mut at_line_start = true;
        let mut chars = data.chars().peekable();
        while let Some(c) = chars.next() {
            at_line_start = false;
            if in_quotes {
                if c == self.escape
                    && chars.peek() == Some(&self.quote)
                    && self.escape != self.quote
                {
                    field.push(self.quote);
                    chars.next();
                } else if c == self.quote {
                    if self.escape == self.quote && chars.peek() == Some(&self.quote) {
                        field.push(self.quote);
                        chars.next();
                    } else {
                        in_quotes = false;
                    }
                } else {
                    field.push(c);
                }
                continue;
            }
            if c == self.quote {
                in_quotes = true;
                quoted = true;
            } else if c == self.delimiter {
                row.push(self.csv_value(&mut field, &mut quoted));
            } else if c == '\n' || c == '\r' {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                row.push(self.csv_value(&mut field, &mut quoted));
                rows.push(std::mem::take(&mut row));
                at_line_start = true;
            } else {
                field.push(c);
            }
        }
        if in_quotes {
            return Err("unterminated CSV quoted field".to_string());
        }
        if !at_line_start {
            row.push(self.csv_value(&mut field, &mut quoted));
            rows.push(row);
        }
        Ok(rows)
    }

    fn csv_value(&self, field: &mut String, quoted: &mut bool) -> Option<String> {
        let v = std::mem::take(field);
        let was_quoted = std::mem::replace(quoted, false);
        (was_quoted || v != self.null).then_some(v)
    }
}

/// The data lines (`\n`, `\r\n` or `\r` ends a line), without a last empty one.
fn lines(data: &str) -> impl Iterator<Item = &str> {
    let data = data
        .strip_suffix("\r\n")
        .or_else(|| data.strip_suffix('\n'))
        .or_else(|| data.strip_suffix('\r'))
        .unwrap_or(data);
    data.split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .filter(move |_| !data.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text() -> Format {
        Format::new(&[], &[]).unwrap()
    }

    #[test]
    fn text_format_reads_escapes_and_nulls() {
        let rows = text()
            .rows("fr\tFrance\tEU\nde\t\\N\t\\\\N\nus\ta\\tb\\nc\\101\\x42\t\n")
            .unwrap();
        assert_eq!(
            rows,
            vec![
                vec![Some("fr".into()), Some("France".into()), Some("EU".into())],
                vec![Some("de".into()), None, Some("\\N".into())],
                vec![
                    Some("us".into()),
                    Some("a\tb\ncAB".into()),
                    Some(String::new())
                ],
            ]
        );
        assert!(text().rows("").unwrap().is_empty());
    }

    #[test]
    fn csv_format_reads_quotes_headers_and_line_breaks() {
        let f = Format::new(
            &[
                CopyOption::Format(sqlparser::ast::Ident::new("csv")),
                CopyOption::Header(true),
            ],
            &[],
        )
        .unwrap();
        let rows = f
            .rows("code,name\r\nfr,\"France, \"\"FR\"\"\"\nde,\nus,\"\"\nxx,\"two\nlines\"")
            .unwrap();
        assert_eq!(
            rows,
            vec![
                vec![Some("fr".into()), Some("France, \"FR\"".into())],
                vec![Some("de".into()), None],
                vec![Some("us".into()), Some(String::new())],
                vec![Some("xx".into()), Some("two\nlines".into())],
            ]
        );
        assert!(f.rows("a,\"open").is_err());
        let binary = Format::new(&[], &[CopyLegacyOption::Binary]);
        assert!(binary.is_err());
    }
}
