//! `ALTER TABLE`, every form of PostgreSQL 15's synopsis. The actions sqlparser reads (`ADD`,
//! `DROP`, `RENAME`, `VALIDATE CONSTRAINT`, triggers, rules, row-level security, `SET (…)`,
//! `REPLICA IDENTITY`, `INHERIT`, `ATTACH/DETACH PARTITION`…) go to its parser one by one; the
//! others are read here: `ALTER [COLUMN]` (every form), `ALTER CONSTRAINT`, `CLUSTER ON`,
//! `SET WITHOUT CLUSTER|OIDS`, `SET ACCESS METHOD`, `SET TABLESPACE`, `OF`, `NOT OF`,
//! `SET SCHEMA`, `ALL IN TABLESPACE`.

use sqlparser::ast::{AlterColumnOperation, AlterTableOperation, Ident, SequenceOptions};
use sqlparser::keywords::Keyword;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::Token;

use super::ast::{AlterTable, AlterTableAction, PgStatement, SequenceClauses};
use super::{error_at, parse_words};

/// `ALTER TABLE …` from its first token.
pub(super) fn parse(p: &mut Parser) -> Result<PgStatement, ParserError> {
    p.expect_keyword_is(Keyword::ALTER)?;
    p.expect_keyword_is(Keyword::TABLE)?;
    if p.parse_keywords(&[Keyword::ALL, Keyword::IN, Keyword::TABLESPACE]) {
        all_in_tablespace(p)?;
        return Ok(PgStatement::Touch {
            kind: "table",
            if_exists: false,
            name: None,
        });
    }
    let if_exists = p.parse_keywords(&[Keyword::IF, Keyword::EXISTS]);
    // `ONLY name`, `ONLY (name)`, or `name [*]` (`*`: the table and its descendants, the
    // default).
    let only = p.parse_keyword(Keyword::ONLY);
    let name = if only && p.consume_token(&Token::LParen) {
        let name = p.parse_object_name(false)?;
        p.expect_token(&Token::RParen)?;
        name
    } else {
        let name = p.parse_object_name(false)?;
        if !only {
            let _ = p.consume_token(&Token::Mul);
        }
        name
    };
    if p.parse_keywords(&[Keyword::SET, Keyword::SCHEMA]) {
        let schema = p.parse_identifier()?;
        return Ok(PgStatement::SetSchema {
            kind: "table",
            if_exists,
            name,
            schema,
        });
    }
    let mut actions = Vec::new();
    loop {
        // RENAME, ATTACH PARTITION and DETACH PARTITION are statements of their own.
        let standalone = peek_is(p, 0, Keyword::RENAME)
            || (peek_is(p, 1, Keyword::PARTITION)
                && (peek_is(p, 0, Keyword::ATTACH) || peek_is(p, 0, Keyword::DETACH)));
        if standalone && !actions.is_empty() {
            return p.expected("an ALTER TABLE action", p.peek_token());
        }
        actions.push(action(p)?);
        if standalone {
            break;
        }
        if !p.consume_token(&Token::Comma) {
            break;
        }
    }
    Ok(PgStatement::AlterTable(AlterTable {
        if_exists,
        only,
        name,
        actions,
    }))
}

/// `ALL IN TABLESPACE t [OWNED BY r [, …]] SET TABLESPACE t2 [NOWAIT]` (after `ALL IN
/// TABLESPACE`), shared by `ALTER TABLE`, `ALTER INDEX` and `ALTER MATERIALIZED VIEW`.
pub(super) fn all_in_tablespace(p: &mut Parser) -> Result<(), ParserError> {
    p.parse_identifier()?;
    if p.parse_keywords(&[Keyword::OWNED, Keyword::BY]) {
        p.parse_comma_separated(|p| p.parse_identifier())?;
    }
    p.expect_keywords(&[Keyword::SET, Keyword::TABLESPACE])?;
    p.parse_identifier()?;
    let _ = p.parse_keyword(Keyword::NOWAIT);
    Ok(())
}

fn peek_is(p: &Parser, n: usize, kw: Keyword) -> bool {
    matches!(&p.peek_nth_token_ref(n).token, Token::Word(w) if w.keyword == kw && w.quote_style.is_none())
}

