//! `ALTER INDEX`, `ALTER SEQUENCE`, `ALTER DOMAIN`, `CREATE DOMAIN`, and the forms of
//! `ALTER TYPE`, `ALTER VIEW` and `ALTER MATERIALIZED VIEW` sqlparser rejects — every form of
//! PostgreSQL 15's synopses.

use sqlparser::ast::{Expr, ObjectName};
use sqlparser::keywords::Keyword;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::Token;

use super::alter_table::{all_in_tablespace, sequence_clauses};
use super::ast::{
    AlterDomain, AlterDomainAction, AlterIndex, AlterIndexAction, AlterSequence,
    AlterSequenceAction, AttributeAction, CreateDomain, PgStatement,
};
use super::parse_words;

/// `(name [= value] [, …])` storage parameters or options.
fn options(p: &mut Parser) -> Result<(), ParserError> {
    p.expect_token(&Token::LParen)?;
    p.parse_comma_separated(|p| p.parse_sql_option())?;
    p.expect_token(&Token::RParen)?;
    Ok(())
}

/// `OWNER TO {role | CURRENT_ROLE | CURRENT_USER | SESSION_USER}` (after `OWNER TO`).
fn owner(p: &mut Parser) -> Result<(), ParserError> {
    p.parse_identifier()?;
    Ok(())
}

/// `ALTER INDEX …`.
pub(super) fn parse_alter_index(p: &mut Parser) -> Result<PgStatement, ParserError> {
    p.expect_keywords(&[Keyword::ALTER, Keyword::INDEX])?;
    if p.parse_keywords(&[Keyword::ALL, Keyword::IN, Keyword::TABLESPACE]) {
        all_in_tablespace(p)?;
        return Ok(PgStatement::AlterIndex(AlterIndex {
            if_exists: false,
            name: None,
            action: AlterIndexAction::NoOp,
        }));
    }
    let if_exists = p.parse_keywords(&[Keyword::IF, Keyword::EXISTS]);
    let name = p.parse_object_name(false)?;
    let action = if p.parse_keywords(&[Keyword::RENAME, Keyword::TO]) {
        AlterIndexAction::RenameTo(p.parse_object_name(false)?)
    } else if !if_exists && p.parse_keywords(&[Keyword::ATTACH, Keyword::PARTITION]) {
        AlterIndexAction::AttachPartition(p.parse_object_name(false)?)
    } else if p.parse_keywords(&[Keyword::SET, Keyword::TABLESPACE])
        || (!if_exists
            && (p.parse_keywords(&[Keyword::DEPENDS, Keyword::ON, Keyword::EXTENSION])
                || p.parse_keywords(&[
                    Keyword::NO,
                    Keyword::DEPENDS,
                    Keyword::ON,
                    Keyword::EXTENSION,
                ])))
    {
        p.parse_identifier()?;
        AlterIndexAction::NoOp
    } else if p.parse_keyword(Keyword::SET) || p.parse_keyword(Keyword::RESET) {
        options(p)?;
        AlterIndexAction::NoOp
    } else if p.parse_keyword(Keyword::ALTER) {
        let _ = p.parse_keyword(Keyword::COLUMN);
        p.parse_literal_uint()?;
        p.expect_keywords(&[Keyword::SET, Keyword::STATISTICS])?;
        p.parse_expr()?;
        AlterIndexAction::NoOp
    } else if p.parse_keywords(&[Keyword::OWNER, Keyword::TO]) {
        // Accepted by PostgreSQL with a warning, and ignored.
        owner(p)?;
        AlterIndexAction::NoOp
    } else {
        return p.expected(
            "RENAME TO, SET TABLESPACE, ATTACH PARTITION, [NO] DEPENDS ON EXTENSION, SET (…), \
             RESET (…) or ALTER [COLUMN] n SET STATISTICS",
            p.peek_token(),
        );
    };
    Ok(PgStatement::AlterIndex(AlterIndex {
        if_exists,
        name: Some(name),
        action,
    }))
}

