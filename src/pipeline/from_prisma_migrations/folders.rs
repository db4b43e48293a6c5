//! Prisma migration folders: listing them, their checksums, comparing them with the converted
//! files already written, and the converted file's text and header.

use crate::catalog::Catalog;
use crate::diagnostics::{Diagnostic, Diagnostics, FileId, Severity, SourceFile};
use crate::error::{Error, Result};
use crate::sql::rewrite;
use crate::sql::source::parse_migration_name;
use crate::sql::split::{lex, Lexed, RawStatement};
use std::path::{Path, PathBuf};

use super::*;

/// The `<digits>_<name>` folders holding a `migration.sql`, sorted by name (Prisma's order):
/// (folder name, path of its `migration.sql`). Other entries but `migration_lock.toml` are
/// warnings.
pub(super) fn list_prisma_folders(
    dir: &Path,
    diags: &mut Diagnostics,
) -> Result<Vec<(String, PathBuf)>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::Config(format!(
                "{}: the Prisma migrations folder does not exist",
                dir.display()
            )))
        }
        Err(e) => return Err(Error::io(dir, e)),
    };
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if !path.is_dir() {
            if name != "migration_lock.toml" {
                diags.push(Diagnostic::warning(
                    format!(
                        "{}: skipped: Prisma Migrate keeps one folder per migration here",
                        path.display()
                    ),
                    None,
                ));
            }
            continue;
        }
        if parse_migration_name(&format!("{name}.sql")).is_none() {
            diags.push(Diagnostic::warning(
                format!(
                    "{}: skipped: not a Prisma migration folder (<timestamp>_<name>)",
                    path.display()
                ),
                None,
            ));
            continue;
        }
        let sql = path.join("migration.sql");
        if !sql.is_file() {
            diags.push(Diagnostic::warning(
                format!("{}: skipped: it has no migration.sql", path.display()),
                None,
            ));
            continue;
        }
        out.push((name, sql));
    }
    out.sort();
    Ok(out)
}

/// The Prisma checksums named in the leading comment lines of a file.
pub(super) fn header_checksums(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .take_while(|l| l.starts_with("--") || l.trim().is_empty())
        .filter_map(|l| l.strip_prefix(CHECKSUM_LINE))
        .map(|c| c.split_whitespace().next().unwrap_or(""))
}

/// Whether two files hold the same statements (tokens), whitespace and comments aside.
pub(super) fn same_statements(a: &SourceFile, b: &SourceFile) -> bool {
    let sig = |f: &SourceFile| -> Option<Vec<sqlparser::tokenizer::Token>> {
        let l = lex(f, 0, f.text.len()).ok()?;
        Some(
            l.tokens
                .into_iter()
                .map(|t| t.token)
                .filter(|t| !crate::sql::split::is_trivia(t))
                .collect(),
        )
    };
    match (sig(a), sig(b)) {
        (Some(x), Some(y)) => !x.is_empty() && x == y,
        _ => false,
    }
}

/// Whether two catalogs are the same (a replay that changed nothing).
pub(super) fn same_shape(a: &Catalog, b: &Catalog) -> bool {
    let mut a = a.clone();
    let mut b = b.clone();
    a.sort();
    b.sort();
    a == b
}

/// The errors of `local` located in `file`: (statement index, diagnostic) of those that say
/// an object already exists or does not exist (conflicts with the history), and the rest.
pub(super) fn conflicts_of(
    local: &Diagnostics,
    statements: &[RawStatement],
    file: FileId,
) -> (Vec<(usize, Diagnostic)>, Diagnostics) {
    let mut conflicts: Vec<(usize, Diagnostic)> = Vec::new();
    let mut others = Diagnostics::new();
    for d in local.iter() {
        if d.severity != Severity::Error {
            others.push(d.clone());
            continue;
        }
        let at = d.span.filter(|s| s.file == file).and_then(|s| {
            statements.iter().position(|st| {
                st.span.start <= s.start && s.start < st.span.end.max(st.span.start + 1)
            })
        });
        let conflict = is_conflict(d);
        match at {
            Some(i) if conflict && !conflicts.iter().any(|(j, _)| *j == i) => {
                conflicts.push((i, d.clone()))
            }
            Some(_) if conflict => {}
            _ => others.push(d.clone()),
        }
    }
    (conflicts, others)
}

/// Whether an error says that an object exists already or does not exist: a statement that
/// conflicts with what the migrations before it did.
pub(super) fn is_conflict(d: &Diagnostic) -> bool {
    d.message.contains("already exists") || d.message.contains("does not exist")
}

/// The converted file's body: the Prisma migration with the guarded statements replaced and
/// transaction statements commented out; and how many of those there were.
pub(super) fn converted_text(
    text: &str,
    lexed: &Lexed,
    statements: &[RawStatement],
    guarded: &[(usize, String)],
) -> (String, usize) {
    let mut out = String::with_capacity(text.len() + 64 * guarded.len());
    let mut at = 0;
    let mut transaction = 0;
    for (i, s) in statements.iter().enumerate() {
        let replacement = if let Some((_, g)) = guarded.iter().find(|(j, _)| *j == i) {
            Some(g.clone())
        } else if rewrite::is_transaction_control(lexed, s) {
            transaction += 1;
            Some(format!(
                "-- {} (left out: the Supabase CLI applies each file in one transaction)",
                &text[s.span.start..s.span.end]
            ))
        } else {
            None
        };
        if let Some(r) = replacement {
            out.push_str(&text[at..s.span.start]);
            out.push_str(&r);
            at = s.span.end;
            // A commented-out statement takes its `;` along.
            if r.starts_with("-- ") {
                if let Some(semi) = text[at..].find(';') {
                    if text[at..at + semi].trim().is_empty() {
                        at += semi + 1;
                    }
                }
            }
        }
    }
    out.push_str(&text[at..]);
    (out, transaction)
}

pub(super) fn header(source: &Path, checksum: &str, guarded: usize, transaction: usize) -> String {
    let mut h = format!(
        "-- Converted by schemagen {} (sql-from-prisma --from-prisma-migrations) from {}\n{CHECKSUM_LINE}{checksum}\n",
        env!("CARGO_PKG_VERSION"),
        source.display()
    );
    if guarded > 0 {
        h.push_str(&format!(
            "-- {guarded} statement(s) rewritten guarded (--idempotent): they conflict with what earlier migrations created\n"
        ));
    }
    if transaction > 0 {
        h.push_str(&format!(
            "-- {transaction} transaction statement(s) commented out: the Supabase CLI applies each file in one transaction\n"
        ));
    }
    h
}
