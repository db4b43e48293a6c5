//! The analysed expression tree: the subset of Postgres's primitive nodes (`Const`, `Var`,
//! `FuncExpr`, `OpExpr`, `RelabelType`, …) that `ruleutils.c` prints from.

mod walk;

use super::funcs::{Func, Oper};
use super::query::Query;
use super::typesys::Ty;

/// An analysed expression.
#[derive(Debug, Clone)]
pub(crate) enum Node {
    /// A constant; `value` is the type's output text (`None` for NULL).
    Const {
        /// Type (`unknown` for an uncoerced literal).
        ty: Ty,
        /// Type modifiers (only kept for `interval`).
        typmod: Vec<i64>,
        /// Output text.
        value: Option<String>,
    },
    /// A column reference.
    Var {
        /// Column name.
        name: String,
        /// Name of the range-table entry it belongs to (printed when prefixes are on).
        rel: String,
        /// Type.
        ty: Ty,
        /// Column modifiers.
        typmod: Vec<i64>,
    },
    /// A whole-row reference (`tab.*` / `tab`).
    WholeRow {
        /// Range-table entry name.
        rel: String,
        /// Row type.
        ty: Ty,
    },
    /// A function call.
    Func(Box<FuncCall>),
    /// An operator (prefix when it has one argument).
    Op {
        /// The operator.
        oper: Oper,
        /// Operands after coercion.
        args: Vec<Node>,
        /// Result type.
        ty: Ty,
    },
    /// AND / OR / NOT.
    Bool {
        /// Which.
        op: BoolOp,
        /// Operands.
        args: Vec<Node>,
    },
    /// `IS [NOT] NULL`.
    NullTest {
        /// Operand.
        arg: Box<Node>,
        /// `IS NOT NULL`.
        not: bool,
    },
    /// `IS [NOT] TRUE|FALSE|UNKNOWN` (`test` is the printed suffix).
    BoolTest {
        /// Operand.
        arg: Box<Node>,
        /// `" IS TRUE"` etc.
        test: &'static str,
    },
    /// `IS DISTINCT FROM`.
    Distinct {
        /// Operands.
        args: Vec<Node>,
    },
    /// `NULLIF(a, b)`.
    NullIf {
        /// Operands.
        args: Vec<Node>,
        /// Result type.
        ty: Ty,
    },
    /// `x op ANY|ALL (array)`.
    ScalarArray {
        /// The operator.
        oper: Oper,
        /// ANY (true) or ALL.
        any: bool,
        /// Operands.
        args: Vec<Node>,
    },
    /// `ARRAY[…]`.
    Array {
        /// Array type.
        ty: Ty,
        /// Elements.
        elems: Vec<Node>,
    },
    /// A coercion (`RelabelType`, cast `FuncExpr`, `CoerceViaIO`, `ArrayCoerceExpr`,
    /// `CoerceToDomain`, length coercion).
    Coerce {
        /// Operand.
        arg: Box<Node>,
        /// Target type.
        ty: Ty,
        /// Target modifiers.
        typmod: Vec<i64>,
        /// Shown even when implicit coercions are hidden.
        explicit: bool,
        /// Node kind (matters for pretty parenthesisation).
        kind: CoerceKind,
    },
    /// `CASE`.
    Case {
        /// `CASE arg WHEN …` operand.
        arg: Option<Box<Node>>,
        /// `WHEN` conditions (or compared values) and results.
        whens: Vec<(Node, Node)>,
        /// `ELSE` result.
        default: Box<Node>,
        /// Result type.
        ty: Ty,
    },
    /// `COALESCE(…)`.
    Coalesce {
        /// Arguments.
        args: Vec<Node>,
        /// Result type.
        ty: Ty,
    },
    /// `GREATEST(…)` / `LEAST(…)`.
    MinMax {
        /// GREATEST.
        greatest: bool,
        /// Arguments.
        args: Vec<Node>,
        /// Result type.
        ty: Ty,
    },
    /// `CURRENT_TIMESTAMP`, `CURRENT_USER`, … (`SQLValueFunction`).
    SqlValue {
        /// Printed keyword.
        name: &'static str,
        /// `(precision)`.
        typmod: Option<i64>,
        /// Type.
        ty: Ty,
    },
    /// A sub-select.
    SubLink(Box<SubLink>),
    /// `ROW(…)`.
    Row {
        /// Fields.
        args: Vec<Node>,
    },
    /// `(x).field`.
    FieldSelect {
        /// Operand.
        arg: Box<Node>,
        /// Field.
        field: String,
        /// Type.
        ty: Ty,
        /// The attribute's modifiers (`resulttypmod`).
        typmod: Vec<i64>,
    },
    /// `x[i]`, `x[a:b]`.
    Subscript {
        /// Operand.
        arg: Box<Node>,
        /// Subscripts: lower (or index), upper, is_slice.
        subs: Vec<(Option<Node>, Option<Node>, bool)>,
        /// Type.
        ty: Ty,
    },
    /// `x COLLATE "c"`.
    Collate {
        /// Operand.
        arg: Box<Node>,
        /// Collation name as printed.
        collation: String,
    },
    /// `name => value` in a call.
    Named {
        /// Parameter name.
        name: String,
        /// Value.
        arg: Box<Node>,
    },
    /// Something not modelled, printed as given.
    Raw {
        /// Text.
        text: String,
        /// Guessed type.
        ty: Ty,
    },
}

/// Boolean operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BoolOp {
    /// AND.
    And,
    /// OR.
    Or,
    /// NOT.
    Not,
}

