//! x2many commands as a client sends them.
#![no_main]

use libfuzzer_sys::fuzz_target;
use odoo_pos_stripe::orm::x2many::{check_nesting, Command};
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    let _ = Command::parse_list(&value);
    let registry = odoo_pos_stripe::addons::registry();
    if let (Ok(model), Value::Object(vals)) = (registry.model("res.partner"), &value) {
        let _ = check_nesting(registry, model, vals);
    }
});
