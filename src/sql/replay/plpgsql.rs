//! `DO` blocks: the guard idioms real migrations hide their DDL in, evaluated against the
//! catalog, and the DDL inside replayed.
//!
//! Supported: `[DECLARE …] BEGIN … [EXCEPTION WHEN cond [OR cond] THEN …] END`, nested blocks,
//! `IF cond THEN … [ELSIF cond THEN …] [ELSE …] END IF`, `RAISE`, `NULL`, `PERFORM`,
//! `EXECUTE '<literal SQL>'`, and plain SQL statements. Conditions are evaluated by
//! `sql::guard` (`EXISTS (SELECT … FROM information_schema.* / pg_catalog.* …)`,
//! `to_regclass(…) IS NULL`, counts). Exception handlers run when a statement fails the way
//! Postgres would fail (`duplicate_object`, `duplicate_table`, `others`, …), after the block's
//! changes are rolled back. Loops, variables and dynamic SQL built at run time are not
//! evaluated: the block is reported as not understood.

use sqlparser::tokenizer::Token;

use crate::diagnostics::{Diagnostic, Diagnostics, SourceFile, Span};
use crate::sql::replay::guard::{eval_condition, Eval};
use crate::sql::replay::{word_of, Outcome, ReplayError, Replayer, SqlState, Stmt, R};
use crate::sql::split::{is_trivia, lex, Lexed, RawStatement};

/// A parsed plpgsql statement (token indices into the body's [`Lexed`]).
#[derive(Debug, Clone)]
enum Node {
    /// A SQL statement to replay.
    Sql(std::ops::Range<usize>),
    /// `BEGIN … EXCEPTION … END`.
    Block(Block),
    /// `IF … THEN … ELSIF … ELSE … END IF`.
    If {
        branches: Vec<(std::ops::Range<usize>, Vec<Node>)>,
        otherwise: Vec<Node>,
    },
    /// `RAISE EXCEPTION '…'` (other levels are no-ops).
    Raise {
        exception: bool,
        range: std::ops::Range<usize>,
    },
    /// `EXECUTE '<sql>'` with a literal string.
    Execute {
        sql: String,
        range: std::ops::Range<usize>,
    },
    /// `EXECUTE <text expression>` (`format(…)`, `'…' || quote_ident(…)`), evaluated when its
    /// inputs are known (loop records).
    ExecuteExpr {
        expr: std::ops::Range<usize>,
        range: std::ops::Range<usize>,
    },
    /// `FOR rec IN SELECT … LOOP … END LOOP`.
    For {
        var: String,
        query: std::ops::Range<usize>,
        body: Vec<Node>,
    },
    /// Statements without effect on the schema (`NULL`, `PERFORM`, `RETURN`).
    Nothing,
    /// Something not evaluated (loops, assignments, dynamic EXECUTE); the message says what.
    Unsupported(String),
}

#[derive(Debug, Clone, Default)]
struct Block {
    body: Vec<Node>,
    handlers: Vec<(Vec<String>, Vec<Node>)>,
}

/// Where the body of a `DO` statement is.
pub(crate) enum DoBody {
    /// `LANGUAGE` other than plpgsql: nothing to evaluate.
    OtherLanguage,
    /// No body found.
    Missing,
    /// A dollar-quoted body: its bytes in the file.
    InFile { base: usize, len: usize },
    /// A single-quoted body, unescaped (its doubled quotes make file positions unusable).
    Quoted(String),
}

