//! `DO` blocks, run as PostgreSQL runs them: the plpgsql body is parsed (`parse`) and
//! executed (`exec`) against the replayer, its SQL statements replayed (DDL) or evaluated
//! (`SELECT … INTO`, guard conditions, loop queries) by the guard evaluator (`guard`).
//!
//! Covered: blocks with declarations (types, `CONSTANT`, `NOT NULL`, defaults, `%TYPE`,
//! `%ROWTYPE`, cursors) and exception handlers (the block's changes rolled back before the
//! handler runs; `SQLSTATE`, `SQLERRM`, `GET STACKED DIAGNOSTICS`), assignment (`:=`, `=`,
//! `SELECT … INTO [STRICT]`), IF/ELSIF/ELSE, both CASE forms, LOOP/WHILE/FOR (integer, query,
//! `EXECUTE`, cursor)/FOREACH (with SLICE) with labels, EXIT/CONTINUE (WHEN), RETURN, RAISE (notices
//! ignored; an exception stops the block as in PostgreSQL, and the statement is an error),
//! ASSERT, PERFORM, `EXECUTE … [INTO] [USING]` of SQL built at run time (`format`, `||`,
//! `quote_ident`…), GET DIAGNOSTICS. Loops stop after `DoLimits` iterations.
//!
//! What cannot be evaluated offline (a user-defined function's result, the rows of a table the
//! history does not fill) makes the values that depend on it unknown; statements guarded by an
//! unknown condition are passed over when they cannot change the schema, and otherwise the
//! block is reported as not understood, saying why.

pub(crate) mod ast;
mod calls;
mod effects;
mod exec;
mod loops;
pub(crate) mod parse;
mod scope;
mod stmts;
mod values;

use sqlparser::tokenizer::Token;

use crate::diagnostics::{Diagnostic, Diagnostics, SourceFile, Span};
use crate::sql::replay::{Outcome, ReplayError, Replayer, SqlState, Stmt, R};
use crate::sql::split::{lex, Lexed};

pub(crate) use calls::{call_statement, select_calls};

/// `DO` blocks nested inside `EXECUTE`d `DO` blocks deeper than this fail as PostgreSQL's do
/// ("stack depth limit exceeded" at about 850 levels with the default `max_stack_depth`).
pub(crate) const MAX_DO_DEPTH: usize = 800;

/// How far one `DO` block may run before it is reported as a loop PostgreSQL would not finish.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DoLimits {
    /// Loop iterations (PostgreSQL would run forever; the history then never applies).
    pub iterations: usize,
    /// SQL statements (`EXECUTE`, `PERFORM`, plain SQL): a loop that creates a table per
    /// iteration and never ends would otherwise replay hundreds of thousands of them before the
    /// iteration limit stops it.
    pub statements: usize,
}

impl Default for DoLimits {
    fn default() -> Self {
        DoLimits {
            iterations: 1_000_000,
            statements: 20_000,
        }
    }
}

/// The `DO` body text the `DO` blocks being run may hold together. Each `EXECUTE`d `DO` holds its
/// own copy of the text it was built from, so nesting grows memory as depth × length; real
/// migrations stay far below this, and an input above it fails instead of exhausting memory.
pub(crate) const MAX_DO_BYTES: usize = 32 << 20;

/// Where the body of a `DO` statement is.
pub(crate) enum DoBody {
    /// `LANGUAGE` other than plpgsql: nothing to evaluate.
    OtherLanguage,
    /// `LANGUAGE sql`, `c` or `internal`: they have no inline handler.
    NoInline(String),
    /// Not a valid `DO` statement: PostgreSQL's syntax error.
    Invalid(String),
    /// A dollar-quoted body: its bytes in the file.
    InFile { base: usize, len: usize },
    /// A single-quoted body, unescaped (its doubled quotes make file positions unusable).
    Quoted(String),
}

