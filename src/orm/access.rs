//! Access rights (`ir.model.access`), field groups, the multi-company record rule and
//! the existence checks that go with them, with Odoo's error texts.

use std::collections::HashSet;

use models::{Field, Model};
use serde_json::{json, Value};

use super::domain::{Domain, Op};
use super::env::{row_id, Env, Operation};
use crate::errors::{OdooError, OdooResult};

impl<'a> Env<'a> {
    // ------------------------------------------------------------------ access

    /// `ir.model.access` semantics: some access line for one of the user's groups
    /// (or for everyone) must grant the operation.
    pub fn check_access(&self, model: &Model, op: Operation) -> OdooResult<()> {
        if self.su || self.has_access(model, op) {
            return Ok(());
        }
        let verb = match op {
            Operation::Read => "access",
            Operation::Write => "modify",
            Operation::Create => "create",
            Operation::Unlink => "delete",
        };
        let groups: Vec<String> = model
            .access
            .iter()
            .filter(|a| match op {
                Operation::Read => a.read,
                Operation::Write => a.write,
                Operation::Create => a.create,
                Operation::Unlink => a.unlink,
            })
            .filter_map(|a| a.group.map(group_label))
            .collect();
        let mut msg = format!(
            "You are not allowed to {verb} '{}' ({}) records.",
            model.description, model.name
        );
        if groups.is_empty() {
            msg.push_str("\n\nNo group currently allows this operation.");
        } else {
            msg.push_str("\n\nThis operation is allowed for the following groups:\n");
            msg.push_str(
                &groups
                    .iter()
                    .map(|g| format!("\t- {g}"))
                    .collect::<Vec<_>>()
                    .join("\n"),
            );
        }
        msg.push_str("\n\nContact your administrator to request access if necessary.");
        Err(OdooError::AccessError(msg))
    }

    pub fn has_access(&self, model: &Model, op: Operation) -> bool {
        self.su
            || model.access.iter().any(|a| {
                let granted = match op {
                    Operation::Read => a.read,
                    Operation::Write => a.write,
                    Operation::Create => a.create,
                    Operation::Unlink => a.unlink,
                };
                granted && a.group.map(|g| self.user.has_group(g)).unwrap_or(true)
            })
    }

    pub(super) fn field_allowed(&self, field: &Field) -> bool {
        self.su || field.groups.map(|g| self.user.has_group(g)).unwrap_or(true)
    }

    pub(super) fn field_access_error(
        &self,
        model: &Model,
        fields: &[&Field],
        op: Operation,
    ) -> OdooError {
        let operation = if op == Operation::Read {
            "read"
        } else {
            "write"
        };
        let lines: Vec<String> = fields
            .iter()
            .map(|f| {
                format!(
                    "- {} (allowed for groups '{}')",
                    f.name,
                    f.groups.map(group_label).unwrap_or_default()
                )
            })
            .collect();
        OdooError::AccessError(format!(
            "The requested operation can not be completed due to security restrictions.\n\nDocument type: {} ({})\nOperation: {}\nUser: {}\nFields:\n{}",
            model.description,
            model.name,
            operation,
            self.uid(),
            lines.join("\n")
        ))
    }

    /// Multi-company record rule: records of another company are invisible.
    pub(super) fn rule_domain(&self, model: &Model) -> OdooResult<Domain> {
        if self.su || !model.check_company || !model.has_field("company_id") {
            return Ok(Domain::True);
        }
        let companies = self.allowed_company_ids()?;
        Ok(Domain::Or(vec![
            Domain::leaf("company_id", Op::Eq, Value::Bool(false)),
            Domain::leaf("company_id", Op::In, json!(companies)),
        ]))
    }

    /// The ids among `ids` that exist and that the rules let the caller see.
    pub async fn existing(&self, model: &Model, ids: &[i64]) -> OdooResult<Vec<i64>> {
        if ids.is_empty() {
            return Ok(vec![]);
        }
        let d = Domain::leaf("id", Op::In, json!(ids)).and(self.rule_domain(model)?);
        let compiler = self.compiler();
        let q = compiler.id_subquery(model, &d)?;
        let rows = self.query_all(self.build(&q)).await?;
        let found: HashSet<i64> = rows
            .iter()
            .map(|r| row_id(r, "id"))
            .collect::<OdooResult<_>>()?;
        Ok(ids.iter().copied().filter(|i| found.contains(i)).collect())
    }

    /// The ids among `ids` that exist and are visible. Ids that do not exist are left
    /// out; ids that exist but that the record rules hide fail the call with Odoo's
    /// record-rule AccessError, as `read`, `write` and `unlink` do in Odoo.
    pub async fn visible_or_forbidden(
        &self,
        model: &Model,
        ids: &[i64],
        op: Operation,
    ) -> OdooResult<Vec<i64>> {
        let visible = self.existing(model, ids).await?;
        if self.su {
            return Ok(visible);
        }
        let hidden: Vec<i64> = ids
            .iter()
            .copied()
            .filter(|i| !visible.contains(i))
            .collect();
        if !hidden.is_empty() && !self.sudo().existing(model, &hidden).await?.is_empty() {
            return Err(self.record_rule_error(model, op));
        }
        Ok(visible)
    }

    /// Odoo's `ir.rule._make_access_error` text (without the debug-mode details).
    pub(super) fn record_rule_error(&self, model: &Model, op: Operation) -> OdooError {
        let operation = match op {
            Operation::Read => "read",
            Operation::Write => "write",
            Operation::Create => "create",
            Operation::Unlink => "unlink",
        };
        OdooError::AccessError(format!(
            "Uh-oh! Looks like you have stumbled upon some top-secret records.\n\nSorry, {} (id={}) doesn't have '{}' access to:\n- {} ({})\n\nIf you really, really need access, perhaps you can win over your friendly administrator with a batch of freshly baked cookies.",
            self.user.name,
            self.uid(),
            operation,
            model.description,
            model.name
        ))
    }

    pub(super) async fn ensure_all_exist(
        &self,
        model: &Model,
        ids: &[i64],
        op: Operation,
    ) -> OdooResult<()> {
        let found = self.visible_or_forbidden(model, ids, op).await?;
        let unique: HashSet<i64> = ids.iter().copied().collect();
        if found.iter().collect::<HashSet<_>>().len() != unique.len() {
            let missing: Vec<String> = unique
                .iter()
                .filter(|i| !found.contains(i))
                .map(|i| i.to_string())
                .collect();
            return Err(OdooError::MissingError(format!(
                "Record does not exist or has been deleted.\n(Record: {}({},), User: {})",
                model.name,
                missing.join(", "),
                self.uid()
            )));
        }
        Ok(())
    }
}

/// How a group is named in messages ("Point of Sale / User").
pub fn group_label(xmlid: &str) -> String {
    match xmlid {
        "base.group_user" => "Role / User".into(),
        "base.group_system" => "Administration / Settings".into(),
        "point_of_sale.group_pos_user" => "Point of Sale / User".into(),
        "point_of_sale.group_pos_manager" => "Point of Sale / Administrator".into(),
        other => other.into(),
    }
}
