//! The SQL dialect schemagen parses migrations with: sqlparser's [`PostgreSqlDialect`], with the
//! places where it is stricter than PostgreSQL 15 brought in line through its dialect hooks.
//!
//! - Names: a keyword PostgreSQL does not reserve is a valid table alias (`FROM app_settings
//!   settings`), and a bare-label keyword a valid column alias without `AS`; sqlparser reserves
//!   keywords of other dialects there (`SETTINGS`, `FORMAT`, `PARTITION`, `START`, `GLOBAL`…).
//!   The categories come from PostgreSQL's own keyword list ([`super::pg_keywords`]).
//! - Column definitions: `COMPRESSION method` after the type (not modelled, kept as a
//!   dialect-specific option).
//! - Types: `NATIONAL CHARACTER [VARYING]`, `NATIONAL CHAR [VARYING]`, `NCHAR [VARYING]`.
//! - Expressions: postfix `ISNULL`, `[NOT] BETWEEN SYMMETRIC` (rewritten as PostgreSQL does),
//!   `BETWEEN ASYMMETRIC`, `COLLATION FOR (expr)`.

use std::any::TypeId;

use sqlparser::ast::{
    BinaryOperator, CharacterLength, ColumnOption, DataType, Expr, Function, FunctionArg,
    FunctionArgExpr, FunctionArgumentList, FunctionArguments, Ident, ObjectName,
};
use sqlparser::dialect::{BindPlaceholderStyle, Dialect, PostgreSqlDialect, Precedence};
use sqlparser::keywords::{Keyword, ALL_KEYWORDS, ALL_KEYWORDS_INDEX};
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::Token;

use super::pg_keywords::{keyword, KeywordCategory};

/// PostgreSQL 15 as schemagen reads it (see the module documentation).
#[derive(Debug, Default, Clone, Copy)]
pub struct PgDialect {
    pg: PostgreSqlDialect,
}

/// The PostgreSQL category of a sqlparser keyword; `None` when PostgreSQL does not know the word
/// as a keyword (it is then an ordinary identifier).
fn pg_category(kw: Keyword) -> Option<(KeywordCategory, bool)> {
    let i = ALL_KEYWORDS_INDEX.binary_search(&kw).ok()?;
    keyword(&ALL_KEYWORDS[i].to_ascii_lowercase())
}

/// Whether the `n`-th next token is the bare word `text` (lower case).
fn peek_text(parser: &Parser, n: usize, text: &str) -> bool {
    matches!(&parser.peek_nth_token_ref(n).token, Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(text))
}

/// Whether the `n`-th next token is the bare keyword `kw` (not quoted).
fn peek_word(parser: &Parser, n: usize, kw: Keyword) -> bool {
    matches!(&parser.peek_nth_token_ref(n).token, Token::Word(w) if w.keyword == kw && w.quote_style.is_none())
}

impl PgDialect {
    /// The dialect.
    pub const fn new() -> Self {
        PgDialect {
            pg: PostgreSqlDialect {},
        }
    }

    /// `[NOT] BETWEEN SYMMETRIC low AND high`, as PostgreSQL rewrites it:
    /// `(e >= low AND e <= high) OR (e >= high AND e <= low)`, negated
    /// `(e < low OR e > high) AND (e < high OR e > low)`. `ASYMMETRIC` is the plain form.
    fn parse_between_symmetric(
        &self,
        parser: &mut Parser,
        expr: &Expr,
    ) -> Result<Expr, ParserError> {
        let negated = parser.parse_keyword(Keyword::NOT);
        parser.expect_keyword_is(Keyword::BETWEEN)?;
        let symmetric = if parser.parse_keyword(Keyword::SYMMETRIC) {
            true
        } else {
            parser.expect_keyword_is(Keyword::ASYMMETRIC)?;
            false
        };
        let prec = self.prec_value(Precedence::Between);
        let low = parser.parse_subexpr(prec)?;
        parser.expect_keyword_is(Keyword::AND)?;
        let high = parser.parse_subexpr(prec)?;
        if !symmetric {
            return Ok(Expr::Between {
                expr: Box::new(expr.clone()),
                negated,
                low: Box::new(low),
                high: Box::new(high),
            });
        }
        let bin = |l: Expr, op: BinaryOperator, r: Expr| Expr::BinaryOp {
            left: Box::new(l),
            op,
            right: Box::new(r),
        };
        let nested = |e: Expr| Expr::Nested(Box::new(e));
        let e = || expr.clone();
        let (inner_lo, inner_hi, join_in, join_out) = if negated {
            (
                BinaryOperator::Lt,
                BinaryOperator::Gt,
                BinaryOperator::Or,
                BinaryOperator::And,
            )
        } else {
            (
                BinaryOperator::GtEq,
                BinaryOperator::LtEq,
                BinaryOperator::And,
                BinaryOperator::Or,
            )
        };
        let first = bin(
            bin(e(), inner_lo.clone(), low.clone()),
            join_in.clone(),
            bin(e(), inner_hi.clone(), high.clone()),
        );
        let second = bin(bin(e(), inner_lo, high), join_in, bin(e(), inner_hi, low));
        Ok(nested(bin(nested(first), join_out, nested(second))))
    }