/// Finds the body of a `DO` statement: `DO [LANGUAGE lang] body [LANGUAGE lang]`, and nothing
/// else (PostgreSQL's grammar).
pub(crate) fn do_body(stmt: Stmt<'_>) -> DoBody {
    let sig = stmt.significant();
    let mut language = "plpgsql".to_string();
    let mut body: Option<(usize, &Token)> = None;
    let mut k = 1;
    while k < sig.len() {
        let (i, t) = sig[k];
        match t {
            Token::Word(w)
                if w.quote_style.is_none() && w.value.eq_ignore_ascii_case("language") =>
            {
                match sig.get(k + 1).map(|x| x.1) {
                    Some(Token::Word(w)) => language = w.value.to_ascii_lowercase(),
                    Some(Token::SingleQuotedString(s)) => language = s.to_ascii_lowercase(),
                    _ => return DoBody::Invalid(near(sig.get(k + 1).map(|x| x.1))),
                }
                k += 2;
                continue;
            }
            Token::DollarQuotedString(_)
            | Token::SingleQuotedString(_)
            | Token::EscapedStringLiteral(_)
                if body.is_none() =>
            {
                body = Some((i, t))
            }
            other => return DoBody::Invalid(near(Some(other))),
        }
        k += 1;
    }
    let Some((i, t)) = body else {
        return DoBody::Invalid("no inline code specified".into());
    };
    if matches!(language.as_str(), "sql" | "c" | "internal") {
        return DoBody::NoInline(language);
    }
    if language != "plpgsql" {
        return DoBody::OtherLanguage;
    }
    match t {
        Token::DollarQuotedString(d) => {
            let tag_len = d.tag.as_ref().map_or(0, |t| t.len()) + 2;
            DoBody::InFile {
                base: stmt.token_span(i).start + tag_len,
                len: d.value.len(),
            }
        }
        Token::SingleQuotedString(s) | Token::EscapedStringLiteral(s) => DoBody::Quoted(s.clone()),
        _ => DoBody::Invalid(near(Some(t))),
    }
}

