//! Names a naming convention chose, by database object; the calculator uses them in place of the
//! engine's names.

use std::collections::HashMap;

use super::FkId;

/// Names chosen by a convention, by database object.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// Model names by table.
    pub models: HashMap<usize, String>,
    /// View names by view.
    pub views: HashMap<usize, String>,
    /// Enum names by enum.
    pub enums: HashMap<usize, String>,
    /// Field names by (table, column).
    pub columns: HashMap<(usize, usize), String>,
    /// Field names by (view, column).
    pub view_columns: HashMap<(usize, usize), String>,
    /// Forward relation field names by foreign key.
    pub forward: HashMap<FkId, String>,
    /// Back-relation field names by foreign key.
    pub back: HashMap<FkId, String>,
    /// Relation names by foreign key.
    pub relation_names: HashMap<FkId, String>,
}
