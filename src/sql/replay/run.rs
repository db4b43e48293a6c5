//! Running one statement: its kind decides how (passed over, token-level forms, parsed and
//! applied); `SELECT set_config`, `SET`/`RESET search_path`; the dispatch of parsed statements.

use sqlparser::ast::Statement;
use sqlparser::tokenizer::Token;

use crate::diagnostics::Diagnostics;
use crate::sql::parse::{
    parse_statement, Extras, Parsed, DEEP_RECURSION_LIMIT, DEEP_STACK, RECURSION_LIMIT,
};

use super::prepare::{kind, object_kind, Ahead, Kind};
use super::{
    split_name, syntax_error, token_span_at, word_of, Outcome, ReplayError, Replayer, SqlState,
    Stmt, DEFAULT_SEARCH_PATH, R,
};

impl Replayer {
    /// Runs one statement; errors are Postgres's, the outcome says whether it was understood.
    pub(crate) fn run(&mut self, stmt: Stmt<'_>, diags: &mut Diagnostics) -> R<Outcome> {
        self.run_parsed(stmt, kind(stmt), Ahead::Nothing, diags)
    }

    /// [`Replayer::run`] with the statement's kind known and what [`prepare`] did ahead. While
    /// the transaction has added enum labels, a statement that reads one (a constant coerced to
    /// the enum) is refused as PostgreSQL 15 refuses it.
    pub(super) fn run_parsed(
        &mut self,
        stmt: Stmt<'_>,
        kind: Kind,
        ahead: Ahead,
        diags: &mut Diagnostics,
    ) -> R<Outcome> {
        if self.new_enum_values.is_empty() {
            return self.run_statement(stmt, kind, ahead, diags);
        }
        let values = self.new_enum_values.clone();
        let (result, hit) = crate::pg::deparse::watch_new_enum_values(&values, || {
            self.run_statement(stmt, kind, ahead, diags)
        });
        match (result, hit) {
            (Ok(_), Some((_, ty, label))) => Err(ReplayError::new(
                SqlState::Raised("unsafe_new_enum_value_usage"),
                format!(
                    "unsafe use of new value \"{label}\" of enum type {ty} (the value was added in \
                     this transaction: the Supabase CLI runs each migration file in one, so use it \
                     in a later migration, or after a COMMIT)"
                ),
            )),
            (result, _) => result,
        }
    }