/// `ALTER SEQUENCE …`.
pub(super) fn parse_alter_sequence(p: &mut Parser) -> Result<PgStatement, ParserError> {
    p.expect_keywords(&[Keyword::ALTER, Keyword::SEQUENCE])?;
    let if_exists = p.parse_keywords(&[Keyword::IF, Keyword::EXISTS]);
    let name = p.parse_object_name(false)?;
    if p.parse_keywords(&[Keyword::SET, Keyword::SCHEMA]) {
        let schema = p.parse_identifier()?;
        return Ok(PgStatement::SetSchema {
            kind: "sequence",
            if_exists,
            name,
            schema,
        });
    }
    let action = if p.parse_keywords(&[Keyword::RENAME, Keyword::TO]) {
        AlterSequenceAction::RenameTo(p.parse_object_name(false)?)
    } else if p.parse_keywords(&[Keyword::SET, Keyword::LOGGED])
        || p.parse_keywords(&[Keyword::SET, Keyword::UNLOGGED])
    {
        AlterSequenceAction::NoOp
    } else if p.parse_keywords(&[Keyword::OWNER, Keyword::TO]) {
        owner(p)?;
        AlterSequenceAction::NoOp
    } else {
        let clauses = sequence_clauses(p, true)?;
        if clauses == Default::default() {
            return p.expected(
                "a sequence option, RENAME TO, SET SCHEMA or OWNER TO",
                p.peek_token(),
            );
        }
        AlterSequenceAction::Options(clauses)
    };
    Ok(PgStatement::AlterSequence(AlterSequence {
        if_exists,
        name,
        action,
    }))
}

/// `ALTER EXTENSION name …`.
pub(super) fn parse_alter_extension(p: &mut Parser) -> Result<PgStatement, ParserError> {
    p.expect_keywords(&[Keyword::ALTER, Keyword::EXTENSION])?;
    let name = p.parse_identifier()?;
    let mut set_schema = None;
    if p.parse_keyword(Keyword::UPDATE) {
        if p.parse_keyword(Keyword::TO) {
            p.parse_value()?;
        }
    } else if p.parse_keywords(&[Keyword::SET, Keyword::SCHEMA]) {
        set_schema = Some(p.parse_identifier()?);
    } else if p
        .parse_one_of_keywords(&[Keyword::ADD, Keyword::DROP])
        .is_some()
    {
        // `member_object`: an object kind and its name or signature; not modelled.
        if p.peek_token_ref().token == Token::EOF {
            return p.expected("an object to add or drop", p.peek_token());
        }
        while !matches!(p.peek_token_ref().token, Token::EOF | Token::SemiColon) {
            p.next_token();
        }
    } else {
        return p.expected("UPDATE, SET SCHEMA, ADD or DROP", p.peek_token());
    }
    Ok(PgStatement::AlterExtension { name, set_schema })
}

