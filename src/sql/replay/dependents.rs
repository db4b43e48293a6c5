//! What depends on a column or a relation, as PostgreSQL records it in `pg_depend`: a view
//! depends on the relations and columns its query reads, a policy on the columns and relations
//! its expressions read. While they exist, PostgreSQL refuses to drop those (without `CASCADE`,
//! which drops the views and policies too) and to change such a column's type. Only what replay
//! modelled is known: a view or policy whose query it could not analyse never stops a
//! statement.

use super::policies::Key;
use super::table::depends_error;
use super::{ReplayError, Replayer, SqlState, R};

impl Replayer {
    /// The views `(schema, name)` whose query reads column `col` of `schema.rel`, in a fixed
    /// order.
    fn views_reading_column(&self, schema: &str, rel: &str, col: &str) -> Vec<(String, String)> {
        let target = (schema.to_string(), rel.to_string());
        let mut out: Vec<(String, String)> = self
            .views
            .iter()
            .filter(|(_, v)| v.relations.contains(&target))
            .filter(|(_, v)| {
                v.analysed
                    .as_ref()
                    .is_some_and(|a| a.reads_column(schema, rel, col))
            })
            .map(|(k, _)| k.clone())
            .collect();
        out.sort();
        out
    }

    /// `ALTER COLUMN … TYPE` on column `col` of `schema.table`: refused while a view or a
    /// policy reads the column (even for the same type), as PostgreSQL refuses it.
    pub(crate) fn column_type_can_change(&self, schema: &str, table: &str, col: &str) -> R<()> {
        if let Some((_, v)) = self.views_reading_column(schema, table, col).first() {
            return Err(ReplayError::new(
                SqlState::FeatureNotSupported,
                format!(
                    "cannot alter type of a column used by a view or rule (view {v} depends on column \"{col}\")"
                ),
            ));
        }
        if let Some((_, t, p)) = self.policies_reading_column(schema, table, col).first() {
            return Err(ReplayError::new(
                SqlState::FeatureNotSupported,
                format!(
                    "cannot alter type of a column used in a policy definition (policy {p} on table {t} depends on column \"{col}\")"
                ),
            ));
        }
        let t = &self.catalog.schemas[schema].tables[table];
        if let Some(g) = t.columns.iter().find(|c| {
            c.name != col
                && c.generated
                    .as_deref()
                    .is_some_and(|e| super::objects::mentions_identifier(e, col, ""))
        }) {
            return Err(ReplayError::new(
                SqlState::FeatureNotSupported,
                format!(
                    "cannot alter type of a column used by a generated column (column \"{col}\" is used by generated column \"{}\")",
                    g.name
                ),
            ));
        }
        Ok(())
    }

    /// `DROP COLUMN col` of `schema.table`: the views and policies reading it stop the statement
    /// (naming the first) or, with `CASCADE`, are dropped.
    pub(crate) fn drop_column_dependents(
        &mut self,
        schema: &str,
        table: &str,
        col: &str,
        cascade: bool,
    ) -> R<()> {
        let views = self.views_reading_column(schema, table, col);
        // A policy on the table itself reading only this column goes with it too in PostgreSQL
        // only under CASCADE: it depends on the column like any other.
        let policies = self.policies_reading_column(schema, table, col);
        let what = format!("column {col} of table {table}");
        self.drop_dependents(&what, views, policies, cascade)
    }

    /// `DROP TABLE|VIEW schema.rel`: the views and the policies of other tables that read it
    /// stop the statement (naming the first) or, with `CASCADE`, are dropped. `dropping`: every
    /// relation the statement drops (a dependent among them is no obstacle).
    pub(crate) fn drop_relation_dependents(
        &mut self,
        kind: &str,
        schema: &str,
        rel: &str,
        dropping: &[(String, String)],
        cascade: bool,
    ) -> R<()> {
        let target = (schema.to_string(), rel.to_string());
        let mut views: Vec<(String, String)> = self
            .views
            .iter()
            .filter(|(k, v)| **k != target && v.relations.contains(&target))
            .map(|(k, _)| k.clone())
            .filter(|k| !dropping.contains(k))
            .collect();
        views.sort();
        let policies: Vec<Key> = self
            .policies_reading_relation(schema, rel)
            .into_iter()
            .filter(|(s, t, _)| !dropping.contains(&(s.clone(), t.clone())))
            .collect();
        self.drop_dependents(&format!("{kind} {rel}"), views, policies, cascade)
    }

