//! The model registry: every declared model with its behaviour, built once at start-up
//! from the declarations (`models::all()`) and the behaviours the layer above hands in.
//! Building checks that the two agree: each compute, default and check names a field
//! the model declares, each computed field has a compute, each method name is unique.

use std::collections::HashMap;
use std::ops::Deref;

use models::Model;

use super::behaviour::{Behaviour, Check, ComputeFn, DefaultFn, Method, Plain};
use super::domain::Declarations;
use crate::errors::{OdooError, OdooResult};

/// Methods every model has (the generic ORM): a business method may not take their names.
pub const ORM_METHODS: &[&str] = &[
    "create",
    "write",
    "unlink",
    "read",
    "search",
    "search_count",
    "search_read",
    "copy",
    "default_get",
    "fields_get",
    "name_search",
    "name_create",
    "exists",
    "check_access_rights",
    "web_search_read",
    "web_read",
    "name_get",
];

static PLAIN: Plain = Plain;

/// A model: its declaration and its behaviour. Derefs to the declaration.
pub struct ModelDef {
    pub decl: Model,
    pub behaviour: &'static dyn Behaviour,
    computes: HashMap<&'static str, ComputeFn>,
    defaults: HashMap<&'static str, DefaultFn>,
    checks: Vec<Check>,
    methods: HashMap<&'static str, Method>,
}

impl Deref for ModelDef {
    type Target = Model;
    fn deref(&self) -> &Model {
        &self.decl
    }
}

impl ModelDef {
    /// The function computing `field`.
    pub fn compute(&self, field: &str) -> Option<ComputeFn> {
        self.computes.get(field).copied()
    }

    /// The function giving `field`'s default, when the model computes it.
    pub fn default_hook(&self, field: &str) -> Option<DefaultFn> {
        self.defaults.get(field).copied()
    }

    pub fn checks(&self) -> &[Check] {
        &self.checks
    }

    /// A business method by name.
    pub fn method(&self, name: &str) -> Option<&Method> {
        self.methods.get(name)
    }
}

pub struct Registry {
    models: HashMap<&'static str, ModelDef>,
    names: Vec<&'static str>,
    /// Search statements already built (see `statements`).
    pub(crate) statements: super::statements::Statements,
}

impl Registry {
    /// Pairs each declaration with its behaviour (a model without one gets the plain
    /// behaviour). Fails, naming the problem, when they do not agree.
    pub fn build(
        declarations: Vec<Model>,
        behaviours: Vec<&'static dyn Behaviour>,
    ) -> Result<Registry, String> {
        let names: Vec<&'static str> = declarations.iter().map(|m| m.name).collect();
        let mut models: HashMap<&'static str, ModelDef> = HashMap::new();
        for decl in declarations {
            let name = decl.name;
            let def = ModelDef {
                decl,
                behaviour: &PLAIN,
                computes: HashMap::new(),
                defaults: HashMap::new(),
                checks: Vec::new(),
                methods: HashMap::new(),
            };
            if models.insert(name, def).is_some() {
                return Err(format!("model {name} is declared twice"));
            }
        }
        for behaviour in behaviours {
            let name = behaviour.model();
            let def = models
                .get_mut(name)
                .ok_or_else(|| format!("a behaviour is registered for unknown model {name}"))?;
            if !std::ptr::addr_eq(def.behaviour, &PLAIN) {
                return Err(format!("model {name} has two behaviours"));
            }
            def.behaviour = behaviour;
            for c in behaviour.computes() {
                let field = def
                    .decl
                    .get_field(c.field)
                    .ok_or_else(|| format!("compute for unknown field {name}.{}", c.field))?;
                if !field.computed {
                    return Err(format!(
                        "{name}.{} has a compute but is not declared computed",
                        c.field
                    ));
                }
                if def.computes.insert(c.field, c.run).is_some() {
                    return Err(format!("{name}.{} is computed twice", c.field));
                }
            }
            for d in behaviour.defaults() {
                if !def.decl.has_field(d.field) {
                    return Err(format!("default for unknown field {name}.{}", d.field));
                }
                def.defaults.insert(d.field, d.run);
            }
            for check in behaviour.checks() {
                if let Some(f) = check.fields.iter().find(|f| !def.decl.has_field(f)) {
                    return Err(format!("check on unknown field {name}.{f}"));
                }
                def.checks.push(check);
            }
            for m in behaviour.methods() {
                if ORM_METHODS.contains(&m.name) || m.name.starts_with('_') {
                    return Err(format!("{name}.{} may not be a business method", m.name));
                }
                if def.methods.insert(m.name, m).is_some() {
                    return Err(format!("{name} declares a method twice"));
                }
            }
        }
        for def in models.values() {
            for f in def.decl.fields.iter().filter(|f| f.computed) {
                if f.name != "display_name" && !def.computes.contains_key(f.name) {
                    return Err(format!(
                        "{}.{} is declared computed but has no compute",
                        def.name, f.name
                    ));
                }
            }
        }
        Ok(Registry {
            models,
            names,
            statements: Default::default(),
        })
    }

    pub fn get(&self, name: &str) -> Option<&ModelDef> {
        self.models.get(name)
    }

    /// A model by name, or Odoo's error for an unknown one.
    pub fn model(&self, name: &str) -> OdooResult<&ModelDef> {
        self.get(name)
            .ok_or_else(|| OdooError::UserError(format!("Object {name} doesn't exist")))
    }

    /// Model names in declaration order.
    pub fn names(&self) -> &[&'static str] {
        &self.names
    }

    /// Every model, in declaration order.
    pub fn models(&self) -> impl Iterator<Item = &ModelDef> {
        self.names.iter().filter_map(|n| self.models.get(n))
    }
}

impl Declarations for Registry {
    fn declaration(&self, name: &str) -> Option<&Model> {
        self.get(name).map(|m| &m.decl)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_computed_field_without_compute_is_refused() {
        let err = Registry::build(models::all(), Vec::new())
            .err()
            .expect("computed fields without computes");
        assert!(
            err.contains("is declared computed but has no compute"),
            "{err}"
        );
    }
}
