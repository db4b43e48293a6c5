//! Naming conventions applied on top of the engine's names.
//!
//! [`Naming::Prisma`] (the default) is what `prisma db pull` does: database names as they are,
//! sanitised only when PSL cannot hold them. [`Naming::Pascal`] is the convention users keep asking
//! Prisma for (prisma/prisma#1934 and friends): it renames what the previous schema does not
//! already name, as if the user had written the names by hand.
//!
//! The `pascal` rules, chosen to be predictable and always valid:
//!
//! * models, views and enums: PascalCase of the database name (`user_profiles` →
//!   `UserProfiles`), no singularisation (English plurals cannot be undone reliably: `status`,
//!   `news`, `data`); `@@map("user_profiles")` when the name changed. When two objects would get
//!   the same name in different schemas (`auth.users` and `public.users`), each is prefixed with its
//!   schema in PascalCase (`AuthUsers`, `PublicUsers`); an enum or view whose name is still taken
//!   (a table `status` and an enum `Status`) gets an `Enum`/`View` suffix, a model a `Model` suffix
//!   (also for names the client reserves, `PrismaClient`), then a number if need be.
//! * fields: camelCase of the column (`created_at` → `createdAt`) with `@map("created_at")`; a
//!   column whose camelCase name is taken by another column of the same table keeps the engine's
//!   name.
//! * enum values are data and keep their database labels.
//! * relation fields: the forward field is named after its foreign key column without its `_id` /
//!   `Id` suffix (`author_id` → `author`), or after the referenced model (`user`) when that is not
//!   possible (composite keys, or a column without such a suffix); the back-relation field is the
//!   camelCase referencing model (`posts` on `Users` for `Posts.author_id`), or, when several
//!   relations link the same two models (or for a self-relation), that name followed by `By` and
//!   the forward field (`postsByAuthor`, `postsByEditor`). Any remaining clash with another field of
//!   the model gets a numeric suffix (`author2`).

use std::collections::{HashMap, HashSet};

use super::calculate::{Calc, Overrides};
use crate::psl::names::{camel_case, is_reserved_type_name, lower_first, pascal_case};

/// How names are chosen for what the previous schema does not name.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Naming {
    /// Prisma's own names (exactly what `prisma db pull` prints).
    #[default]
    Prisma,
    /// PascalCase models/enums/views with `@@map`, camelCase fields with `@map`, relation fields
    /// named after their foreign key columns.
    Pascal,
}