/// Finds the body of a `DO` statement: `DO [LANGUAGE lang] 'body' | $$body$$ [LANGUAGE lang]`.
pub(crate) fn do_body(stmt: Stmt<'_>) -> DoBody {
    let sig = stmt.significant();
    let mut language = "plpgsql".to_string();
    let mut body: Option<(usize, &Token)> = None;
    let mut k = 1;
    while k < sig.len() {
        let (i, t) = sig[k];
        match t {
            Token::Word(w) if w.value.eq_ignore_ascii_case("language") => {
                if let Some((_, lt)) = sig.get(k + 1) {
                    language = match lt {
                        Token::Word(w) => w.value.to_ascii_lowercase(),
                        Token::SingleQuotedString(s) => s.to_ascii_lowercase(),
                        _ => language,
                    };
                }
                k += 2;
                continue;
            }
            Token::DollarQuotedString(_) | Token::SingleQuotedString(_) => body = Some((i, t)),
            _ => {}
        }
        k += 1;
    }
    if language != "plpgsql" {
        return DoBody::OtherLanguage;
    }
    match body {
        None => DoBody::Missing,
        Some((i, Token::DollarQuotedString(d))) => {
            let tag_len = d.tag.as_ref().map_or(0, |t| t.len()) + 2;
            DoBody::InFile {
                base: stmt.token_span(i).start + tag_len,
                len: d.value.len(),
            }
        }
        Some((_, Token::SingleQuotedString(s))) => DoBody::Quoted(s.clone()),
        Some(_) => DoBody::Missing,
    }
}

/// Runs a `DO` statement. `lexed_body` is the dollar-quoted body already tokenized, when the
/// caller did that ahead (see [`crate::sql::replay::prepare`]).
pub(crate) fn run_do(
    r: &mut Replayer,
    stmt: Stmt<'_>,
    lexed_body: Option<Result<Lexed, (usize, String)>>,
    diags: &mut Diagnostics,
) -> R<Outcome> {
    // A body tokenized ahead is a plpgsql body in the file: no need to look for it again.
    let in_file = match lexed_body {
        Some(lexed) => lexed,
        None => match do_body(stmt) {
            DoBody::OtherLanguage => return Ok(Outcome::PassedOver),
            DoBody::Missing => return Ok(Outcome::NotUnderstood("DO without a body".into())),
            // A quoted body has doubled quotes in the file: lex the unescaped text on its own
            // and report every problem at the DO statement.
            DoBody::Quoted(text) => {
                let tmp = SourceFile::new(stmt.source.path.clone(), text);
                return match lex(&tmp, 0, tmp.text.len()) {
                    Ok(l) => exec_body(r, stmt, &tmp, &l, Some(stmt.raw.span), diags),
                    Err((_, m)) => Ok(Outcome::NotUnderstood(format!("DO body: {m}"))),
                };
            }
            // Lexed where it sits in the file, so inner positions are file positions.
            DoBody::InFile { base, len } => lex(stmt.source, base, len),
        },
    };
    match in_file {
        Ok(lexed) => exec_body(r, stmt, stmt.source, &lexed, None, diags),
        Err((_, m)) => Ok(Outcome::NotUnderstood(format!("DO body: {m}"))),
    }
}

fn exec_body(
    r: &mut Replayer,
    stmt: Stmt<'_>,
    source: &SourceFile,
    lexed: &Lexed,
    report_at: Option<Span>,
    diags: &mut Diagnostics,
) -> R<Outcome> {
    let mut p = BodyParser {
        toks: &lexed.tokens,
        pos: 0,
    };
    let block = match p.parse_block() {
        Ok(b) => b,
        Err(m) => return Ok(Outcome::NotUnderstood(format!("DO body: {m}"))),
    };
    let mut ex = Exec {
        stmt,
        source,
        lexed,
        report_at,
        unsupported: Vec::new(),
        env: Vec::new(),
    };
    match ex.block(r, &block, false, diags) {
        Ok(()) => {}
        Err(Failure::Error(e, span)) => {
            r.count_error();
            diags.push(Diagnostic::error(e.message, Some(span)).with_label("in this DO block"));
        }
        Err(Failure::Unknown(m)) => return Ok(Outcome::NotUnderstood(m)),
    }
    if let Some(m) = ex.unsupported.first() {
        return Ok(Outcome::NotUnderstood(m.clone()));
    }
    Ok(Outcome::Understood)
}

