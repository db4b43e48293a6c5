//! The syntax tree of a `schema.prisma` file, as much of it as re-introspection needs.
//!
//! Every node keeps the byte span it came from, so that problems can be reported with a line and
//! column. The tree is what the user wrote: names are not resolved and attributes are not checked
//! (that is [`super::resolved`]'s job).

use std::ops::Range;

/// A byte range in the schema text.
pub type Span = Range<usize>;

/// A whole schema file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SchemaAst {
    /// Top-level blocks in file order.
    pub tops: Vec<Top>,
}

/// A top-level block.
#[derive(Debug, Clone, PartialEq)]
pub enum Top {
    /// `generator name { … }`.
    Generator(ConfigBlock),
    /// `datasource name { … }`.
    Datasource(ConfigBlock),
    /// `model Name { … }` or `view Name { … }` (see [`Model::is_view`]).
    Model(Model),
    /// `enum Name { … }`.
    Enum(Enum),
    /// `type Name { … }` (a composite type; MongoDB only, kept so that it can be reported).
    CompositeType(Model),
}

/// A `generator` or `datasource` block.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigBlock {
    /// Block name (`client`, `db`).
    pub name: Ident,
    /// `key = value` lines in order.
    pub properties: Vec<Property>,
    /// `///` documentation above the block.
    pub documentation: Option<String>,
    /// The whole block.
    pub span: Span,
}

impl ConfigBlock {
    /// The value of property `key`.
    pub fn property(&self, key: &str) -> Option<&Expr> {
        self.properties
            .iter()
            .find(|p| p.name.name == key)
            .map(|p| &p.value)
    }
}

/// A `key = value` line of a configuration block.
#[derive(Debug, Clone, PartialEq)]
pub struct Property {
    /// The key.
    pub name: Ident,
    /// The value.
    pub value: Expr,
    /// The whole line.
    pub span: Span,
}

/// An identifier with its span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ident {
    /// The text.
    pub name: String,
    /// Where it is.
    pub span: Span,
}

/// A `model` or `view` block.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// Model name.
    pub name: Ident,
    /// Fields in order.
    pub fields: Vec<Field>,
    /// `@@` attributes in order.
    pub attributes: Vec<Attribute>,
    /// `///` documentation above the block.
    pub documentation: Option<String>,
    /// `view` rather than `model`.
    pub is_view: bool,
    /// The whole block.
    pub span: Span,
}

impl Model {
    /// The first block attribute called `name` (`map`, `schema`, `id`…).
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }

    /// The field called `name`.
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name.name == name)
    }
}

/// How many values a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arity {
    /// `Type`.
    Required,
    /// `Type?`.
    Optional,
    /// `Type[]`.
    List,
}

/// A field's type.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldType {
    /// The type name, or the quoted text of `Unsupported("…")`.
    pub name: String,
    /// `Unsupported("…")`.
    pub unsupported: bool,
    /// `?`, `[]` or neither.
    pub arity: Arity,
    /// Where it is.
    pub span: Span,
}

/// A field of a model or view.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Field name.
    pub name: Ident,
    /// Field type (absent only in broken input, which is reported).
    pub ty: FieldType,
    /// `@` attributes in order.
    pub attributes: Vec<Attribute>,
    /// `///` documentation above the field.
    pub documentation: Option<String>,
    /// The whole line.
    pub span: Span,
}

impl Field {
    /// The first attribute called `name` (`map`, `relation`, `default`…).
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }
}

/// An `enum` block.
#[derive(Debug, Clone, PartialEq)]
pub struct Enum {
    /// Enum name.
    pub name: Ident,
    /// Values in order.
    pub values: Vec<EnumValue>,
    /// `@@` attributes in order.
    pub attributes: Vec<Attribute>,
    /// `///` documentation above the block.
    pub documentation: Option<String>,
    /// The whole block.
    pub span: Span,
}

impl Enum {
    /// The first block attribute called `name`.
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }
}

/// A value of an enum.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumValue {
    /// The value's name.
    pub name: Ident,
    /// `@` attributes in order.
    pub attributes: Vec<Attribute>,
    /// `///` documentation above it.
    pub documentation: Option<String>,
    /// The whole line.
    pub span: Span,
}

impl EnumValue {
    /// The first attribute called `name`.
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }
}

/// A field attribute (`@map("x")`) or block attribute (`@@index([a])`), without its `@`s.
#[derive(Debug, Clone, PartialEq)]
pub struct Attribute {
    /// The dotted name (`map`, `db.VarChar`).
    pub name: String,
    /// Arguments in order.
    pub arguments: Vec<Argument>,
    /// Where it is.
    pub span: Span,
}

impl Attribute {
    /// The argument called `name`, or else the first unnamed one when `name` is the attribute's
    /// default argument (`@map("x")` = `@map(name: "x")`, `@@index([a])` = `fields: [a]`).
    pub fn argument(&self, name: &str) -> Option<&Expr> {
        self.arguments
            .iter()
            .find(|a| a.name.as_deref() == Some(name))
            .map(|a| &a.value)
    }

    /// The first unnamed argument.
    pub fn positional(&self) -> Option<&Expr> {
        self.arguments
            .iter()
            .find(|a| a.name.is_none())
            .map(|a| &a.value)
    }

    /// The named argument `name`, falling back to the first positional one.
    pub fn argument_or_positional(&self, name: &str) -> Option<&Expr> {
        self.argument(name).or_else(|| self.positional())
    }
}

/// An argument of an attribute or function.
#[derive(Debug, Clone, PartialEq)]
pub struct Argument {
    /// `name:` when given.
    pub name: Option<String>,
    /// The value (an empty `name:` argument holds an empty path).
    pub value: Expr,
}

/// A value.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A string literal, unescaped.
    Str(String),
    /// A numeric literal as written.
    Number(String),
    /// A bare (possibly dotted) name: `Cascade`, `true`, `db.Uuid`.
    Path(String),
    /// `[a, b]`.
    Array(Vec<Expr>),
    /// `name(args)`.
    Function(String, Vec<Argument>),
}

impl Expr {
    /// The string, if this is a string literal.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Expr::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The elements, if this is an array.
    pub fn as_array(&self) -> Option<&[Expr]> {
        match self {
            Expr::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The name, if this is a path (constant).
    pub fn as_path(&self) -> Option<&str> {
        match self {
            Expr::Path(p) => Some(p),
            _ => None,
        }
    }

    /// The function name and arguments, if this is a function call.
    pub fn as_function(&self) -> Option<(&str, &[Argument])> {
        match self {
            Expr::Function(name, args) => Some((name, args)),
            _ => None,
        }
    }

    /// Renders the expression back as PSL source, canonically spaced (the way `prisma format`
    /// prints it).
    pub fn to_psl(&self) -> String {
        match self {
            Expr::Str(s) => super::names::string_literal(s),
            Expr::Number(n) => n.clone(),
            Expr::Path(p) => p.clone(),
            Expr::Array(items) => format!(
                "[{}]",
                items
                    .iter()
                    .map(Expr::to_psl)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Expr::Function(name, args) => {
                format!("{name}({})", args_to_psl(args))
            }
        }
    }
}

/// Renders an argument list (without parentheses).
pub fn args_to_psl(args: &[Argument]) -> String {
    args.iter()
        .map(|a| match &a.name {
            Some(n) if a.value == Expr::Path(String::new()) => format!("{n}: "),
            Some(n) => format!("{n}: {}", a.value.to_psl()),
            None => a.value.to_psl(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}
