//! Integration tests over real HTTP: one binary, one module per area.

mod helpers;
mod stripe_contract;

mod access;
mod auth;
mod cli;
mod domains;
mod orm;
mod parity_access;
mod parity_orm;
mod parity_pos;
mod parity_session;
mod parity_stripe;
mod parity_support;
mod setup_stripe;
mod storage;
mod stripe_flow;
mod transport;
mod x2many;
mod xmlrpc;