/// Why execution of a block stopped.
enum Failure {
    /// A statement failed as it would in Postgres.
    Error(ReplayError, Span),
    /// A condition could not be evaluated: the block's effect is unknown.
    Unknown(String),
}

struct Exec<'a> {
    stmt: Stmt<'a>,
    source: &'a SourceFile,
    lexed: &'a Lexed,
    report_at: Option<Span>,
    unsupported: Vec<String>,
    /// Loop records in scope.
    env: crate::sql::replay::guard::Env,
}

impl<'a> Exec<'a> {
    fn span(&self, range: &std::ops::Range<usize>) -> Span {
        if let Some(s) = self.report_at {
            return s;
        }
        let end = range.end.max(range.start + 1).min(self.lexed.tokens.len());
        Span::new(
            self.stmt.file,
            self.lexed.offsets[range.start],
            self.lexed.offsets[end],
        )
    }

    fn block(
        &mut self,
        r: &mut Replayer,
        b: &Block,
        _in_handler: bool,
        diags: &mut Diagnostics,
    ) -> Result<(), Failure> {
        if b.handlers.is_empty() {
            return self.nodes(r, &b.body, diags);
        }
        // A single failing statement changes nothing (statements are atomic), so only a longer
        // protected body needs a copy of the catalog to roll back to.
        let snapshot =
            (b.body.len() != 1 || !matches!(b.body[0], Node::Sql(_))).then(|| r.catalog.clone());
        let mut local = Diagnostics::new();
        match self.nodes(r, &b.body, &mut local) {
            Ok(()) => {
                diags.extend(local);
                Ok(())
            }
            Err(Failure::Error(e, span)) => {
                let handler = b.handlers.iter().find(|(conds, _)| {
                    conds
                        .iter()
                        .any(|c| c == "others" || c == e.code.condition() || is_parent(c, e.code))
                });
                match handler {
                    Some((_, nodes)) => {
                        if let Some(snapshot) = snapshot {
                            r.catalog = snapshot;
                        }
                        self.nodes(r, nodes, diags)
                    }
                    None => {
                        diags.extend(local);
                        Err(Failure::Error(e, span))
                    }
                }
            }
            Err(f) => Err(f),
        }
    }

    fn nodes(
        &mut self,
        r: &mut Replayer,
        nodes: &[Node],
        diags: &mut Diagnostics,
    ) -> Result<(), Failure> {
        for n in nodes {
            self.node(r, n, diags)?;
        }
        Ok(())
    }