/// Which node a coercion is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CoerceKind {
    /// `RelabelType`.
    Relabel,
    /// A cast function or a length coercion (`FuncExpr`).
    Func,
    /// `CoerceViaIO`.
    Io,
    /// `ArrayCoerceExpr`.
    Array,
    /// `CoerceToDomain`.
    Domain,
}

/// A function call.
#[derive(Debug, Clone)]
pub(crate) struct FuncCall {
    /// The function.
    pub func: Func,
    /// Arguments after coercion.
    pub args: Vec<Node>,
    /// Result type.
    pub ty: Ty,
    /// How it was written.
    pub syntax: Syntax,
    /// `VARIADIC` shown.
    pub variadic: bool,
    /// `*` (`count(*)`).
    pub star: bool,
    /// `DISTINCT` in an aggregate.
    pub distinct: bool,
    /// `ORDER BY` inside the arguments, `FILTER` and `OVER` (aggregates and window functions).
    pub agg: Option<Box<AggExtra>>,
}

/// A sort key: expression, `DESC`, `NULLS FIRST`.
pub(crate) type SortItem = (Node, bool, bool);

/// What an aggregate or window function call carries besides its arguments.
#[derive(Debug, Clone, Default)]
pub(crate) struct AggExtra {
    /// `ORDER BY` inside the argument list, or of `WITHIN GROUP` (then the call's arguments
    /// are the direct ones).
    pub order: Vec<SortItem>,
    /// An ordered-set aggregate (`percentile_cont(0.5) WITHIN GROUP (ORDER BY x)`).
    pub within_group: bool,
    /// `FILTER (WHERE …)`.
    pub filter: Option<Node>,
    /// `OVER …`.
    pub over: Option<WindowRef>,
}

/// The window of a window function call.
#[derive(Debug, Clone)]
pub(crate) enum WindowRef {
    /// `OVER w`, a window of the `WINDOW` clause.
    Named(String),
    /// `OVER (…)`.
    Spec(WindowSpec),
}

/// A window specification (`WindowClause`).
#[derive(Debug, Clone, Default)]
pub(crate) struct WindowSpec {
    /// The window it copies (`OVER (w ORDER BY …)`).
    pub base: Option<String>,
    /// `PARTITION BY`.
    pub partition: Vec<Node>,
    /// `ORDER BY`.
    pub order: Vec<SortItem>,
    /// The frame clause as printed (`ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW`), its
    /// offsets analysed.
    pub frame: Option<Frame>,
}

impl WindowSpec {
    /// The expressions of the specification.
    pub fn nodes(&self) -> Vec<&Node> {
        let mut out: Vec<&Node> = self.partition.iter().collect();
        out.extend(self.order.iter().map(|(n, _, _)| n));
        if let Some(f) = &self.frame {
            for b in std::iter::once(&f.start).chain(f.end.iter()) {
                if let FrameBound::Offset(n, _) = b {
                    out.push(n);
                }
            }
        }
        out
    }

    /// The expressions of the specification, mutably.
    pub fn nodes_mut(&mut self) -> Vec<&mut Node> {
        let mut out: Vec<&mut Node> = self.partition.iter_mut().collect();
        out.extend(self.order.iter_mut().map(|(n, _, _)| n));
        if let Some(f) = &mut self.frame {
            for b in std::iter::once(&mut f.start).chain(f.end.iter_mut()) {
                if let FrameBound::Offset(n, _) = b {
                    out.push(n);
                }
            }
        }
        out
    }
}

/// A window frame clause.
#[derive(Debug, Clone)]
pub(crate) struct Frame {
    /// `ROWS`, `RANGE` or `GROUPS`.
    pub units: &'static str,
    /// Start bound.
    pub start: FrameBound,
    /// End bound (`BETWEEN … AND end`).
    pub end: Option<FrameBound>,
}

/// A window frame bound.
#[derive(Debug, Clone)]
pub(crate) enum FrameBound {
    /// `UNBOUNDED PRECEDING` / `UNBOUNDED FOLLOWING` / `CURRENT ROW`.
    Keyword(&'static str),
    /// `offset PRECEDING` (true) or `offset FOLLOWING` (false).
    Offset(Box<Node>, bool),
}

/// How a function call prints (`COERCE_EXPLICIT_CALL` or one of the SQL syntaxes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Syntax {
    /// `f(args)`.
    Call,
    /// `(x AT TIME ZONE z)`.
    AtTimeZone,
    /// `POSITION(a IN b)`.
    Position,
    /// `SUBSTRING(a FROM b FOR c)`.
    Substring,
    /// `TRIM(BOTH|LEADING|TRAILING …)`.
    Trim(&'static str),
    /// `EXTRACT(field FROM x)`.
    Extract,
    /// `OVERLAY(a PLACING b FROM c FOR d)`.
    Overlay,
    /// `GROUPING(a, b)` (`GroupingFunc`).
    Grouping,
    /// `((a, b) OVERLAPS (c, d))`.
    Overlaps,
    /// `COLLATION FOR (x)`.
    CollationFor,
}

/// A sub-select in an expression.
#[derive(Debug, Clone)]
pub(crate) struct SubLink {
    /// EXISTS, scalar, ANY/ALL, ARRAY.
    pub kind: SubLinkKind,
    /// Left operand of ANY/ALL.
    pub test: Option<Node>,
    /// Operator name of ANY/ALL.
    pub op: String,
    /// The query.
    pub query: Query,
    /// Result type.
    pub ty: Ty,
}

/// Sub-link kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SubLinkKind {
    /// `EXISTS (…)`.
    Exists,
    /// `(SELECT …)`.
    Expr,
    /// `x op ANY (…)` / `x IN (…)`.
    Any,
    /// `x op ALL (…)`.
    All,
    /// `ARRAY(…)`.
    Array,
}
