//! Access rights (`ir.model.access`), field groups, the multi-company record rules and
//! the existence checks that go with them, with Odoo 18's error texts.

use std::collections::HashSet;

use models::{CompanyRule, Field, Model};
use serde_json::{json, Value};

use super::domain::{Domain, Op};
use super::env::{row_id, Env, Operation};
use crate::errors::{OdooError, OdooResult};

impl<'a> Env<'a> {
    // ------------------------------------------------------------------ access

    /// `ir.model.access` semantics: some access line for one of the user's groups
    /// (or for everyone) must grant the operation. The refusal is Odoo's
    /// `_make_access_error`, naming the groups that would be allowed.
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
        // Odoo lists `Category/Group` ordered by category, then group name.
        let mut groups: Vec<(String, String)> = model
            .access
            .iter()
            .filter(|a| grants(a, op))
            .filter_map(|a| a.group.map(group_name))
            .collect();
        groups.sort_by(|a, b| (a.0.is_empty(), &a.0, &a.1).cmp(&(b.0.is_empty(), &b.0, &b.1)));
        groups.dedup();
        let mut msg = format!(
            "You are not allowed to {verb} '{}' ({}) records.",
            model.description, model.name
        );
        if groups.is_empty() {
            msg.push_str("\n\nNo group currently allows this operation.");
        } else {
            msg.push_str("\n\nThis operation is allowed for the following groups:\n");
            let lines: Vec<String> = groups
                .iter()
                .map(|(category, name)| match category.is_empty() {
                    true => format!("\t- {name}"),
                    false => format!("\t- {category}/{name}"),
                })
                .collect();
            msg.push_str(&lines.join("\n"));
        }
        msg.push_str("\n\nContact your administrator to request access if necessary.");
        Err(OdooError::AccessError(msg))
    }

    pub fn has_access(&self, model: &Model, op: Operation) -> bool {
        self.su
            || model
                .access
                .iter()
                .any(|a| grants(a, op) && a.group.map(|g| self.user.has_group(g)).unwrap_or(true))
    }

    pub(super) fn field_allowed(&self, field: &Field) -> bool {
        self.su || field.groups.map(|g| self.user.has_group(g)).unwrap_or(true)
    }

    /// Odoo 18's `check_field_access_rights` refusal: the fields in the order asked,
    /// then, for members of `base.group_no_one` (every internal user: `base.group_user`
    /// implies it), the user and each field's groups, fields sorted.
    pub(super) fn field_access_error(
        &self,
        model: &Model,
        fields: &[&Field],
        op: Operation,
    ) -> OdooError {
        let names: Vec<&str> = fields.iter().map(|f| f.name).collect();
        let mut msg = format!(
            "You do not have enough rights to access the fields \"{}\" on {} ({}). Please contact your system administrator.\n\nOperation: {}",
            names.join(","),
            model.description,
            model.name,
            op.as_str()
        );
        if self.user.has_group("base.group_no_one") {
            let mut sorted: Vec<&&Field> = fields.iter().collect();
            sorted.sort_by_key(|f| f.name);
            let lines: Vec<String> = sorted
                .iter()
                .map(|f| {
                    let groups: Vec<String> = f
                        .groups
                        .map(|g| g.split(',').map(group_display_name).collect())
                        .unwrap_or_default();
                    format!(
                        "- {} (allowed for groups {})",
                        f.name,
                        groups
                            .iter()
                            .map(|g| format!("'{g}'"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                })
                .collect();
            msg.push_str(&format!(
                "\nUser: {}\nFields:\n{}",
                self.uid(),
                lines.join("\n")
            ));
        }
        OdooError::AccessError(msg)
    }

    /// The model's multi-company record rule, as a domain; `parent_of` leaves are
    /// resolved by [`Env::resolve_hierarchies`] before the domain is compiled.
    pub(super) fn rule_domain(&self, model: &Model) -> OdooResult<Domain> {
        if model.name == "res.company" && self.company_rule_applies() {
            // base.res_company_rule_employee/portal/public: `[('id', 'in', company_ids)]`,
            // lifted for Access Rights administrators (res_company_rule_erp_manager).
            // Outside a company context, `company_ids` is all the user's companies.
            let companies = match self.context.get("allowed_company_ids") {
                Some(Value::Array(a)) if !a.is_empty() => self.allowed_company_ids()?,
                _ => self.user.company_ids.clone(),
            };
            return Ok(Domain::leaf("id", Op::In, json!(companies)));
        }
        if self.su || !model.check_company || !model.has_field("company_id") {
            return Ok(Domain::True);
        }
        let companies = json!(self.allowed_company_ids()?);
        Ok(match model.company_rule {
            CompanyRule::In => Domain::leaf("company_id", Op::In, companies),
            CompanyRule::ParentOf => Domain::leaf("company_id", Op::ParentOf, companies),
            CompanyRule::SharedOrParentOf => Domain::Or(vec![
                Domain::leaf("company_id", Op::Eq, Value::Bool(false)),
                Domain::leaf("company_id", Op::ParentOf, companies),
            ]),
        })
    }

    /// Whether a record rule restricts the caller on `model`.
    pub(super) fn has_rule(&self, model: &Model) -> bool {
        if model.name == "res.company" {
            return self.company_rule_applies();
        }
        !self.su && model.check_company && model.has_field("company_id")
    }

    /// Whether `res.company`'s own record rule restricts the caller.
    fn company_rule_applies(&self) -> bool {
        !self.su && !self.user.has_group("base.group_erp_manager")
    }

    /// The ids among `ids` that exist and that the rules let the caller see.
    pub async fn existing(&self, model: &Model, ids: &[i64]) -> OdooResult<Vec<i64>> {
        if ids.is_empty() {
            return Ok(vec![]);
        }
        let d = Domain::leaf("id", Op::In, json!(ids)).and(self.rule_domain(model)?);
        let d = self.resolve_hierarchies(self.model(model.name)?, d).await?;
        let compiler = self.compiler();
        let q = compiler.id_subquery(model, &d)?;
        let rows = self.query_all(self.build(&q)).await?;
        let found: HashSet<i64> = rows
            .iter()
            .map(|r| row_id(r, "id"))
            .collect::<OdooResult<_>>()?;
        Ok(ids.iter().copied().filter(|i| found.contains(i)).collect())
    }

    /// What decides [`Env::existing`]`(model, ids)` besides the contents of `model`'s
    /// table (and of `res.company`, through company rules): the ids and the record rule
    /// as it applies to this caller. Two calls with the same key on the same data get
    /// the same answer, so a caller may keep the answer between calls as long as every
    /// change to those tables tells it (the cache signal).
    pub fn existing_key(&self, model: &Model, ids: &[i64]) -> OdooResult<String> {
        Ok(format!(
            "{}{:?}{:?}",
            model.name,
            ids,
            self.rule_domain(model)?
        ))
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
        let seen: HashSet<i64> = visible.iter().copied().collect();
        let hidden: Vec<i64> = ids.iter().copied().filter(|i| !seen.contains(i)).collect();
        if !hidden.is_empty() {
            let forbidden = self.sudo().existing(model, &hidden).await?;
            if !forbidden.is_empty() {
                return Err(self.record_rule_error(model, op, &forbidden).await);
            }
        }
        Ok(visible)
    }

    /// Odoo's `ir.rule._make_access_error` text (the form outside debug mode), with
    /// its multi-company note drawn from the companies of the refused records.
    pub(super) async fn record_rule_error(
        &self,
        model: &Model,
        op: Operation,
        ids: &[i64],
    ) -> OdooError {
        let mut msg = format!(
            "Uh-oh! Looks like you have stumbled upon some top-secret records.\n\nSorry, {} (id={}) doesn't have '{}' access to:\n- {} ({})\n\nIf you really, really need access, perhaps you can win over your friendly administrator with a batch of freshly baked cookies.",
            self.user.name,
            self.uid(),
            op.as_str(),
            model.description,
            model.name
        );
        match self.suggested_company(model, ids).await {
            Ok(Suggested::None) => {}
            Ok(Suggested::Several) => msg.push_str(
                "\n\nNote: this might be a multi-company issue. Switching company may help - in Odoo, not in real life!",
            ),
            Ok(Suggested::Mine(name)) => msg.push_str(&format!(
                "\n\nThis seems to be a multi-company issue, you might be able to access the record by switching to the company: {name}."
            )),
            Ok(Suggested::NotMine) => msg.push_str(
                "\n\nThis seems to be a multi-company issue, but you do not have access to the proper company to access the record anyhow.",
            ),
            Err(e) => return e,
        }
        OdooError::AccessError(msg)
    }

    /// The company Odoo's `_get_redirect_suggested_company` points at for the first
    /// six refused records (their `company_id`s).
    async fn suggested_company(&self, model: &Model, ids: &[i64]) -> OdooResult<Suggested> {
        let Some(company_field) = model
            .get_field("company_id")
            .filter(|_| model.check_company)
        else {
            return Ok(Suggested::None);
        };
        let sudo = self.sudo();
        let first: Vec<i64> = ids.iter().copied().take(6).collect();
        let rows = sudo.fetch_columns(model, &first, &[company_field]).await?;
        let companies: HashSet<i64> = rows
            .values()
            .filter_map(|r| r.get("company_id").and_then(Value::as_i64))
            .collect();
        Ok(match companies.iter().next() {
            None => Suggested::None,
            Some(_) if companies.len() > 1 => Suggested::Several,
            Some(company) if self.user.company_ids.contains(company) => {
                let name = sudo.value_of("res.company", *company, "name").await?;
                Suggested::Mine(name.as_str().unwrap_or_default().to_string())
            }
            Some(_) => Suggested::NotMine,
        })
    }

    /// Every id must exist (Odoo's `MissingError` naming the first missing record,
    /// as reading it would) and be visible (the record-rule error).
    pub(super) async fn ensure_all_exist(
        &self,
        model: &Model,
        ids: &[i64],
        op: Operation,
    ) -> OdooResult<()> {
        let present: HashSet<i64> = self
            .sudo()
            .existing(model, ids)
            .await?
            .into_iter()
            .collect();
        if let Some(missing) = ids.iter().find(|i| !present.contains(i)) {
            return Err(self.missing_error(model, *missing));
        }
        self.visible_or_forbidden(model, ids, op).await?;
        Ok(())
    }

    /// `Record does not exist or has been deleted.`, as `Field.__get__` raises it.
    pub(super) fn missing_error(&self, model: &Model, id: i64) -> OdooError {
        OdooError::MissingError(format!(
            "Record does not exist or has been deleted.\n(Record: {}({id},), User: {})",
            model.name,
            self.uid()
        ))
    }
}

/// What `_get_redirect_suggested_company` found for the refused records.
enum Suggested {
    /// They have no company.
    None,
    /// They belong to several companies.
    Several,
    /// One company, one of the user's: its name.
    Mine(String),
    /// One company the user does not belong to.
    NotMine,
}

fn grants(a: &models::Access, op: Operation) -> bool {
    match op {
        Operation::Read => a.read,
        Operation::Write => a.write,
        Operation::Create => a.create,
        Operation::Unlink => a.unlink,
    }
}

/// A group's category and name as Odoo 18's data names them (`ir.module.category`,
/// `res.groups`), by external id; an unknown group is named by its external id.
pub fn group_name(xmlid: &str) -> (String, String) {
    let (category, name) = match xmlid {
        "base.group_user" => ("User types", "Internal User"),
        "base.group_system" => ("Administration", "Settings"),
        "base.group_erp_manager" => ("Administration", "Access Rights"),
        "base.group_no_one" => ("Extra Rights", "Technical Features"),
        "point_of_sale.group_pos_user" => ("Point of Sale", "User"),
        "point_of_sale.group_pos_manager" => ("Point of Sale", "Administrator"),
        "account.group_account_manager" => ("Invoicing", "Administrator"),
        "account.group_account_invoice" => ("Invoicing", "Invoicing"),
        "account.group_account_readonly" => ("Technical", "Show Accounting Features - Readonly"),
        "base.group_portal" => ("User types", "Portal"),
        "base.group_public" => ("User types", "Public"),
        "base.group_partner_manager" => ("Extra Rights", "Contact Creation"),
        "stock.group_stock_user" => ("Inventory", "User"),
        "stock.group_stock_manager" => ("Inventory", "Administrator"),
        other => ("", other),
    };
    (category.to_string(), name.to_string())
}

/// A group's `display_name` (`Category / Group`), as the field-rights error quotes it.
pub fn group_display_name(xmlid: &str) -> String {
    match group_name(xmlid) {
        (category, name) if category.is_empty() => name,
        (category, name) => format!("{category} / {name}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_are_named_as_odoo_names_them() {
        assert_eq!(
            group_name("point_of_sale.group_pos_manager"),
            ("Point of Sale".to_string(), "Administrator".to_string())
        );
        assert_eq!(
            group_display_name("base.group_system"),
            "Administration / Settings"
        );
        assert_eq!(group_display_name("x.unknown"), "x.unknown");
    }
}
