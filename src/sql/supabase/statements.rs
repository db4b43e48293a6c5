//! A migration file split into statements exactly as the Supabase CLI splits it: what it runs,
//! one statement at a time, and what it records in
//! `supabase_migrations.schema_migrations.statements`.
//!
//! The CLI's splitter (`pkg/parser` of supabase/cli) is a small state machine over the file's
//! characters, not a SQL lexer, and its quirks are part of what it records, so they are kept
//! here: a `;` ends a statement except inside quotes (`'…'`, `"…"`, `''` doubled), dollar quotes
//! (`$tag$…$tag$`), comments (`-- …` to the end of the line, nested `/* … */`), after a
//! backslash, inside parentheses (closed by the first `)` that follows a complete inner group,
//! so `((a) ; b)` splits), and inside `… ATOMIC … END` bodies (closed by the first `end` outside
//! quotes, even at the end of a longer word). Each statement keeps its comments; the `;` and
//! the whitespace around are trimmed; empty ones are dropped (a trailing comment is a
//! statement of its own).

/// One statement: its text as the CLI records it, and the byte offset in the file where that
/// text starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliStatement {
    /// Byte offset of `text` in the file.
    pub offset: usize,
    /// The statement, trimmed, without its `;`.
    pub text: String,
}

#[derive(Debug, Clone)]
enum State {
    Ready,
    /// After `-`: a comment when another `-` follows.
    Dash,
    /// After `/`, or inside a block comment `depth` deep.
    Block {
        depth: usize,
    },
    /// Inside `'…'` or `"…"`; `closing`: the delimiter was just seen (a second one doubles it).
    Quote {
        delim: char,
        closing: bool,
    },
    /// Until `delim` (a dollar tag, or `\n` for a line comment) ends the text read so far.
    Until {
        delim: Vec<u8>,
    },
    /// After `$` at byte `start`: a dollar tag when `$` follows letters, digits and `_`.
    Tag {
        start: usize,
    },
    /// After `\`: the next character is taken as it is.
    Escape,
    /// Inside `(…)` or `ATOMIC … END`: statements do not end until `delim` closes it.
    Group {
        prev: Box<State>,
        delim: &'static [u8],
    },
}

impl State {
    /// The state after character `c`, which ends `data` (the text of the statement so far).
    /// `None`: the statement ends here.
    fn next(self, c: char, data: &[u8]) -> Option<State> {
        let ends_with =
            |delim: &[u8]| data.len() >= delim.len() && &data[data.len() - delim.len()..] == delim;
        match self {
            State::Ready => match c {
                '$' => Some(State::Tag {
                    start: data.len() - 1,
                }),
                '\'' | '"' => Some(State::Quote {
                    delim: c,
                    closing: false,
                }),
                '-' => Some(State::Dash),
                '/' => Some(State::Block { depth: 0 }),
                '\\' => Some(State::Escape),
                ';' => None,
                '(' => Some(State::Group {
                    prev: Box::new(State::Ready),
                    delim: b")",
                }),
                'c' | 'C' => {
                    const ATOMIC: &[u8] = b"ATOMIC";
                    let n = data.len();
                    if n > ATOMIC.len()
                        && data[n - ATOMIC.len()..].eq_ignore_ascii_case(ATOMIC)
                        && (data[n - ATOMIC.len() - 1] as char).is_whitespace()
                    {
                        Some(State::Group {
                            prev: Box::new(State::Ready),
                            delim: b"END",
                        })
                    } else {
                        Some(State::Ready)
                    }
                }
                _ => Some(State::Ready),
            },
            State::Dash => {
                if c == '-' {
                    Some(State::Until {
                        delim: b"\n".to_vec(),
                    })
                } else {
                    State::Ready.next(c, data)
                }
            }
            State::Block { depth } => {
                if ends_with(b"/*") {
                    return Some(State::Block { depth: depth + 1 });
                }
                if depth == 0 {
                    return State::Ready.next(c, data);
                }
                if ends_with(b"*/") {
                    if depth == 1 {
                        return Some(State::Ready);
                    }
                    return Some(State::Block { depth: depth - 1 });
                }
                Some(State::Block { depth })
            }
            State::Quote { delim, closing } => {
                if closing {
                    if c == delim {
                        return Some(State::Quote {
                            delim,
                            closing: false,
                        });
                    }
                    return State::Ready.next(c, data);
                }
                Some(State::Quote {
                    delim,
                    closing: c == delim,
                })
            }
            State::Until { delim } => {
                if ends_with(&delim) {
                    Some(State::Ready)
                } else {
                    Some(State::Until { delim })
                }
            }
            State::Tag { start } => {
                if c == '$' {
                    return Some(State::Until {
                        delim: data[start..].to_vec(),
                    });
                }
                if c.is_alphabetic() || c.is_numeric() || c == '_' {
                    return Some(State::Tag { start });
                }
                State::Ready.next(c, data)
            }
            State::Escape => Some(State::Ready),
            State::Group { prev, delim } => {
                // A `;` directly inside leaves the inner state as it was.
                let prev = match prev.clone().next(c, data) {
                    Some(s) => Box::new(s),
                    None => prev,
                };
                if matches!(*prev, State::Ready)
                    && data.len() >= delim.len()
                    && data[data.len() - delim.len()..].eq_ignore_ascii_case(delim)
                {
                    return Some(State::Ready);
                }
                Some(State::Group { prev, delim })
            }
        }
    }
}

/// Splits a migration file's text as the Supabase CLI does.
pub fn cli_statements(text: &str) -> Vec<CliStatement> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut state = State::Ready;
    let push = |from: usize, to: usize, out: &mut Vec<CliStatement>| {
        let token = &text[from..to];
        let trimmed_right = token.trim_end_matches(';');
        let lead = trimmed_right.len() - trimmed_right.trim_start().len();
        let t = trimmed_right.trim();
        if !t.is_empty() {
            out.push(CliStatement {
                offset: from + lead,
                text: t.to_string(),
            });
        }
    };
    for (i, c) in text.char_indices() {
        let end = i + c.len_utf8();
        match state.next(c, &bytes[start..end]) {
            Some(s) => state = s,
            None => {
                push(start, end, &mut out);
                start = end;
                state = State::Ready;
            }
        }
    }
    if start < text.len() {
        push(start, text.len(), &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(sql: &str) -> Vec<String> {
        cli_statements(sql).into_iter().map(|s| s.text).collect()
    }

    #[test]
    fn offsets_point_at_the_text() {
        let sql = "-- head\ncreate table a (id int);\n\n  select 1 ;\n-- tail\n";
        for s in cli_statements(sql) {
            assert_eq!(&sql[s.offset..s.offset + s.text.len()], s.text);
        }
        assert_eq!(
            texts(sql),
            ["-- head\ncreate table a (id int)", "select 1", "-- tail"]
        );
    }
}