/// Computes the `pascal` overrides for everything the previous schema does not name. `calc`
/// must have been prepared without overrides.
pub(crate) fn pascal_overrides(calc: &Calc<'_>) -> Overrides {
    let db = calc.db;
    let mut o = Overrides::default();

    // Top-level names: tables, views, enums share one namespace.
    let mut taken: HashSet<String> = HashSet::new();
    for (ti, _) in db.tables.iter().enumerate() {
        if calc.is_model_table(ti) && calc.table_from_previous(ti) {
            taken.insert(calc.table_name(ti).name);
        }
    }
    for (vi, _) in db.views.iter().enumerate() {
        if calc.view_from_previous(vi) {
            taken.insert(calc.view_name(vi).name);
        }
    }
    for (ei, _) in db.enums.iter().enumerate() {
        if calc.enum_from_previous(ei) {
            taken.insert(calc.enum_name(ei).name);
        }
    }
    let fallback = |raw: &str, engine: String| {
        let p = pascal_case(raw);
        if p.is_empty() {
            engine
        } else {
            p
        }
    };
    // Which schemas each plain PascalCase name would come from: a name wanted in several
    // schemas gets the schema as a prefix everywhere.
    let mut schemas_of: HashMap<String, HashSet<String>> = HashMap::new();
    let table_candidates: Vec<(usize, String)> = db
        .tables
        .iter()
        .enumerate()
        .filter(|(ti, _)| calc.is_model_table(*ti) && !calc.table_from_previous(*ti))
        .map(|(ti, t)| (ti, fallback(&t.name, calc.table_name(ti).name)))
        .collect();
    let view_candidates: Vec<(usize, String)> = db
        .views
        .iter()
        .enumerate()
        .filter(|(vi, _)| !calc.view_from_previous(*vi))
        .map(|(vi, v)| (vi, fallback(&v.name, calc.view_name(vi).name)))
        .collect();
    let enum_candidates: Vec<(usize, String)> = db
        .enums
        .iter()
        .enumerate()
        .filter(|(ei, _)| !calc.enum_from_previous(*ei))
        .map(|(ei, e)| (ei, fallback(&e.name, calc.enum_name(ei).name)))
        .collect();
    for (ti, n) in &table_candidates {
        schemas_of
            .entry(n.clone())
            .or_default()
            .insert(db.tables[*ti].schema.clone());
    }
    for (vi, n) in &view_candidates {
        schemas_of
            .entry(n.clone())
            .or_default()
            .insert(db.views[*vi].schema.clone());
    }
    for (ei, n) in &enum_candidates {
        schemas_of
            .entry(n.clone())
            .or_default()
            .insert(db.enums[*ei].schema.clone());
    }
    let choose = |name: String, schema: &str, suffix: &str, taken: &mut HashSet<String>| {
        let mut n = name.clone();
        if schemas_of.get(&name).is_some_and(|s| s.len() > 1) {
            n = format!("{}{}", pascal_case(schema), name);
        }
        if taken.contains(&n) || is_reserved_type_name(&n) {
            n = format!("{n}{suffix}");
        }
        let base = n.clone();
        let mut i = 2;
        while taken.contains(&n) {
            n = format!("{base}{i}");
            i += 1;
        }
        taken.insert(n.clone());
        n
    };
    for (ti, n) in table_candidates {
        let name = choose(n, &db.tables[ti].schema, "Model", &mut taken);
        o.models.insert(ti, name);
    }
    for (vi, n) in view_candidates {
        let name = choose(n, &db.views[vi].schema, "View", &mut taken);
        o.views.insert(vi, name);
    }
    for (ei, n) in enum_candidates {
        let name = choose(n, &db.enums[ei].schema, "Enum", &mut taken);
        o.enums.insert(ei, name);
    }

    // Fields.
    for (ti, t) in db.tables.iter().enumerate() {
        if !calc.is_model_table(ti) {
            continue;
        }
        let mut used: HashSet<String> = (0..t.columns.len())
            .filter(|&ci| calc.column_from_previous(ti, ci))
            .map(|ci| calc.column_name(ti, ci).name)
            .collect();
        // Engine names of the columns we do not rename stay reserved too.
        let wanted: Vec<(usize, String)> = (0..t.columns.len())
            .filter(|&ci| !calc.column_from_previous(ti, ci))
            .map(|ci| (ci, camel_case(&t.columns[ci].name)))
            .collect();
        let mut wanted_count: HashMap<&str, usize> = HashMap::new();
        for (_, w) in &wanted {
            *wanted_count.entry(w.as_str()).or_default() += 1;
        }
        for (ci, w) in &wanted {
            let engine = calc.column_name(ti, *ci).name;
            let name = if w.is_empty() || wanted_count[w.as_str()] > 1 || used.contains(w) {
                engine
            } else {
                w.clone()
            };
            used.insert(name.clone());
            o.columns.insert((ti, *ci), name);
        }
    }
    for (vi, v) in db.views.iter().enumerate() {
        let mut used: HashSet<String> = HashSet::new();
        for ci in 0..v.columns.len() {
            if calc.view_column_from_previous(vi, ci) {
                continue;
            }
            let w = camel_case(&v.columns[ci].name);
            let name = if w.is_empty() || used.contains(&w) {
                v.columns[ci].name.clone()
            } else {
                w
            };
            used.insert(name.clone());
            o.view_columns.insert((vi, ci), name);
        }
    }
    o
}

