//! What replay keeps of row-level security policies besides the catalog: their expressions as
//! analysed trees. PostgreSQL stores `USING` and `WITH CHECK` as trees that refer to tables and
//! columns by number, so `pg_policies` prints later renames: of the policy's table (its columns
//! appear qualified with the table's name inside sub-selects), of the table's columns, and of
//! the relations and columns the sub-selects read, on this table or any other. The catalog's
//! text is printed again from the tree after each such rename.

use std::collections::{BTreeSet, HashMap};

use super::Replayer;
use crate::pg::deparse::AnalysedExpr;

/// The trees of one policy (`None`: the expression is absent, or not modelled: its text then
/// only follows renames of the table's own columns).
#[derive(Debug, Clone, Default)]
pub(crate) struct PolicyTrees {
    /// `USING`.
    pub using: Option<AnalysedExpr>,
    /// `WITH CHECK`.
    pub with_check: Option<AnalysedExpr>,
}

/// A policy's key: `(schema, table, policy)`.
pub(crate) type Key = (String, String, String);

/// Trees by `(schema, table, policy)`, with an index of the policies each relation may concern
/// (so a rename visits those, not every policy of the history).
#[derive(Debug, Clone, Default)]
pub(crate) struct PolicyTreeMap {
    /// Boxed: a tree is large (kilobytes), and the map moves its values when it grows.
    trees: HashMap<Key, Box<PolicyTrees>>,
    /// For each relation `(schema, name)`, the keys of policies on it or whose trees read it: a
    /// superset (entries are added, and dropped only when a rename visits them; a key no longer
    /// in `trees` is skipped).
    by_relation: HashMap<(String, String), BTreeSet<Key>>,
    /// Keys whose trees were handed out for change (`ALTER POLICY`): indexed again before the
    /// next rename.
    dirty: Vec<Key>,
}

impl PolicyTreeMap {
    fn insert(&mut self, key: Key, t: Box<PolicyTrees>) {
        self.index(&key, &t);
        self.trees.insert(key, t);
    }

    /// Adds `key` to the entries of its table and of every relation its trees read.
    fn index(&mut self, key: &Key, t: &PolicyTrees) {
        let mut rels = vec![(key.0.clone(), key.1.clone())];
        for tree in [&t.using, &t.with_check].into_iter().flatten() {
            for r in tree.relations() {
                if !rels.contains(&r) {
                    rels.push(r);
                }
            }
        }
        for r in rels {
            let keys = self.by_relation.entry(r).or_default();
            if !keys.contains(key) {
                keys.insert(key.clone());
            }
        }
    }

    /// Indexes again the trees handed out for change.
    fn reindex_dirty(&mut self) {
        for key in std::mem::take(&mut self.dirty) {
            if let Some(t) = self.trees.remove(&key) {
                self.insert(key, t);
            }
        }
    }

    /// The keys of the policies that may concern relation `schema.name`, in a fixed order,
    /// taken out of the index (the caller indexes them again after changing them).
    fn concerning(&mut self, schema: &str, name: &str) -> Vec<Key> {
        self.reindex_dirty();
        let keys = self
            .by_relation
            .remove(&(schema.to_string(), name.to_string()))
            .unwrap_or_default();
        keys.into_iter()
            .filter(|k| self.trees.contains_key(k))
            .collect()
    }

    /// The policies that may concern relation `schema.name` with their trees, in a fixed
    /// order: those the index names and those changed since it was made.
    fn candidates(&self, schema: &str, name: &str) -> Vec<(&Key, &PolicyTrees)> {
        let indexed = self
            .by_relation
            .get(&(schema.to_string(), name.to_string()))
            .into_iter()
            .flatten();
        let keys: BTreeSet<&Key> = indexed.chain(&self.dirty).collect();
        keys.into_iter()
            .filter_map(|k| self.trees.get_key_value(k))
            .map(|(k, t)| (k, &**t))
            .collect()
    }
}

