//! The calculated datamodel: blocks, fields and attributes as the schema engine's
//! `datamodel-renderer` holds them, before `psl::reformat` lays them out. [`super::render()`] turns
//! it into text.

/// Kind of a top-level block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    /// `model`.
    Model,
    /// `view`.
    View,
    /// `enum`.
    Enum,
}

impl BlockKind {
    /// The keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            BlockKind::Model => "model",
            BlockKind::View => "view",
            BlockKind::Enum => "enum",
        }
    }
}

/// A field of a model or view, or a value of an enum (then `ty` is empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// `///` documentation (lines).
    pub docs: Vec<String>,
    /// Written as a `// ` comment.
    pub commented_out: bool,
    /// The name.
    pub name: String,
    /// The type with `?`/`[]` (empty for enum values).
    pub ty: String,
    /// Attributes in the renderer's order, without reformat's sorting (`@map("x")`…).
    pub attributes: Vec<String>,
}

/// A model, view or enum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// Kind.
    pub kind: BlockKind,
    /// `///` documentation (lines).
    pub docs: Vec<String>,
    /// Every line written as a `// ` comment (a table without columns).
    pub commented_out: bool,
    /// The name.
    pub name: String,
    /// Fields or values.
    pub lines: Vec<Line>,
    /// Block attributes in the renderer's order (`@@id(...)`, `@@index(...)`, `@@map(...)`,
    /// `@@ignore`, `@@schema(...)`).
    pub attributes: Vec<String>,
}

/// A `key = value` configuration line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigLine {
    /// The key.
    pub key: String,
    /// The value as PSL.
    pub value: String,
}

/// A `generator` or `datasource` block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigBlock {
    /// `generator` or `datasource`.
    pub keyword: &'static str,
    /// Block name.
    pub name: String,
    /// `///` documentation (lines): psl takes the last comment block inside the block.
    pub docs: Vec<String>,
    /// Lines in order.
    pub lines: Vec<ConfigLine>,
}

/// The whole schema.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Datamodel {
    /// Generators then the datasource.
    pub config: Vec<ConfigBlock>,
    /// Models, then views, then enums.
    pub blocks: Vec<Block>,
}
