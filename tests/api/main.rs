//! Integration tests over real HTTP: one binary, one module per area.

mod helpers;

mod domains;
mod orm;
mod transport;
mod x2many;