fn near(t: Option<&Token>) -> String {
    match t {
        Some(t) => format!("syntax error at or near \"{t}\""),
        None => "syntax error at end of input".into(),
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
    let syntax = |m: String| Err(ReplayError::new(SqlState::SyntaxError, m));
    let in_file = match lexed_body {
        Some(lexed) => lexed,
        None => match do_body(stmt) {
            DoBody::OtherLanguage => return Ok(Outcome::PassedOver),
            DoBody::NoInline(l) => {
                return Err(ReplayError::new(
                    SqlState::FeatureNotSupported,
                    format!("language \"{l}\" does not support inline code execution"),
                ))
            }
            DoBody::Invalid(m) => return syntax(m),
            // A quoted body has doubled quotes in the file: lex the unescaped text on its own
            // and report every problem at the DO statement.
            DoBody::Quoted(text) => {
                let tmp = SourceFile::new(stmt.source.path.clone(), text);
                return match lex(&tmp, 0, tmp.text.len()) {
                    Ok(l) => run_body(r, stmt, &tmp, &l, Some(stmt.raw.span), None, diags),
                    Err((_, m)) => syntax(format!("in the DO body: {m}")),
                };
            }
            // Lexed where it sits in the file, so inner positions are file positions.
            DoBody::InFile { base, len } => lex(stmt.source, base, len),
        },
    };
    match in_file {
        Ok(lexed) => run_body(r, stmt, stmt.source, &lexed, None, None, diags),
        // Where the quote, comment or dollar quote left open starts.
        Err((offset, m)) => {
            let mut e = ReplayError::new(SqlState::SyntaxError, format!("in the DO body: {m}"));
            e.span = Some(Span::new(stmt.file, offset, offset));
            Err(e)
        }
    }
}

/// A routine's body run for a call: its arguments, in a block labelled with its name.
pub(crate) struct Invocation {
    /// The routine's name (the label of the block its parameters are declared in).
    pub name: String,
    /// `name(types)`, for messages.
    pub signature: String,
    /// Parameters: name (empty if unnamed), type, value.
    pub params: Vec<(String, crate::sql::replay::guard::cast::Ty, scope::Val)>,
}

/// Runs a plpgsql body: a `DO` block's, or a routine's for `invocation` (a routine's body that
/// cannot be parsed is not understood, never an error of the migration: PostgreSQL accepted it
/// when the routine was created).
fn run_body(
    r: &mut Replayer,
    stmt: Stmt<'_>,
    source: &SourceFile,
    lexed: &Lexed,
    report_at: Option<Span>,
    invocation: Option<&Invocation>,
    diags: &mut Diagnostics,
) -> R<Outcome> {
    if r.tracked.do_depth >= MAX_DO_DEPTH {
        return Err(ReplayError::new(
            SqlState::StatementTooComplex,
            format!(
                "stack depth limit exceeded: DO blocks run inside EXECUTE more than {MAX_DO_DEPTH} levels deep"
            ),
        ));
    }
    let bytes =
        lexed.offsets.last().copied().unwrap_or(0) - lexed.offsets.first().copied().unwrap_or(0);
    if r.tracked.do_depth > 0 && r.tracked.do_bytes + bytes > MAX_DO_BYTES {
        return Err(ReplayError::new(
            SqlState::StatementTooComplex,
            format!(
                "out of memory: DO blocks run inside EXECUTE hold more than {} MiB of text together",
                MAX_DO_BYTES >> 20
            ),
        ));
    }
    let label = match invocation {
        Some(i) => format!("in {}, called here", i.signature),
        None => "in this DO block".to_string(),
    };
    let body = match parse::parse_body(source, lexed) {
        Ok(b) => b,
        Err(e) if invocation.is_some() => {
            return Ok(Outcome::NotUnderstood(format!(
                "the body of {} could not be read: {}",
                label
                    .trim_start_matches("in ")
                    .trim_end_matches(", called here"),
                e.message
            )))
        }
        Err(e) => {
            let at = match report_at {
                Some(s) => s,
                None => Span::new(
                    stmt.file,
                    lexed.offsets[e.at.min(lexed.tokens.len())],
                    lexed.offsets[(e.at + 1).min(lexed.tokens.len())],
                ),
            };
            let nested = r.tracked.do_depth > 0;
            if nested {
                return Err(ReplayError::new(SqlState::SyntaxError, e.message));
            }
            r.count_error();
            diags.push(Diagnostic::error(e.message, Some(at)).with_label(label));
            return Ok(Outcome::Understood);
        }
    };
    r.tracked.do_depth += 1;
    r.tracked.do_bytes += bytes;
    let mut ex = exec::Exec::new(stmt, source, lexed, &body, report_at, r.do_limits);
    if let Some(i) = invocation {
        ex.scope.push(Some(i.name.clone()));
        for (k, (name, ty, value)) in i.params.iter().enumerate() {
            ex.scope.declare(
                &format!("${}", k + 1),
                ty.clone(),
                value.clone(),
                false,
                false,
            );
            if !name.is_empty() {
                ex.scope
                    .declare(name, ty.clone(), value.clone(), false, false);
            }
        }
    }
    let result = ex.run(r, diags);
    r.tracked.do_depth -= 1;
    r.tracked.do_bytes -= bytes;
    match result {
        Ok(()) => Ok(Outcome::Understood),
        Err(exec::Stop::Unknown(m)) => Ok(Outcome::NotUnderstood(m)),
        Err(exec::Stop::Pg(e, span)) => {
            if r.tracked.do_depth > 0 {
                // Inside an EXECUTEd DO: the enclosing block sees (and may catch) the error.
                return Err(ReplayError::new(SqlState::Raised(e.cond), e.message));
            }
            r.count_error();
            let mut d = Diagnostic::error(e.message.clone(), Some(span)).with_label(label);
            if let Some(why) = r.tracked.skipped.explain(&e.message) {
                d = d.with_help(why);
            }
            diags.push(d);
            Ok(Outcome::Understood)
        }
    }
}

impl Replayer {
    /// Counts an error reported outside `report`.
    pub(crate) fn count_error(&mut self) {
        self.bump_errors();
    }
}