    /// `NATIONAL CHAR[ACTER] [VARYING] [(n)]`, `NCHAR [VARYING] [(n)]`.
    fn parse_national_char(parser: &mut Parser) -> Result<DataType, ParserError> {
        if parser.parse_keyword(Keyword::NATIONAL) {
            parser.expect_one_of_keywords(&[Keyword::CHARACTER, Keyword::CHAR])?;
        } else {
            parser.expect_keyword_is(Keyword::NCHAR)?;
        }
        let varying = parser.parse_keyword(Keyword::VARYING);
        let length = if parser.consume_token(&Token::LParen) {
            let n = parser.parse_literal_uint()?;
            parser.expect_token(&Token::RParen)?;
            Some(CharacterLength::IntegerLength {
                length: n,
                unit: None,
            })
        } else {
            None
        };
        Ok(if varying {
            DataType::CharacterVarying(length)
        } else {
            DataType::Character(length)
        })
    }
}

macro_rules! delegate {
    ($($name:ident(&self $(, $arg:ident: $ty:ty)*) -> $ret:ty;)*) => {
        $(fn $name(&self $(, $arg: $ty)*) -> $ret { self.pg.$name($($arg),*) })*
    };
}

impl Dialect for PgDialect {
    /// sqlparser's own PostgreSQL-only paths (`dialect_of!(… is PostgreSqlDialect)`) apply.
    fn dialect(&self) -> TypeId {
        TypeId::of::<PostgreSqlDialect>()
    }

    delegate! {
        supports_cte_materialization(&self) -> bool;
        identifier_quote_style(&self, identifier: &str) -> Option<char>;
        ordered_bind_placeholder_style(&self) -> Option<BindPlaceholderStyle>;
        is_delimited_identifier_start(&self, ch: char) -> bool;
        is_identifier_start(&self, ch: char) -> bool;
        is_identifier_part(&self, ch: char) -> bool;
        supports_unicode_string_literal(&self) -> bool;
        is_reserved_for_identifier(&self, kw: Keyword) -> bool;
        supports_string_literal_column_alias(&self, explicit: bool) -> bool;
        supports_string_literal_table_alias(&self, explicit: bool) -> bool;
        is_custom_operator_part(&self, ch: char) -> bool;
        supports_filter_during_aggregation(&self) -> bool;
        supports_group_by_expr(&self) -> bool;
        supports_drop_group(&self) -> bool;
        supports_alter_user_as_alter_role(&self) -> bool;
        supports_create_group(&self) -> bool;
        supports_create_role_if_not_exists(&self) -> bool;
        prec_value(&self, prec: Precedence) -> u8;
        allow_extract_custom(&self) -> bool;
        allow_extract_single_quotes(&self) -> bool;
        supports_create_index_with_clause(&self) -> bool;
        supports_sql_option_without_value(&self) -> bool;
        supports_explain_with_utility_options(&self) -> bool;
        supports_listen_notify(&self) -> bool;
        supports_exclude_constraint(&self) -> bool;
        supports_factorial_operator(&self) -> bool;
        supports_bitwise_shift_operators(&self) -> bool;
        supports_tilde_like_match_operator(&self) -> bool;
        supports_comparison_in_between_low_bound(&self) -> bool;
        supports_comment_on(&self) -> bool;
        supports_load_extension(&self) -> bool;
        supports_named_fn_args_with_colon_operator(&self) -> bool;
        supports_named_fn_args_with_expr_name(&self) -> bool;
        supports_named_fn_args_with_assignment_operator(&self) -> bool;
        supports_empty_projections(&self) -> bool;
        supports_nested_comments(&self) -> bool;
        supports_copy_from_stdin_data(&self) -> bool;
        supports_string_escape_constant(&self) -> bool;
        supports_numeric_literal_underscores(&self) -> bool;
        supports_non_decimal_integer_literals(&self) -> bool;
        supports_array_typedef_with_brackets(&self) -> bool;
        supports_geometric_types(&self) -> bool;
        supports_order_by_using_operator(&self) -> bool;
        supports_set_names(&self) -> bool;
        supports_alter_column_type_using(&self) -> bool;
        supports_left_associative_joins_without_parens(&self) -> bool;
        supports_notnull_operator(&self) -> bool;
        supports_interval_options(&self) -> bool;
        is_interval_qualifier(&self, kw: Keyword) -> bool;
        supports_insert_table_alias(&self) -> bool;
        supports_create_table_like_parenthesized(&self) -> bool;
        supports_select_wildcard_with_alias(&self) -> bool;
        supports_comma_separated_trim(&self) -> bool;
        supports_xml_expressions(&self) -> bool;
        is_custom_type_typed_string(&self, first_keyword: Keyword, qualified: bool) -> bool;
        supports_aliased_function_args(&self) -> bool;
        supports_comment_optimizer_hint(&self) -> bool;
        supports_add_column_if_not_exists(&self) -> bool;
        supports_attach_partition_of(&self) -> bool;
        supports_detach_partition_of(&self) -> bool;
        supports_table_inheritance_markers(&self) -> bool;
        supports_column_generic_options(&self) -> bool;
    }

