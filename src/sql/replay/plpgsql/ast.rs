//! The parsed body of a `DO` block: statements in an arena (compound statements hold the ids of
//! their children, so a deeply nested body is neither built nor dropped by deep recursion), and
//! expressions as token ranges parsed by sqlparser when they run.

use std::ops::Range;

use crate::sql::split::Lexed;

/// Index of a statement in [`Body::stmts`].
pub(crate) type SId = usize;

/// Where an expression or query is: a token range of the body, or of text lexed apart (the two
/// sides of `lo .. hi` in an integer `FOR`).
#[derive(Debug, Clone)]
pub(crate) struct Src {
    pub own: Option<std::rc::Rc<Lexed>>,
    pub toks: Range<usize>,
}

impl Src {
    pub(crate) fn of(toks: Range<usize>) -> Self {
        Src { own: None, toks }
    }
}

/// An assignment target: `var`, `label.var`, `rec.field`, `arr[i]`.
#[derive(Debug, Clone)]
pub(crate) enum Target {
    Var(String),
    Field(String, String),
    Element(String, Src),
}

impl Target {
    pub(crate) fn var(&self) -> &str {
        match self {
            Target::Var(v) | Target::Field(v, _) | Target::Element(v, _) => v,
        }
    }
}

/// `INTO [STRICT] targets`.
#[derive(Debug, Clone)]
pub(crate) struct Into {
    pub strict: bool,
    pub targets: Vec<Target>,
}

/// A declared variable.
#[derive(Debug, Clone)]
pub(crate) struct Decl {
    pub name: String,
    pub constant: bool,
    /// The type as written (tokens), `None` for `ALIAS FOR` and cursors.
    pub ty: Option<Range<usize>>,
    pub not_null: bool,
    pub default: Option<Src>,
    /// `name CURSOR FOR query`: the query.
    pub cursor: Option<Src>,
    pub at: Range<usize>,
}

/// An exception handler.
#[derive(Debug, Clone)]
pub(crate) struct Handler {
    /// Condition names (`others`, `duplicate_object`, `sqlstate '42P07'`).
    pub conds: Vec<String>,
    pub body: Vec<SId>,
}

/// The row source of a `FOR … IN` loop.
#[derive(Debug, Clone)]
pub(crate) enum Rows {
    Query(Src),
    Execute { expr: Src, using: Vec<Src> },
    Cursor(String),
}

/// `RAISE` levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Level {
    Notice,
    Exception,
}

#[derive(Debug, Clone)]
pub(crate) enum Kind {
    Block {
        label: Option<String>,
        decls: Vec<Decl>,
        body: Vec<SId>,
        handlers: Vec<Handler>,
    },
    Assign {
        target: Target,
        expr: Src,
    },
    If {
        branches: Vec<(Src, Vec<SId>)>,
        otherwise: Vec<SId>,
    },
    Case {
        operand: Option<Src>,
        whens: Vec<(Vec<Src>, Vec<SId>)>,
        otherwise: Option<Vec<SId>>,
    },
    Loop {
        label: Option<String>,
        body: Vec<SId>,
    },
    While {
        label: Option<String>,
        cond: Src,
        body: Vec<SId>,
    },
    ForInt {
        label: Option<String>,
        var: String,
        reverse: bool,
        lower: Src,
        upper: Src,
        step: Option<Src>,
        body: Vec<SId>,
    },
    ForRows {
        label: Option<String>,
        targets: Vec<Target>,
        rows: Rows,
        body: Vec<SId>,
    },
    Foreach {
        label: Option<String>,
        targets: Vec<Target>,
        slice: usize,
        array: Src,
        body: Vec<SId>,
    },
    /// `EXIT` (false) or `CONTINUE` (true).
    Exit {
        cont: bool,
        label: Option<String>,
        when: Option<Src>,
    },
    Return,
    Raise {
        level: Level,
        /// A condition name or `sqlstate 'xxxxx'` instead of a message.
        cond: Option<String>,
        message: Option<String>,
        params: Vec<Src>,
        options: Vec<(String, Src)>,
    },
    Assert {
        cond: Src,
        message: Option<Src>,
    },
    /// `PERFORM …` (the tokens after PERFORM).
    Perform(Src),
    Execute {
        expr: Src,
        into: Option<Into>,
        using: Vec<Src>,
    },
    GetDiag {
        stacked: bool,
        items: Vec<(Target, String)>,
    },
    /// A SQL statement; `into` with the token range of its `INTO …` clause, cut out to run it.
    Sql {
        into: Option<(Into, Range<usize>)>,
    },
    Null,
    /// A statement with no effect here (`COMMIT`, `CLOSE`…), or not evaluated (named).
    Other(Option<String>),
}

/// One statement: its kind and its tokens (for positions, and for SQL statements the text).
#[derive(Debug, Clone)]
pub(crate) struct PStmt {
    pub kind: Kind,
    pub at: Range<usize>,
}

/// A parsed `DO` body.
#[derive(Debug, Default)]
pub(crate) struct Body {
    pub stmts: Vec<PStmt>,
    pub root: SId,
}
