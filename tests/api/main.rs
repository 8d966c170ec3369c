//! Integration tests over real HTTP: one binary, one module per area.

mod helpers;
mod stripe_contract;

mod cli;
mod setup_stripe;
mod storage;
mod stripe_flow;
mod transport;
mod xmlrpc;
