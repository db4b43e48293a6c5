//! plpgsql variables: blocks' declarations (innermost first), with their declared types for
//! assignment conversion, values whose computation was not possible kept as "not known" (with
//! the reason, given if a later decision reads them), `FOUND`, and the handler's `SQLSTATE` /
//! `SQLERRM`.

use crate::sql::replay::guard::cast::Ty;
use crate::sql::replay::guard::value::V;
use crate::sql::replay::guard::Vars;

/// A variable's value.
#[derive(Debug, Clone)]
pub(crate) enum Val {
    Known(V<'static>),
    Unknown(String),
}

#[derive(Debug, Clone)]
pub(crate) struct Var {
    pub name: String,
    pub ty: Ty,
    pub value: Val,
    pub constant: bool,
    pub not_null: bool,
}

#[derive(Debug, Default)]
struct Frame {
    label: Option<String>,
    vars: Vec<Var>,
}

/// The variables in scope.
#[derive(Debug, Default)]
pub(crate) struct Scope {
    frames: Vec<Frame>,
}

impl Scope {
    /// A scope with `FOUND`.
    pub(crate) fn new() -> Self {
        let mut s = Scope::default();
        s.push(None);
        s.declare("found", Ty::Bool, Val::Known(V::Bool(false)), false, false);
        s
    }

    pub(crate) fn push(&mut self, label: Option<String>) {
        self.frames.push(Frame {
            label,
            vars: Vec::new(),
        });
    }

    pub(crate) fn pop(&mut self) {
        self.frames.pop();
    }

    pub(crate) fn declare(
        &mut self,
        name: &str,
        ty: Ty,
        value: Val,
        constant: bool,
        not_null: bool,
    ) {
        if let Some(f) = self.frames.last_mut() {
            f.vars.retain(|v| v.name != name);
            f.vars.push(Var {
                name: name.to_string(),
                ty,
                value,
                constant,
                not_null,
            });
        }
    }

    /// The variable a name (`name` or `label.name`) refers to.
    pub(crate) fn find_mut(&mut self, name: &str) -> Option<&mut Var> {
        if let Some((label, var)) = name.split_once('.') {
            return self
                .frames
                .iter_mut()
                .rev()
                .find(|f| f.label.as_deref() == Some(label))
                .and_then(|f| f.vars.iter_mut().find(|v| v.name == var));
        }
        self.frames
            .iter_mut()
            .rev()
            .find_map(|f| f.vars.iter_mut().find(|v| v.name == name))
    }

    pub(crate) fn find(&self, name: &str) -> Option<&Var> {
        if let Some((label, var)) = name.split_once('.') {
            return self
                .frames
                .iter()
                .rev()
                .find(|f| f.label.as_deref() == Some(label))
                .and_then(|f| f.vars.iter().find(|v| v.name == var));
        }
        self.frames
            .iter()
            .rev()
            .find_map(|f| f.vars.iter().find(|v| v.name == name))
    }

    /// Sets `FOUND`.
    pub(crate) fn set_found(&mut self, v: Val) {
        if let Some(f) = self.frames.first_mut() {
            if let Some(var) = f.vars.iter_mut().find(|v| v.name == "found") {
                var.value = v;
            }
        }
    }

    /// Marks a variable's value as not known (a skipped statement may have assigned it).
    pub(crate) fn forget(&mut self, name: &str, why: &str) {
        if let Some(v) = self.find_mut(name) {
            v.value = Val::Unknown(why.to_string());
        }
    }
}

impl Vars for Scope {
    fn get(&self, name: &str) -> Option<Result<&V<'static>, &str>> {
        self.find(name).map(|v| match &v.value {
            Val::Known(x) => Ok(x),
            Val::Unknown(why) => Err(why.as_str()),
        })
    }
}
