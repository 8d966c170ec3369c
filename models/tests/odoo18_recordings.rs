//! The declarations against what a real Odoo 18.0 answered to the POS client: every
//! model `pos.session.load_data` returns is declared, with every field it reports, of
//! the same type and relation (comodel, inverse, relation table). The recordings are
//! copied into `tests/data/odoo18/` (see its README); nothing here reads the shared
//! reference data itself.

use std::collections::BTreeSet;
use std::path::PathBuf;

use models::{FieldType, Model};
use serde_json::Value;

/// Fields whose Odoo type this engine has no variant for yet: declared with the
/// closest type that stores the same value (base64 or HTML text). Each entry is
/// `(model, field, type Odoo reports, type declared)`; the test fails when an entry
/// no longer applies, so the list shrinks as the engine gains the types.
const TYPE_STAND_INS: &[(&str, &str, &str, &str)] = &[
    ("pos.config", "customer_display_bg_img", "binary", "text"),
    ("pos.payment.method", "image", "binary", "text"),
    ("product.product", "image_128", "binary", "text"),
    ("product.product", "description", "html", "text"),
    (
        "product.template.attribute.value",
        "image",
        "binary",
        "text",
    ),
    ("account.fiscal.position", "tax_map", "binary", "text"),
];

/// Recorded fields not declared yet, with the reason. The test fails when one of them
/// gets declared, so the entry is removed with the gap.
const NOT_DECLARED_YET: &[(&str, &str, &str)] = &[];

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/data/odoo18")
}

fn read_json(name: &str) -> Value {
    let path = data_dir().join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("parsing {}: {e}", path.display()))
}

fn declared(models: &[Model], name: &str) -> Option<Model> {
    models.iter().find(|m| m.name == name).cloned()
}

fn stand_in(model: &str, field: &str) -> Option<(&'static str, &'static str)> {
    TYPE_STAND_INS
        .iter()
        .find(|(m, f, _, _)| *m == model && *f == field)
        .map(|(_, _, recorded, ours)| (*recorded, *ours))
}

#[test]
fn every_loaded_model_and_field_is_declared_as_odoo_reports_it() {
    let recorded = read_json("load_data_shape.json");
    let all = models::all();
    let mut problems = Vec::new();
    let mut stand_ins_used = BTreeSet::new();
    let order = recorded["model_order"].as_array().expect("model_order");
    assert_eq!(order.len(), 41, "the recording lists 41 models");
    for model_name in order {
        let model_name = model_name.as_str().unwrap();
        let Some(model) = declared(&all, model_name) else {
            problems.push(format!("{model_name}: not declared"));
            continue;
        };
        let entry = &recorded["models"][model_name];
        for name in entry["fields"].as_array().unwrap() {
            let name = name.as_str().unwrap();
            if !model.has_field(name) {
                problems.push(format!("{model_name}.{name}: in `fields` but not declared"));
            }
        }
        for (name, rel) in entry["relations"].as_object().unwrap() {
            let pending = NOT_DECLARED_YET
                .iter()
                .any(|(m, f, _)| *m == model_name && f == name);
            let Some(field) = model.get_field(name) else {
                if !pending {
                    problems.push(format!("{model_name}.{name}: not declared"));
                }
                continue;
            };
            if pending {
                problems.push(format!(
                    "{model_name}.{name}: declared, remove it from NOT_DECLARED_YET"
                ));
            }
            let recorded_type = rel["type"].as_str().unwrap();
            let ours = field.ty.odoo_name();
            match stand_in(model_name, name) {
                Some((r, o)) if r == recorded_type && o == ours => {
                    stand_ins_used.insert((model_name.to_string(), name.clone()));
                }
                Some(_) => problems.push(format!(
                    "{model_name}.{name}: stand-in entry is stale (Odoo {recorded_type}, ours {ours})"
                )),
                None if recorded_type != ours => problems.push(format!(
                    "{model_name}.{name}: Odoo type {recorded_type}, declared {ours}"
                )),
                None => {}
            }
            if let Some(comodel) = rel.get("relation").and_then(Value::as_str) {
                if field.ty.comodel() != Some(comodel) {
                    problems.push(format!(
                        "{model_name}.{name}: Odoo relation {comodel}, declared {:?}",
                        field.ty.comodel()
                    ));
                }
            }
            if let Some(inverse) = rel.get("inverse_name").and_then(Value::as_str) {
                match &field.ty {
                    FieldType::One2many { inverse: ours, .. } if *ours == inverse => {}
                    other => problems.push(format!(
                        "{model_name}.{name}: Odoo inverse {inverse}, declared {other:?}"
                    )),
                }
            }
            if let Some(table) = rel.get("relation_table") {
                let FieldType::Many2many { relation, .. } = &field.ty else {
                    problems.push(format!("{model_name}.{name}: has a relation table in Odoo"));
                    continue;
                };
                // Related and computed many2many fields have no table of their own.
                let expected = table.as_str().unwrap_or("");
                if *relation != expected {
                    problems.push(format!(
                        "{model_name}.{name}: Odoo relation table {table}, declared {relation:?}"
                    ));
                }
            }
            let computed = rel["compute"].as_bool().unwrap_or(false);
            let related = rel["related"].as_bool().unwrap_or(false);
            if field.related.is_some() && !related {
                problems.push(format!(
                    "{model_name}.{name}: declared related, not related in Odoo"
                ));
            }
            if field.computed && !computed {
                problems.push(format!(
                    "{model_name}.{name}: declared computed, not computed in Odoo"
                ));
            }
            // A plain Odoo field is a column (or a one2many/many2many of its own).
            if !computed && !related && name != "id" && !field.store && !field.ty.is_x2many() {
                problems.push(format!(
                    "{model_name}.{name}: stored in Odoo, declared not stored"
                ));
            }
        }
    }
    for (m, f, _, _) in TYPE_STAND_INS {
        if !stand_ins_used.contains(&(m.to_string(), f.to_string())) {
            problems.push(format!("{m}.{f}: stand-in entry matches no recorded field"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Every key of the records Odoo answered to `sync_from_ui` and to the other reads of
/// the shift is a declared field of the model.
#[test]
fn records_odoo_returned_during_the_shift_only_carry_declared_fields() {
    let all = models::all();
    let mut problems = Vec::new();
    let mut check = |model_name: &str, record: &Value| {
        let model = declared(&all, model_name).unwrap_or_else(|| panic!("{model_name} missing"));
        for key in record.as_object().unwrap().keys() {
            let pending = NOT_DECLARED_YET
                .iter()
                .any(|(m, f, _)| *m == model_name && f == key);
            if !model.has_field(key) && !pending {
                problems.push(format!("{model_name}.{key}"));
            }
        }
    };
    let sync = read_json("sync_from_ui.json");
    let mut records = 0;
    for call in sync["calls"].as_array().unwrap() {
        if let Some(result) = call["response"].get("result") {
            for (model_name, rows) in result.as_object().unwrap() {
                for row in rows.as_array().unwrap() {
                    check(model_name, row);
                    records += 1;
                }
            }
        }
    }
    let other = read_json("other_reads.json");
    for call in other["rpc_calls"].as_array().unwrap() {
        let model_name = call["request"]["params"]["model"].as_str().unwrap();
        for row in call["response"]["result"].as_array().unwrap() {
            check(model_name, row);
            records += 1;
        }
    }
    assert!(records > 10, "the recordings hold records ({records})");
    assert!(problems.is_empty(), "undeclared: {}", problems.join(", "));
}