    fn run_statement(
        &mut self,
        stmt: Stmt<'_>,
        kind: Kind,
        ahead: Ahead,
        diags: &mut Diagnostics,
    ) -> R<Outcome> {
        let (parsed, lexed_body) = match ahead {
            Ahead::Nothing => (None, None),
            Ahead::Parsed(p) => (Some(*p), None),
            Ahead::DoBody(l) => (None, Some(l)),
        };
        let parse = || parsed.unwrap_or_else(|| parse_statement(stmt.tokens(), RECURSION_LIMIT));
        if kind != Kind::PassOver {
            self.generation += 1;
        }
        // PostgreSQL's scanner refuses `""` wherever it stands, before any grammar rule.
        if let Some(i) = stmt.tokens().iter().position(
            |t| matches!(&t.token, Token::Word(w) if w.quote_style == Some('"') && w.value.is_empty()),
        ) {
            let mut err = ReplayError::new(
                SqlState::SyntaxError,
                "zero-length delimited identifier at or near \"\"\"\"",
            );
            err.span = Some(stmt.token_span(i));
            return Err(err);
        }
        if matches!(kind, Kind::PassOver | Kind::Set | Kind::Select) {
            super::passed_over::check_end(stmt)?;
        }
        if matches!(kind, Kind::PassOver | Kind::Routine(_)) {
            let (verb, object) = object_kind(&stmt.words(6));
            if !verb.is_empty() {
                super::passed_over::check_name_is_not_a_string(stmt, &object)?;
            }
        }
        match kind {
            Kind::PassOver => {
                if let Some(outcome) = self.call_routine(stmt, diags) {
                    return outcome;
                }
                if self.transaction_control(stmt) {
                    return Ok(Outcome::Understood);
                }
                self.check_references(stmt)?;
                self.check_dml(stmt)?;
                self.coerce_dml_constants(stmt);
                self.track_passed_over(stmt)?;
                Ok(Outcome::PassedOver)
            }
            Kind::Select => self.select_statement(stmt, diags),
            Kind::Set => self.set_statement(stmt),
            Kind::ResetSearchPath => {
                // `RESET search_path` / `RESET ALL`: back to the session's default.
                self.search_path = DEFAULT_SEARCH_PATH.iter().map(|s| s.to_string()).collect();
                self.local_path_restore = None;
                Ok(Outcome::Understood)
            }
            Kind::Routine(verb) => {
                if verb == "alter" || verb == "comment" {
                    self.check_references(stmt)?;
                }
                self.routine_statement(stmt, verb, parse)
            }
            Kind::Do => crate::sql::replay::plpgsql::run_do(self, stmt, lexed_body, diags),
            Kind::NotAStatement => {
                let first = stmt.significant().first().map(|&(i, t)| (i, t.to_string()));
                let mut err = ReplayError::new(
                    SqlState::SyntaxError,
                    format!(
                        "syntax error at or near \"{}\"",
                        first.as_ref().map(|f| f.1.as_str()).unwrap_or_default()
                    ),
                );
                err.span = first.map(|(i, _)| stmt.token_span(i));
                Err(err)
            }
            Kind::Parse => match parse() {
                Ok(parsed) => self.apply_parsed(stmt, parsed, diags),
                Err(e) if e.too_deep => self.run_deep(stmt, diags),
                Err(e) => self
                    .schema_elements(stmt, diags)
                    .or_else(|| self.comment_on_type_text(stmt))
                    .unwrap_or_else(|| Err(syntax_error(stmt, &e))),
            },
        }
    }

    /// Applies a parsed statement.
    fn apply_parsed(
        &mut self,
        stmt: Stmt<'_>,
        parsed: Parsed,
        diags: &mut Diagnostics,
    ) -> R<Outcome> {
        match parsed {
            Parsed::Sql(ast, extras) => {
                self.extras = extras;
                let result = self.apply(stmt, &ast, diags);
                let extras = std::mem::take(&mut self.extras);
                if let (Ok(_), Some(kind), Statement::CreateView(v)) =
                    (&result, extras.check_option, ast.as_ref())
                {
                    // `WITH [LOCAL|CASCADED] CHECK OPTION` is the view option `check_option`.
                    let (schema, n) = split_name(&v.name);
                    if let Some(s) =
                        self.find_in_path(schema.as_deref(), &|s| s.views.contains_key(&n))
                    {
                        if let Some(view) = self.catalog.view_mut(&s, &n) {
                            view.options.retain(|o| !o.starts_with("check_option="));
                            view.options.push(format!("check_option={kind}"));
                        }
                    }
                }
                result
            }
            Parsed::Pg(pg, extras) => {
                self.extras = extras;
                let result = self.apply_pg(stmt, &pg, diags);
                self.extras = Extras::default();
                result
            }
        }
    }

