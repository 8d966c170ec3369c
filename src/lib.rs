//! odoo-pos-stripe: an Odoo-compatible RPC server for the Point of Sale Stripe
//! Terminal flow. See ARCHITECTURE.md for the map of the code.

pub mod addons;
pub mod auth;
pub mod cli;
pub mod db;
pub mod errors;
pub mod fixtures;
pub mod http;
pub mod metadata;
pub mod money;
pub mod orm;
pub mod rpc;
pub mod services;
pub mod settings;
pub mod startup;
pub mod stripe;
pub mod stripe_sim;
pub mod telemetry;
pub mod wake;