    fn drop_dependents(
        &mut self,
        what: &str,
        views: Vec<(String, String)>,
        policies: Vec<Key>,
        cascade: bool,
    ) -> R<()> {
        if !cascade {
            if let Some((_, v)) = views.first() {
                return Err(depends_error(what, &format!("view {v}")));
            }
            if let Some((_, t, p)) = policies.first() {
                return Err(depends_error(what, &format!("policy {p} on table {t}")));
            }
            return Ok(());
        }
        for (s, v) in views {
            if let Some(schema) = self.catalog.schemas.get_mut(&s) {
                schema.views.remove(&v);
            }
        }
        for key in &policies {
            self.drop_policy_cascaded(key);
        }
        // Views reading the dropped views go too.
        self.prune_views();
        Ok(())
    }
}

/// Finds calls of one function in expression texts (as the catalog prints them).
pub(crate) struct CallFinder<'a> {
    schema: &'a str,
    name: &'a str,
    /// Unqualified calls count (the name resolves to that schema's function on the search path).
    bare: bool,
    /// The name, in any ASCII case: a text that never contains it is not tokenized (a
    /// `DROP FUNCTION` looks at every default, check, policy and view of the catalog). `None`
    /// for a name with `"` (written doubled inside quotes): every text is tokenized.
    needle: Option<aho_corasick::AhoCorasick>,
}

impl<'a> CallFinder<'a> {
    pub(crate) fn new(schema: &'a str, name: &'a str, bare: bool) -> Self {
        let needle = (!name.is_empty() && !name.contains('"'))
            .then(|| {
                aho_corasick::AhoCorasick::builder()
                    .ascii_case_insensitive(true)
                    .build([name])
                    .ok()
            })
            .flatten();
        CallFinder {
            schema,
            name,
            bare,
            needle,
        }
    }

    /// Whether `text` calls the function: qualified with its schema, or unqualified when `bare`.
    pub(crate) fn calls(&self, text: &str) -> bool {
        if self.needle.as_ref().is_some_and(|n| !n.is_match(text)) {
            return false;
        }
        calls_function(text, self.schema, self.name, self.bare)
    }
}

/// Whether expression text `text` (as the catalog prints it) calls a function named `name`:
/// qualified with `schema`, or unqualified when `bare` (the name resolves to that schema's
/// function on the search path).
fn calls_function(text: &str, schema: &str, name: &str, bare: bool) -> bool {
    crate::sql::replay::objects::function_call_ranges(text, schema, name, bare)
        .is_some_and(|hits| !hits.is_empty())
}

/// The catalog's texts in one buffer, and where each starts with its [`text_key`]: kept from
/// one `DROP FUNCTION` to the next (the buffer's pages are not fresh each time).
type Texts = (String, Vec<(usize, (usize, usize))>);

thread_local! {
    /// See [`Replayer::texts_mentioning`].
    static TEXTS: std::cell::RefCell<Texts> = const {
        std::cell::RefCell::new((String::new(), Vec::new()))
    };
}

/// A text's identity while the catalog is borrowed: where its bytes are, and how many.
fn text_key(text: &str) -> (usize, usize) {
    (text.as_ptr() as usize, text.len())
}

/// What calls a function and goes with it under `CASCADE`.
#[derive(Debug, Default)]
pub(crate) struct Callers {
    /// Columns whose default calls it `(schema, table, column)`: the default is dropped.
    defaults: Vec<(String, String, String)>,
    /// Generated columns whose expression calls it: the column is dropped.
    generated: Vec<(String, String, String)>,
    /// Check constraints `(schema, table, name)` calling it: dropped.
    checks: Vec<(String, String, String)>,
    /// Indexes `(schema, table, name)` with a key or predicate calling it (or a key with an
    /// extension's operator class): dropped.
    pub(crate) indexes: Vec<(String, String, String)>,
    /// Exclusion constraints `(schema, table, name)` with an extension's operator class: dropped.
    pub(crate) exclusions: Vec<(String, String, String)>,
    /// Policies calling it: dropped.
    policies: Vec<Key>,
    /// Views `(schema, name)` whose definition calls it: dropped.
    views: Vec<(String, String)>,
}