/// One action.
fn action(p: &mut Parser) -> Result<AlterTableAction, ParserError> {
    // `ALTER [COLUMN] c …` (a bare `CONSTRAINT` after `ALTER` is `ALTER CONSTRAINT`).
    if peek_is(p, 0, Keyword::ALTER) && !peek_is(p, 1, Keyword::CONSTRAINT) {
        p.next_token();
        let _ = p.parse_keyword(Keyword::COLUMN);
        let column = p.parse_identifier()?;
        return alter_column(p, column);
    }
    if p.parse_keywords(&[Keyword::ALTER, Keyword::CONSTRAINT]) {
        let name = p.parse_identifier()?;
        let (mut deferrable, mut initially_deferred) = (None, None);
        loop {
            if p.parse_keyword(Keyword::DEFERRABLE) {
                deferrable = Some(true);
            } else if p.parse_keywords(&[Keyword::NOT, Keyword::DEFERRABLE]) {
                deferrable = Some(false);
            } else if p.parse_keywords(&[Keyword::INITIALLY, Keyword::DEFERRED]) {
                initially_deferred = Some(true);
            } else if p.parse_keywords(&[Keyword::INITIALLY, Keyword::IMMEDIATE]) {
                initially_deferred = Some(false);
            } else {
                break;
            }
        }
        return Ok(AlterTableAction::AlterConstraint {
            name,
            deferrable,
            initially_deferred,
        });
    }
    if p.parse_keywords(&[Keyword::CLUSTER, Keyword::ON]) {
        return Ok(AlterTableAction::ClusterOn(p.parse_identifier()?));
    }
    if p.parse_keywords(&[Keyword::SET, Keyword::WITHOUT]) {
        if !p.parse_keyword(Keyword::CLUSTER) && !parse_words(p, &["oids"]) {
            return p.expected("CLUSTER or OIDS", p.peek_token());
        }
        return Ok(AlterTableAction::NoOp);
    }
    if p.parse_keywords(&[Keyword::SET, Keyword::ACCESS, Keyword::METHOD])
        || p.parse_keywords(&[Keyword::SET, Keyword::TABLESPACE])
    {
        p.parse_identifier()?;
        return Ok(AlterTableAction::NoOp);
    }
    if p.parse_keyword(Keyword::OF) {
        return Ok(AlterTableAction::Of(p.parse_object_name(false)?));
    }
    if p.parse_keywords(&[Keyword::NOT, Keyword::OF]) {
        return Ok(AlterTableAction::NotOf);
    }
    let mut op = p.parse_alter_table_operation()?;
    // `CHECK (…) NOT VALID NO INHERIT`: the attributes come in any order.
    if let sqlparser::ast::AlterTableOperation::AddConstraint {
        constraint: sqlparser::ast::TableConstraint::Check(c),
        not_valid: true,
    } = &mut op
    {
        if !c.no_inherit && p.parse_keywords(&[Keyword::NO, Keyword::INHERIT]) {
            c.no_inherit = true;
        }
    }
    if let sqlparser::ast::AlterTableOperation::AddColumn { column_def, .. } = &op {
        let at = p.peek_token();
        for o in &column_def.options {
            if let sqlparser::ast::ColumnOption::Default(e) = &o.option {
                if !crate::sql::dialect::is_b_expr(e) {
                    return Err(super::error_at(
                        "a DEFAULT expression needs parentheses around boolean operators, IS \
                         NULL, LIKE, BETWEEN or IN",
                        &at,
                    ));
                }
            }
        }
    }
    Ok(AlterTableAction::Sql(op))
}

