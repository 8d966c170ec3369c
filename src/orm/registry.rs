//! The model registry: every declared model by name, built once.

use std::collections::HashMap;
use std::sync::LazyLock;

use models::{Constraint, Model};

pub struct Registry {
    models: HashMap<&'static str, Model>,
    names: Vec<&'static str>,
}

static REGISTRY: LazyLock<Registry> = LazyLock::new(|| Registry::new(models::all()));

/// The process-wide registry (the declarations are static).
pub fn registry() -> &'static Registry {
    &REGISTRY
}

impl Registry {
    fn new(all: Vec<Model>) -> Registry {
        let names = all.iter().map(|m| m.name).collect();
        Registry {
            models: all.into_iter().map(|m| (m.name, m)).collect(),
            names,
        }
    }

    pub fn get(&self, name: &str) -> Option<&Model> {
        self.models.get(name)
    }

    /// Model names in declaration order.
    pub fn names(&self) -> &[&'static str] {
        &self.names
    }

    /// The declared message of the unique constraint a database error names, found by
    /// index name (PostgreSQL) or by `table.column, ...` (SQLite).
    pub fn unique_constraint_message(&self, error_text: &str) -> Option<&'static str> {
        for model in self.models.values() {
            for c in &model.constraints {
                if let Constraint::SqlUnique {
                    name,
                    fields,
                    message,
                } = c
                {
                    let index = format!("{}_{}", model.table, name);
                    let sqlite_cols = fields
                        .iter()
                        .map(|f| format!("{}.{}", model.table, f))
                        .collect::<Vec<_>>()
                        .join(", ");
                    if error_text.contains(&format!("\"{index}\""))
                        || error_text.contains(&format!("failed: {sqlite_cols}"))
                    {
                        return Some(message);
                    }
                }
            }
        }
        None
    }
}
