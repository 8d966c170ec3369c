//! Integration tests over real HTTP: one binary, one module per area.

mod helpers;

mod access;
mod auth;
mod domains;
mod orm;
mod transport;
mod x2many;