impl Callers {
    /// The first dependent, as PostgreSQL names it.
    pub(crate) fn first(&self) -> Option<String> {
        if let Some((_, t, c)) = self.defaults.first() {
            return Some(format!("default value for column {c} of table {t}"));
        }
        if let Some((_, t, c)) = self.generated.first() {
            return Some(format!("column {c} of table {t}"));
        }
        if let Some((_, t, c)) = self.checks.first() {
            return Some(format!("constraint {c} on table {t}"));
        }
        if let Some((_, _, i)) = self.indexes.first() {
            return Some(format!("index {i}"));
        }
        if let Some((_, t, c)) = self.exclusions.first() {
            return Some(format!("constraint {c} on table {t}"));
        }
        if let Some((_, t, p)) = self.policies.first() {
            return Some(format!("policy {p} on table {t}"));
        }
        self.views.first().map(|(_, v)| format!("view {v}"))
    }
}

impl Replayer {
    /// Whether an unqualified call of `name` in the catalog's text means schema `schema`'s
    /// function: the first schema with a function of that name on the path expressions are
    /// printed with.
    pub(crate) fn bare_call_resolves_to(&self, schema: &str, name: &str) -> bool {
        crate::pg::deparse::supabase_display_path()
            .iter()
            .find(|s| {
                self.catalog
                    .schemas
                    .get(s.as_str())
                    .is_some_and(|x| x.functions.contains(name))
            })
            .is_some_and(|s| s == schema)
    }

    /// What calls function `schema.name` (any of its overloads) in the catalog.
    pub(crate) fn function_callers(&self, schema: &str, name: &str) -> Callers {
        let bare = self.bare_call_resolves_to(schema, name);
        let finder = CallFinder::new(schema, name, bare);
        let Some(needle) = finder.needle.as_ref().filter(|_| !name.contains('\0')) else {
            return self.callers_where(|t| finder.calls(t));
        };
        // One search of all the texts at once: most names are in none of them.
        let mentioning = self.texts_mentioning(needle);
        if mentioning.is_empty() {
            return Callers::default();
        }
        self.callers_where(|t| {
            mentioning.binary_search(&text_key(t)).is_ok() && calls_function(t, schema, name, bare)
        })
    }

    /// The texts [`Self::callers_where`] reads that contain `needle` (as [`text_key`]s,
    /// sorted). They are searched in one buffer, each followed by a NUL (which no name
    /// contains: a match never spans two texts): a search per text costs more than the
    /// search itself on the catalog's many short texts.
    fn texts_mentioning(&self, needle: &aho_corasick::AhoCorasick) -> Vec<(usize, usize)> {
        TEXTS.with(|texts| {
            {
                let (buffer, starts) = &mut *texts.borrow_mut();
                buffer.clear();
                starts.clear();
            }
            // Never calling: every text is read (nothing short-circuits).
            self.callers_where(|t| {
                let (buffer, starts) = &mut *texts.borrow_mut();
                starts.push((buffer.len(), text_key(t)));
                buffer.push_str(t);
                buffer.push('\0');
                false
            });
            let (buffer, starts) = &*texts.borrow();
            let mut out: Vec<(usize, usize)> = needle
                .find_iter(buffer.as_str())
                .filter_map(|m| {
                    let i = starts.partition_point(|(at, _)| *at <= m.start());
                    starts.get(i.checked_sub(1)?).map(|(_, key)| *key)
                })
                .collect();
            out.sort_unstable();
            out.dedup();
            out
        })
    }

    /// What in the catalog has a text for which `calls` holds (a default, generated column,
    /// check, index key or predicate, policy expression, view definition). Texts are read in
    /// a fixed order; a text is skipped only when `calls` held for another of its object.
    fn callers_where(&self, calls: impl Fn(&str) -> bool + Copy) -> Callers {
        let mut out = Callers::default();
        for (sn, s) in &self.catalog.schemas {
            for t in s.tables.values() {
                for c in &t.columns {
                    let key = || (sn.clone(), t.name.clone(), c.name.clone());
                    if c.generated.as_deref().is_some_and(calls) {
                        out.generated.push(key());
                    } else if c.default.as_deref().is_some_and(calls) {
                        out.defaults.push(key());
                    }
                }
                for k in &t.checks {
                    if calls(&k.expression) {
                        out.checks
                            .push((sn.clone(), t.name.clone(), k.name.clone()));
                    }
                }
                for i in &t.indexes {
                    let keys = i.keys.iter().filter_map(|k| match &k.target {
                        crate::catalog::IndexTarget::Expression(e) => Some(e.as_str()),
                        crate::catalog::IndexTarget::Column(_) => None,
                    });
                    if keys.chain(i.predicate.as_deref()).any(calls) {
                        out.indexes
                            .push((sn.clone(), t.name.clone(), i.name.clone()));
                    }
                }
                for p in &t.policies {
                    if [&p.using, &p.with_check]
                        .into_iter()
                        .flatten()
                        .any(|e| calls(e))
                    {
                        out.policies
                            .push((sn.clone(), t.name.clone(), p.name.clone()));
                    }
                }
            }
            for v in s.views.values() {
                if calls(&v.definition) {
                    out.views.push((sn.clone(), v.name.clone()));
                }
            }
        }
        out.views.sort();
        out
    }

