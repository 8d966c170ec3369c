//! An XML-RPC request body: tree, values, depth bound.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = odoo_pos_stripe::http::xmlrpc::parse_call(data);
});
