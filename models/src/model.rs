//! Model declarations: name, table, ordering, access rights and SQL constraints.
//! What a model does beyond that (computes, checks, business methods) is its
//! behaviour, declared next to the code that implements it in the server.

use crate::field::{DefaultValue, Field};

/// One line of `ir.model.access`: what a group (or everyone, when `group` is `None`)
/// may do with every record of the model.
#[derive(Clone, Debug)]
pub struct Access {
    pub group: Option<&'static str>,
    pub read: bool,
    pub write: bool,
    pub create: bool,
    pub unlink: bool,
}

/// Shorthand: `access(Some("base.group_user"), "r")`, `access(..., "rwcu")`.
pub fn access(group: Option<&'static str>, perms: &str) -> Access {
    Access {
        group,
        read: perms.contains('r'),
        write: perms.contains('w'),
        create: perms.contains('c'),
        unlink: perms.contains('u'),
    }
}

/// The multi-company record rule of a model (Odoo's `ir.rule` on `company_id`), for
/// every user but the superuser; `company_ids` are the companies the call allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompanyRule {
    /// `[('company_id', 'in', company_ids)]`: a record without a company is hidden.
    In,
    /// `[('company_id', 'parent_of', company_ids)]`: also the parent companies' records.
    ParentOf,
    /// `['|', ('company_id', '=', False), ('company_id', 'parent_of', company_ids)]`:
    /// records without a company are shared.
    SharedOrParentOf,
}

/// A declarative constraint the database enforces.
#[derive(Clone, Debug)]
pub enum Constraint {
    /// A database UNIQUE index over `fields` (Odoo's `_sql_constraints`).
    SqlUnique {
        name: &'static str,
        fields: Vec<&'static str>,
        message: &'static str,
    },
}

/// A model: what `_name`, `_description`, `_order`, `_rec_name`, `_transient` and the
/// fields of an Odoo model declare.
#[derive(Clone, Debug)]
pub struct Model {
    pub name: &'static str,
    pub description: &'static str,
    pub table: String,
    pub order: &'static str,
    pub rec_name: &'static str,
    pub transient: bool,
    /// Records carry a `company_id` that multi-company isolation filters on.
    pub check_company: bool,
    /// How the multi-company rule filters records, when `check_company` is set.
    pub company_rule: CompanyRule,
    pub fields: Vec<Field>,
    pub access: Vec<Access>,
    pub constraints: Vec<Constraint>,
}

impl Model {
    pub fn new(name: &'static str, description: &'static str) -> Model {
        Model {
            name,
            description,
            table: name.replace('.', "_"),
            order: "id",
            rec_name: "name",
            transient: false,
            check_company: false,
            company_rule: CompanyRule::In,
            fields: Vec::new(),
            access: Vec::new(),
            constraints: Vec::new(),
        }
    }
    pub fn order(mut self, order: &'static str) -> Model {
        self.order = order;
        self
    }
    pub fn rec_name(mut self, field: &'static str) -> Model {
        self.rec_name = field;
        self
    }
    pub fn transient(mut self) -> Model {
        self.transient = true;
        self
    }
    pub fn check_company(mut self) -> Model {
        self.check_company = true;
        self
    }
    /// The model's multi-company rule, when it is not `company_id in company_ids`.
    pub fn company_rule(mut self, rule: CompanyRule) -> Model {
        self.company_rule = rule;
        self
    }
    pub fn field(mut self, field: Field) -> Model {
        self.fields.push(field);
        self
    }
    pub fn access(mut self, group: Option<&'static str>, perms: &str) -> Model {
        self.access.push(access(group, perms));
        self
    }
    pub fn sql_unique(
        mut self,
        name: &'static str,
        fields: &[&'static str],
        message: &'static str,
    ) -> Model {
        self.constraints.push(Constraint::SqlUnique {
            name,
            fields: fields.to_vec(),
            message,
        });
        self
    }

    /// Adds the fields every Odoo model has: `id`, `display_name` and the four
    /// log-access fields.
    pub fn with_magic_fields(mut self) -> Model {
        let mut magic = vec![
            Field::integer("id", "ID").readonly(),
            Field::char("display_name", "Display Name").computed(false),
            Field::many2one("create_uid", "Created by", "res.users").readonly(),
            Field::datetime("create_date", "Created on").readonly(),
            Field::many2one("write_uid", "Last Updated by", "res.users").readonly(),
            Field::datetime("write_date", "Last Updated on").readonly(),
        ];
        for f in magic.iter_mut() {
            f.copy = false;
            f.default = DefaultValue::None;
        }
        magic.append(&mut self.fields);
        self.fields = magic;
        self
    }

    /// [`Model::with_magic_fields`], with `display_name` and the four log fields
    /// placed before `field`: where Odoo reads them when a later module (here
    /// `pos_online_payment`) adds fields to the class.
    pub fn with_magic_fields_before(self, field: &str) -> Model {
        let mut m = self.with_magic_fields();
        let magic: Vec<Field> = m.fields.drain(1..6).collect();
        let at = m
            .fields
            .iter()
            .position(|f| f.name == field)
            .unwrap_or(m.fields.len());
        m.fields.splice(at..at, magic);
        m
    }

    pub fn get_field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    pub fn has_field(&self, name: &str) -> bool {
        self.get_field(name).is_some()
    }
}