    fn node(&mut self, r: &mut Replayer, n: &Node, diags: &mut Diagnostics) -> Result<(), Failure> {
        match n {
            Node::Sql(range) => {
                let raw = RawStatement {
                    span: self.span(range),
                    tokens: range.clone(),
                };
                let inner = Stmt {
                    source: self.source,
                    file: self.stmt.file,
                    lexed: self.lexed,
                    raw: &raw,
                };
                match r.run(inner, diags) {
                    Ok(outcome) => {
                        r.report(inner, Ok(outcome), diags);
                        Ok(())
                    }
                    Err(e) => Err(Failure::Error(e, raw.span)),
                }
            }
            Node::Execute { sql, range } => self.run_sql_text(r, sql, range, diags),
            Node::ExecuteExpr { expr, range } => {
                let tokens = &self.lexed.tokens[expr.clone()];
                match crate::sql::replay::guard::eval_text(r, tokens, &self.env) {
                    Ok(sql) => self.run_sql_text(r, &sql, range, diags),
                    Err(m) => {
                        self.unsupported
                            .push(format!("EXECUTE of SQL built at run time: {m}"));
                        Ok(())
                    }
                }
            }
            Node::For { var, query, body } => {
                let tokens = &self.lexed.tokens[query.clone()];
                let rows = match crate::sql::replay::guard::query_rows(r, tokens, &self.env) {
                    Ok(rows) => rows,
                    Err(m) => return Err(Failure::Unknown(format!("FOR query: {m}"))),
                };
                for row in rows {
                    let saved = self.env.len();
                    self.env
                        .extend(row.into_iter().map(|(c, v)| (var.clone(), c, v)));
                    let result = self.nodes(r, body, diags);
                    self.env.truncate(saved);
                    result?;
                }
                Ok(())
            }
            Node::Block(b) => self.block(r, b, false, diags),
            Node::If {
                branches,
                otherwise,
            } => {
                // An IF that cannot change the schema whatever it decides needs no evaluation.
                if !branches.iter().any(|(_, b)| shapes_schema(b, self.lexed))
                    && !shapes_schema(otherwise, self.lexed)
                {
                    return Ok(());
                }
                for (cond, body) in branches {
                    let tokens = &self.lexed.tokens[cond.clone()];
                    match eval_condition(r, tokens, &self.env) {
                        Eval::True => return self.nodes(r, body, diags),
                        Eval::False => continue,
                        Eval::Unknown(m) => {
                            return Err(Failure::Unknown(format!("IF condition: {m}")))
                        }
                    }
                }
                self.nodes(r, otherwise, diags)
            }
            Node::Raise { exception, range } => {
                if *exception {
                    let msg = self.lexed.tokens[range.clone()]
                        .iter()
                        .find_map(|t| match &t.token {
                            Token::SingleQuotedString(s) => Some(s.clone()),
                            _ => None,
                        })
                        .unwrap_or_else(|| "exception raised".into());
                    return Err(Failure::Error(
                        ReplayError::new(
                            SqlState::RaisedException,
                            format!("RAISE EXCEPTION: {msg}"),
                        ),
                        self.span(range),
                    ));
                }
                Ok(())
            }
            Node::Nothing => Ok(()),
            Node::Unsupported(m) => {
                self.unsupported.push(m.clone());
                Ok(())
            }
        }
    }
}

impl Exec<'_> {
    /// Replays SQL text given to `EXECUTE`; problems are reported at the EXECUTE statement.
    fn run_sql_text(
        &mut self,
        r: &mut Replayer,
        sql: &str,
        range: &std::ops::Range<usize>,
        diags: &mut Diagnostics,
    ) -> Result<(), Failure> {
        let tmp = SourceFile::new(self.source.path.clone(), sql.to_string());
        let Ok(lexed) = lex(&tmp, 0, tmp.text.len()) else {
            self.unsupported
                .push("EXECUTE of text that does not tokenize".into());
            return Ok(());
        };
        let mut d = Diagnostics::new();
        let parts = crate::sql::split::split(self.stmt.file, &lexed, &mut d);
        let outer_span = self.span(range);
        let outer_raw = RawStatement {
            span: outer_span,
            tokens: range.clone(),
        };
        let report_stmt = Stmt {
            source: self.source,
            file: self.stmt.file,
            lexed: self.lexed,
            raw: &outer_raw,
        };
        for raw in &parts {
            let inner = Stmt {
                source: &tmp,
                file: self.stmt.file,
                lexed: &lexed,
                raw,
            };
            match r.run(inner, diags) {
                Ok(o) => r.report(report_stmt, Ok(o), diags),
                Err(e) => return Err(Failure::Error(e, outer_span)),
            }
        }
        Ok(())
    }
}

/// Whether statements could change the schema (DML, RAISE and the like cannot).
fn shapes_schema(nodes: &[Node], lexed: &Lexed) -> bool {
    nodes.iter().any(|n| match n {
        Node::Sql(range) => {
            let first = lexed.tokens[range.clone()]
                .iter()
                .find(|t| !is_trivia(&t.token))
                .map(|t| word_of(&t.token))
                .unwrap_or_default();
            !matches!(
                first.as_str(),
                "insert"
                    | "update"
                    | "delete"
                    | "select"
                    | "with"
                    | "grant"
                    | "revoke"
                    | "notify"
                    | "copy"
                    | "truncate"
                    | "lock"
                    | "analyze"
                    | "vacuum"
            )
        }
        Node::Block(b) => {
            shapes_schema(&b.body, lexed) || b.handlers.iter().any(|(_, h)| shapes_schema(h, lexed))
        }
        Node::If {
            branches,
            otherwise,
        } => {
            branches.iter().any(|(_, b)| shapes_schema(b, lexed)) || shapes_schema(otherwise, lexed)
        }
        Node::For { body, .. } => shapes_schema(body, lexed),
        Node::Execute { .. } | Node::ExecuteExpr { .. } | Node::Unsupported(_) => true,
        Node::Raise { .. } | Node::Nothing => false,
    })
}

