//! What replay keeps about each view besides the catalog: the relations it reads and its
//! analysed query. Postgres stores a view as a query tree that refers to tables and columns by
//! number, so a view follows renames of what it reads (its definition prints the new names,
//! its own column names stay), and `DROP … CASCADE` drops the views that read the dropped
//! relation.

use std::collections::HashMap;

use super::Replayer;
use crate::pg::deparse::AnalysedView;

/// A view's dependencies and analysed query.
#[derive(Debug, Clone, Default)]
pub(crate) struct ViewState {
    /// The analysed query, when replay printed the definition.
    pub analysed: Option<AnalysedView>,
    /// The tables and views the query reads, `(schema, name)`.
    pub relations: Vec<(String, String)>,
    /// Every column's type was inferred (none was given `text` for want of knowing it).
    pub typed: bool,
}

/// Views by `(schema, name)`.
pub(crate) type ViewStates = HashMap<(String, String), ViewState>;

/// What was renamed in a relation a view reads.
enum Renamed<'a> {
    /// The relation, to `new`.
    Relation(&'a str),
    /// Its column `old`, to `new`.
    Column(&'a str, &'a str),
}

impl Replayer {
    /// Records (or replaces) what is known of view `schema.name`.
    pub(crate) fn remember_view(&mut self, schema: &str, name: &str, mut state: ViewState) {
        // Only relations replay knows are followed (an unknown one must not drop the view).
        state.relations.retain(|(s, r)| {
            self.catalog
                .schemas
                .get(s)
                .is_some_and(|s| s.tables.contains_key(r) || s.views.contains_key(r))
        });
        self.views
            .insert((schema.to_string(), name.to_string()), state);
    }

    /// After relation `schema.old` (a table or a view) was renamed to `new`.
    pub(crate) fn relation_renamed(&mut self, schema: &str, old: &str, new: &str) {
        if let Some(state) = self.views.remove(&(schema.to_string(), old.to_string())) {
            self.views
                .insert((schema.to_string(), new.to_string()), state);
        }
        self.follow(schema, old, Renamed::Relation(new));
        self.policies_follow_rename(schema, old, new);
    }

    /// After relation `from.name` (a table or a view) moved to schema `to`.
    pub(crate) fn relation_moved(&mut self, from: &str, name: &str, to: &str) {
        let old = (from.to_string(), name.to_string());
        let new = (to.to_string(), name.to_string());
        if let Some(state) = self.views.remove(&old) {
            self.views.insert(new.clone(), state);
        }
        self.policies_follow_move(from, name, to);
        let readers: Vec<(String, String)> = self
            .views
            .iter()
            .filter(|(_, s)| s.relations.contains(&old))
            .map(|(k, _)| k.clone())
            .collect();
        for key in readers {
            let Some(state) = self.views.get_mut(&key) else {
                continue;
            };
            for r in &mut state.relations {
                if *r == old {
                    *r = new.clone();
                }
            }
            if let Some(a) = &mut state.analysed {
                a.move_relation(from, name, to);
            }
            self.reprint_view(&key.0, &key.1);
        }
    }

    /// After column `old` of relation `schema.rel` (a table or a view) was renamed to `new`.
    pub(crate) fn column_renamed(&mut self, schema: &str, rel: &str, old: &str, new: &str) {
        // A view's own definition names its outputs after its columns.
        self.reprint_view(schema, rel);
        self.follow(schema, rel, Renamed::Column(old, new));
        self.policies_follow_column(schema, rel, old, new);
    }

    /// Updates the views that read `schema.rel` after a rename.
    fn follow(&mut self, schema: &str, rel: &str, what: Renamed<'_>) {
        let target = (schema.to_string(), rel.to_string());
        let readers: Vec<(String, String)> = self
            .views
            .iter()
            .filter(|(_, s)| s.relations.contains(&target))
            .map(|(k, _)| k.clone())
            .collect();
        for key in readers {
            let Some(state) = self.views.get_mut(&key) else {
                continue;
            };
            match &what {
                Renamed::Relation(new) => {
                    for r in &mut state.relations {
                        if *r == target {
                            r.1 = new.to_string();
                        }
                    }
                    if let Some(a) = &mut state.analysed {
                        a.rename_relation(schema, rel, new);
                    }
                }
                Renamed::Column(old, new) => {
                    if let Some(a) = &mut state.analysed {
                        a.rename_column(schema, rel, old, new);
                    }
                }
            }
            self.reprint_view(&key.0, &key.1);
        }
    }

    /// Prints view `schema.name`'s definition again from its analysed query.
    fn reprint_view(&mut self, schema: &str, name: &str) {
        let key = (schema.to_string(), name.to_string());
        let Some(analysed) = self.views.get(&key).and_then(|s| s.analysed.as_ref()) else {
            return;
        };
        let Some(view) = self
            .catalog
            .schemas
            .get(schema)
            .and_then(|s| s.views.get(name))
        else {
            return;
        };
        let names: Vec<String> = view.columns.iter().map(|c| c.name.clone()).collect();
        let definition = analysed.definition(&names, &self.expr_ctx(&[]));
        if let Some(v) = self.catalog.view_mut(schema, name) {
            v.definition = definition;
        }
    }

    /// Drops the views that read a relation that no longer exists (Postgres drops them with it,
    /// under `CASCADE`), and forgets dropped views.
    pub(crate) fn prune_views(&mut self) {
        loop {
            let exists = |r: &(String, String)| {
                self.catalog
                    .schemas
                    .get(&r.0)
                    .is_some_and(|s| s.tables.contains_key(&r.1) || s.views.contains_key(&r.1))
            };
            let gone: Vec<(String, String)> = self
                .views
                .iter()
                .filter(|(k, s)| !exists(k) || s.relations.iter().any(|r| !exists(r)))
                .map(|(k, _)| k.clone())
                .collect();
            if gone.is_empty() {
                return;
            }
            for key in gone {
                self.views.remove(&key);
                if let Some(s) = self.catalog.schemas.get_mut(&key.0) {
                    s.views.remove(&key.1);
                }
            }
        }
    }
}
