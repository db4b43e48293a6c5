//! Everything but tables: schemas, indexes, types, domains, views, sequences, comments,
//! policies, extensions, drops and renames.

use sqlparser::ast::{
    AlterIndexOperation, AlterPolicy, AlterPolicyOperation, AlterSchema, AlterSchemaOperation,
    AlterType, AlterTypeAddValuePosition, AlterTypeOperation, AlterViewOperation, CommentObject,
    CreateDomain, CreateExtension, CreateIndex, CreatePolicy, CreatePolicyCommand,
    CreatePolicyType, CreateView, DropDomain, DropExtension, DropPolicy, Expr, Ident, IndexType,
    ObjectName, ObjectType, Owner, Query, SchemaName, SelectItem, SequenceOptions, SetExpr,
    SqlOption, UserDefinedTypeRepresentation, Value,
};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::tokenizer::{Token, Tokenizer};

use super::policies::PolicyTrees;
use super::table::{apply_sequence_options, default_sequence, depends_error, index_column_name};
use super::views::ViewState;
use super::{
    fold, name_parts, split_name, undefined_relation, Outcome, ReplayError, Replayer, SqlState,
    Stmt, R,
};
use crate::catalog::{
    choose_relation_name, name_addition, CompositeType, Domain, EnumType, Extension, Index,
    IndexKey, IndexTarget, Policy, Schema, View,
};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::pg::deparse::{
    analyse_bool, deparse_bool, deparse_index_key, stored_default, view_query,
};

/// `SELECT pg_catalog.set_config('search_path', '…', false)` → the new path.
pub(crate) fn set_config_search_path(q: &Query) -> Option<Vec<String>> {
    let SetExpr::Select(sel) = q.body.as_ref() else {
        return None;
    };
    let SelectItem::UnnamedExpr(Expr::Function(f)) = sel.projection.first()? else {
        return None;
    };
    if !f
        .name
        .to_string()
        .to_ascii_lowercase()
        .ends_with("set_config")
    {
        return None;
    }
    let args = match &f.args {
        sqlparser::ast::FunctionArguments::List(l) => &l.args,
        _ => return None,
    };
    let lit = |i: usize| match args.get(i) {
        Some(sqlparser::ast::FunctionArg::Unnamed(sqlparser::ast::FunctionArgExpr::Expr(
            Expr::Value(v),
        ))) => match &v.value {
            Value::SingleQuotedString(s) => Some(s.clone()),
            _ => None,
        },
        _ => None,
    };
    if !lit(0)?.eq_ignore_ascii_case("search_path") {
        return None;
    }
    Some(parse_search_path_string(&lit(1)?))
}

/// `'"$user", public'` → `["$user", "public"]`.
pub(crate) fn parse_search_path_string(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            if let Some(q) = p.strip_prefix('"').and_then(|p| p.strip_suffix('"')) {
                q.replace("\"\"", "\"")
            } else {
                p.to_ascii_lowercase()
            }
        })
        .collect()
}

/// Word tokens of `text` with their byte ranges; `None` if it does not tokenize.
fn word_ranges(text: &str) -> Option<Vec<(std::ops::Range<usize>, Token)>> {
    let dialect = PostgreSqlDialect {};
    let toks = Tokenizer::new(&dialect, text)
        .tokenize_with_location()
        .ok()?;
    let mut out = Vec::with_capacity(toks.len());
    // Single-line texts are the norm; map (line, column) to bytes with a running cursor.
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let to_byte = |line: u64, col: u64| -> usize {
        let start = line_starts
            .get((line as usize).saturating_sub(1))
            .copied()
            .unwrap_or(text.len());
        text[start..]
            .char_indices()
            .nth((col as usize).saturating_sub(1))
            .map_or(text.len(), |(i, _)| start + i)
    };
    let starts: Vec<usize> = toks
        .iter()
        .map(|t| to_byte(t.span.start.line, t.span.start.column))
        .collect();
    for (i, t) in toks.iter().enumerate() {
        let end = starts.get(i + 1).copied().unwrap_or(text.len());
        out.push((starts[i]..end, t.token.clone()));
    }
    Some(out)
}

/// Whether an expression text refers to column `name` (as a bare or quoted identifier, not as a
/// function name or a type).
pub(crate) fn mentions_identifier(text: &str, name: &str, _quoted: &str) -> bool {
    let Some(toks) = word_ranges(text) else {
        return text.contains(name);
    };
    let found = column_word_positions(&toks, name).next().is_some();
    found
}

fn column_word_positions<'a>(
    toks: &'a [(std::ops::Range<usize>, Token)],
    name: &'a str,
) -> impl Iterator<Item = usize> + 'a {
    let sig: Vec<usize> = (0..toks.len())
        .filter(|&i| !matches!(toks[i].1, Token::Whitespace(_)))
        .collect();
    (0..sig.len()).filter_map(move |k| {
        let i = sig[k];
        let Token::Word(w) = &toks[i].1 else {
            return None;
        };
        let folded = if w.quote_style.is_some() {
            w.value.clone()
        } else {
            w.value.to_ascii_lowercase()
        };
        if folded != name {
            return None;
        }
        let next = sig.get(k + 1).map(|&j| &toks[j].1);
        let prev = k.checked_sub(1).map(|p| &toks[sig[p]].1);
        if matches!(next, Some(Token::LParen)) || matches!(prev, Some(Token::DoubleColon)) {
            return None;
        }
        Some(i)
    })
}

/// `value` (the domain value placeholder) printed as Postgres prints it: `VALUE`.
fn replace_value_keyword(text: &str) -> String {
    let Some(toks) = word_ranges(text) else {
        return text.to_string();
    };
    let hits: Vec<usize> = column_word_positions(&toks, "value").collect();
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for i in hits {
        let r = &toks[i].0;
        out.push_str(&text[last..r.start]);
        out.push_str("VALUE");
        last = r.end;
    }
    out.push_str(&text[last..]);
    out
}

/// Renames column references in an expression text.
pub(crate) fn rename_identifier(text: &str, old: &str, new: &str) -> String {
    let Some(toks) = word_ranges(text) else {
        return text.to_string();
    };
    let hits: Vec<usize> = column_word_positions(&toks, old).collect();
    if hits.is_empty() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for i in hits {
        let r = &toks[i].0;
        out.push_str(&text[last..r.start]);
        out.push_str(&crate::sql::quote_ident(new));
        last = r.end;
    }
    out.push_str(&text[last..]);
    out
}

/// Known objects of common extensions: the functions and types `CREATE EXTENSION` adds.
/// `ALTER EXTENSION name SET SCHEMA to`: the extension's functions move with it.
pub(crate) fn move_extension(
    catalog: &mut crate::catalog::Catalog,
    name: &str,
    from: &str,
    to: &str,
) {
    if let Some(s) = catalog.schemas.get_mut(from) {
        for f in extension_functions(name) {
            s.functions.remove(*f);
        }
    }
    if let Some(s) = catalog.schemas.get_mut(to) {
        for f in extension_functions(name) {
            s.functions.insert(f.to_string());
        }
    }
    if let Some(e) = catalog.extensions.get_mut(name) {
        e.schema = to.to_string();
    }
}

fn extension_functions(name: &str) -> &'static [&'static str] {
    match name {
        "uuid-ossp" => &[
            "uuid_generate_v1",
            "uuid_generate_v1mc",
            "uuid_generate_v3",
            "uuid_generate_v4",
            "uuid_generate_v5",
            "uuid_nil",
            "uuid_ns_dns",
            "uuid_ns_oid",
            "uuid_ns_url",
            "uuid_ns_x500",
        ],
        "pgcrypto" => &[
            "armor",
            "crypt",
            "dearmor",
            "decrypt",
            "decrypt_iv",
            "digest",
            "encrypt",
            "encrypt_iv",
            "gen_random_bytes",
            "gen_random_uuid",
            "gen_salt",
            "hmac",
            "pgp_key_id",
            "pgp_pub_decrypt",
            "pgp_pub_encrypt",
            "pgp_sym_decrypt",
            "pgp_sym_encrypt",
        ],
        "moddatetime" => &["moddatetime"],
        "pg_trgm" => &[
            "similarity",
            "show_trgm",
            "word_similarity",
            "strict_word_similarity",
        ],
        "unaccent" => &["unaccent"],
        "citext" => &["citext"],
        "pgjwt" => &[
            "sign",
            "verify",
            "url_encode",
            "url_decode",
            "algorithm_sign",
        ],
        "vector" => &[
            "cosine_distance",
            "l2_distance",
            "inner_product",
            "vector_dims",
        ],
        _ => &[],
    }
}