    /// A table alias is a `ColId`: an identifier, an unreserved or a column-name keyword.
    /// `SET` stays out (`UPDATE t SET …`, where PostgreSQL does not take it as an alias either).
    fn is_table_alias(&self, kw: &Keyword, _parser: &mut Parser) -> bool {
        match pg_category(*kw) {
            _ if *kw == Keyword::SET => false,
            None => true,
            Some((cat, _)) => matches!(cat, KeywordCategory::Unreserved | KeywordCategory::ColName),
        }
    }

    /// A column alias without `AS` is a `BareColLabel`: an identifier or a bare-label keyword.
    fn is_column_alias(&self, kw: &Keyword, _parser: &mut Parser) -> bool {
        match pg_category(*kw) {
            None => true,
            Some((_, bare)) => bare,
        }
    }

    fn get_next_precedence(&self, parser: &Parser) -> Option<Result<u8, ParserError>> {
        if peek_text(parser, 0, "isnull") {
            return Some(Ok(self.prec_value(Precedence::Is)));
        }
        self.pg.get_next_precedence(parser)
    }

    fn parse_infix(
        &self,
        parser: &mut Parser,
        expr: &Expr,
        _precedence: u8,
    ) -> Option<Result<Expr, ParserError>> {
        if peek_text(parser, 0, "isnull") {
            parser.next_token();
            return Some(Ok(Expr::IsNull(Box::new(expr.clone()))));
        }
        let at = usize::from(peek_word(parser, 0, Keyword::NOT));
        if peek_word(parser, at, Keyword::BETWEEN)
            && (peek_word(parser, at + 1, Keyword::SYMMETRIC)
                || peek_word(parser, at + 1, Keyword::ASYMMETRIC))
        {
            return Some(self.parse_between_symmetric(parser, expr));
        }
        None
    }

    fn parse_prefix(&self, parser: &mut Parser) -> Option<Result<Expr, ParserError>> {
        // `COLLATION FOR (expr)` is the function `pg_collation_for(expr)`, called by a name no
        // unquoted identifier has ([`COLLATION_FOR`]: PostgreSQL prints the SQL syntax back).
        if peek_word(parser, 0, Keyword::COLLATION)
            && peek_word(parser, 1, Keyword::FOR)
            && parser.peek_nth_token_ref(2).token == Token::LParen
        {
            parser.next_token();
            parser.next_token();
            let parsed = (|| {
                parser.expect_token(&Token::LParen)?;
                let arg = parser.parse_expr()?;
                parser.expect_token(&Token::RParen)?;
                Ok(arg)
            })();
            return Some(parsed.map(|arg| {
                Expr::Function(Function {
                    name: ObjectName::from(vec![Ident::new(COLLATION_FOR)]),
                    uses_odbc_syntax: false,
                    parameters: FunctionArguments::None,
                    args: FunctionArguments::List(FunctionArgumentList {
                        duplicate_treatment: None,
                        args: vec![FunctionArg::Unnamed(FunctionArgExpr::Expr(arg))],
                        clauses: vec![],
                    }),
                    filter: None,
                    null_treatment: None,
                    over: None,
                    within_group: vec![],
                })
            }));
        }
        None
    }

    fn parse_data_type(&self, parser: &mut Parser) -> Option<Result<DataType, ParserError>> {
        let national = peek_word(parser, 0, Keyword::NATIONAL)
            && (peek_word(parser, 1, Keyword::CHARACTER) || peek_word(parser, 1, Keyword::CHAR));
        if national || peek_word(parser, 0, Keyword::NCHAR) {
            return Some(Self::parse_national_char(parser));
        }
        None
    }

    /// `COMPRESSION method` (PostgreSQL 14+) right after a column's type: kept as a
    /// dialect-specific option (compression is not modelled).
    fn parse_column_option(
        &self,
        parser: &mut Parser,
    ) -> Result<Option<Result<Option<ColumnOption>, ParserError>>, ParserError> {
        if peek_word(parser, 0, Keyword::COMPRESSION)
            && matches!(parser.peek_nth_token_ref(1).token, Token::Word(_))
            && follows_type(parser)
        {
            let kw = parser.next_token().token;
            let method = parser.next_token().token;
            return Ok(Some(Ok(Some(ColumnOption::DialectSpecific(vec![
                kw, method,
            ])))));
        }
        Ok(None)
    }
}

