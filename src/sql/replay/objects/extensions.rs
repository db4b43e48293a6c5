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
        for (s, t, c) in typed {
            self.drop_column_if_present(&s, &t, &c)?;
        }
        Ok(())
    }
}