impl Replayer {
    /// `CREATE SCHEMA`.
    pub(crate) fn create_schema(&mut self, name: &SchemaName, if_not_exists: bool) -> R<Outcome> {
        let n = match name {
            SchemaName::Simple(n) | SchemaName::NamedAuthorization(n, _) => {
                name_parts(n).pop().unwrap_or_default()
            }
            SchemaName::UnnamedAuthorization(role) => fold(role),
        };
        if self.catalog.schemas.contains_key(&n) {
            if if_not_exists {
                return Ok(Outcome::Understood);
            }
            return Err(ReplayError::new(
                SqlState::DuplicateSchema,
                format!("schema \"{n}\" already exists"),
            ));
        }
        self.catalog.schemas.insert(n.clone(), Schema::new(n));
        Ok(Outcome::Understood)
    }

    /// `ALTER SCHEMA … RENAME TO`.
    pub(crate) fn alter_schema(&mut self, a: &AlterSchema) -> R<Outcome> {
        let old = name_parts(&a.name).pop().unwrap_or_default();
        if !self.catalog.schemas.contains_key(&old) {
            if a.if_exists {
                return Ok(Outcome::Understood);
            }
            return Err(ReplayError::new(
                SqlState::InvalidSchemaName,
                format!("schema \"{old}\" does not exist"),
            ));
        }
        for op in &a.operations {
            if let AlterSchemaOperation::Rename { name } = op {
                let new = name_parts(name).pop().unwrap_or_default();
                if self.catalog.schemas.contains_key(&new) {
                    return Err(ReplayError::new(
                        SqlState::DuplicateSchema,
                        format!("schema \"{new}\" already exists"),
                    ));
                }
                let mut s = self.catalog.schemas.remove(&old).expect("checked");
                s.name = new.clone();
                self.catalog.schemas.insert(new.clone(), s);
                self.rename_schema_references(&old, &new);
            }
        }
        Ok(Outcome::Understood)
    }

    fn rename_schema_references(&mut self, old: &str, new: &str) {
        // Views and policies read relations as trees: each relation of the schema moved.
        let moved: Vec<String> = self
            .catalog
            .schemas
            .get(new)
            .map(|s| s.tables.keys().chain(s.views.keys()).cloned().collect())
            .unwrap_or_default();
        for name in &moved {
            self.relation_moved(old, name, new);
        }
        for s in self.catalog.schemas.values_mut() {
            for t in s.tables.values_mut() {
                for c in &mut t.columns {
                    if c.ty.schema == old {
                        c.ty.schema = new.to_string();
                    }
                }
                for f in &mut t.foreign_keys {
                    if f.references.schema == old {
                        f.references.schema = new.to_string();
                    }
                }
                for p in &mut t.inherits {
                    if p.schema == old {
                        p.schema = new.to_string();
                    }
                }
            }
        }
        for e in self.catalog.extensions.values_mut() {
            if e.schema == old {
                e.schema = new.to_string();
            }
        }
    }

    /// `CREATE [UNIQUE] INDEX`.
    pub(crate) fn create_index(&mut self, ci: &CreateIndex) -> R<Outcome> {
        let (schema, rel) = {
            let (s, n) = split_name(&ci.table_name);
            match self.find_in_path(s.as_deref(), &|sc| {
                sc.tables.contains_key(&n) || sc.views.get(&n).is_some_and(|v| v.materialized)
            }) {
                Some(found) => (found, n),
                None => return Err(undefined_relation(s.as_deref(), &n)),
            }
        };
        let columns = match self.catalog.schemas[&schema].tables.get(&rel) {
            Some(t) => t.columns.clone(),
            None => self.catalog.schemas[&schema].views[&rel].columns.clone(),
        };
        let ctx = self.table_ctx(&schema, &rel, &columns);
        let mut keys = Vec::new();
        let mut col_names = Vec::new();
        for c in &ci.columns {
            // `key COLLATE c`: the key's collation (`index_elem`'s `opt_collate`).
            let (key, collation) = match &c.column.expr {
                sqlparser::ast::Expr::Collate { expr, collation } => (
                    expr.as_ref(),
                    Some(name_parts(collation).pop().unwrap_or_default()),
                ),
                e => (e, None),
            };
            let mut c = c.clone();
            c.column.expr = key.clone();
            let c = &c;
            let target = match index_column_name(c) {
                Some(n) => {
                    if !columns.is_empty() && !columns.iter().any(|col| col.name == n) {
                        return Err(ReplayError::new(
                            SqlState::UndefinedColumn,
                            format!("column \"{n}\" does not exist"),
                        ));
                    }
                    IndexTarget::Column(n)
                }
                None => IndexTarget::Expression(deparse_index_key(&c.column.expr, &ctx)),
            };
            col_names.push(match &target {
                IndexTarget::Column(n) => n.clone(),
                IndexTarget::Expression(_) => figure_colname(&c.column.expr)
                    .map(|(n, _)| n)
                    .unwrap_or_else(|| "expr".to_string()),
            });
            let descending = matches!(
                c.column.options.sort,
                Some(sqlparser::ast::OrderBySort::Desc)
            );
            keys.push(IndexKey {
                target,
                opclass: c
                    .operator_class
                    .as_ref()
                    .map(|o| name_parts(o).pop().unwrap_or_default()),
                collation,
                descending,
                nulls_first: c.column.options.nulls_first.unwrap_or(descending),
            });
        }
        let include: Vec<String> = ci.include.iter().map(fold).collect();
        col_names.extend(include.iter().cloned());
        let name = match &ci.name {
            Some(n) => {
                let n = name_parts(n).pop().unwrap_or_default();
                if self.relation_taken(&schema, &n) {
                    if ci.if_not_exists {
                        return Ok(Outcome::Understood);
                    }
                    return Err(ReplayError::new(
                        SqlState::DuplicateTable,
                        format!("relation \"{n}\" already exists"),
                    ));
                }
                n
            }
            None => {
                let names = dedupe_index_column_names(col_names);
                let add = name_addition(&names);
                choose_relation_name(&rel, Some(&add), "idx", &|n| {
                    self.relation_taken(&schema, n)
                })
            }
        };
        let method = match &ci.using {
            None => "btree".to_string(),
            Some(IndexType::BTree) => "btree".into(),
            Some(IndexType::Hash) => "hash".into(),
            Some(IndexType::GIN) => "gin".into(),
            Some(IndexType::GiST) => "gist".into(),
            Some(IndexType::SPGiST) => "spgist".into(),
            Some(IndexType::BRIN) => "brin".into(),
            Some(IndexType::Bloom) => "bloom".into(),
            Some(IndexType::Custom(id)) => fold(id),
        };
        // A default class named explicitly is the same as none (pg_index keeps only the oid).
        for k in &mut keys {
            if k.opclass
                .as_deref()
                .is_some_and(|o| crate::pg::builtin::opclasses::is_default_opclass(&method, o))
            {
                k.opclass = None;
            }
        }
        let index = Index {
            name,
            unique: ci.unique,
            method,
            keys,
            include,
            predicate: ci.predicate.as_ref().map(|p| deparse_bool(p, &ctx)),
            nulls_not_distinct: ci.nulls_distinct == Some(false),
            comment: None,
        };
        self.remember(&index.name);
        // `ON ONLY`: the partitions do not get the index.
        let partitioned = !self.extras.index_on_only
            && self.catalog.schemas[&schema]
                .tables
                .get(&rel)
                .is_some_and(|t| t.partition_by.is_some());
        let partitions: Vec<(String, String)> = if !partitioned {
            Vec::new()
        } else {
            self.catalog
                .schemas
                .values()
                .flat_map(|sc| {
                    sc.tables
                        .values()
                        .filter(|t| {
                            t.is_partition
                                && t.inherits
                                    .iter()
                                    .any(|p| p.schema == schema && p.name == rel)
                        })
                        .map(|t| (sc.name.clone(), t.name.clone()))
                })
                .collect()
        };
        for (ps, pt) in partitions {
            self.clone_index_to_partition(&ps, &pt, &index);
        }
        let s = self.catalog.schemas.get_mut(&schema).expect("schema");
        match s.tables.get_mut(&rel) {
            Some(t) => t.indexes.push(index),
            None => s.views.get_mut(&rel).expect("view").indexes.push(index),
        }
        Ok(Outcome::Understood)
    }

