//! Snapshot tests: the output of a piece of the engine or of the wire, compared with an
//! expectation written beside the test in `expect![[...]]` (rust-analyzer's `expect-test`).
//! They show a whole shape at a glance and catch any change to it, intended or not.
//!
//! After an intended change, regenerate the expectations and review the diff:
//!
//! ```sh
//! UPDATE_EXPECT=1 cargo test --test api snapshots
//! ```
//!
//! The PostgreSQL variants (ignored unless asked for, see the harness) compare against the
//! same expectations as the SQLite ones: both backends must answer alike.

mod domain_sql;
mod envelopes;
mod fields_get;
