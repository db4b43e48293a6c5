//! `CREATE`/`ALTER`/`DROP POLICY`.

use sqlparser::ast::{
    AlterPolicy, AlterPolicyOperation, CreatePolicy, CreatePolicyCommand, CreatePolicyType,
    DropPolicy, Owner,
};

use crate::catalog::Policy;
use crate::pg::deparse::analyse_bool;
use crate::sql::replay::policies::PolicyTrees;
use crate::sql::replay::{fold, Outcome, ReplayError, Replayer, SqlState, R};

impl Replayer {
    /// `CREATE POLICY`.
    pub(crate) fn create_policy(&mut self, p: &CreatePolicy) -> R<Outcome> {
        let (schema, table) = self.resolve_table(&p.table_name)?;
        let name = fold(&p.name);
        let t = &self.catalog.schemas[&schema].tables[&table];
        if t.policies.iter().any(|x| x.name == name) {
            return Err(ReplayError::new(
                SqlState::DuplicateObject,
                format!("policy \"{name}\" for table \"{table}\" already exists"),
            ));
        }
        // PostgreSQL's checks (raised as syntax errors).
        let command = p.command.as_ref();
        if p.with_check.is_some()
            && matches!(
                command,
                Some(CreatePolicyCommand::Select) | Some(CreatePolicyCommand::Delete)
            )
        {
            return Err(ReplayError::new(
                SqlState::SyntaxError,
                "WITH CHECK cannot be applied to SELECT or DELETE",
            ));
        }
        if p.using.is_some() && matches!(command, Some(CreatePolicyCommand::Insert)) {
            return Err(ReplayError::new(
                SqlState::SyntaxError,
                "only WITH CHECK expression allowed for INSERT",
            ));
        }
        let ctx = self.table_ctx(&schema, &table, &t.columns);
        let policy = Policy {
            name,
            permissive: !matches!(p.policy_type, Some(CreatePolicyType::Restrictive)),
            command: match p.command {
                None | Some(CreatePolicyCommand::All) => "all",
                Some(CreatePolicyCommand::Select) => "select",
                Some(CreatePolicyCommand::Insert) => "insert",
                Some(CreatePolicyCommand::Update) => "update",
                Some(CreatePolicyCommand::Delete) => "delete",
            }
            .to_string(),
            roles: policy_roles(p.to.as_deref()),
            using: None,
            with_check: None,
        };
        let using = p.using.as_ref().map(|e| analyse_bool(e, &ctx));
        let with_check = p.with_check.as_ref().map(|e| analyse_bool(e, &ctx));
        let trees = PolicyTrees {
            using: using.as_ref().and_then(|u| u.1.clone()),
            with_check: with_check.as_ref().and_then(|w| w.1.clone()),
        };
        let policy = Policy {
            using: using.map(|u| u.0),
            with_check: with_check.map(|w| w.0),
            ..policy
        };
        self.remember_policy(&schema, &table, &policy.name, trees);
        self.table_mut(&schema, &table).policies.push(policy);
        Ok(Outcome::Understood)
    }

    /// `ALTER POLICY`.
    pub(crate) fn alter_policy(&mut self, p: &AlterPolicy) -> R<Outcome> {
        let (schema, table) = self.resolve_table(&p.table_name)?;
        let name = fold(&p.name);
        let t = &self.catalog.schemas[&schema].tables[&table];
        if !t.policies.iter().any(|x| x.name == name) {
            return Err(ReplayError::new(
                SqlState::UndefinedObject,
                format!("policy \"{name}\" for table \"{table}\" does not exist"),
            ));
        }
        let ctx = self.table_ctx(&schema, &table, &t.columns);
        match &p.operation {
            AlterPolicyOperation::Rename { new_name } => {
                let new = fold(new_name);
                if t.policies.iter().any(|x| x.name == new) {
                    return Err(ReplayError::new(
                        SqlState::DuplicateObject,
                        format!("policy \"{new}\" for table \"{table}\" already exists"),
                    ));
                }
                self.policy_renamed(&schema, &table, &name, &new);
                let tm = self.table_mut(&schema, &table);
                if let Some(x) = tm.policies.iter_mut().find(|x| x.name == name) {
                    x.name = new;
                }
            }
            AlterPolicyOperation::Apply {
                to,
                using,
                with_check,
            } => {
                let using = using.as_ref().map(|e| analyse_bool(e, &ctx));
                let with_check = with_check.as_ref().map(|e| analyse_bool(e, &ctx));
                let roles = to.as_deref().map(|r| policy_roles(Some(r)));
                let trees = self.policy_trees_mut(&schema, &table, &name);
                if let Some(u) = &using {
                    trees.using = u.1.clone();
                }
                if let Some(w) = &with_check {
                    trees.with_check = w.1.clone();
                }
                let using = using.map(|u| u.0);
                let with_check = with_check.map(|w| w.0);
                let tm = self.table_mut(&schema, &table);
                if let Some(x) = tm.policies.iter_mut().find(|x| x.name == name) {
                    if let Some(r) = roles {
                        x.roles = r;
                    }
                    if using.is_some() {
                        x.using = using;
                    }
                    if with_check.is_some() {
                        x.with_check = with_check;
                    }
                }
            }
        }
        Ok(Outcome::Understood)
    }

    /// `DROP POLICY`.
    pub(crate) fn drop_policy(&mut self, p: &DropPolicy) -> R<Outcome> {
        let name = fold(&p.name);
        let (schema, table) = match self.resolve_table(&p.table_name) {
            Ok(x) => x,
            Err(_) if p.if_exists => return Ok(Outcome::Understood),
            Err(e) => return Err(e),
        };
        let t = self.table_mut(&schema, &table);
        let before = t.policies.len();
        t.policies.retain(|x| x.name != name);
        if t.policies.len() == before {
            if p.if_exists {
                return Ok(Outcome::Understood);
            }
            return Err(ReplayError::new(
                SqlState::UndefinedObject,
                format!("policy \"{name}\" for table \"{table}\" does not exist"),
            ));
        }
        self.forget_policy(&schema, &table, &name);
        Ok(Outcome::Understood)
    }
}

/// Roles of a policy as `pg_policy` reports them: sorted, `public` when none.
fn policy_roles(to: Option<&[Owner]>) -> Vec<String> {
    let mut roles: Vec<String> = match to {
        None => vec!["public".to_string()],
        Some(list) => list
            .iter()
            .map(|o| match o {
                Owner::Ident(id) => fold(id),
                Owner::CurrentRole | Owner::CurrentUser | Owner::SessionUser => {
                    "postgres".to_string()
                }
            })
            .collect(),
    };
    roles.sort();
    roles.dedup();
    roles
}