    /// `ALTER INDEX … RENAME TO`.
    pub(crate) fn alter_index(
        &mut self,
        name: &ObjectName,
        op: &AlterIndexOperation,
    ) -> R<Outcome> {
        let AlterIndexOperation::RenameIndex { index_name } = op;
        let new = name_parts(index_name).pop().unwrap_or_default();
        self.rename_relation(
            name,
            &ObjectName::from(vec![sqlparser::ast::Ident::with_quote('"', new)]),
            false,
        )?;
        Ok(Outcome::Understood)
    }

    /// Renames a table, view, sequence or index (`ALTER … RENAME TO`). The new name is not
    /// qualified: the relation stays in its schema.
    pub(crate) fn rename_relation(
        &mut self,
        old: &ObjectName,
        new: &ObjectName,
        table_only: bool,
    ) -> R<()> {
        let (schema, name) = split_name(old);
        let found = self.find_in_path(schema.as_deref(), &|s| {
            s.tables.contains_key(&name) || s.views.contains_key(&name)
        });
        self.rename_relation_inner(old, new, table_only)?;
        if let Some(schema) = found {
            let new = name_parts(new).pop().unwrap_or_default();
            self.relation_renamed(&schema, &name, &new);
            self.tracked.data.moved((&schema, &name), (&schema, &new));
        }
        Ok(())
    }

    fn rename_relation_inner(
        &mut self,
        old: &ObjectName,
        new: &ObjectName,
        _table_only: bool,
    ) -> R<()> {
        let (schema, name) = split_name(old);
        let new = name_parts(new).pop().unwrap_or_default();
        let Some(schema) = self.find_in_path(schema.as_deref(), &|s| s.has_relation(&name)) else {
            return Err(undefined_relation(schema.as_deref(), &name));
        };
        if self.relation_taken(&schema, &new) {
            return Err(ReplayError::new(
                SqlState::DuplicateTable,
                format!("relation \"{new}\" already exists"),
            ));
        }
        self.remember(&new);
        let s = self.catalog.schemas.get_mut(&schema).expect("schema");
        if let Some(mut t) = s.tables.remove(&name) {
            t.name = new.clone();
            s.tables.insert(new.clone(), t);
            for seq in s.sequences.values_mut() {
                if let Some((tn, _)) = &mut seq.owned_by {
                    if *tn == name {
                        *tn = new.clone();
                    }
                }
            }
            for sc in self.catalog.schemas.values_mut() {
                for t in sc.tables.values_mut() {
                    for f in &mut t.foreign_keys {
                        if f.references.schema == schema && f.references.name == name {
                            f.references.name = new.clone();
                        }
                    }
                    for p in &mut t.inherits {
                        if p.schema == schema && p.name == name {
                            p.name = new.clone();
                        }
                    }
                }
            }
        } else if let Some(mut v) = s.views.remove(&name) {
            v.name = new.clone();
            s.views.insert(new.clone(), v);
        } else if let Some(mut q) = s.sequences.remove(&name) {
            q.name = new.clone();
            s.sequences.insert(new.clone(), q);
            // Defaults print the sequence through regclass, so they follow the rename.
            let old_text = crate::sql::quote_literal(&self.regclass_text_before(&schema, &name));
            let new_text = crate::sql::quote_literal(&self.regclass_text(&schema, &new));
            for sc in self.catalog.schemas.values_mut() {
                for t in sc.tables.values_mut() {
                    for c in &mut t.columns {
                        if let Some(d) = &mut c.default {
                            let pat = format!("nextval({old_text}::regclass)");
                            if d.contains(&pat) {
                                *d = d.replace(&pat, &format!("nextval({new_text}::regclass)"));
                            }
                        }
                    }
                }
            }
        } else if let Some(mut c) = s.composites.remove(&name) {
            c.name = new.clone();
            s.composites.insert(new.clone(), c);
        } else {
            // An index, possibly backing a constraint (which is renamed with it).
            for t in s.tables.values_mut() {
                for i in &mut t.indexes {
                    if i.name == name {
                        i.name = new.clone();
                    }
                }
                if let Some(pk) = &mut t.primary_key {
                    if pk.name == name {
                        pk.name = new.clone();
                    }
                }
                for u in &mut t.uniques {
                    if u.name == name {
                        u.name = new.clone();
                    }
                }
                for x in &mut t.exclusions {
                    if x.name == name {
                        x.name = new.clone();
                    }
                }
            }
            for v in s.views.values_mut() {
                for i in &mut v.indexes {
                    if i.name == name {
                        i.name = new.clone();
                    }
                }
            }
        }
        Ok(())
    }

    /// `regclass_text` as it printed before a rename (the old name was visible the same way).
    fn regclass_text_before(&self, schema: &str, old: &str) -> String {
        let q = crate::sql::quote_ident(old);
        let first = super::DEFAULT_SEARCH_PATH
            .iter()
            .map(|s| if *s == "$user" { "postgres" } else { s })
            .find(|s| self.catalog.schemas.contains_key(*s));
        if first == Some(schema) || schema == "public" {
            q
        } else {
            format!("{}.{}", crate::sql::quote_ident(schema), q)
        }
    }

    /// The schema of an existing type (enum, domain, composite), or `None`.
    fn find_type(&self, name: &ObjectName) -> Option<(String, String)> {
        let (schema, n) = split_name(name);
        self.find_in_path(schema.as_deref(), &|s| s.has_type(&n))
            .map(|s| (s, n))
    }

    /// `CREATE TYPE`.
    pub(crate) fn create_type(
        &mut self,
        name: &ObjectName,
        repr: Option<&UserDefinedTypeRepresentation>,
    ) -> R<Outcome> {
        let (schema, n) = split_name(name);
        let schema = self.target_schema(schema)?;
        if self.catalog.schemas[&schema].has_type(&n) {
            return Err(ReplayError::new(
                SqlState::DuplicateObject,
                format!("type \"{n}\" already exists"),
            ));
        }
        match repr {
            Some(UserDefinedTypeRepresentation::Enum { labels }) => {
                let mut values: Vec<String> = Vec::with_capacity(labels.len());
                for l in labels {
                    enum_label_fits(l)?;
                    if values.contains(&l.value) {
                        // PostgreSQL finds it when inserting into pg_enum.
                        return Err(ReplayError::new(
                            SqlState::UniqueViolation,
                            format!(
                                "duplicate key value violates unique constraint \
                                 \"pg_enum_typid_label_index\": enum label \"{}\" is listed twice",
                                l.value
                            ),
                        )
                        .at(l.span.start));
                    }
                    values.push(l.value.clone());
                }
                self.catalog
                    .schemas
                    .get_mut(&schema)
                    .expect("schema")
                    .enums
                    .insert(
                        n.clone(),
                        EnumType {
                            name: n,
                            values,
                            comment: None,
                        },
                    );
                Ok(Outcome::Understood)
            }
            Some(UserDefinedTypeRepresentation::Composite { attributes }) => {
                let mut attrs = Vec::new();
                for a in attributes {
                    attrs.push((fold(&a.name), self.resolve_column_type(&a.data_type)?));
                }
                if self.catalog.schemas[&schema].has_relation(&n) {
                    return Err(ReplayError::new(
                        SqlState::DuplicateTable,
                        format!("relation \"{n}\" already exists"),
                    ));
                }
                self.catalog
                    .schemas
                    .get_mut(&schema)
                    .expect("schema")
                    .composites
                    .insert(
                        n.clone(),
                        CompositeType {
                            name: n,
                            attributes: attrs,
                        },
                    );
                Ok(Outcome::Understood)
            }
            _ => Ok(Outcome::NotUnderstood(
                "only enum and composite types are modelled (range and base types are not)".into(),
            )),
        }
    }