/// Condition classes: `duplicate_object` also catches duplicate tables etc. in practice? No —
/// Postgres matches exact condition names or their class; only the few parents we model here.
fn is_parent(cond: &str, code: SqlState) -> bool {
    matches!((cond, code), ("syntax_error_or_access_rule_violation", _))
}

struct BodyParser<'a> {
    toks: &'a [sqlparser::tokenizer::TokenWithSpan],
    pos: usize,
}

impl<'a> BodyParser<'a> {
    fn skip_trivia(&mut self) {
        while self.pos < self.toks.len() && is_trivia(&self.toks[self.pos].token) {
            self.pos += 1;
        }
    }

    fn peek_word(&mut self) -> String {
        self.skip_trivia();
        self.toks
            .get(self.pos)
            .map(|t| word_of(&t.token))
            .unwrap_or_default()
    }

    fn peek_word_at(&self, mut i: usize, n: usize) -> String {
        let mut seen = 0;
        while i < self.toks.len() {
            if !is_trivia(&self.toks[i].token) {
                if seen == n {
                    return word_of(&self.toks[i].token);
                }
                seen += 1;
            }
            i += 1;
        }
        String::new()
    }

    fn at_end(&mut self) -> bool {
        self.skip_trivia();
        self.pos >= self.toks.len() || matches!(self.toks[self.pos].token, Token::EOF)
    }