/// `ALTER DOMAIN name …`.
pub(super) fn parse_alter_domain(p: &mut Parser) -> Result<PgStatement, ParserError> {
    p.expect_keywords(&[Keyword::ALTER, Keyword::DOMAIN])?;
    let name = p.parse_object_name(false)?;
    if p.parse_keywords(&[Keyword::SET, Keyword::SCHEMA]) {
        let schema = p.parse_identifier()?;
        return Ok(PgStatement::SetSchema {
            kind: "domain",
            if_exists: false,
            name,
            schema,
        });
    }
    let action = if p.parse_keywords(&[Keyword::SET, Keyword::DEFAULT]) {
        AlterDomainAction::SetDefault(p.parse_expr()?)
    } else if p.parse_keywords(&[Keyword::DROP, Keyword::DEFAULT]) {
        AlterDomainAction::DropDefault
    } else if p.parse_keywords(&[Keyword::SET, Keyword::NOT, Keyword::NULL]) {
        AlterDomainAction::NotNull(true)
    } else if p.parse_keywords(&[Keyword::DROP, Keyword::NOT, Keyword::NULL]) {
        AlterDomainAction::NotNull(false)
    } else if p.parse_keyword(Keyword::ADD) {
        let name = if p.parse_keyword(Keyword::CONSTRAINT) {
            Some(p.parse_identifier()?)
        } else {
            None
        };
        p.expect_keyword_is(Keyword::CHECK)?;
        let expr = parenthesized(p)?;
        let not_valid = p.parse_keywords(&[Keyword::NOT, Keyword::VALID]);
        AlterDomainAction::AddCheck {
            name,
            expr,
            not_valid,
        }
    } else if p.parse_keywords(&[Keyword::DROP, Keyword::CONSTRAINT]) {
        let if_exists = p.parse_keywords(&[Keyword::IF, Keyword::EXISTS]);
        let name = p.parse_identifier()?;
        let _ = p.parse_one_of_keywords(&[Keyword::RESTRICT, Keyword::CASCADE]);
        AlterDomainAction::DropConstraint { name, if_exists }
    } else if p.parse_keywords(&[Keyword::RENAME, Keyword::CONSTRAINT]) {
        let old = p.parse_identifier()?;
        p.expect_keyword_is(Keyword::TO)?;
        AlterDomainAction::RenameConstraint(old, p.parse_identifier()?)
    } else if p.parse_keywords(&[Keyword::VALIDATE, Keyword::CONSTRAINT]) {
        AlterDomainAction::ValidateConstraint(p.parse_identifier()?)
    } else if p.parse_keywords(&[Keyword::RENAME, Keyword::TO]) {
        AlterDomainAction::RenameTo(p.parse_identifier()?)
    } else if p.parse_keywords(&[Keyword::OWNER, Keyword::TO]) {
        owner(p)?;
        AlterDomainAction::NoOp
    } else {
        return p.expected(
            "SET DEFAULT, DROP DEFAULT, SET/DROP NOT NULL, ADD, DROP CONSTRAINT, \
             RENAME CONSTRAINT, VALIDATE CONSTRAINT, RENAME TO, OWNER TO or SET SCHEMA",
            p.peek_token(),
        );
    };
    Ok(PgStatement::AlterDomain(AlterDomain { name, action }))
}

fn parenthesized(p: &mut Parser) -> Result<Expr, ParserError> {
    p.expect_token(&Token::LParen)?;
    let e = p.parse_expr()?;
    p.expect_token(&Token::RParen)?;
    Ok(e)
}

/// `CREATE DOMAIN name [AS] type [COLLATE c] [DEFAULT e] [[CONSTRAINT n] {NOT NULL | NULL |
/// CHECK (e)}] …` (the clauses in any order, as PostgreSQL accepts them).
pub(super) fn parse_create_domain(p: &mut Parser) -> Result<PgStatement, ParserError> {
    p.expect_keywords(&[Keyword::CREATE, Keyword::DOMAIN])?;
    let name = p.parse_object_name(false)?;
    let _ = p.parse_keyword(Keyword::AS);
    let data_type = p.parse_data_type()?;
    let mut d = CreateDomain {
        name,
        data_type,
        default: None,
        not_null: false,
        checks: Vec::new(),
    };
    let (mut null, mut not_null) = (false, false);
    loop {
        if p.parse_keyword(Keyword::COLLATE) {
            p.parse_object_name(false)?;
            continue;
        }
        if p.parse_keyword(Keyword::DEFAULT) {
            d.default = Some(p.parse_expr()?);
            continue;
        }
        let con_name = if p.parse_keyword(Keyword::CONSTRAINT) {
            Some(p.parse_identifier()?)
        } else {
            None
        };
        let at = p.peek_token();
        if p.parse_keywords(&[Keyword::NOT, Keyword::NULL]) {
            not_null = true;
            d.not_null = true;
        } else if p.parse_keyword(Keyword::NULL) {
            null = true;
        } else if p.parse_keyword(Keyword::CHECK) {
            d.checks.push((con_name, parenthesized(p)?));
        } else if con_name.is_some() {
            return p.expected("NOT NULL, NULL or CHECK", p.peek_token());
        } else {
            break;
        }
        if null && not_null {
            return Err(super::error_at(
                "conflicting NULL/NOT NULL constraints",
                &at,
            ));
        }
    }
    Ok(PgStatement::CreateDomain(d))
}