    /// `ALTER TYPE`: enum values and renames.
    pub(crate) fn alter_type(&mut self, a: &AlterType) -> R<Outcome> {
        let Some((schema, n)) = self.find_type(&a.name) else {
            let (s, n) = split_name(&a.name);
            let shown = s.map(|s| format!("{s}.{n}")).unwrap_or(n);
            return Err(ReplayError::new(
                SqlState::UndefinedObject,
                format!("type \"{shown}\" does not exist"),
            ));
        };
        let s = self.catalog.schemas.get_mut(&schema).expect("schema");
        match &a.operation {
            AlterTypeOperation::AddValue(add) => {
                let Some(e) = s.enums.get_mut(&n) else {
                    return Err(ReplayError::new(
                        SqlState::InvalidDefinition,
                        format!("\"{n}\" is not an enum"),
                    ));
                };
                enum_label_fits(&add.value)?;
                let v = add.value.value.clone();
                if e.values.contains(&v) {
                    if add.if_not_exists {
                        return Ok(Outcome::Understood);
                    }
                    return Err(ReplayError::new(
                        SqlState::DuplicateObject,
                        format!("enum label \"{v}\" already exists"),
                    )
                    .at(add.value.span.start));
                }
                let pos = match &add.position {
                    None => e.values.len(),
                    Some(AlterTypeAddValuePosition::Before(b))
                    | Some(AlterTypeAddValuePosition::After(b)) => {
                        let Some(i) = e.values.iter().position(|x| *x == b.value) else {
                            return Err(ReplayError::new(
                                SqlState::InvalidDefinition,
                                format!("\"{}\" is not an existing enum label", b.value),
                            )
                            .at(b.span.start));
                        };
                        if matches!(add.position, Some(AlterTypeAddValuePosition::After(_))) {
                            i + 1
                        } else {
                            i
                        }
                    }
                };
                e.values.insert(pos, v);
            }
            AlterTypeOperation::RenameValue(r) => {
                let Some(e) = s.enums.get_mut(&n) else {
                    return Err(ReplayError::new(
                        SqlState::InvalidDefinition,
                        format!("\"{n}\" is not an enum"),
                    ));
                };
                enum_label_fits(&r.to)?;
                if e.values.contains(&r.to.value) {
                    return Err(ReplayError::new(
                        SqlState::DuplicateObject,
                        format!("enum label \"{}\" already exists", r.to.value),
                    )
                    .at(r.to.span.start));
                }
                let Some(v) = e.values.iter_mut().find(|v| **v == r.from.value) else {
                    return Err(ReplayError::new(
                        SqlState::InvalidDefinition,
                        format!("\"{}\" is not an existing enum label", r.from.value),
                    )
                    .at(r.from.span.start));
                };
                *v = r.to.value.clone();
                // Defaults mention labels as literals: follow the rename.
                let (from, to) = (
                    crate::sql::quote_literal(&r.from.value),
                    crate::sql::quote_literal(&r.to.value),
                );
                for sc in self.catalog.schemas.values_mut() {
                    for t in sc.tables.values_mut() {
                        for c in &mut t.columns {
                            if c.ty.schema == schema && c.ty.name == n {
                                if let Some(d) = &mut c.default {
                                    if d.starts_with(&format!("{from}::")) {
                                        *d = d.replacen(&from, &to, 1);
                                    }
                                }
                            }
                        }
                    }
                }
            }
            AlterTypeOperation::Rename(r) => {
                let new = fold(&r.new_name);
                if s.has_type(&new) {
                    return Err(ReplayError::new(
                        SqlState::DuplicateObject,
                        format!("type \"{new}\" already exists"),
                    ));
                }
                if let Some(mut e) = s.enums.remove(&n) {
                    e.name = new.clone();
                    s.enums.insert(new.clone(), e);
                } else if let Some(mut d) = s.domains.remove(&n) {
                    d.name = new.clone();
                    s.domains.insert(new.clone(), d);
                } else if let Some(mut c) = s.composites.remove(&n) {
                    c.name = new.clone();
                    s.composites.insert(new.clone(), c);
                }
                self.rename_type_references(&schema, &n, &new);
            }
        }
        Ok(Outcome::Understood)
    }

    /// Column types (and defaults' casts) follow a type rename.
    pub(crate) fn rename_type_references(&mut self, schema: &str, old: &str, new: &str) {
        let old_cast = format!("::{}", crate::sql::quote_ident(old));
        let new_cast = format!("::{}", crate::sql::quote_ident(new));
        for sc in self.catalog.schemas.values_mut() {
            for t in sc.tables.values_mut() {
                for c in &mut t.columns {
                    if c.ty.schema == schema && c.ty.name == old {
                        c.ty.name = new.to_string();
                        if let Some(d) = &mut c.default {
                            *d = d.replace(&old_cast, &new_cast);
                        }
                    }
                }
            }
            for d in sc.domains.values_mut() {
                if d.base.schema == schema && d.base.name == old {
                    d.base.name = new.to_string();
                }
            }
        }
    }

    /// `CREATE DOMAIN`.
    pub(crate) fn create_domain(&mut self, d: &CreateDomain) -> R<Outcome> {
        let written: Vec<(Option<String>, Expr)> = d
            .constraints
            .iter()
            .filter_map(|c| match c {
                sqlparser::ast::TableConstraint::Check(c) => {
                    Some((c.name.as_ref().map(fold), (*c.expr).clone()))
                }
                _ => None,
            })
            .collect();
        self.define_domain(&d.name, &d.data_type, d.default.as_ref(), false, &written)
    }

    /// Adds a domain (`CREATE DOMAIN`, from sqlparser's AST or the token-level fallback).
    pub(crate) fn define_domain(
        &mut self,
        name: &ObjectName,
        data_type: &sqlparser::ast::DataType,
        default: Option<&Expr>,
        not_null: bool,
        checks: &[(Option<String>, Expr)],
    ) -> R<Outcome> {
        let (schema, n) = split_name(name);
        let schema = self.target_schema(schema)?;
        if self.catalog.schemas[&schema].has_type(&n) {
            return Err(ReplayError::new(
                SqlState::DuplicateObject,
                format!("type \"{n}\" already exists"),
            ));
        }
        let base = self.resolve_column_type(data_type)?;
        let default = default.and_then(|e| stored_default(e, &base, &self.expr_ctx(&[])));
        let checks = self.domain_checks(&n, &base, checks);
        let domain = Domain {
            name: n.clone(),
            base,
            not_null,
            default,
            checks,
        };
        self.catalog
            .schemas
            .get_mut(&schema)
            .expect("schema")
            .domains
            .insert(n, domain);
        Ok(Outcome::Understood)
    }