/// Relation field names for the `pascal` convention. Needs a [`Calc`] prepared with the model
/// and field overrides of [`pascal_overrides`].
pub(crate) fn pascal_relation_overrides(calc: &Calc<'_>, o: &mut Overrides) {
    let db = calc.db;
    // How many relations link each (sorted) pair of tables.
    let mut pair_count: HashMap<[usize; 2], usize> = HashMap::new();
    for (ti, t) in db.tables.iter().enumerate() {
        if !calc.is_model_table(ti) {
            continue;
        }
        for (ki, fk) in t.fks.iter().enumerate() {
            if calc.inline_relation_engine_name((ti, ki)).is_none() {
                continue;
            }
            let mut p = [ti, fk.referenced_table];
            p.sort();
            *pair_count.entry(p).or_default() += 1;
        }
    }
    // Field names already used per table: scalar fields.
    let mut used: HashMap<usize, HashSet<String>> = HashMap::new();
    for (ti, t) in db.tables.iter().enumerate() {
        let set = used.entry(ti).or_default();
        for ci in 0..t.columns.len() {
            set.insert(calc.column_name(ti, ci).name);
        }
    }
    // Relations kept from the previous schema reserve their names first.
    for (ti, t) in db.tables.iter().enumerate() {
        for (ki, fk) in t.fks.iter().enumerate() {
            if calc.relation_from_previous((ti, ki)) {
                for (id, forward, name) in calc.relation_field_names(ti) {
                    if id == (ti, ki) && forward {
                        used.entry(ti).or_default().insert(name);
                    }
                }
                for (id, forward, name) in calc.relation_field_names(fk.referenced_table) {
                    if id == (ti, ki) && !forward {
                        used.entry(fk.referenced_table).or_default().insert(name);
                    }
                }
            }
        }
    }
    let unique = |set: &mut HashSet<String>, base: String| {
        let mut n = base.clone();
        let mut i = 2;
        while set.contains(&n) {
            n = format!("{base}{i}");
            i += 1;
        }
        set.insert(n.clone());
        n
    };
    for (ti, t) in db.tables.iter().enumerate() {
        if !calc.is_model_table(ti) {
            continue;
        }
        for (ki, fk) in t.fks.iter().enumerate() {
            let id = (ti, ki);
            if calc.inline_relation_engine_name(id).is_none() || calc.relation_from_previous(id) {
                continue;
            }
            let referenced_model = calc.table_name(fk.referenced_table).name;
            let referencing_model = calc.table_name(ti).name;
            let forward_base = match fk.columns.as_slice() {
                [c] => strip_id_suffix(&calc.column_name(ti, *c).name),
                _ => None,
            }
            .unwrap_or_else(|| lower_first(&referenced_model));
            let forward = unique(used.entry(ti).or_default(), forward_base);
            let mut p = [ti, fk.referenced_table];
            p.sort();
            let ambiguous =
                pair_count.get(&p).copied().unwrap_or(0) > 1 || ti == fk.referenced_table;
            let back_base = if ambiguous {
                let mut f = forward.clone();
                if let Some(first) = f.get_mut(0..1) {
                    first.make_ascii_uppercase();
                }
                format!("{}By{}", lower_first(&referencing_model), f)
            } else {
                lower_first(&referencing_model)
            };
            let back = unique(used.entry(fk.referenced_table).or_default(), back_base);
            if ambiguous {
                o.relation_names.insert(
                    id,
                    format!("{}_{}To{}", referencing_model, forward, referenced_model),
                );
            } else {
                o.relation_names.insert(id, String::new());
            }
            o.forward.insert(id, forward);
            o.back.insert(id, back);
        }
    }
}

/// `authorId` → `author`, `author_id` (camelCased already) → `author`; None when there is no such
/// suffix or nothing would be left.
fn strip_id_suffix(field: &str) -> Option<String> {
    let stem = field
        .strip_suffix("Id")
        .or_else(|| field.strip_suffix("ID"))?;
    if stem.is_empty() {
        return None;
    }
    Some(camel_case(stem))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_suffixes() {
        assert_eq!(strip_id_suffix("authorId").as_deref(), Some("author"));
        assert_eq!(strip_id_suffix("id"), None);
        assert_eq!(strip_id_suffix("Id"), None);
        assert_eq!(strip_id_suffix("author"), None);
    }
}
