//! Integration tests over real HTTP: one binary, one module per area.

mod helpers;
mod stripe_contract;

mod access;
mod auth;
mod bad_input;
mod cli;
mod demo_catalogue;
mod domains;
mod hardening;
mod orm;
mod orm_meta;
mod orm_search;
mod parity_access;
mod parity_orm;
mod parity_pos;
mod parity_session;
mod parity_stripe;
mod parity_support;
mod passwords;
mod pos_assets_pull;
mod pos_load_data;
mod pos_session_lifecycle;
mod pos_shift_calls;
mod properties;
mod records;
mod secrets;
mod setup_stripe;
mod snapshots;
mod storage;
mod stripe_flow;
mod stripe_sim_safety;
mod transport;
mod web_pages;
mod x2many;
mod xmlrpc;