    /// A domain's CHECK constraints: named `{domain}_check` (numbered) unless named, the
    /// expression printed with `VALUE` for the value.
    pub(crate) fn domain_checks(
        &self,
        domain: &str,
        base: &crate::catalog::SqlType,
        written: &[(Option<String>, Expr)],
    ) -> Vec<crate::catalog::CheckConstraint> {
        let value = crate::catalog::Column {
            name: "value".into(),
            ty: base.clone(),
            ..Default::default()
        };
        let cols = [value];
        let ctx = self.expr_ctx(&cols);
        let mut out: Vec<crate::catalog::CheckConstraint> = Vec::new();
        for (name, e) in written {
            let name = name.clone().unwrap_or_else(|| {
                crate::catalog::choose_constraint_name(domain, None, "check", &|n| {
                    out.iter().any(|c| c.name == n)
                })
            });
            let text = deparse_bool(e, &ctx);
            out.push(crate::catalog::CheckConstraint {
                name,
                expression: replace_value_keyword(&text),
                validated: true,
                no_inherit: false,
            });
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
    }

    /// `DROP DOMAIN`.
    pub(crate) fn drop_domain(&mut self, d: &DropDomain) -> R<Outcome> {
        let (schema, n) = split_name(&d.name);
        match self.find_in_path(schema.as_deref(), &|s| s.domains.contains_key(&n)) {
            Some(s) => {
                self.catalog
                    .schemas
                    .get_mut(&s)
                    .expect("schema")
                    .domains
                    .remove(&n);
                Ok(Outcome::Understood)
            }
            None if d.if_exists => Ok(Outcome::Understood),
            None => Err(ReplayError::new(
                SqlState::UndefinedObject,
                format!("type \"{n}\" does not exist"),
            )),
        }
    }

    /// `CREATE [OR REPLACE] [MATERIALIZED] VIEW`.
    pub(crate) fn create_view(
        &mut self,
        stmt: Stmt<'_>,
        v: &CreateView,
        diags: &mut Diagnostics,
    ) -> R<Outcome> {
        if v.temporary {
            return Ok(Outcome::PassedOver);
        }
        let (schema, n) = split_name(&v.name);
        let schema = self.target_schema(schema)?;
        let s = &self.catalog.schemas[&schema];
        if s.views.contains_key(&n) {
            if v.if_not_exists {
                return Ok(Outcome::Understood);
            }
            if !v.or_replace {
                return Err(ReplayError::new(
                    SqlState::DuplicateTable,
                    format!("relation \"{n}\" already exists"),
                ));
            }
        } else if s.has_relation(&n) {
            return Err(ReplayError::new(
                SqlState::DuplicateTable,
                format!("relation \"{n}\" already exists"),
            ));
        }
        let options = match &v.options {
            sqlparser::ast::CreateTableOptions::With(o) => view_options(o),
            _ => Vec::new(),
        };
        let names: Vec<String> = v.columns.iter().map(|c| fold(&c.name)).collect();
        let old = self.catalog.schemas[&schema].views.get(&n);
        let (definition, columns, state) = self.view_query(&v.query, &names, old, &n, stmt, diags);
        let old = self.catalog.schemas[&schema].views.get(&n);
        let view = View {
            name: n.clone(),
            materialized: v.materialized,
            definition,
            columns,
            indexes: old.map(|old| old.indexes.clone()).unwrap_or_default(),
            options,
            comment: old.and_then(|old| old.comment.clone()),
        };
        self.catalog
            .schemas
            .get_mut(&schema)
            .expect("schema")
            .views
            .insert(n.clone(), view);
        self.remember_view(&schema, &n, state);
        Ok(Outcome::Understood)
    }

    /// A view's definition, columns and dependencies from its query (see [`view_query`]); the
    /// comments of columns the view already had (`CREATE OR REPLACE`) are kept. Columns whose
    /// type could not be inferred are reported.
    fn view_query(
        &self,
        query: &sqlparser::ast::Query,
        names: &[String],
        old: Option<&View>,
        view: &str,
        stmt: Stmt<'_>,
        diags: &mut Diagnostics,
    ) -> (String, Vec<crate::catalog::Column>, ViewState) {
        let ctx = self.expr_ctx(&[]);
        let shape = view_query(query, names, &ctx);
        if shape.columns.is_empty() {
            diags.push(
                Diagnostic::warning(
                    format!("the columns of view \"{view}\" could not be inferred"),
                    Some(stmt.raw.span),
                )
                .with_label(format!("in `{}`", stmt.head())),
            );
        } else if !shape.untyped.is_empty() {
            diags.push(
                Diagnostic::warning(
                    format!(
                        "the type of view column(s) {} of \"{view}\" could not be inferred; \
                         they are given type text",
                        shape
                            .untyped
                            .iter()
                            .map(|c| format!("\"{c}\""))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    Some(stmt.raw.span),
                )
                .with_label(format!("in `{}`", stmt.head())),
            );
        }
        let mut columns = shape.columns;
        if let Some(old) = old {
            for c in &mut columns {
                if let Some(o) = old.columns.iter().find(|o| o.name == c.name) {
                    c.comment = o.comment.clone();
                }
            }
        }
        let definition = shape.definition.unwrap_or_else(|| query.to_string());
        let state = ViewState {
            analysed: shape.analysed,
            relations: shape.relations,
        };
        (definition, columns, state)
    }

    /// `ALTER VIEW`.
    pub(crate) fn alter_view(
        &mut self,
        stmt: Stmt<'_>,
        a: &sqlparser::ast::AlterView,
        diags: &mut Diagnostics,
    ) -> R<Outcome> {
        let (schema, n) = split_name(&a.name);
        let Some(schema) = self.find_in_path(schema.as_deref(), &|s| s.views.contains_key(&n))
        else {
            if a.if_exists {
                return Ok(Outcome::Understood);
            }
            return Err(undefined_relation(schema.as_deref(), &n));
        };
        match &a.operation {
            AlterViewOperation::RenameTo { new_name } => {
                let old = ObjectName::from(vec![
                    sqlparser::ast::Ident::with_quote('"', schema.clone()),
                    sqlparser::ast::Ident::with_quote('"', n.clone()),
                ]);
                self.rename_relation(&old, new_name, false)?;
            }
            AlterViewOperation::RenameColumn {
                old_column_name,
                new_column_name,
            } => {
                self.rename_view_column(
                    &schema,
                    &n,
                    &fold(old_column_name),
                    &fold(new_column_name),
                )?;
            }
            AlterViewOperation::SetOptions { options } => {
                let v = self.view_mut(&schema, &n);
                for o in view_options(options) {
                    let key = o.split('=').next().unwrap_or("").to_string();
                    match v
                        .options
                        .iter_mut()
                        .find(|x| x.starts_with(&format!("{key}=")))
                    {
                        Some(x) => *x = o,
                        None => v.options.push(o),
                    }
                }
            }
            AlterViewOperation::SetSchema { schema_name } => {
                let target = schema_name.0.last().and_then(|p| p.as_ident()).cloned();
                let old = ObjectName::from(vec![
                    sqlparser::ast::Ident::with_quote('"', schema.clone()),
                    sqlparser::ast::Ident::with_quote('"', n.clone()),
                ]);
                if let Some(target) = target {
                    return self.set_schema("view", false, &old, &target);
                }
            }
            AlterViewOperation::AlterColumn { column_name, op } => {
                self.alter_view_column(&schema, &n, &fold(column_name), op)?;
            }
            AlterViewOperation::As { query, columns, .. } => {
                let names: Vec<String> = columns.iter().map(fold).collect();
                let old = &self.catalog.schemas[&schema].views[&n];
                let (definition, columns, state) =
                    self.view_query(query, &names, Some(old), &n, stmt, diags);
                self.remember_view(&schema, &n, state);
                let v = self.view_mut(&schema, &n);
                v.definition = definition;
                v.columns = columns;
            }
            _ => {}
        }
        Ok(Outcome::Understood)
    }

    /// `ALTER VIEW v ALTER COLUMN c SET DEFAULT e | DROP DEFAULT` (also spelt `ALTER TABLE`):
    /// the default INSERTs through the view use. Other column changes are refused on a view.
    pub(crate) fn alter_view_column(
        &mut self,
        schema: &str,
        view: &str,
        col: &str,
        op: &sqlparser::ast::AlterColumnOperation,
    ) -> R<()> {
        use sqlparser::ast::AlterColumnOperation as Op;
        let Some(v) = self.catalog.schemas[schema].views.get(view) else {
            return Err(undefined_relation(Some(schema), view));
        };
        let Some(column) = v.columns.iter().find(|c| c.name == col) else {
            return Err(ReplayError::new(
                SqlState::UndefinedColumn,
                format!("column \"{col}\" of relation \"{view}\" does not exist"),
            ));
        };
        let default = match op {
            Op::SetDefault { value } => {
                stored_default(value, &column.ty, &self.table_ctx(schema, view, &v.columns))
            }
            Op::DropDefault => None,
            _ => {
                return Err(ReplayError::new(
                    SqlState::InvalidDefinition,
                    format!("\"{view}\" is not a table"),
                ))
            }
        };
        let v = self
            .catalog
            .view_mut(schema, view)
            .ok_or_else(|| undefined_relation(Some(schema), view))?;
        if let Some(c) = v.columns.iter_mut().find(|c| c.name == col) {
            c.default = default;
        }
        Ok(())
    }

    /// `ALTER VIEW v RENAME COLUMN old TO new` (also spelt `ALTER TABLE`).
    pub(crate) fn rename_view_column(
        &mut self,
        schema: &str,
        view: &str,
        old: &str,
        new: &str,
    ) -> R<()> {
        let v = self
            .catalog
            .view_mut(schema, view)
            .ok_or_else(|| undefined_relation(Some(schema), view))?;
        if v.columns.iter().any(|c| c.name == new) {
            return Err(ReplayError::new(
                SqlState::DuplicateColumn,
                format!("column \"{new}\" of relation \"{view}\" already exists"),
            ));
        }
        let Some(c) = v.columns.iter_mut().find(|c| c.name == old) else {
            return Err(ReplayError::new(
                SqlState::UndefinedColumn,
                format!("column \"{old}\" does not exist"),
            ));
        };
        c.name = new.to_string();
        self.column_renamed(schema, view, old, new);
        Ok(())
    }

    /// `CREATE SEQUENCE`.
    pub(crate) fn create_sequence(
        &mut self,
        name: &ObjectName,
        if_not_exists: bool,
        options: &[SequenceOptions],
    ) -> R<Outcome> {
        let (schema, n) = split_name(name);
        let schema = self.target_schema(schema)?;
        if self.catalog.schemas[&schema].has_relation(&n) {
            if if_not_exists {
                return Ok(Outcome::Understood);
            }
            return Err(ReplayError::new(
                SqlState::DuplicateTable,
                format!("relation \"{n}\" already exists"),
            ));
        }
        let mut seq = default_sequence(&n, "int8");
        let owned = apply_sequence_options(&mut seq, options);
        seq.owned_by = self.owned_by(owned.as_ref())?;
        self.catalog
            .schemas
            .get_mut(&schema)
            .expect("schema")
            .sequences
            .insert(n, seq);
        Ok(Outcome::Understood)
    }

    /// `OWNED BY table.column` → the owning (table, column); `OWNED BY NONE` → None.
    pub(crate) fn owned_by(&self, o: Option<&ObjectName>) -> R<Option<(String, String)>> {
        let Some(o) = o else { return Ok(None) };
        let mut parts = name_parts(o);
        if parts.len() == 1 && parts[0] == "none" {
            return Ok(None);
        }
        let col = parts.pop().unwrap_or_default();
        let table = ObjectName::from(
            parts
                .into_iter()
                .map(|p| sqlparser::ast::Ident::with_quote('"', p))
                .collect::<Vec<_>>(),
        );
        let (_, t) = self.resolve_table(&table)?;
        Ok(Some((t, col)))
    }

    /// `COMMENT ON …`.
    pub(crate) fn comment(
        &mut self,
        object: CommentObject,
        name: &ObjectName,
        text: Option<&str>,
        if_exists: bool,
    ) -> R<Outcome> {
        let text = text.map(str::to_string);
        let missing = |what: &str| {
            if if_exists {
                Ok(Outcome::Understood)
            } else {
                Err(ReplayError::new(
                    SqlState::UndefinedObject,
                    what.to_string(),
                ))
            }
        };
        match object {
            CommentObject::Table | CommentObject::View | CommentObject::MaterializedView => {
                let (schema, n) = split_name(name);
                let Some(s) = self.find_in_path(schema.as_deref(), &|s| {
                    s.tables.contains_key(&n) || s.views.contains_key(&n)
                }) else {
                    return missing(&format!("relation \"{n}\" does not exist"));
                };
                let sc = self.catalog.schemas.get_mut(&s).expect("schema");
                if let Some(t) = sc.tables.get_mut(&n) {
                    t.comment = text;
                } else if let Some(v) = sc.views.get_mut(&n) {
                    v.comment = text;
                }
            }
            CommentObject::Column => {
                let mut parts = name_parts(name);
                let col = parts.pop().unwrap_or_default();
                let table = parts.pop().unwrap_or_default();
                let schema = parts.pop();
                let Some(s) = self.find_in_path(schema.as_deref(), &|s| {
                    s.tables.contains_key(&table)
                        || s.views.contains_key(&table)
                        || s.composites.contains_key(&table)
                }) else {
                    return missing(&format!("relation \"{table}\" does not exist"));
                };
                // A composite type's attribute: its comment is not modelled.
                if let Some(c) = self.catalog.schemas[&s].composites.get(&table) {
                    if c.attributes.iter().any(|(a, _)| *a == col) {
                        return Ok(Outcome::Understood);
                    }
                    return missing(&format!(
                        "column \"{col}\" of relation \"{table}\" does not exist"
                    ));
                }
                let sc = self.catalog.schemas.get_mut(&s).expect("schema");
                let is_view = sc.views.contains_key(&table);
                let column = if let Some(t) = sc.tables.get_mut(&table) {
                    t.column_mut(&col)
                } else {
                    sc.views
                        .get_mut(&table)
                        .and_then(|v| v.columns.iter_mut().find(|c| c.name == col))
                };
                match column {
                    Some(c) => c.comment = text,
                    None if is_view => {}
                    None => {
                        return missing(&format!(
                            "column \"{col}\" of relation \"{table}\" does not exist"
                        ))
                    }
                }
            }
            CommentObject::Type | CommentObject::Domain => {
                let Some((s, n)) = self.find_type(name) else {
                    return missing(&format!("type \"{}\" does not exist", name));
                };
                if let Some(e) = self
                    .catalog
                    .schemas
                    .get_mut(&s)
                    .expect("schema")
                    .enums
                    .get_mut(&n)
                {
                    e.comment = text;
                }
            }
            CommentObject::Schema => {
                let n = name_parts(name).pop().unwrap_or_default();
                match self.catalog.schemas.get_mut(&n) {
                    Some(s) => s.comment = text,
                    None => return missing(&format!("schema \"{n}\" does not exist")),
                }
            }
            CommentObject::Index => {
                let (schema, n) = split_name(name);
                let Some(s) =
                    self.find_in_path(schema.as_deref(), &|s| s.index_owner(&n).is_some())
                else {
                    return missing(&format!("relation \"{n}\" does not exist"));
                };
                for t in self
                    .catalog
                    .schemas
                    .get_mut(&s)
                    .expect("schema")
                    .tables
                    .values_mut()
                {
                    for i in t.indexes.iter_mut().filter(|i| i.name == n) {
                        i.comment = text.clone();
                    }
                }
            }
            _ => return Ok(Outcome::PassedOver),
        }
        Ok(Outcome::Understood)
    }

    /// `CREATE POLICY`.
    pub(crate) fn create_policy(&mut self, p: &CreatePolicy) -> R<Outcome> {
        let (schema, table) = self.resolve_table(&p.table_name)?;
        let name = fold(&p.name);
        let t = &self.catalog.schemas[&schema].tables[&table];
        if t.policies.iter().any(|x| x.name == name) {
            return Err(ReplayError::new(
                SqlState::DuplicateObject,
                format!("policy \"{name}\" for table \"{table}\" already exists"),
            ));
        }
        // PostgreSQL's checks (raised as syntax errors).
        let command = p.command.as_ref();
        if p.with_check.is_some()
            && matches!(
                command,
                Some(CreatePolicyCommand::Select) | Some(CreatePolicyCommand::Delete)
            )
        {
            return Err(ReplayError::new(
                SqlState::SyntaxError,
                "WITH CHECK cannot be applied to SELECT or DELETE",
            ));
        }
        if p.using.is_some() && matches!(command, Some(CreatePolicyCommand::Insert)) {
            return Err(ReplayError::new(
                SqlState::SyntaxError,
                "only WITH CHECK expression allowed for INSERT",
            ));
        }
        let ctx = self.table_ctx(&schema, &table, &t.columns);
        let policy = Policy {
            name,
            permissive: !matches!(p.policy_type, Some(CreatePolicyType::Restrictive)),
            command: match p.command {
                None | Some(CreatePolicyCommand::All) => "all",
                Some(CreatePolicyCommand::Select) => "select",
                Some(CreatePolicyCommand::Insert) => "insert",
                Some(CreatePolicyCommand::Update) => "update",
                Some(CreatePolicyCommand::Delete) => "delete",
            }
            .to_string(),
            roles: policy_roles(p.to.as_deref()),
            using: None,
            with_check: None,
        };
        let using = p.using.as_ref().map(|e| analyse_bool(e, &ctx));
        let with_check = p.with_check.as_ref().map(|e| analyse_bool(e, &ctx));
        let trees = PolicyTrees {
            using: using.as_ref().and_then(|u| u.1.clone()),
            with_check: with_check.as_ref().and_then(|w| w.1.clone()),
        };
        let policy = Policy {
            using: using.map(|u| u.0),
            with_check: with_check.map(|w| w.0),
            ..policy
        };
        self.remember_policy(&schema, &table, &policy.name, trees);
        self.table_mut(&schema, &table).policies.push(policy);
        Ok(Outcome::Understood)
    }

    /// `ALTER POLICY`.
    pub(crate) fn alter_policy(&mut self, p: &AlterPolicy) -> R<Outcome> {
        let (schema, table) = self.resolve_table(&p.table_name)?;
        let name = fold(&p.name);
        let t = &self.catalog.schemas[&schema].tables[&table];
        if !t.policies.iter().any(|x| x.name == name) {
            return Err(ReplayError::new(
                SqlState::UndefinedObject,
                format!("policy \"{name}\" for table \"{table}\" does not exist"),
            ));
        }
        let ctx = self.table_ctx(&schema, &table, &t.columns);
        match &p.operation {
            AlterPolicyOperation::Rename { new_name } => {
                let new = fold(new_name);
                if t.policies.iter().any(|x| x.name == new) {
                    return Err(ReplayError::new(
                        SqlState::DuplicateObject,
                        format!("policy \"{new}\" for table \"{table}\" already exists"),
                    ));
                }
                self.policy_renamed(&schema, &table, &name, &new);
                let tm = self.table_mut(&schema, &table);
                if let Some(x) = tm.policies.iter_mut().find(|x| x.name == name) {
                    x.name = new;
                }
            }
            AlterPolicyOperation::Apply {
                to,
                using,
                with_check,
            } => {
                let using = using.as_ref().map(|e| analyse_bool(e, &ctx));
                let with_check = with_check.as_ref().map(|e| analyse_bool(e, &ctx));
                let roles = to.as_deref().map(|r| policy_roles(Some(r)));
                let trees = self.policy_trees_mut(&schema, &table, &name);
                if let Some(u) = &using {
                    trees.using = u.1.clone();
                }
                if let Some(w) = &with_check {
                    trees.with_check = w.1.clone();
                }
                let using = using.map(|u| u.0);
                let with_check = with_check.map(|w| w.0);
                let tm = self.table_mut(&schema, &table);
                if let Some(x) = tm.policies.iter_mut().find(|x| x.name == name) {
                    if let Some(r) = roles {
                        x.roles = r;
                    }
                    if using.is_some() {
                        x.using = using;
                    }
                    if with_check.is_some() {
                        x.with_check = with_check;
                    }
                }
            }
        }
        Ok(Outcome::Understood)
    }

    /// `DROP POLICY`.
    pub(crate) fn drop_policy(&mut self, p: &DropPolicy) -> R<Outcome> {
        let name = fold(&p.name);
        let (schema, table) = match self.resolve_table(&p.table_name) {
            Ok(x) => x,
            Err(_) if p.if_exists => return Ok(Outcome::Understood),
            Err(e) => return Err(e),
        };
        let t = self.table_mut(&schema, &table);
        let before = t.policies.len();
        t.policies.retain(|x| x.name != name);
        if t.policies.len() == before && !p.if_exists {
            return Err(ReplayError::new(
                SqlState::UndefinedObject,
                format!("policy \"{name}\" for table \"{table}\" does not exist"),
            ));
        }
        Ok(Outcome::Understood)
    }

    /// `CREATE EXTENSION`.
    pub(crate) fn create_extension(&mut self, e: &CreateExtension) -> R<Outcome> {
        let name = fold(&e.name);
        if self.catalog.extensions.contains_key(&name) {
            if e.if_not_exists {
                return Ok(Outcome::Understood);
            }
            return Err(ReplayError::new(
                SqlState::DuplicateObject,
                format!("extension \"{name}\" already exists"),
            ));
        }
        let schema = self.target_schema(e.schema.as_ref().map(fold))?;
        let s = self.catalog.schemas.get_mut(&schema).expect("schema");
        for f in extension_functions(&name) {
            s.functions.insert(f.to_string());
        }
        self.catalog
            .extensions
            .insert(name.clone(), Extension { name, schema });
        Ok(Outcome::Understood)
    }

    /// `DROP EXTENSION`.
    pub(crate) fn drop_extension(&mut self, e: &DropExtension) -> R<Outcome> {
        for n in &e.names {
            let name = fold(n);
            match self.catalog.extensions.remove(&name) {
                Some(ext) => {
                    if let Some(s) = self.catalog.schemas.get_mut(&ext.schema) {
                        for f in extension_functions(&name) {
                            s.functions.remove(*f);
                        }
                    }
                }
                None if e.if_exists => {}
                None => {
                    return Err(ReplayError::new(
                        SqlState::UndefinedObject,
                        format!("extension \"{name}\" does not exist"),
                    ))
                }
            }
        }
        Ok(Outcome::Understood)
    }

    /// `DROP TABLE|VIEW|MATERIALIZED VIEW|INDEX|SEQUENCE|TYPE|SCHEMA`.
    pub(crate) fn drop(
        &mut self,
        object: ObjectType,
        names: &[ObjectName],
        if_exists: bool,
        cascade: bool,
        _diags: &mut Diagnostics,
        _stmt: Stmt<'_>,
    ) -> R<Outcome> {
        for name in names {
            let (schema, n) = split_name(name);
            let found = match object {
                ObjectType::Table => {
                    self.find_in_path(schema.as_deref(), &|s| s.tables.contains_key(&n))
                }
                ObjectType::View => self.find_in_path(schema.as_deref(), &|s| {
                    s.views.get(&n).is_some_and(|v| !v.materialized)
                }),
                ObjectType::MaterializedView => self.find_in_path(schema.as_deref(), &|s| {
                    s.views.get(&n).is_some_and(|v| v.materialized)
                }),
                ObjectType::Index => {
                    self.find_in_path(schema.as_deref(), &|s| s.index_owner(&n).is_some())
                }
                ObjectType::Sequence => {
                    self.find_in_path(schema.as_deref(), &|s| s.sequences.contains_key(&n))
                }
                ObjectType::Type => self.find_in_path(schema.as_deref(), &|s| {
                    s.enums.contains_key(&n)
                        || s.composites.contains_key(&n)
                        || s.domains.contains_key(&n)
                }),
                ObjectType::Schema => self.catalog.schemas.contains_key(&n).then(|| n.clone()),
                _ => return Ok(Outcome::PassedOver),
            };
            let Some(s) = found else {
                if if_exists {
                    continue;
                }
                let what = match object {
                    ObjectType::Table | ObjectType::Sequence | ObjectType::Index => "relation",
                    ObjectType::View => "view",
                    ObjectType::MaterializedView => "materialized view",
                    ObjectType::Type => "type",
                    _ => "schema",
                };
                return Err(ReplayError::new(
                    if matches!(object, ObjectType::Type | ObjectType::Schema) {
                        SqlState::UndefinedObject
                    } else {
                        SqlState::UndefinedTable
                    },
                    format!("{what} \"{n}\" does not exist"),
                ));
            };
            match object {
                ObjectType::Table => self.drop_table(&s, &n, cascade)?,
                ObjectType::View | ObjectType::MaterializedView => {
                    self.catalog
                        .schemas
                        .get_mut(&s)
                        .expect("schema")
                        .views
                        .remove(&n);
                }
                ObjectType::Index => self.drop_index(&s, &n)?,
                ObjectType::Sequence => self.drop_sequence(&s, &n, cascade)?,
                ObjectType::Type => self.drop_type(&s, &n, cascade)?,
                ObjectType::Schema => self.drop_schema(&n, cascade)?,
                _ => {}
            }
        }
        self.prune_views();
        Ok(Outcome::Understood)
    }

    fn drop_table(&mut self, schema: &str, table: &str, cascade: bool) -> R<()> {
        let deps = self.fks_referencing(schema, table, None);
        self.drop_dependent_fks(&format!("table {table}"), deps, cascade)?;
        self.tracked.data.dropped(schema, table);
        let s = self.catalog.schemas.get_mut(schema).expect("schema");
        s.tables.remove(table);
        s.sequences
            .retain(|_, q| q.owned_by.as_ref().is_none_or(|(t, _)| t != table));
        Ok(())
    }

    fn drop_index(&mut self, schema: &str, name: &str) -> R<()> {
        let s = self.catalog.schemas.get_mut(schema).expect("schema");
        for t in s.tables.values_mut() {
            if t.primary_key.as_ref().is_some_and(|p| p.name == name)
                || t.uniques.iter().any(|u| u.name == name)
            {
                return Err(ReplayError::new(
                    SqlState::DependentObjects,
                    format!(
                        "cannot drop index {name} because constraint {name} on table {} requires it",
                        t.name
                    ),
                ));
            }
            t.indexes.retain(|i| i.name != name);
        }
        for v in s.views.values_mut() {
            v.indexes.retain(|i| i.name != name);
        }
        Ok(())
    }

    fn drop_sequence(&mut self, schema: &str, name: &str, cascade: bool) -> R<()> {
        let pat = format!(
            "nextval({}::regclass)",
            crate::sql::quote_literal(&self.regclass_text(schema, name))
        );
        let users = self.columns_where(&|c| c.default.as_deref().is_some_and(|d| d.contains(&pat)));
        if let (Some((_, t, c)), false) = (users.first(), cascade) {
            return Err(depends_error(
                &format!("sequence {name}"),
                &format!("default value for column {c} of table {t}"),
            ));
        }
        for (s, t, c) in users {
            self.column_mut(&s, &t, &c).default = None;
        }
        self.catalog
            .schemas
            .get_mut(schema)
            .expect("schema")
            .sequences
            .remove(name);
        Ok(())
    }

    fn drop_type(&mut self, schema: &str, name: &str, cascade: bool) -> R<()> {
        let users = self.columns_where(&|c| c.ty.schema == schema && c.ty.name == name);
        if let (Some((_, t, c)), false) = (users.first(), cascade) {
            return Err(depends_error(
                &format!("type {name}"),
                &format!("column {c} of table {t}"),
            ));
        }
        for (s, t, c) in users {
            self.table_mut(&s, &t).columns.retain(|x| x.name != c);
        }
        let s = self.catalog.schemas.get_mut(schema).expect("schema");
        s.enums.remove(name);
        s.composites.remove(name);
        s.domains.remove(name);
        Ok(())
    }

    fn drop_schema(&mut self, name: &str, cascade: bool) -> R<()> {
        let s = &self.catalog.schemas[name];
        let empty = s.tables.is_empty()
            && s.views.is_empty()
            && s.enums.is_empty()
            && s.sequences.is_empty()
            && s.composites.is_empty()
            && s.domains.is_empty()
            && s.functions.is_empty();
        if !empty && !cascade {
            return Err(ReplayError::new(
                SqlState::DependentObjects,
                format!("cannot drop schema {name} because other objects depend on it"),
            ));
        }
        let tables: Vec<String> = s.tables.keys().cloned().collect();
        for t in tables {
            self.drop_table(name, &t, true)?;
        }
        self.catalog.schemas.remove(name);
        self.tracked.routines.schema_gone(name);
        self.catalog.extensions.retain(|_, e| e.schema != name);
        Ok(())
    }
}

/// Roles of a policy as `pg_policy` reports them: sorted, `public` when none.
fn policy_roles(to: Option<&[Owner]>) -> Vec<String> {
    let mut roles: Vec<String> = match to {
        None => vec!["public".to_string()],
        Some(list) => list
            .iter()
            .map(|o| match o {
                Owner::Ident(id) => fold(id),
                Owner::CurrentRole | Owner::CurrentUser | Owner::SessionUser => {
                    "postgres".to_string()
                }
            })
            .collect(),
    };
    roles.sort();
    roles.dedup();
    roles
}

/// `WITH (security_invoker = true)` → `["security_invoker=true"]`.
fn view_options(o: &[SqlOption]) -> Vec<String> {
    let out: Vec<String> = o
        .iter()
        .filter_map(|o| match o {
            SqlOption::KeyValue { key, value } => {
                let v = match value {
                    Expr::Value(v) => match &v.value {
                        Value::Boolean(b) => b.to_string(),
                        Value::SingleQuotedString(s) => s.clone(),
                        other => other.to_string(),
                    },
                    Expr::Identifier(id) => id.value.to_ascii_lowercase(),
                    other => other.to_string(),
                };
                Some(format!("{}={}", name_parts(key).join("."), v))
            }
            _ => None,
        })
        .collect();
    out
}

/// `FigureColnameInternal`: the name Postgres gives an expression (a function's name, a
/// column's, a cast's type…) and how sure it is (2 strong, 1 weak); `None` when it has none.
fn figure_colname(e: &Expr) -> Option<(String, u8)> {
    match e {
        Expr::Identifier(id) => Some((fold(id), 2)),
        Expr::CompoundIdentifier(ids) => ids.last().map(|i| (fold(i), 2)),
        Expr::Nested(inner) => figure_colname(inner),
        Expr::Function(f) => name_parts(&f.name).pop().map(|n| (n, 2)),
        Expr::Cast {
            expr, data_type, ..
        } => match figure_colname(expr) {
            Some((n, 2)) => Some((n, 2)),
            other => {
                let t = data_type.to_string();
                let last = t
                    .split('(')
                    .next()
                    .unwrap_or("")
                    .rsplit('.')
                    .next()
                    .unwrap_or("")
                    .trim_matches('"')
                    .to_ascii_lowercase();
                if last.is_empty() {
                    other
                } else {
                    Some((last, 1))
                }
            }
        },
        Expr::Case { .. } => Some(("case".into(), 1)),
        Expr::Array(_) => Some(("array".into(), 2)),
        _ => None,
    }
}

/// Postgres names index columns for a generated index name: plain columns by name,
/// expressions `expr`, repeated names get a number (`expr1`).
pub(super) fn dedupe_index_column_names(names: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(names.len());
    for n in names {
        let mut cur = n.clone();
        let mut i = 1;
        while out.contains(&cur) {
            cur = format!("{n}{i}");
            i += 1;
        }
        out.push(cur);
    }
    out
}

/// PostgreSQL's limit on an enum label: `NAMEDATALEN - 1` bytes.
fn enum_label_fits(label: &Ident) -> R<()> {
    if label.value.len() <= 63 {
        return Ok(());
    }
    Err(ReplayError::new(
        SqlState::InvalidParameterValue,
        format!(
            "invalid enum label \"{}\": labels must be 63 bytes or less ({} bytes)",
            label.value,
            label.value.len()
        ),
    )
    .at(label.span.start))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renames_column_references_only() {
        assert_eq!(
            rename_identifier("(char_length(name) > 0)", "name", "title"),
            "(char_length(title) > 0)"
        );
        assert_eq!(
            rename_identifier("(name(x) = name)", "name", "Title"),
            "(name(x) = \"Title\")"
        );
        assert!(mentions_identifier("(a IS NOT NULL)", "a", "a"));
        assert!(!mentions_identifier("(ab IS NOT NULL)", "a", "a"));
    }

    #[test]
    fn search_path_strings() {
        assert_eq!(
            parse_search_path_string("\"$user\", public, Extensions"),
            vec!["$user", "public", "extensions"]
        );
        assert!(parse_search_path_string("").is_empty());
    }

    #[test]
    fn index_column_names() {
        assert_eq!(
            dedupe_index_column_names(vec!["expr".into(), "a".into(), "expr".into()]),
            vec!["expr", "a", "expr1"]
        );
    }
}