    /// A statement nested deeper than [`RECURSION_LIMIT`]: parsed and applied on a thread with
    /// a [`DEEP_STACK`] stack, with [`DEEP_RECURSION_LIMIT`]; deeper still is an error at the
    /// deepest token.
    fn run_deep(&mut self, stmt: Stmt<'_>, diags: &mut Diagnostics) -> R<Outcome> {
        let outcome = std::thread::scope(|s| {
            let worker = std::thread::Builder::new()
                .name("schemagen-deep".into())
                .stack_size(DEEP_STACK)
                .spawn_scoped(s, || {
                    crate::panics::guarded(|| self.parse_deep(stmt, diags)).unwrap_or_else(|why| {
                        Err(ReplayError::new(
                            SqlState::InternalError,
                            format!("internal error in schemagen (please report it): {why}"),
                        ))
                    })
                });
            match worker {
                Ok(handle) => handle.join().unwrap_or_else(|_| {
                    Err(ReplayError::new(
                        SqlState::InternalError,
                        "internal error in schemagen (please report it)",
                    ))
                }),
                Err(e) => Err(ReplayError::new(
                    SqlState::StatementTooComplex,
                    format!("statement nested too deeply to read here: {e}"),
                )),
            }
        });
        outcome
    }

    /// The work of [`Replayer::run_deep`], on the deep thread.
    fn parse_deep(&mut self, stmt: Stmt<'_>, diags: &mut Diagnostics) -> R<Outcome> {
        match parse_statement(stmt.tokens(), DEEP_RECURSION_LIMIT) {
            Ok(parsed) => self.apply_parsed(stmt, parsed, diags),
            Err(e) if e.too_deep => {
                let at = crate::sql::parse::deepest_token(stmt.tokens());
                let mut err = ReplayError::new(
                    SqlState::StatementTooComplex,
                    format!(
                        "statement nested too deeply: more than {DEEP_RECURSION_LIMIT} levels \
                         (PostgreSQL's own parser stops at about 9,990 nested parentheses)"
                    ),
                );
                err.span = at.map(|l| token_span_at(stmt, l));
                Err(err)
            }
            Err(e) => Err(syntax_error(stmt, &e)),
        }
    }

    /// `SELECT …`: only `set_config('search_path', …)` and `SELECT … INTO new_table` (which is
    /// `CREATE TABLE new_table AS SELECT …`) matter.
    fn select_statement(&mut self, stmt: Stmt<'_>, diags: &mut Diagnostics) -> R<Outcome> {
        if self.calls_history_routine(stmt) {
            if let Ok(Parsed::Sql(ast, _)) = parse_statement(stmt.tokens(), RECURSION_LIMIT) {
                if let Statement::Query(q) = ast.as_ref() {
                    if let Some(o) =
                        crate::sql::replay::plpgsql::select_calls(self, stmt, q, None, diags)
                    {
                        return o;
                    }
                }
            }
        }
        let text = stmt.text().to_ascii_lowercase();
        let sets_path = text.contains("set_config") && text.contains("search_path");
        if !sets_path && !text.contains("into") {
            return Ok(Outcome::PassedOver);
        }
        let Ok(Parsed::Sql(ast, _)) = parse_statement(stmt.tokens(), RECURSION_LIMIT) else {
            return Ok(Outcome::PassedOver);
        };
        let Statement::Query(q) = *ast else {
            return Ok(Outcome::PassedOver);
        };
        if let Some(ct) = select_into_table(&q) {
            let outcome = self.create_table(stmt, &ct, diags)?;
            if outcome == Outcome::Understood {
                self.track_created_table(&ct.name, true);
            }
            return Ok(outcome);
        }
        if sets_path {
            if let Some((path, local)) = super::objects::set_config_search_path(&q) {
                self.set_search_path(path, local);
                return Ok(Outcome::Understood);
            }
        }
        Ok(Outcome::PassedOver)
    }

    /// Whether a statement calls (a name before `(`) a routine the history created.
    fn calls_history_routine(&self, stmt: Stmt<'_>) -> bool {
        if self.tracked.routines.is_empty() {
            return false;
        }
        stmt.significant().windows(2).any(|w| {
            matches!(w[1].1, Token::LParen)
                && matches!(w[0].1, Token::Word(_))
                && self.tracked.routines.has_name_anywhere(&word_of(w[0].1))
        })
    }