/// What was renamed or moved.
enum Change<'a> {
    /// Relation `schema.old` renamed to `new`.
    Relation(&'a str, &'a str, &'a str),
    /// Relation `from.name` moved to schema `to`.
    Moved(&'a str, &'a str, &'a str),
    /// Column `old` of `schema.rel` renamed to `new`.
    Column(&'a str, &'a str, &'a str, &'a str),
}

impl Replayer {
    /// Records the trees of policy `name` on `schema.table` (replacing what was known).
    pub(crate) fn remember_policy(
        &mut self,
        schema: &str,
        table: &str,
        name: &str,
        t: PolicyTrees,
    ) {
        self.policy_trees.insert(
            (schema.to_string(), table.to_string(), name.to_string()),
            Box::new(t),
        );
    }

    /// The trees of a policy, to update (`ALTER POLICY`).
    pub(crate) fn policy_trees_mut(
        &mut self,
        schema: &str,
        table: &str,
        name: &str,
    ) -> &mut PolicyTrees {
        let key = (schema.to_string(), table.to_string(), name.to_string());
        let map = &mut self.policy_trees;
        map.dirty.push(key.clone());
        map.trees.entry(key).or_default()
    }

    /// Whether policy `key` still exists in the catalog: a policy gone with `DROP POLICY`, with
    /// its table (`DROP TABLE`, `DROP SCHEMA … CASCADE`) or by a rename whose key was not
    /// followed no longer depends on anything, as `pg_depend` forgets it with the policy.
    fn policy_exists(&self, key: &Key) -> bool {
        self.catalog
            .schemas
            .get(&key.0)
            .and_then(|s| s.tables.get(&key.1))
            .is_some_and(|t| t.policies.iter().any(|p| p.name == key.2))
    }

    /// Forgets the trees of a policy that was dropped (`DROP POLICY`).
    pub(crate) fn forget_policy(&mut self, schema: &str, table: &str, name: &str) {
        self.policy_trees
            .trees
            .remove(&(schema.to_string(), table.to_string(), name.to_string()));
    }

    /// Forgets the trees of every policy of table `schema.table` (dropped with it).
    pub(crate) fn forget_table_policies(&mut self, schema: &str, table: &str) {
        self.policy_trees
            .trees
            .retain(|(s, t, _), _| (s.as_str(), t.as_str()) != (schema, table));
    }

    /// The policies `(schema, table, name)` whose modelled expressions read column `col` of
    /// `schema.rel` (on that table, or in a sub-select), in a fixed order.
    pub(crate) fn policies_reading_column(&self, schema: &str, rel: &str, col: &str) -> Vec<Key> {
        self.policy_trees
            .candidates(schema, rel)
            .into_iter()
            .filter(|(k, _)| self.policy_exists(k))
            .filter(|((s, t, _), trees)| {
                [&trees.using, &trees.with_check]
                    .into_iter()
                    .flatten()
                    .any(|e| e.reads_column(schema, rel, col, (s.as_str(), t.as_str())))
            })
            .map(|(k, _)| k.clone())
            .collect()
    }

    /// The policies on other tables than `schema.rel` whose sub-selects read it.
    pub(crate) fn policies_reading_relation(&self, schema: &str, rel: &str) -> Vec<Key> {
        self.policy_trees
            .candidates(schema, rel)
            .into_iter()
            .filter(|(k, _)| self.policy_exists(k))
            .filter(|((s, t, _), trees)| {
                (s.as_str(), t.as_str()) != (schema, rel)
                    && [&trees.using, &trees.with_check]
                        .into_iter()
                        .flatten()
                        .any(|e| e.reads_relation(schema, rel))
            })
            .map(|(k, _)| k.clone())
            .collect()
    }

    /// Forgets a policy dropped with what it read (`CASCADE`).
    pub(crate) fn drop_policy_cascaded(&mut self, key: &Key) {
        self.policy_trees.trees.remove(key);
        if let Some(t) = self
            .catalog
            .schemas
            .get_mut(&key.0)
            .and_then(|s| s.tables.get_mut(&key.1))
        {
            t.policies.retain(|p| p.name != key.2);
        }
    }

    /// `ALTER POLICY old ON schema.table RENAME TO new`.
    pub(crate) fn policy_renamed(&mut self, schema: &str, table: &str, old: &str, new: &str) {
        if let Some(t) = self.policy_trees.trees.remove(&(
            schema.to_string(),
            table.to_string(),
            old.to_string(),
        )) {
            self.remember_policy(schema, table, new, *t);
        }
    }

    /// After relation `schema.old` (a table or a view) was renamed to `new`.
    pub(crate) fn policies_follow_rename(&mut self, schema: &str, old: &str, new: &str) {
        self.policies_follow(Change::Relation(schema, old, new));
    }

    /// After relation `from.name` moved to schema `to`.
    pub(crate) fn policies_follow_move(&mut self, from: &str, name: &str, to: &str) {
        self.policies_follow(Change::Moved(from, name, to));
    }

    /// After column `old` of `schema.rel` was renamed to `new`.
    pub(crate) fn policies_follow_column(&mut self, schema: &str, rel: &str, old: &str, new: &str) {
        self.policies_follow(Change::Column(schema, rel, old, new));
    }

    fn policies_follow(&mut self, change: Change<'_>) {
        if self.policy_trees.trees.is_empty() {
            return;
        }
        let (schema, rel) = match change {
            Change::Relation(schema, old, _) => (schema, old),
            Change::Moved(from, name, _) => (from, name),
            Change::Column(schema, rel, ..) => (schema, rel),
        };
        // Only the policies on that relation or reading it can change; their index entries are
        // made again from what their trees read after the change.
        let keys = self.policy_trees.concerning(schema, rel);
        let mut changed = Vec::new();
        for key in keys {
            let Some(mut trees) = self.policy_trees.trees.remove(&key) else {
                continue;
            };
            let (s, t, p) = &key;
            let own = (s.as_str(), t.as_str());
            let mut hit = false;
            for tree in [&mut trees.using, &mut trees.with_check]
                .into_iter()
                .flatten()
            {
                hit |= match change {
                    Change::Relation(schema, old, new) => {
                        tree.rename_relation(schema, old, new, own)
                    }
                    Change::Moved(from, name, to) => tree.move_relation(from, name, to),
                    Change::Column(schema, rel, old, new) => {
                        tree.rename_column(schema, rel, old, new, own)
                    }
                };
            }
            // A column of the policy's own table: its text was renamed word by word with the
            // table's other expressions; the tree says which words were that column.
            if matches!(change, Change::Column(schema, rel, ..) if own == (schema, rel)) {
                hit |= trees.using.is_some() || trees.with_check.is_some();
            }
            // The policy's table itself renamed or moved: the key follows.
            let new_key = match change {
                Change::Relation(schema, old, new) if own == (schema, old) => {
                    (s.clone(), new.to_string(), p.clone())
                }
                Change::Moved(from, name, to) if own == (from, name) => {
                    (to.to_string(), t.clone(), p.clone())
                }
                _ => key.clone(),
            };
            if hit || new_key != key {
                changed.push(new_key.clone());
            }
            self.policy_trees.insert(new_key, trees);
        }
        for key in changed {
            self.reprint_policy(&key);
        }
    }

    /// Prints a policy's expressions again from their trees.
    fn reprint_policy(&mut self, key: &(String, String, String)) {
        let (s, t, p) = key;
        let Some(table) = self.catalog.schemas.get(s).and_then(|x| x.tables.get(t)) else {
            self.policy_trees.trees.remove(key);
            return;
        };
        if !table.policies.iter().any(|x| &x.name == p) {
            self.policy_trees.trees.remove(key);
            return;
        }
        let Some(trees) = self.policy_trees.trees.get(key) else {
            return;
        };
        let ctx = self.table_ctx(s, t, &table.columns);
        let using = trees.using.as_ref().map(|e| e.print(&ctx));
        let with_check = trees.with_check.as_ref().map(|e| e.print(&ctx));
        let table = self.table_mut(s, t);
        if let Some(x) = table.policies.iter_mut().find(|x| &x.name == p) {
            if using.is_some() {
                x.using = using;
            }
            if with_check.is_some() {
                x.with_check = with_check;
            }
        }
    }
}
