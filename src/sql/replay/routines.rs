//! `CREATE`/`ALTER`/`DROP FUNCTION|PROCEDURE|AGGREGATE|ROUTINE`: the names and signatures replay
//! keeps.

use sqlparser::ast::Statement;
use sqlparser::tokenizer::Token;

use crate::sql::parse::{ParseError, Parsed};

use super::{fold, syntax_error, word_of, Outcome, ReplayError, Replayer, SqlState, Stmt, R};

impl Replayer {
    /// `CREATE/ALTER/DROP FUNCTION|PROCEDURE`: the name is recorded (it matters for how
    /// expressions print and for `DO` guards); otherwise not schema shaping.
    pub(super) fn routine_statement(
        &mut self,
        stmt: Stmt<'_>,
        verb: &str,
        parse: impl FnOnce() -> Result<Parsed, ParseError>,
    ) -> R<Outcome> {
        if verb == "create" {
            if let Err(e) = crate::sql::parse::routine::check(stmt.tokens()) {
                if e.syntax {
                    return Err(syntax_error(
                        stmt,
                        &ParseError {
                            message: e.message,
                            location: e.location,
                            too_deep: false,
                        },
                    ));
                }
                let err = ReplayError::new(SqlState::InvalidFunctionDefinition, e.message);
                return Err(match e.location {
                    Some(l) => err.at(l).located(stmt),
                    None => err,
                });
            }
        }
        let sig = stmt.significant();
        // The name follows the FUNCTION/PROCEDURE keyword: word [. word].
        let Some(pos) = sig.iter().position(|(_, t)| {
            matches!(
                word_of(t).as_str(),
                "function" | "procedure" | "aggregate" | "routine"
            )
        }) else {
            return Ok(Outcome::PassedOver);
        };
        let mut j = pos + 1;
        if verb == "drop" && word_of(sig.get(j).map(|x| x.1).unwrap_or(&Token::EOF)) == "if" {
            j += 2;
        }
        let ident = |t: &Token| match t {
            Token::Word(w) => Some(if w.quote_style.is_some() {
                w.value.clone()
            } else {
                w.value.to_ascii_lowercase()
            }),
            _ => None,
        };
        let Some(first) = sig.get(j).and_then(|(_, t)| ident(t)) else {
            return Ok(Outcome::PassedOver);
        };
        let (schema, name) = if matches!(sig.get(j + 1).map(|x| x.1), Some(Token::Period)) {
            match sig.get(j + 2).and_then(|(_, t)| ident(t)) {
                Some(n) => (Some(first), n),
                None => return Ok(Outcome::PassedOver),
            }
        } else {
            (None, first)
        };
        let schema = match schema {
            Some(s) => s,
            None if verb == "create" => match self.creation_schema() {
                Ok(s) => s,
                Err(_) => return Ok(Outcome::PassedOver),
            },
            None => match self
                .effective_path()
                .into_iter()
                .find(|s| self.catalog.schemas[s].functions.contains(&name))
            {
                Some(s) => s,
                None => return Ok(Outcome::PassedOver),
            },
        };
        let procedure = word_of(sig[pos].1) == "procedure";
        let parsed = if verb == "create" && procedure {
            // sqlparser reads `CREATE PROCEDURE` as T-SQL's; PostgreSQL's has `CREATE
            // FUNCTION`'s syntax without `RETURNS`, so it is read as that.
            let mut tokens = stmt.tokens().to_vec();
            let at = sig[pos].0;
            if let Some(t) = tokens.get_mut(at) {
                t.token = Token::make_keyword("FUNCTION");
            }
            crate::sql::parse::parse_statement(&tokens, crate::sql::parse::RECURSION_LIMIT).ok()
        } else {
            matches!(verb, "create" | "drop")
                .then(parse)
                .and_then(Result::ok)
        }
        .and_then(|p| match p {
            Parsed::Sql(ast, _) => Some(*ast),
            Parsed::Pg(..) => None,
        });
        let sig = match &parsed {
            Some(Statement::CreateFunction(cf)) if !procedure => {
                self.function_sig(&schema, &name, cf)
            }
            _ => None,
        };
        self.track_routine(verb, &schema, &name, parsed.as_ref(), procedure);
        // A rename that changed how the catalog's texts print is understood (provenance).
        let renamed_calls = verb == "alter" && self.alter_routine_name(stmt, &schema, &name);
        let overloads_left = self.tracked.routines.has_name(&schema, &name);
        // Whether the statement changed tables (`DROP … CASCADE` of what they call): it is then
        // understood, not passed over, so provenance records what it changed.
        let mut changed_tables = renamed_calls;
        // Every overload gone: what calls the name went with it (`CASCADE`) or stops the
        // statement (one overload of several: which one a call resolved to is not known).
        if let (false, Some(Statement::DropFunction(df))) = (overloads_left, &parsed) {
            let cascade = matches!(
                df.drop_behavior,
                Some(sqlparser::ast::DropBehavior::Cascade)
            );
            let callers = self.function_callers(&schema, &name);
            changed_tables = callers.first().is_some();
            self.drop_callers(&format!("function {name}()"), callers, cascade)?;
        }
        if let Some(s) = self.catalog.schemas.get_mut(&schema) {
            match verb {
                "create" => {
                    s.functions.insert(name.clone());
                }
                "drop" if !overloads_left => {
                    s.functions.remove(&name);
                    self.function_sigs.remove_name(&schema, &name);
                }
                _ => {}
            }
        }
        if let Some(sig) = sig {
            self.function_sigs.record(sig);
        }
        Ok(if changed_tables {
            Outcome::Understood
        } else {
            Outcome::PassedOver
        })
    }

