//! A JSON-RPC body, as the transport reads it: parsed (serde_json's depth limit, as
//! in `http`), then decoded into a `Call` on every JSON route.
#![no_main]

use libfuzzer_sys::fuzz_target;
use odoo_pos_stripe::rpc::{Call, CallNames};
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Ok(Value::Object(mut envelope)) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    let Some(Value::Object(params)) = envelope.remove("params") else {
        return;
    };
    let registry = odoo_pos_stripe::addons::registry();
    for route in [
        "/jsonrpc",
        "/web/dataset/call_kw",
        "/web/dataset/call_button",
        "/web/session/authenticate",
    ] {
        let _ = Call::from_route(registry, route, &params, &mut CallNames::default());
    }
});