use crate::pg::deparse::COLLATION_FOR;

/// Whether an expression is a `b_expr` of PostgreSQL's grammar (the operators it leaves out
/// may still appear inside parentheses and function calls).
pub(crate) fn is_b_expr(e: &Expr) -> bool {
    match e {
        Expr::BinaryOp { left, op, right } => {
            !matches!(op, BinaryOperator::And | BinaryOperator::Or)
                && is_b_expr(left)
                && is_b_expr(right)
        }
        Expr::UnaryOp { op, expr } => {
            !matches!(op, sqlparser::ast::UnaryOperator::Not) && is_b_expr(expr)
        }
        Expr::IsNull(_)
        | Expr::IsNotNull(_)
        | Expr::IsTrue(_)
        | Expr::IsNotTrue(_)
        | Expr::IsFalse(_)
        | Expr::IsNotFalse(_)
        | Expr::IsUnknown(_)
        | Expr::IsNotUnknown(_)
        | Expr::Like { .. }
        | Expr::ILike { .. }
        | Expr::SimilarTo { .. }
        | Expr::Between { .. }
        | Expr::In { .. } => false,
        Expr::Cast { expr, .. } => is_b_expr(expr),
        _ => true,
    }
}

/// Whether the parser is right after a column's type: no column constraint between the start
/// of the column definition and here.
fn follows_type(parser: &Parser) -> bool {
    let mut depth = 0usize;
    let mut i = parser.index();
    while i > 0 {
        i -= 1;
        match &parser.token_at(i).token {
            Token::RParen | Token::RBracket => depth += 1,
            Token::LParen | Token::LBracket if depth == 0 => return true,
            Token::LParen | Token::LBracket => depth -= 1,
            Token::Comma if depth == 0 => return true,
            Token::Word(w) if depth == 0 && w.quote_style.is_none() => match w.keyword {
                Keyword::COLUMN | Keyword::EXISTS | Keyword::ADD => return true,
                Keyword::NOT
                | Keyword::NULL
                | Keyword::DEFAULT
                | Keyword::CHECK
                | Keyword::CONSTRAINT
                | Keyword::COLLATE
                | Keyword::REFERENCES
                | Keyword::PRIMARY
                | Keyword::UNIQUE
                | Keyword::GENERATED
                | Keyword::DEFERRABLE
                | Keyword::INITIALLY => return false,
                _ => {}
            },
            _ => {}
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parses(sql: &str) -> Result<String, String> {
        Parser::parse_sql(&PgDialect::default(), sql)
            .map(|v| {
                v.iter()
                    .map(|s| s.to_string())
                    .collect::<Vec<_>>()
                    .join("; ")
            })
            .map_err(|e| e.to_string())
    }

    #[test]
    fn keywords_postgres_does_not_reserve_are_aliases() {
        for alias in [
            "settings",
            "format",
            "partition",
            "start",
            "global",
            "sort",
            "anti",
            "qualify",
        ] {
            let sql = format!("select {alias}.id from app_settings {alias}");
            assert!(parses(&sql).is_ok(), "{sql}: {:?}", parses(&sql));
            let sql = format!("select id {alias} from t");
            assert!(parses(&sql).is_ok(), "{sql}: {:?}", parses(&sql));
        }
        // Reserved and type/function-name keywords are not.
        assert!(parses("select 1 from t left").is_err());
        assert!(parses("select 1 from t where").is_err());
        // `UPDATE t SET` keeps working.
        assert!(parses("update t set a = 1").is_ok());
        assert!(parses("select a from t join u on true").is_ok());
    }

    #[test]
    fn postgres_expression_forms() {
        assert!(parses("select 1 from t where a isnull").is_ok());
        let s = parses("select a between symmetric 1 and 2 from t").unwrap();
        assert!(s.contains("OR"), "{s}");
        assert!(parses("select a not between symmetric 1 and 2 from t").is_ok());
        assert!(parses("select a between asymmetric 1 and 2 from t").is_ok());
        assert!(parses("select collation for ('x')").is_ok());
        assert!(parses(
            "create table t (a national character varying(3), b nchar(2), c national char)"
        )
        .is_ok());
        assert!(parses(
            "create table t (a text compression pglz not null, b text compression default)"
        )
        .is_ok());
        // A column called `compression` is still a column.
        assert!(parses("create table t (compression text)").is_ok());
        // COMPRESSION comes right after the type.
        assert!(parses("create table t (a text collate \"C\" compression pglz)").is_err());
        assert!(parses("create table t (a varchar(3)[] compression pglz)").is_ok());
    }
}