    /// `ALTER FUNCTION … RENAME TO` / `SET SCHEMA`: the routine moves; when every overload of
    /// the name moved, the catalog's texts calling it print the new name, as PostgreSQL (which
    /// keeps calls by oid) prints them: unqualified when the new name resolves on the printing
    /// path, else qualified. (Of several overloads, which one a call meant is not known.)
    fn alter_routine_name(&mut self, stmt: Stmt<'_>, schema: &str, name: &str) -> bool {
        // Most ALTER FUNCTION statements change an owner or a setting: no caller search then.
        let sig = stmt.significant();
        let moves = sig.windows(2).any(|w| {
            matches!(
                (word_of(w[0].1).as_str(), word_of(w[1].1).as_str()),
                ("rename", "to") | ("set", "schema")
            )
        });
        if !moves {
            return false;
        }
        let overloads = self.tracked.routines.named(schema, name).count();
        let callers = self.function_callers(schema, name);
        let bare = self.bare_call_resolves_to(schema, name);
        let Some((new_schema, new_name, moved)) = self.track_routine_alter(stmt, schema, name)
        else {
            return false;
        };
        if moved == 0 || (new_schema == schema && new_name == name) {
            return false;
        }
        let all = moved == overloads;
        if all {
            if let Some(s) = self.catalog.schemas.get_mut(schema) {
                s.functions.remove(name);
            }
            let sigs: Vec<_> = self.function_sigs.named(schema, name).to_vec();
            self.function_sigs.remove_name(schema, name);
            for mut sig in sigs {
                sig.schema = new_schema.clone();
                sig.name = new_name.clone();
                self.function_sigs.record(sig);
            }
        }
        if let Some(s) = self.catalog.schemas.get_mut(&new_schema) {
            s.functions.insert(new_name.clone());
        }
        if !all || callers.first().is_none() {
            return false;
        }
        let printed = if self.bare_call_resolves_to(&new_schema, &new_name) {
            crate::sql::quote_ident(&new_name)
        } else {
            format!(
                "{}.{}",
                crate::sql::quote_ident(&new_schema),
                crate::sql::quote_ident(&new_name)
            )
        };
        self.rewrite_callers(&callers, &|t: &str| {
            super::objects::rename_function_calls(t, schema, name, bare, &printed)
        });
        true
    }

    /// The signature of a created function, when its parameter and result types resolve.
    fn function_sig(
        &self,
        schema: &str,
        name: &str,
        cf: &sqlparser::ast::CreateFunction,
    ) -> Option<crate::pg::deparse::FunctionSig> {
        use sqlparser::ast::{ArgMode, FunctionReturnType};
        let mut args = Vec::new();
        let mut defaults = 0;
        let mut variadic = false;
        let mut out_columns = Vec::new();
        for a in cf.args.iter().flatten() {
            if matches!(a.mode, Some(ArgMode::Out | ArgMode::InOut)) {
                let ty = self.resolve_column_type(&a.data_type).ok()?;
                out_columns.push((a.name.as_ref().map(fold).unwrap_or_default(), ty));
            }
            if matches!(a.mode, Some(ArgMode::Out)) {
                continue;
            }
            variadic = matches!(a.mode, Some(ArgMode::Variadic));
            let mut ty = self.resolve_column_type(&a.data_type).ok()?;
            if variadic && !ty.is_array() {
                ty.array_dims = 1;
            }
            if a.default_expr.is_some() {
                defaults += 1;
            }
            args.push(ty);
        }
        let ret = match cf.return_type.as_ref() {
            Some(
                FunctionReturnType::DataType(sqlparser::ast::DataType::Table(Some(cols)))
                | FunctionReturnType::SetOf(sqlparser::ast::DataType::Table(Some(cols))),
            ) => {
                out_columns.clear();
                for c in cols {
                    out_columns.push((fold(&c.name), self.resolve_column_type(&c.data_type).ok()?));
                }
                crate::catalog::SqlType::builtin("record")
            }
            Some(FunctionReturnType::DataType(dt) | FunctionReturnType::SetOf(dt)) => {
                self.resolve_column_type(dt).ok()?
            }
            // Only OUT parameters: their row, or the single one's type.
            None if out_columns.len() == 1 => out_columns[0].1.clone(),
            None if !out_columns.is_empty() => crate::catalog::SqlType::builtin("record"),
            None => return None,
        };
        if out_columns.len() > 1 && !ret.is("record") {
            out_columns.clear();
        }
        Some(crate::pg::deparse::FunctionSig {
            schema: schema.to_string(),
            name: name.to_string(),
            args,
            ret,
            variadic,
            defaults,
            out_columns,
        })
    }
}
