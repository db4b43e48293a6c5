//! Coercions as `parse_coerce.c` builds them: `coerce_to_target_type` (with the length
//! coercion), `coerce_type` (constants re-typed through the type's input function, domains,
//! `COLLATE` pushed down) and the implicit coercions of function and operator arguments.

use super::analyze::Analyzer;
use super::consts;
use super::node::{CoerceKind, Node};
use super::typesys::{CoercionContext, Path, Ty, TyKind};

impl Analyzer<'_, '_> {
    /// `coerce_to_target_type`: the coercion itself, then the length coercion.
    pub fn coerce_to_target(
        &mut self,
        node: Node,
        target: &Ty,
        typmod: &[i64],
        cc: CoercionContext,
        explicit: bool,
    ) -> Node {
        let before_is_same = node.ty() == *target;
        let coerced = self.coerce_type(node, target, cc, explicit);
        let changed = !before_is_same;
        self.coerce_typmod(coerced, target, typmod, explicit, changed)
    }

    /// `coerce_type`.
    pub fn coerce_type(
        &mut self,
        node: Node,
        target: &Ty,
        cc: CoercionContext,
        explicit: bool,
    ) -> Node {
        let source = node.ty();
        if source == *target || target.is("any") || source.is_opaque() || target.is_opaque() {
            return node;
        }
        if target.is_polymorphic() {
            return node;
        }
        // The coercion goes under a COLLATE (which stays only on collatable types).
        if let Node::Collate { arg, collation } = node {
            let inner = self.coerce_type(*arg, target, cc, explicit);
            return if self.ctx.category(target) == b'S' {
                Node::Collate {
                    arg: Box::new(inner),
                    collation,
                }
            } else {
                inner
            };
        }
        if let Node::Const { ty, value, .. } = &node {
            if ty.is_unknown() {
                let base = self.ctx.base_type(target);
                if let Some(v) = value {
                    super::new_enum_values::note(&base, v);
                }
                let value = value
                    .as_ref()
                    .map(|v| consts::normalize(self.ctx, v, &base).unwrap_or_else(|| v.clone()));
                let typmod = Vec::new();
                let c = Node::Const {
                    ty: base.clone(),
                    typmod,
                    value,
                };
                if base != *target {
                    return Node::Coerce {
                        arg: Box::new(c),
                        ty: target.clone(),
                        typmod: Vec::new(),
                        explicit,
                        kind: CoerceKind::Domain,
                    };
                }
                return c;
            }
        }
        if let Node::Raw { ty, text } = &node {
            if ty.is_unknown() {
                return Node::Raw {
                    text: text.clone(),
                    ty: target.clone(),
                };
            }
        }
        if source.is_unknown() {
            // A non-constant unknown (e.g. an uncoerced CASE): relabel.
            return Node::Coerce {
                arg: Box::new(node),
                ty: target.clone(),
                typmod: Vec::new(),
                explicit,
                kind: CoerceKind::Relabel,
            };
        }
        let info = self.ctx.type_info(target);
        if let TyKind::Domain(base, _) = &info.kind {
            // Coerce to the base type, then to the domain.
            let inner = self.coerce_type(node, base, cc, false);
            let inner = hide(inner);
            return Node::Coerce {
                arg: Box::new(inner),
                ty: target.clone(),
                typmod: Vec::new(),
                explicit,
                kind: CoerceKind::Domain,
            };
        }
        let kind = match self.ctx.coercion_pathway(target, &source, cc) {
            Path::Func => CoerceKind::Func,
            Path::Relabel => CoerceKind::Relabel,
            Path::ArrayCoerce => CoerceKind::Array,
            Path::CoerceViaIo => CoerceKind::Io,
            Path::None => CoerceKind::Func,
        };
        // A domain source is first relabelled to its base type (hidden).
        Node::Coerce {
            arg: Box::new(node),
            ty: target.clone(),
            typmod: Vec::new(),
            explicit,
            kind,
        }
    }

    /// `coerce_type_typmod`.
    fn coerce_typmod(
        &mut self,
        node: Node,
        target: &Ty,
        typmod: &[i64],
        explicit: bool,
        hide_input: bool,
    ) -> Node {
        if node.ty() != *target || node.typmod() == typmod || target.is_opaque() {
            return node;
        }
        let node = if hide_input && !node.is_const() {
            hide(node)
        } else {
            node
        };
        let has_length_fn = target.array
            || (target.schema == "pg_catalog"
                && matches!(
                    target.name.as_str(),
                    "varchar"
                        | "bpchar"
                        | "numeric"
                        | "timestamp"
                        | "timestamptz"
                        | "time"
                        | "timetz"
                        | "interval"
                        | "bit"
                        | "varbit"
                ));
        Node::Coerce {
            arg: Box::new(node),
            ty: target.clone(),
            typmod: typmod.to_vec(),
            explicit,
            kind: if has_length_fn && !typmod.is_empty() {
                CoerceKind::Func
            } else {
                CoerceKind::Relabel
            },
        }
    }

    /// `coerce_to_common_type` after `select_common_type`.
    pub fn coerce_all(&mut self, nodes: Vec<Node>, ty: &Ty) -> Vec<Node> {
        nodes.into_iter().map(|n| self.coerce_arg(n, ty)).collect()
    }

    /// An implicit coercion without a length coercion (`make_fn_arguments`,
    /// `coerce_to_common_type`).
    pub fn coerce_arg(&mut self, node: Node, ty: &Ty) -> Node {
        self.coerce_type(node, ty, CoercionContext::Implicit, false)
    }
}

/// Marks a coercion as implicit (`hide_coercion_node`).
pub(crate) fn hide(node: Node) -> Node {
    match node {
        Node::Coerce {
            arg,
            ty,
            typmod,
            kind,
            ..
        } => Node::Coerce {
            arg,
            ty,
            typmod,
            explicit: false,
            kind,
        },
        other => other,
    }
}