    /// Rewrites every text of `callers` with `f` (a renamed function: see
    /// [`crate::sql::replay::objects::rename_function_calls`]).
    pub(crate) fn rewrite_callers(&mut self, callers: &Callers, f: &dyn Fn(&str) -> String) {
        let columns = callers.defaults.iter().chain(&callers.generated);
        for (s, t, c) in columns {
            if let Some(col) = self
                .catalog
                .table_mut(s, t)
                .and_then(|t| t.columns.iter_mut().find(|x| &x.name == c))
            {
                for text in [&mut col.default, &mut col.generated].into_iter().flatten() {
                    *text = f(text);
                }
            }
        }
        for (s, t, c) in &callers.checks {
            if let Some(k) = self
                .catalog
                .table_mut(s, t)
                .and_then(|t| t.checks.iter_mut().find(|k| &k.name == c))
            {
                k.expression = f(&k.expression);
            }
        }
        for (s, t, i) in &callers.indexes {
            if let Some(i) = self
                .catalog
                .table_mut(s, t)
                .and_then(|t| t.indexes.iter_mut().find(|x| &x.name == i))
            {
                for k in &mut i.keys {
                    if let crate::catalog::IndexTarget::Expression(e) = &mut k.target {
                        *e = f(e);
                    }
                }
                if let Some(p) = &mut i.predicate {
                    *p = f(p);
                }
            }
        }
        for (s, t, p) in &callers.policies {
            if let Some(p) = self
                .catalog
                .table_mut(s, t)
                .and_then(|t| t.policies.iter_mut().find(|x| &x.name == p))
            {
                for text in [&mut p.using, &mut p.with_check].into_iter().flatten() {
                    *text = f(text);
                }
            }
        }
        for (s, v) in &callers.views {
            if let Some(v) = self
                .catalog
                .schemas
                .get_mut(s)
                .and_then(|x| x.views.get_mut(v))
            {
                v.definition = f(&v.definition);
            }
        }
    }

    /// `DROP FUNCTION|EXTENSION …`: what calls the dropped functions stops the statement
    /// (`what`: the object as PostgreSQL names it) or, with `CASCADE`, goes with them.
    pub(crate) fn drop_callers(&mut self, what: &str, callers: Callers, cascade: bool) -> R<()> {
        if !cascade {
            return match callers.first() {
                Some(dep) => Err(super::table::depends_error(what, &dep)),
                None => Ok(()),
            };
        }
        for (s, t, c) in callers.defaults {
            if let Some(col) = self
                .catalog
                .table_mut(&s, &t)
                .and_then(|t| t.columns.iter_mut().find(|x| x.name == c))
            {
                col.default = None;
            }
        }
        for (s, t, c) in callers.checks {
            if let Some(t) = self.catalog.table_mut(&s, &t) {
                t.checks.retain(|k| k.name != c);
            }
        }
        for (s, t, i) in callers.indexes {
            if let Some(t) = self.catalog.table_mut(&s, &t) {
                t.indexes.retain(|x| x.name != i);
            }
        }
        for (s, t, x) in callers.exclusions {
            if let Some(t) = self.catalog.table_mut(&s, &t) {
                t.exclusions.retain(|c| c.name != x);
            }
        }
        for key in &callers.policies {
            self.drop_policy_cascaded(key);
        }
        for (s, v) in callers.views {
            if let Some(schema) = self.catalog.schemas.get_mut(&s) {
                schema.views.remove(&v);
            }
        }
        self.prune_views();
        for (s, t, c) in callers.generated {
            self.drop_column_if_present(&s, &t, &c)?;
        }
        Ok(())
    }

    /// Drops column `schema.table.column` with what depends on it (`CASCADE`), when an earlier
    /// drop of the same statement has not already taken it.
    pub(crate) fn drop_column_if_present(&mut self, s: &str, t: &str, c: &str) -> R<()> {
        let present = self
            .catalog
            .schemas
            .get(s)
            .and_then(|x| x.tables.get(t))
            .is_some_and(|x| x.columns.iter().any(|y| y.name == c));
        if present {
            self.drop_column(s, t, c, true)?;
        }
        Ok(())
    }
}