/// `ALTER TYPE`, `ALTER VIEW` and `ALTER MATERIALIZED VIEW` forms sqlparser rejects.
pub(super) fn parse_alter_type_or_view(p: &mut Parser) -> Result<PgStatement, ParserError> {
    p.expect_keyword_is(Keyword::ALTER)?;
    if p.parse_keyword(Keyword::TYPE) {
        return alter_type(p);
    }
    let kind = if p.parse_keywords(&[Keyword::MATERIALIZED, Keyword::VIEW]) {
        "materialized view"
    } else {
        p.expect_keyword_is(Keyword::VIEW)?;
        "view"
    };
    if kind == "materialized view"
        && p.parse_keywords(&[Keyword::ALL, Keyword::IN, Keyword::TABLESPACE])
    {
        all_in_tablespace(p)?;
        return Ok(PgStatement::Touch {
            kind,
            if_exists: false,
            name: None,
        });
    }
    let if_exists = p.parse_keywords(&[Keyword::IF, Keyword::EXISTS]);
    let name = p.parse_object_name(false)?;
    if p.parse_keywords(&[Keyword::SET, Keyword::SCHEMA]) {
        let schema = p.parse_identifier()?;
        return Ok(PgStatement::SetSchema {
            kind,
            if_exists,
            name,
            schema,
        });
    }
    if kind == "view" {
        // Everything else of ALTER VIEW is read by sqlparser.
        return p.expected("SET SCHEMA", p.peek_token());
    }
    // ALTER MATERIALIZED VIEW actions that change nothing modelled.
    loop {
        if p.parse_keyword(Keyword::ALTER) {
            let _ = p.parse_keyword(Keyword::COLUMN);
            p.parse_identifier()?;
            if p.parse_keywords(&[Keyword::SET, Keyword::STATISTICS]) {
                p.parse_expr()?;
            } else if p.parse_keywords(&[Keyword::SET, Keyword::STORAGE])
                || p.parse_keywords(&[Keyword::SET, Keyword::COMPRESSION])
            {
                p.parse_identifier()?;
            } else if p.parse_keyword(Keyword::SET) || p.parse_keyword(Keyword::RESET) {
                options(p)?;
            } else {
                return p.expected(
                    "SET STATISTICS, SET (…), RESET (…), SET STORAGE or SET COMPRESSION",
                    p.peek_token(),
                );
            }
        } else if p.parse_keywords(&[Keyword::CLUSTER, Keyword::ON])
            || p.parse_keywords(&[Keyword::SET, Keyword::ACCESS, Keyword::METHOD])
            || p.parse_keywords(&[Keyword::SET, Keyword::TABLESPACE])
            || p.parse_keywords(&[Keyword::OWNER, Keyword::TO])
            || p.parse_keywords(&[Keyword::DEPENDS, Keyword::ON, Keyword::EXTENSION])
            || p.parse_keywords(&[
                Keyword::NO,
                Keyword::DEPENDS,
                Keyword::ON,
                Keyword::EXTENSION,
            ])
        {
            p.parse_identifier()?;
        } else if p.parse_keywords(&[Keyword::SET, Keyword::WITHOUT, Keyword::CLUSTER]) {
        } else if p.parse_keyword(Keyword::RESET) {
            options(p)?;
        } else {
            return p.expected("an ALTER MATERIALIZED VIEW action", p.peek_token());
        }
        if !p.consume_token(&Token::Comma) {
            break;
        }
    }
    Ok(PgStatement::Touch {
        kind,
        if_exists,
        name: Some(name),
    })
}

