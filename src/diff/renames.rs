//! Renames given by the user (`--rename old=new`), applied to the previous catalog before comparing.

use crate::catalog::QualifiedName;

use super::*;

/// A rename names something that is not there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RenameError(pub String);

pub(super) fn apply_renames(
    previous: &mut View,
    next: &View,
    renames: &[Rename],
    push: &mut dyn FnMut(Step, Vec<String>),
) -> Result<(), RenameError> {
    for r in renames.iter().filter(|r| r.table.is_none()) {
        let found = previous
            .tables
            .keys()
            .find(|q| {
                q.name == r.from
                    && next
                        .tables
                        .contains_key(&QualifiedName::new(q.schema.clone(), r.to.clone()))
            })
            .cloned();
        let Some(from) = found else {
            return Err(RenameError(format!(
                "--rename {}={}: no table `{}` in the migrations whose new name `{}` is in the schema",
                r.from, r.to, r.from, r.to
            )));
        };
        let to = QualifiedName::new(from.schema.clone(), r.to.clone());
        if previous.tables.contains_key(&to) {
            return Err(RenameError(format!(
                "--rename {}={}: table `{}` already exists",
                r.from, r.to, r.to
            )));
        }
        if let Some(mut t) = previous.tables.remove(&from) {
            // Foreign keys pointing at the table follow it.
            for other in previous.tables.values_mut().chain(std::iter::once(&mut t)) {
                for f in &mut other.foreign_keys {
                    if f.references == from {
                        f.references = to.clone();
                    }
                }
            }
            previous.tables.insert(to.clone(), t);
        }
        push(
            Step::RenameTable {
                from,
                to: r.to.clone(),
            },
            vec![],
        );
    }
    for r in renames {
        let Some(table) = &r.table else { continue };
        let found = previous
            .tables
            .keys()
            .find(|q| &q.name == table && next.tables.contains_key(*q))
            .cloned();
        let Some(q) = found else {
            return Err(RenameError(format!(
                "--rename {table}.{}={}: no table `{table}` on both sides",
                r.from, r.to
            )));
        };
        let in_next = next.tables[&q].columns.iter().any(|c| c.name == r.to);
        let t = previous.tables.get_mut(&q).expect("found above");
        if !in_next || t.columns.iter().any(|c| c.name == r.to) {
            return Err(RenameError(format!(
                "--rename {table}.{}={}: `{}` must be a field of the schema and not a column of the migrations",
                r.from, r.to, r.to
            )));
        }
        let Some(col) = t.columns.iter_mut().find(|c| c.name == r.from) else {
            return Err(RenameError(format!(
                "--rename {table}.{}={}: no column `{}` in table `{table}`",
                r.from, r.to, r.from
            )));
        };
        col.name = r.to.clone();
        let rename = |c: &mut String| {
            if *c == r.from {
                *c = r.to.clone()
            }
        };
        if let Some((_, cols)) = &mut t.primary_key {
            cols.iter_mut().for_each(rename);
        }
        for i in &mut t.indexes {
            i.keys.iter_mut().for_each(|k| rename(&mut k.0));
        }
        for f in &mut t.foreign_keys {
            f.columns.iter_mut().for_each(rename);
        }
        for other in previous.tables.iter_mut() {
            for f in &mut other.1.foreign_keys {
                if f.references == q {
                    f.referenced_columns.iter_mut().for_each(rename);
                }
            }
        }
        push(
            Step::RenameColumn {
                table: q,
                from: r.from.clone(),
                to: r.to.clone(),
            },
            vec![],
        );
    }
    Ok(())
}
