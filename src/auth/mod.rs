//! Users, credentials and sessions.
pub mod crypto;
pub mod session;
pub mod throttle;
pub mod users;
