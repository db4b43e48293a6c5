//! `CREATE`/`DROP EXTENSION`, and the functions common extensions add (moved by `ALTER EXTENSION …
//! SET SCHEMA`).

use sqlparser::ast::{CreateExtension, DropExtension};

use crate::catalog::Extension;
use crate::sql::replay::{fold, Outcome, ReplayError, Replayer, SqlState, R};

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

pub(crate) fn extension_functions(name: &str) -> &'static [&'static str] {
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
        let cascade = matches!(
            e.cascade_or_restrict,
            Some(sqlparser::ast::ReferentialAction::Cascade)
        );
        for n in &e.names {
            let name = fold(n);
            if let Some(ext) = self.catalog.extensions.get(&name).cloned() {
                // The Supabase base catalog lists its extensions (uuid-ossp, pgcrypto in
                // `extensions`) but not their functions, which calls resolve to all the same.
                if let Some(s) = self.catalog.schemas.get_mut(&ext.schema) {
                    for f in extension_functions(&name) {
                        s.functions.insert(f.to_string());
                    }
                }
                self.drop_extension_dependents(&name, &ext.schema, cascade)?;
            }
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

    /// The columns of the extension's types and what calls its functions: they stop `DROP
    /// EXTENSION` or, with `CASCADE`, go with it.
    fn drop_extension_dependents(&mut self, name: &str, schema: &str, cascade: bool) -> R<()> {
        let what = format!("extension {name}");
        let typed = self.columns_where(&|c| {
            c.ty.schema == schema
                && crate::pg::builtin::extensions::ext_type(&c.ty.name)
                    .is_some_and(|t| t.extension == name)
        });
        if let (Some((_, t, c)), false) = (typed.first(), cascade) {
            return Err(crate::sql::replay::table::depends_error(
                &what,
                &format!("column {c} of table {t}"),
            ));
        }
        for f in extension_functions(name) {
            let callers = self.function_callers(schema, f);
            self.drop_callers(&what, callers, cascade)?;
        }
        let users = self.opclass_users(name);
        self.drop_callers(&what, users, cascade)?;
        for (s, t, c) in typed {
            self.drop_column_if_present(&s, &t, &c)?;
        }
        Ok(())
    }

    /// Indexes and exclusion constraints with a key whose operator class the extension defines
    /// (`gin_trgm_ops`; `btree_gist`'s default class for an `integer` key of a GiST index).
    fn opclass_users(&self, extension: &str) -> super::super::dependents::Callers {
        use crate::pg::builtin::extensions::opclass_of_extension;
        let mut out = super::super::dependents::Callers::default();
        for (sn, s) in &self.catalog.schemas {
            for t in s.tables.values() {
                let key_type = |column: &str| {
                    let c = t.columns.iter().find(|c| c.name == column)?;
                    let is_enum = c.ty.schema != "pg_catalog"
                        && self
                            .catalog
                            .schemas
                            .get(&c.ty.schema)
                            .is_some_and(|x| x.enums.contains_key(&c.ty.name));
                    Some(if is_enum {
                        "anyenum".to_string() + &"[]".repeat(c.ty.array_dims as usize)
                    } else {
                        opclass_input_type(&c.ty)
                    })
                };
                for i in &t.indexes {
                    let uses = i.keys.iter().any(|k| {
                        let column = match &k.target {
                            crate::catalog::IndexTarget::Column(c) => key_type(c),
                            crate::catalog::IndexTarget::Expression(_) => None,
                        };
                        opclass_of_extension(
                            extension,
                            &i.method,
                            k.opclass.as_deref(),
                            column.as_deref(),
                        )
                    });
                    if uses {
                        out.indexes
                            .push((sn.clone(), t.name.clone(), i.name.clone()));
                    }
                }
                for x in &t.exclusions {
                    let Some((method, elements)) = exclusion_elements(&x.definition) else {
                        continue;
                    };
                    let uses = elements.iter().any(|(column, opclass)| {
                        let ty = column.as_deref().and_then(key_type);
                        opclass_of_extension(extension, method, opclass.as_deref(), ty.as_deref())
                    });
                    if uses {
                        out.exclusions
                            .push((sn.clone(), t.name.clone(), x.name.clone()));
                    }
                }
            }
        }
        out
    }
}

impl Replayer {
    /// PostgreSQL refuses a GiST or GIN key with no operator class when its type has no
    /// default one for the method (42704): an `integer` or `text` key needs `btree_gist` or
    /// `btree_gin` installed. Judged only for plain columns of common built-in scalar types,
    /// whose default classes [`DEFAULT_OPCLASSES`](crate::pg::builtin::opclasses::DEFAULT_OPCLASSES)
    /// lists in full; anything else is left to PostgreSQL.
    pub(crate) fn require_default_opclass(
        &self,
        method: &str,
        column: &crate::catalog::Column,
    ) -> R<()> {
        use crate::pg::builtin::opclasses::DEFAULT_OPCLASSES;
        if !matches!(method, "gist" | "gin")
            || column.ty.schema != "pg_catalog"
            || column.ty.array_dims != 0
        {
            return Ok(());
        }
        if !matches!(
            column.ty.name.as_str(),
            "int2"
                | "int4"
                | "int8"
                | "numeric"
                | "float4"
                | "float8"
                | "text"
                | "varchar"
                | "bpchar"
                | "uuid"
                | "bool"
                | "date"
                | "timestamp"
                | "timestamptz"
                | "time"
                | "timetz"
                | "interval"
                | "bytea"
                | "inet"
                | "cidr"
                | "macaddr"
                | "macaddr8"
                | "money"
                | "oid"
                | "bit"
                | "varbit"
        ) {
            return Ok(());
        }
        let ty = opclass_input_type(&column.ty);
        // Binary-coercible inputs PostgreSQL also accepts (`varchar` → `text_ops`).
        let coerced = match column.ty.name.as_str() {
            "varchar" => Some("text"),
            "cidr" => Some("inet"),
            _ => None,
        };
        let found = DEFAULT_OPCLASSES.iter().any(|&(m, _, t, e)| {
            m == method
                && (t == ty || Some(t) == coerced)
                && (e.is_empty() || self.catalog.extensions.contains_key(e))
        });
        if found {
            return Ok(());
        }
        Err(ReplayError::new(
            SqlState::UndefinedObject,
            format!("data type {ty} has no default operator class for access method \"{method}\""),
        ))
    }
}

/// A type as the input type of an operator class is printed (`format_type` without a typmod:
/// `character`, `bit`, `integer[]`).
fn opclass_input_type(ty: &crate::catalog::SqlType) -> String {
    let base = crate::catalog::SqlType {
        modifiers: Vec::new(),
        array_dims: 0,
        ..ty.clone()
    };
    let name = match (base.schema.as_str(), base.name.as_str()) {
        ("pg_catalog", "bpchar") => "character".to_string(),
        ("pg_catalog", "bit") => "bit".to_string(),
        _ => base.format(false),
    };
    name + &"[]".repeat(ty.array_dims as usize)
}

/// One element of an exclusion constraint: its column (none for an expression) and its operator
/// class when one is printed.
pub(crate) type ExclusionElement = (Option<String>, Option<String>);

/// The access method and the elements `(column, operator class)` of an exclusion constraint
/// as `pg_get_constraintdef` prints it: `EXCLUDE USING gist (room WITH =, during WITH &&)`, an
/// expression element (`(lower(name)) gist_trgm_ops WITH =`) has no column.
pub(crate) fn exclusion_elements(definition: &str) -> Option<(&str, Vec<ExclusionElement>)> {
    let rest = definition.strip_prefix("EXCLUDE USING ")?;
    let (method, rest) = rest.split_once(' ')?;
    let rest = rest.strip_prefix('(')?;
    // The element list ends at the matching parenthesis; split at its top-level commas.
    let mut elements = Vec::new();
    let (mut depth, mut quoted, mut start) = (0i32, false, 0);
    for (i, ch) in rest.char_indices() {
        match ch {
            '"' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted && depth == 0 => {
                elements.push(&rest[start..i]);
                break;
            }
            ')' if !quoted => depth -= 1,
            ',' if !quoted && depth == 0 => {
                elements.push(&rest[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    let parsed = elements
        .into_iter()
        .map(|e| {
            let e = e.trim();
            let e = e.rsplit_once(" WITH ").map_or(e, |(before, _)| before);
            // The column (or parenthesised expression), then the words after it.
            let (column, after) = if e.starts_with('(') {
                let mut depth = 0;
                let end = e
                    .char_indices()
                    .find(|&(_, c)| {
                        match c {
                            '(' => depth += 1,
                            ')' => depth -= 1,
                            _ => {}
                        }
                        depth == 0
                    })
                    .map_or(e.len(), |(i, _)| i + 1);
                (None, &e[end..])
            } else if let Some(q) = e.strip_prefix('"') {
                let end = q.find('"').unwrap_or(q.len());
                (Some(q[..end].to_string()), q.get(end + 1..).unwrap_or(""))
            } else {
                let end = e.find(' ').unwrap_or(e.len());
                (Some(e[..end].to_string()), &e[end..])
            };
            let opclass = after
                .split_whitespace()
                .next()
                .filter(|w| !matches!(*w, "COLLATE" | "ASC" | "DESC" | "NULLS"))
                .map(str::to_string);
            (column, opclass)
        })
        .collect();
    Some((method, parsed))
}
