//! Where a long file can be cut into parts between whole statements, found from the tokens alone.

use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::Token;

use super::Lexer;

/// Byte offsets, at least `every` bytes apart, just after a `;` that ends a statement the way
/// `split::split` ends them (not inside a `BEGIN ATOMIC` body): where a file can be cut into
/// parts that are tokenized and split on their own with the same statements. Tokens are read
/// and dropped, not kept. `None` when the fast path does not tokenize the text.
pub(crate) fn cut_points(text: &str, every: usize) -> Option<Vec<usize>> {
    let mut lx = Lexer {
        text,
        bytes: text.as_bytes(),
        i: 0,
        line: 1,
        col: 1,
    };
    let mut cuts = Vec::new();
    let mut last_cut = 0;
    let mut st = StmtState::default();
    while lx.i < lx.bytes.len() {
        let token = lx.next()?;
        let (kw, semi) = match &token {
            Token::Whitespace(_) => continue,
            Token::Word(w) => (w.keyword, false),
            Token::SemiColon => (Keyword::NoKeyword, true),
            _ => (Keyword::NoKeyword, false),
        };
        if st.feed(kw, semi) && lx.i - last_cut >= every {
            cuts.push(lx.i);
            last_cut = lx.i;
        }
    }
    Some(cuts)
}

/// Where `split::split` is in a statement, fed its significant tokens one by one.
#[derive(Default)]
struct StmtState {
    in_stmt: bool,
    /// The first significant tokens, until `CREATE [OR REPLACE] FUNCTION|PROCEDURE` is decided.
    lead: Vec<(Keyword, bool)>,
    routine: Option<bool>,
    depth: usize,
    begin_pending: bool,
}

impl StmtState {
    /// Feeds a significant token (its keyword, whether it is `;`); `true` when it ends a
    /// statement.
    fn feed(&mut self, kw: Keyword, semi: bool) -> bool {
        if !self.in_stmt {
            if semi {
                return false; // an empty statement
            }
            *self = StmtState {
                in_stmt: true,
                ..StmtState::default()
            };
        }
        if self.routine.is_none() {
            self.lead.push((kw, semi));
            if self.lead.len() < 4 && !semi {
                return false;
            }
            let k = |i: usize| self.lead.get(i).map(|x| x.0);
            let routine = k(0) == Some(Keyword::CREATE)
                && match k(1) {
                    Some(Keyword::OR) => {
                        matches!(k(3), Some(Keyword::FUNCTION | Keyword::PROCEDURE))
                    }
                    next => matches!(next, Some(Keyword::FUNCTION | Keyword::PROCEDURE)),
                };
            self.routine = Some(routine);
            for (kw, semi) in std::mem::take(&mut self.lead) {
                if self.step(kw, semi) {
                    return true;
                }
            }
            return false;
        }
        self.step(kw, semi)
    }

    fn step(&mut self, kw: Keyword, semi: bool) -> bool {
        if self.begin_pending {
            self.begin_pending = false;
            if kw == Keyword::ATOMIC {
                self.depth = 1;
            }
        }
        if self.depth == 0 && semi {
            self.in_stmt = false;
            return true;
        }
        if self.routine == Some(true) {
            match kw {
                Keyword::BEGIN if self.depth > 0 => self.depth += 1,
                Keyword::BEGIN => self.begin_pending = true,
                Keyword::CASE if self.depth > 0 => self.depth += 1,
                Keyword::END if self.depth > 0 => self.depth -= 1,
                _ => {}
            }
        }
        false
    }
}