    /// `CALL p(…)` of a procedure of the history that can change the schema: run as
    /// PostgreSQL runs it. `None` for any other statement passed over.
    fn call_routine(&mut self, stmt: Stmt<'_>, diags: &mut Diagnostics) -> Option<R<Outcome>> {
        if stmt.words(1).first().map(String::as_str) != Some("call")
            || !self.calls_history_routine(stmt)
        {
            return None;
        }
        let Ok(Parsed::Sql(ast, _)) = parse_statement(stmt.tokens(), RECURSION_LIMIT) else {
            return None;
        };
        let Statement::Call(f) = ast.as_ref() else {
            return None;
        };
        crate::sql::replay::plpgsql::call_statement(self, stmt, f, None, diags)
    }

    /// Sets the search path for the session or, `local`, to the end of the transaction.
    fn set_search_path(&mut self, path: Vec<String>, local: bool) {
        if local {
            if self.local_path_restore.is_none() {
                self.local_path_restore = Some(std::mem::take(&mut self.search_path));
            }
        } else {
            self.local_path_restore = None;
        }
        self.search_path = path;
    }

    /// `SET search_path …` changes name resolution; other settings are passed over.
    fn set_statement(&mut self, stmt: Stmt<'_>) -> R<Outcome> {
        let sig = stmt.significant();
        let mut i = 1;
        let w = |i: usize| sig.get(i).map(|(_, t)| word_of(t)).unwrap_or_default();
        let local = w(i) == "local";
        if matches!(w(i).as_str(), "session" | "local") {
            i += 1;
        }
        if w(i) != "search_path" {
            return Ok(Outcome::PassedOver);
        }
        i += 1;
        if matches!(sig.get(i).map(|(_, t)| *t), Some(Token::Eq)) || w(i) == "to" {
            i += 1;
        }
        let mut path = Vec::new();
        for (_, t) in &sig[i.min(sig.len())..] {
            match t {
                Token::Comma => {}
                Token::Word(w)
                    if w.quote_style.is_none() && w.value.eq_ignore_ascii_case("default") =>
                {
                    path = DEFAULT_SEARCH_PATH.iter().map(|s| s.to_string()).collect();
                }
                Token::Word(w) => path.push(if w.quote_style.is_some() {
                    w.value.clone()
                } else {
                    w.value.to_ascii_lowercase()
                }),
                Token::SingleQuotedString(s) => {
                    path.extend(super::objects::parse_search_path_string(s));
                }
                _ => {
                    return Ok(Outcome::NotUnderstood(
                        "unexpected SET search_path form".into(),
                    ))
                }
            }
        }
        self.set_search_path(path, local);
        Ok(Outcome::Understood)
    }
}