/// `ALTER TYPE name …` (after `ALTER TYPE`): attribute actions, `SET SCHEMA`, `OWNER TO`,
/// `SET (property = value, …)`.
fn alter_type(p: &mut Parser) -> Result<PgStatement, ParserError> {
    let name: ObjectName = p.parse_object_name(false)?;
    if p.parse_keywords(&[Keyword::SET, Keyword::SCHEMA]) {
        let schema = p.parse_identifier()?;
        return Ok(PgStatement::SetSchema {
            kind: "type",
            if_exists: false,
            name,
            schema,
        });
    }
    if p.parse_keywords(&[Keyword::OWNER, Keyword::TO]) {
        owner(p)?;
        return Ok(PgStatement::Touch {
            kind: "type",
            if_exists: false,
            name: Some(name),
        });
    }
    if p.parse_keyword(Keyword::SET) {
        options(p)?;
        return Ok(PgStatement::Touch {
            kind: "type",
            if_exists: false,
            name: Some(name),
        });
    }
    if parse_words(p, &["rename", "attribute"]) {
        let old = p.parse_identifier()?;
        p.expect_keyword_is(Keyword::TO)?;
        let to = p.parse_identifier()?;
        let cascade = cascade(p);
        return Ok(PgStatement::AlterTypeAttributes {
            name,
            actions: vec![AttributeAction::Rename {
                name: old,
                to,
                cascade,
            }],
        });
    }
    let mut actions = Vec::new();
    loop {
        let action = if parse_words(p, &["add", "attribute"]) {
            let attr = p.parse_identifier()?;
            let data_type = p.parse_data_type()?;
            let collation = collate(p)?;
            AttributeAction::Add {
                name: attr,
                data_type,
                collation,
                cascade: cascade(p),
            }
        } else if parse_words(p, &["drop", "attribute"]) {
            let if_exists = p.parse_keywords(&[Keyword::IF, Keyword::EXISTS]);
            let attr = p.parse_identifier()?;
            AttributeAction::Drop {
                name: attr,
                if_exists,
                cascade: cascade(p),
            }
        } else if parse_words(p, &["alter", "attribute"]) {
            let attr = p.parse_identifier()?;
            if !p.parse_keyword(Keyword::TYPE) {
                p.expect_keywords(&[Keyword::SET, Keyword::DATA, Keyword::TYPE])?;
            }
            let data_type = p.parse_data_type()?;
            let collation = collate(p)?;
            AttributeAction::AlterType {
                name: attr,
                data_type,
                collation,
                cascade: cascade(p),
            }
        } else {
            return p.expected(
                "ADD ATTRIBUTE, DROP ATTRIBUTE, ALTER ATTRIBUTE, RENAME ATTRIBUTE, RENAME TO, \
                 ADD VALUE, RENAME VALUE, SET SCHEMA, OWNER TO or SET (…)",
                p.peek_token(),
            );
        };
        actions.push(action);
        if !p.consume_token(&Token::Comma) {
            break;
        }
    }
    Ok(PgStatement::AlterTypeAttributes { name, actions })
}

fn collate(p: &mut Parser) -> Result<Option<ObjectName>, ParserError> {
    if p.parse_keyword(Keyword::COLLATE) {
        Ok(Some(p.parse_object_name(false)?))
    } else {
        Ok(None)
    }
}

/// `[CASCADE | RESTRICT]`: whether `CASCADE`.
fn cascade(p: &mut Parser) -> bool {
    p.parse_one_of_keywords(&[Keyword::CASCADE, Keyword::RESTRICT]) == Some(Keyword::CASCADE)
}
