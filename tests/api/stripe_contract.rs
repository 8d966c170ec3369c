//! Contract checks of Stripe-shaped JSON against Stripe's OpenAPI subset, for the API tests.
//!
//! The code lives in `src/stripe_sim/contract.rs`, where the simulator's unit tests use it; this
//! module includes that same file so both test crates check responses the same way. Declare it
//! in `tests/api/main.rs` with `mod stripe_contract;` and call, for example,
//! `stripe_contract::shared().validate_response("POST", "/v1/payment_intents", 200, &body)`.

#[path = "../../src/stripe_sim/contract.rs"]
mod shared_contract;

#[allow(unused_imports)]
pub use shared_contract::*;