    fn eat_word(&mut self, w: &str) -> bool {
        if self.peek_word() == w {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn eat_semicolon(&mut self) {
        self.skip_trivia();
        if matches!(
            self.toks.get(self.pos).map(|t| &t.token),
            Some(Token::SemiColon)
        ) {
            self.pos += 1;
        }
    }

    /// Tokens up to (not including) the next `;` at depth 0; consumes the `;`.
    fn until_semicolon(&mut self) -> std::ops::Range<usize> {
        self.skip_trivia();
        let start = self.pos;
        let mut depth = 0i32;
        while self.pos < self.toks.len() {
            match &self.toks[self.pos].token {
                Token::LParen => depth += 1,
                Token::RParen => depth -= 1,
                Token::SemiColon if depth <= 0 => break,
                Token::EOF => break,
                _ => {}
            }
            self.pos += 1;
        }
        let mut end = self.pos;
        while end > start && is_trivia(&self.toks[end - 1].token) {
            end -= 1;
        }
        self.eat_semicolon();
        start..end
    }

    /// Tokens up to the word `stop` at depth 0 (not consumed).
    fn until_word(&mut self, stop: &str) -> Result<std::ops::Range<usize>, String> {
        self.skip_trivia();
        let start = self.pos;
        let mut depth = 0i32;
        while self.pos < self.toks.len() {
            match &self.toks[self.pos].token {
                Token::LParen => depth += 1,
                Token::RParen => depth -= 1,
                Token::EOF => break,
                t if depth == 0 && word_of(t) == stop => {
                    let mut end = self.pos;
                    while end > start && is_trivia(&self.toks[end - 1].token) {
                        end -= 1;
                    }
                    return Ok(start..end);
                }
                _ => {}
            }
            self.pos += 1;
        }
        Err(format!("expected {}", stop.to_uppercase()))
    }

    fn parse_block(&mut self) -> Result<Block, String> {
        // Optional <<label>>
        if self.eat_word("declare") {
            // Declarations run until BEGIN.
            while !self.at_end() && self.peek_word() != "begin" {
                self.until_semicolon();
            }
        }
        if !self.eat_word("begin") {
            return Err("expected BEGIN".into());
        }
        let body = self.parse_nodes(&["exception", "end"])?;
        let mut handlers = Vec::new();
        if self.eat_word("exception") {
            while self.eat_word("when") {
                let cond = self.until_word("then")?;
                self.pos += 1;
                let conds: Vec<String> = self.toks[cond]
                    .iter()
                    .map(|t| word_of(&t.token))
                    .filter(|w| !w.is_empty() && w != "or")
                    .collect();
                let nodes = self.parse_nodes(&["when", "end"])?;
                handlers.push((conds, nodes));
            }
        }
        if !self.eat_word("end") {
            return Err("expected END".into());
        }
        // Optional label, then `;`.
        if !matches!(self.peek_word().as_str(), "") && self.peek_word() != "if" {
            let w = self.peek_word();
            if !w.is_empty()
                && !matches!(
                    w.as_str(),
                    "end" | "when" | "exception" | "else" | "elsif" | "elseif"
                )
            {
                self.pos += 1;
            }
        }
        self.eat_semicolon();
        Ok(Block { body, handlers })
    }

    fn parse_nodes(&mut self, stops: &[&str]) -> Result<Vec<Node>, String> {
        let mut out = Vec::new();
        loop {
            if self.at_end() {
                return Ok(out);
            }
            let w = self.peek_word();
            if stops.contains(&w.as_str()) {
                // `END IF` / `END LOOP` are not block ends.
                if w == "end"
                    && matches!(
                        self.peek_word_at(self.pos, 1).as_str(),
                        "if" | "loop" | "case"
                    )
                {
                    return Ok(out);
                }
                return Ok(out);
            }
            out.push(self.parse_node()?);
        }
    }

    fn parse_node(&mut self) -> Result<Node, String> {
        self.skip_trivia();
        let start = self.pos;
        let w = self.peek_word();
        match w.as_str() {
            "begin" | "declare" => Ok(Node::Block(self.parse_block()?)),
            "if" => {
                self.pos += 1;
                let mut branches = Vec::new();
                let cond = self.until_word("then")?;
                self.pos += 1;
                let body = self.parse_nodes(&["elsif", "elseif", "else", "end"])?;
                branches.push((cond, body));
                let mut otherwise = Vec::new();
                loop {
                    match self.peek_word().as_str() {
                        "elsif" | "elseif" => {
                            self.pos += 1;
                            let cond = self.until_word("then")?;
                            self.pos += 1;
                            let body = self.parse_nodes(&["elsif", "elseif", "else", "end"])?;
                            branches.push((cond, body));
                        }
                        "else" => {
                            self.pos += 1;
                            otherwise = self.parse_nodes(&["end"])?;
                        }
                        "end" => {
                            self.pos += 1;
                            if !self.eat_word("if") {
                                return Err("expected END IF".into());
                            }
                            self.eat_semicolon();
                            break;
                        }
                        _ => return Err("unterminated IF".into()),
                    }
                }
                Ok(Node::If {
                    branches,
                    otherwise,
                })
            }
            "raise" => {
                self.pos += 1;
                let level = self.peek_word();
                let range = self.until_semicolon();
                let exception = !matches!(
                    level.as_str(),
                    "notice" | "warning" | "info" | "log" | "debug"
                );
                Ok(Node::Raise {
                    exception,
                    range: start..range.end,
                })
            }
            "null" | "perform" | "return" | "commit" | "rollback" | "assert" | "get" => {
                self.until_semicolon();
                Ok(Node::Nothing)
            }
            "execute" => {
                let range = self.until_semicolon();
                let sig: Vec<&Token> = self.toks[range.clone()]
                    .iter()
                    .map(|t| &t.token)
                    .filter(|t| !is_trivia(t))
                    .collect();
                match sig.as_slice() {
                    [_, Token::SingleQuotedString(s)] => Ok(Node::Execute {
                        sql: s.clone(),
                        range,
                    }),
                    [_, Token::DollarQuotedString(d)] => Ok(Node::Execute {
                        sql: d.value.clone(),
                        range,
                    }),
                    _ => {
                        // EXECUTE <expr> [INTO …] [USING …]
                        let toks = &self.toks[range.clone()];
                        let mut depth = 0i32;
                        let mut end = range.end;
                        let mut started = false;
                        let mut start = range.start;
                        for (k, t) in toks.iter().enumerate() {
                            let i = range.start + k;
                            match &t.token {
                                Token::LParen => depth += 1,
                                Token::RParen => depth -= 1,
                                tk if is_trivia(tk) => continue,
                                tk => {
                                    let w = word_of(tk);
                                    if !started {
                                        started = true;
                                        start = i + 1; // after EXECUTE
                                        continue;
                                    }
                                    if depth == 0 && (w == "into" || w == "using") {
                                        end = i;
                                        break;
                                    }
                                }
                            }
                        }
                        Ok(Node::ExecuteExpr {
                            expr: start..end,
                            range,
                        })
                    }
                }
            }
            "for"
                if self.peek_word_at(self.pos, 2) == "in"
                    && matches!(self.peek_word_at(self.pos, 3).as_str(), "select" | "with") =>
            {
                self.pos += 1;
                let var = self.peek_word();
                self.pos += 1;
                self.eat_word("in");
                let query = self.until_word("loop")?;
                self.pos += 1;
                let body = self.parse_nodes(&["end"])?;
                if !(self.eat_word("end") && self.eat_word("loop")) {
                    return Err("expected END LOOP".into());
                }
                self.eat_semicolon();
                Ok(Node::For { var, query, body })
            }
            "for" | "foreach" | "loop" | "while" | "case" => {
                let kw = w.clone();
                self.skip_loop(&kw)?;
                Ok(Node::Unsupported(format!(
                    "{} loops are not evaluated",
                    kw.to_uppercase()
                )))
            }
            _ => {
                let range = self.until_semicolon();
                // `var := expr;` assignments.
                let is_assignment = self.toks[range.clone()]
                    .iter()
                    .filter(|t| !is_trivia(&t.token))
                    .nth(1)
                    .is_some_and(|t| matches!(t.token, Token::Assignment));
                if is_assignment {
                    return Ok(Node::Unsupported(
                        "plpgsql variables are not evaluated".into(),
                    ));
                }
                Ok(Node::Sql(range))
            }
        }
    }

    /// Skips a loop or CASE statement up to its `END LOOP;` / `END CASE;`.
    fn skip_loop(&mut self, kw: &str) -> Result<std::ops::Range<usize>, String> {
        let start = self.pos;
        let closer = if kw == "case" { "case" } else { "loop" };
        // The body of FOR/WHILE opens with its own LOOP keyword; a bare LOOP opens at once.
        let mut opened = kw == "loop" || kw == "case";
        let mut depth = 0usize;
        let mut prev = String::new();
        self.pos += 1;
        while self.pos < self.toks.len() {
            let t = &self.toks[self.pos].token;
            if is_trivia(t) {
                self.pos += 1;
                continue;
            }
            let w = word_of(t);
            if w == "end" && self.peek_word_at(self.pos + 1, 0) == closer {
                if depth == 0 {
                    self.pos += 1;
                    self.eat_word(closer);
                    self.eat_semicolon();
                    return Ok(start..self.pos);
                }
                depth -= 1;
                self.pos += 1; // skip END; the closer word is skipped next round
                prev = "end".into();
                continue;
            }
            if w == closer && prev != "end" {
                if opened {
                    depth += 1;
                } else {
                    opened = true;
                }
            }
            prev = w;
            self.pos += 1;
        }
        Err(format!("unterminated {}", kw.to_uppercase()))
    }
}

impl Replayer {
    /// Counts an error reported outside `report`.
    pub(crate) fn count_error(&mut self) {
        self.bump_errors();
    }
}