impl Replayer {
    /// Applies a parsed statement.
    fn apply(&mut self, stmt: Stmt<'_>, ast: &Statement, diags: &mut Diagnostics) -> R<Outcome> {
        match ast {
            Statement::CreateTable(ct) => {
                let outcome = self.create_table(stmt, ct, diags)?;
                if outcome == Outcome::Understood {
                    self.track_created_table(&ct.name, ct.query.is_some());
                }
                Ok(outcome)
            }
            Statement::AlterTable(at) => {
                if at.table_type.is_some() {
                    return Ok(Outcome::PassedOver);
                }
                self.alter_table(&crate::sql::parse::ast::AlterTable {
                    if_exists: at.if_exists,
                    only: at.only,
                    name: at.name.clone(),
                    actions: at
                        .operations
                        .iter()
                        .cloned()
                        .map(crate::sql::parse::ast::AlterTableAction::Sql)
                        .collect(),
                })
            }
            Statement::CreateIndex(ci) => self.create_index(ci),
            Statement::CreateSchema {
                schema_name,
                if_not_exists,
                ..
            } => self.create_schema(schema_name, *if_not_exists),
            Statement::AlterSchema(a) => self.alter_schema(a),
            Statement::CreateType {
                name,
                representation,
            } => self
                .create_type(name, representation.as_ref())
                .map_err(|e| e.located(stmt)),
            Statement::AlterType(a) => self.alter_type(a).map_err(|e| e.located(stmt)),
            Statement::CreateDomain(d) => self.create_domain(d),
            Statement::CreateView(v) => self.create_view(stmt, v, diags),
            Statement::AlterView(v) => self.alter_view(stmt, v, diags),
            Statement::CreateSequence {
                if_not_exists,
                name,
                sequence_options,
                ..
            } => self.create_sequence(name, *if_not_exists, sequence_options),
            Statement::Comment {
                object_type,
                object_name,
                comment,
                if_exists,
            } => self.comment(*object_type, object_name, comment.as_deref(), *if_exists),
            Statement::CreatePolicy(p) => self.create_policy(p),
            Statement::AlterPolicy(p) => self.alter_policy(p),
            Statement::DropPolicy(p) => self.drop_policy(p),
            Statement::Drop {
                object_type,
                if_exists,
                names,
                cascade,
                ..
            } => self.drop(*object_type, names, *if_exists, *cascade, diags, stmt),
            Statement::DropDomain(d) => self.drop_domain(d),
            Statement::CreateExtension(e) => self.create_extension(e),
            Statement::DropExtension(e) => self.drop_extension(e),
            Statement::AlterIndex { name, operation } => self.alter_index(name, operation),
            Statement::RenameTable(r) => {
                for r in r {
                    self.rename_relation(&r.old_name, &r.new_name, false)?;
                }
                Ok(Outcome::Understood)
            }
            Statement::CreateFunction(_)
            | Statement::CreateTrigger(_)
            | Statement::DropTrigger(_)
            | Statement::DropFunction(_)
            | Statement::AlterFunction(_)
            | Statement::AlterTrigger(_)
            | Statement::CreateRole(_)
            | Statement::Grant(_)
            | Statement::Revoke(_)
            | Statement::AlterDefaultPrivileges(_)
            | Statement::Query(_)
            | Statement::Insert(_)
            | Statement::Update(_)
            | Statement::Delete(_)
            | Statement::Set(_)
            | Statement::AlterRole { .. }
            | Statement::CreateProcedure { .. }
            | Statement::DropProcedure { .. }
            | Statement::Analyze(_)
            | Statement::Truncate(_)
            | Statement::Copy { .. }
            | Statement::StartTransaction { .. }
            | Statement::Commit { .. }
            | Statement::Rollback { .. } => Ok(Outcome::PassedOver),
            other => Ok(Outcome::NotUnderstood(format!(
                "{} statements are not replayed",
                statement_kind(other)
            ))),
        }
    }

    // ---- name resolution ---------------------------------------------------------------
}

/// A short name for a statement variant, for messages.
fn statement_kind(s: &Statement) -> String {
    let text = s.to_string();
    text.split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

/// `SELECT … INTO [TEMP | UNLOGGED] [TABLE] name …` as the `CREATE TABLE name AS SELECT …` it
/// is; `None` for any other query.
fn select_into_table(q: &sqlparser::ast::Query) -> Option<sqlparser::ast::CreateTable> {
    use sqlparser::ast::{Expr, ObjectName, SetExpr};
    let SetExpr::Select(select) = q.body.as_ref() else {
        return None;
    };
    let into = select.into.as_ref()?;
    let name: ObjectName = match into.targets.as_slice() {
        [Expr::Identifier(i)] => vec![i.clone()].into(),
        [Expr::CompoundIdentifier(parts)] => parts.clone().into(),
        _ => return None,
    };
    let mut query = q.clone();
    if let SetExpr::Select(s) = query.body.as_mut() {
        s.into = None;
    }
    Some(
        sqlparser::ast::helpers::stmt_create_table::CreateTableBuilder::new(name)
            .temporary(into.temporary)
            .query(Some(Box::new(query)))
            .build(),
    )
}