/// `ALTER [COLUMN] column …` after the column name.
fn alter_column(p: &mut Parser, column: Ident) -> Result<AlterTableAction, ParserError> {
    let sql = |column: Ident, op: AlterColumnOperation| {
        Ok(AlterTableAction::Sql(AlterTableOperation::AlterColumn {
            column_name: column,
            op,
        }))
    };
    if p.parse_keyword(Keyword::TYPE)
        || p.parse_keywords(&[Keyword::SET, Keyword::DATA, Keyword::TYPE])
    {
        let data_type = p.parse_data_type()?;
        let collation = if p.parse_keyword(Keyword::COLLATE) {
            Some(p.parse_object_name(false)?)
        } else {
            None
        };
        let using = if p.parse_keyword(Keyword::USING) {
            Some(p.parse_expr()?)
        } else {
            None
        };
        return Ok(AlterTableAction::AlterColumnType {
            column,
            data_type,
            collation,
            using,
        });
    }
    if p.parse_keywords(&[Keyword::SET, Keyword::DEFAULT]) {
        let value = p.parse_expr()?;
        return sql(column, AlterColumnOperation::SetDefault { value });
    }
    if p.parse_keywords(&[Keyword::DROP, Keyword::DEFAULT]) {
        return sql(column, AlterColumnOperation::DropDefault);
    }
    if p.parse_keywords(&[Keyword::SET, Keyword::NOT, Keyword::NULL]) {
        return sql(column, AlterColumnOperation::SetNotNull);
    }
    if p.parse_keywords(&[Keyword::DROP, Keyword::NOT, Keyword::NULL]) {
        return sql(column, AlterColumnOperation::DropNotNull);
    }
    if parse_words(p, &["drop", "expression"]) {
        let if_exists = p.parse_keywords(&[Keyword::IF, Keyword::EXISTS]);
        return Ok(AlterTableAction::DropExpression { column, if_exists });
    }
    if p.parse_keywords(&[Keyword::DROP, Keyword::IDENTITY]) {
        let if_exists = p.parse_keywords(&[Keyword::IF, Keyword::EXISTS]);
        return Ok(AlterTableAction::DropIdentity { column, if_exists });
    }
    if p.parse_keywords(&[Keyword::ADD, Keyword::GENERATED]) {
        let always = if p.parse_keyword(Keyword::ALWAYS) {
            true
        } else {
            p.expect_keywords(&[Keyword::BY, Keyword::DEFAULT])?;
            false
        };
        p.expect_keywords(&[Keyword::AS, Keyword::IDENTITY])?;
        let options = if p.consume_token(&Token::LParen) {
            let o = sequence_clauses(p, false)?;
            p.expect_token(&Token::RParen)?;
            o
        } else {
            SequenceClauses::default()
        };
        return Ok(AlterTableAction::AddIdentity {
            column,
            always,
            options,
        });
    }
    if p.parse_keywords(&[Keyword::SET, Keyword::STATISTICS]) {
        p.parse_expr()?;
        return Ok(AlterTableAction::ColumnStorage { column });
    }
    if p.parse_keywords(&[Keyword::SET, Keyword::STORAGE])
        || p.parse_keywords(&[Keyword::SET, Keyword::COMPRESSION])
    {
        p.parse_identifier()?;
        return Ok(AlterTableAction::ColumnStorage { column });
    }
    if (peek_is(p, 0, Keyword::SET) || peek_is(p, 0, Keyword::RESET))
        && p.peek_nth_token_ref(1).token == Token::LParen
    {
        p.next_token();
        p.expect_token(&Token::LParen)?;
        p.parse_comma_separated(|p| p.parse_sql_option())?;
        p.expect_token(&Token::RParen)?;
        return Ok(AlterTableAction::ColumnStorage { column });
    }
    alter_identity(p, column)
}

/// `ALTER [COLUMN] column` identity actions: `SET GENERATED {ALWAYS|BY DEFAULT}`, `SET
/// sequence_option`, `RESTART …`, one after another.
fn alter_identity(p: &mut Parser, column: Ident) -> Result<AlterTableAction, ParserError> {
    let mut generated = None;
    let mut options = SequenceClauses::default();
    let mut any = false;
    loop {
        if p.parse_keywords(&[Keyword::SET, Keyword::GENERATED]) {
            generated = Some(if p.parse_keyword(Keyword::ALWAYS) {
                true
            } else {
                p.expect_keywords(&[Keyword::BY, Keyword::DEFAULT])?;
                false
            });
        } else if peek_is(p, 0, Keyword::RESTART) {
            let more = sequence_clauses(p, true)?;
            merge(&mut options, more);
        } else if peek_is(p, 0, Keyword::SET) {
            p.next_token();
            // `SET` takes the options an identity's sequence can change.
            for (words, name) in [
                (
                    &[Keyword::AS][..],
                    "sequence option \"as\" not supported here",
                ),
                (
                    &[Keyword::OWNED, Keyword::BY][..],
                    "sequence option \"owned_by\" not supported here",
                ),
                (
                    &[Keyword::RESTART][..],
                    "sequence option \"restart\" not supported here",
                ),
                (
                    &[Keyword::SEQUENCE, Keyword::NAME][..],
                    "invalid sequence option SEQUENCE NAME",
                ),
            ] {
                if words.iter().enumerate().all(|(i, k)| peek_is(p, i, *k)) {
                    return Err(error_at(name, &p.peek_token()));
                }
            }
            let one = sequence_option(p, false)?.ok_or_else(|| {
                ParserError::ParserError(format!(
                    "Expected: a sequence option after SET, found: {}",
                    p.peek_token()
                ))
            })?;
            merge(&mut options, one);
        } else {
            break;
        }
        any = true;
    }
    if !any {
        return p.expected(
            "TYPE, SET DEFAULT, DROP DEFAULT, SET/DROP NOT NULL, DROP EXPRESSION, ADD GENERATED, \
             SET GENERATED, SET sequence option, RESTART, DROP IDENTITY, SET STATISTICS, \
             SET (…), RESET (…), SET STORAGE or SET COMPRESSION",
            p.peek_token(),
        );
    }
    Ok(AlterTableAction::AlterIdentity {
        column,
        generated,
        options,
    })
}

