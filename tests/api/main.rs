//! Integration tests over real HTTP: one binary, one module per area.

mod helpers;
mod stripe_contract;

mod setup_stripe;
mod stripe_flow;
mod transport;
