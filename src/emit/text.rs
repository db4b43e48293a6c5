//! A readable listing of a catalog (`schemagen inspect --format text`).

use std::fmt::Write;

use crate::catalog::quote_ident;
use crate::catalog::{Catalog, FkAction, IndexTarget, Table};

/// Lists the schemas `show` accepts: tables with columns, keys, indexes and policies; enums,
/// views and sequences.
pub fn render(c: &Catalog, show: &dyn Fn(&str) -> bool) -> String {
    let mut out = String::new();
    for s in c.schemas.values().filter(|s| show(&s.name)) {
        let _ = writeln!(out, "schema {}", quote_ident(&s.name));
        for e in s.enums.values() {
            let _ = writeln!(
                out,
                "  enum {} ({})",
                quote_ident(&e.name),
                e.values.join(", ")
            );
        }
        for t in s.tables.values() {
            table(&mut out, t);
        }
        for v in s.views.values() {
            let kind = if v.materialized {
                "materialized view"
            } else {
                "view"
            };
            let _ = writeln!(out, "  {kind} {}", quote_ident(&v.name));
        }
        for q in s.sequences.values() {
            let owner = q
                .owned_by
                .as_ref()
                .map(|(t, c)| format!(" owned by {t}.{c}"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  sequence {} {}{owner}",
                quote_ident(&q.name),
                q.data_type
            );
        }
    }
    out
}

fn table(out: &mut String, t: &Table) {
    let mut flags = Vec::new();
    if t.rls_enabled {
        flags.push("row level security");
    }
    if t.partition_by.is_some() {
        flags.push("partitioned");
    }
    let flags = if flags.is_empty() {
        String::new()
    } else {
        format!(" ({})", flags.join(", "))
    };
    let _ = writeln!(out, "  table {}{flags}", quote_ident(&t.name));
    for col in &t.columns {
        let mut line = format!("    {} {}", quote_ident(&col.name), col.ty.format(true));
        if col.not_null {
            line.push_str(" not null");
        }
        if let Some(d) = &col.default {
            let _ = write!(line, " default {d}");
        }
        if let Some(g) = &col.generated {
            let _ = write!(line, " generated always as ({g}) stored");
        }
        if let Some(i) = &col.identity {
            let _ = write!(line, " identity {i:?}");
        }
        let _ = writeln!(out, "{line}");
    }
    if let Some(pk) = &t.primary_key {
        let _ = writeln!(
            out,
            "    primary key {} ({})",
            pk.name,
            pk.columns.join(", ")
        );
    }
    for u in &t.uniques {
        let _ = writeln!(out, "    unique {} ({})", u.name, u.columns.join(", "));
    }
    for f in &t.foreign_keys {
        let mut line = format!(
            "    foreign key {} ({}) references {} ({})",
            f.name,
            f.columns.join(", "),
            f.references,
            f.referenced_columns.join(", ")
        );
        if f.on_delete != FkAction::NoAction {
            let _ = write!(line, " on delete {}", f.on_delete.sql().to_lowercase());
            if !f.on_delete_columns.is_empty() {
                let _ = write!(line, " ({})", f.on_delete_columns.join(", "));
            }
        }
        if f.on_update != FkAction::NoAction {
            let _ = write!(line, " on update {}", f.on_update.sql().to_lowercase());
        }
        let _ = writeln!(out, "{line}");
    }
    for c in &t.checks {
        let _ = writeln!(out, "    check {} ({})", c.name, c.expression);
    }
    for i in &t.indexes {
        let keys: Vec<String> = i
            .keys
            .iter()
            .map(|k| {
                let mut s = match &k.target {
                    IndexTarget::Column(c) => quote_ident(c),
                    IndexTarget::Expression(e) => format!("({e})"),
                };
                if k.descending {
                    s.push_str(" desc");
                }
                s
            })
            .collect();
        let unique = if i.unique { "unique " } else { "" };
        let mut line = format!(
            "    {unique}index {} {} ({})",
            i.name,
            i.method,
            keys.join(", ")
        );
        if let Some(p) = &i.predicate {
            let _ = write!(line, " where {p}");
        }
        let _ = writeln!(out, "{line}");
    }
    for p in &t.policies {
        let _ = writeln!(
            out,
            "    policy {} for {} to {}",
            quote_ident(&p.name),
            p.command,
            p.roles.join(", ")
        );
    }
}