fn merge(into: &mut SequenceClauses, more: SequenceClauses) {
    into.options.extend(more.options);
    into.restart |= more.restart;
    if more.sequence_name.is_some() {
        into.sequence_name = more.sequence_name;
    }
}

/// Sequence options until none follows (`SeqOptList`); `RESTART` only where `alter` allows it.
pub(super) fn sequence_clauses(
    p: &mut Parser,
    alter: bool,
) -> Result<SequenceClauses, ParserError> {
    let mut all = SequenceClauses::default();
    while let Some(one) = sequence_option(p, alter)? {
        merge(&mut all, one);
    }
    Ok(all)
}

/// One sequence option (`SeqOptElem`), or `None` when the next tokens are not one.
pub(super) fn sequence_option(
    p: &mut Parser,
    alter: bool,
) -> Result<Option<SequenceClauses>, ParserError> {
    let mut out = SequenceClauses::default();
    let num = |p: &mut Parser| p.parse_expr();
    let opt = if p.parse_keyword(Keyword::AS) {
        SequenceOptions::DataType(p.parse_data_type()?)
    } else if p.parse_keyword(Keyword::INCREMENT) {
        let by = p.parse_keyword(Keyword::BY);
        SequenceOptions::IncrementBy(num(p)?, by)
    } else if p.parse_keyword(Keyword::MINVALUE) {
        SequenceOptions::MinValue(Some(num(p)?))
    } else if p.parse_keyword(Keyword::MAXVALUE) {
        SequenceOptions::MaxValue(Some(num(p)?))
    } else if p.parse_keywords(&[Keyword::NO, Keyword::MINVALUE]) {
        SequenceOptions::MinValue(None)
    } else if p.parse_keywords(&[Keyword::NO, Keyword::MAXVALUE]) {
        SequenceOptions::MaxValue(None)
    } else if p.parse_keywords(&[Keyword::NO, Keyword::CYCLE]) {
        SequenceOptions::Cycle(true)
    } else if p.parse_keyword(Keyword::CYCLE) {
        SequenceOptions::Cycle(false)
    } else if p.parse_keyword(Keyword::START) {
        let with = p.parse_keyword(Keyword::WITH);
        SequenceOptions::StartWith(num(p)?, with)
    } else if p.parse_keyword(Keyword::CACHE) {
        SequenceOptions::Cache(num(p)?)
    } else if p.parse_keywords(&[Keyword::OWNED, Keyword::BY]) {
        if p.parse_keyword(Keyword::NONE) {
            SequenceOptions::OwnedBy(None)
        } else {
            SequenceOptions::OwnedBy(Some(p.parse_object_name(false)?))
        }
    } else if p.parse_keywords(&[Keyword::SEQUENCE, Keyword::NAME]) {
        out.sequence_name = Some(p.parse_object_name(false)?);
        return Ok(Some(out));
    } else if alter && p.parse_keyword(Keyword::RESTART) {
        // `RESTART [[WITH] n]`: the value is where the next nextval() starts, not modelled.
        let with = p.parse_keyword(Keyword::WITH);
        let value_follows = matches!(
            p.peek_token_ref().token,
            Token::Number(..) | Token::Minus | Token::Plus
        );
        if with || value_follows {
            num(p)?;
        }
        out.restart = true;
        return Ok(Some(out));
    } else {
        return Ok(None);
    };
    // sqlparser's `Cycle(no)`: `Cycle(true)` is `NO CYCLE`.
    out.options.push(opt);
    Ok(Some(out))
}
