//! A domain on `res.partner`: parsed as Odoo reads it, then compiled for both
//! backends. Must never panic nor overflow the stack.
#![no_main]

use libfuzzer_sys::fuzz_target;
use odoo_pos_stripe::orm::domain::{Compiler, Domain};
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    let registry = odoo_pos_stripe::addons::registry();
    let Ok(model) = registry.model("res.partner") else {
        return;
    };
    if let Ok(domain) = Domain::parse_for(&value, model, registry) {
        let again = Domain::parse(&domain.to_json()).expect("a parsed domain re-parses");
        assert_eq!(again.to_json(), domain.to_json());
        for backend in [sea_orm::DbBackend::Sqlite, sea_orm::DbBackend::Postgres] {
            let _ = Compiler {
                backend,
                models: registry,
            }
            .id_subquery(model, &domain);
        }
    }
});
