//! The text of search statements, kept by everything they are built from.
//!
//! A `search_read` builds the same statement for the same model, final domain
//! (the caller's, the active filter, the record rules, hierarchies resolved), order,
//! window and columns: building it through sea-query was, with the domain's
//! compilation, about a tenth of the server's own work per call (BENCHMARKS.md,
//! seventh round). The statement is a pure function of those inputs and of the
//! backend (the compiler reads nothing else), so a call whose inputs match an earlier
//! one's takes that statement's text and values as they were. The key is written out
//! in full, values and names JSON-quoted, so two different inputs never share one.
//! Access checks are not cached: they run on every call before the key is looked up.

use std::collections::HashMap;
use std::fmt::Write;
use std::sync::Mutex;

use sea_orm::Statement;
use serde_json::Value;

use super::domain::Domain;

/// Statements kept at most; the cache starts over when full (the POS sends a few
/// dozen shapes of search).
const KEPT: usize = 512;
/// The longest key kept, in bytes: a domain with a long list of values (ids) is
/// built anew each time rather than kept, so that the cache stays a few MiB at most
/// whatever its callers send.
const KEY_MAX: usize = 4096;

/// Keyed with foldhash, seeded per process: a key is a few hundred bytes and is hashed
/// on every call, where SipHash took 0.6% of a `search_read`'s instructions (BENCHMARKS.md,
/// eleventh round). The map is bounded ([`KEPT`]), so colliding keys cost little.
#[derive(Default)]
pub struct Statements {
    kept: Mutex<HashMap<String, Statement, foldhash::fast::RandomState>>,
}

impl Statements {
    pub fn get(&self, key: &str) -> Option<Statement> {
        self.kept
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(key)
            .cloned()
    }

    pub fn keep(&self, key: String, statement: &Statement) {
        if key.len() > KEY_MAX {
            return;
        }
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        if kept.len() >= KEPT {
            kept.clear();
        }
        kept.insert(key, statement.clone());
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.kept.lock().unwrap_or_else(|e| e.into_inner()).len()
    }
}

/// A key being written: each part is written so that where it ends is unambiguous.
pub struct Key(String);

impl Key {
    pub fn new() -> Key {
        Key(String::with_capacity(256))
    }

    /// A name or other text, JSON-quoted.
    pub fn text(&mut self, s: &str) -> &mut Key {
        // What serde_json writes for `s`, without its allocations when nothing needs
        // escaping (names and most values).
        if s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
            self.0.push('"');
            self.0.push_str(s);
            self.0.push_str("\",");
        } else {
            let _ = write!(self.0, "{},", Value::from(s));
        }
        self
    }

    /// Anything whose `Debug` form has no separator of ours in it (numbers, enums).
    pub fn debug(&mut self, v: impl std::fmt::Debug) -> &mut Key {
        let _ = write!(self.0, "{v:?};");
        self
    }

    pub fn domain(&mut self, d: &Domain) -> &mut Key {
        match d {
            Domain::True => self.0.push_str("T;"),
            Domain::False => self.0.push_str("F;"),
            Domain::Not(inner) => {
                self.0.push('!');
                self.domain(inner);
            }
            Domain::And(items) | Domain::Or(items) => {
                self.0.push_str(if matches!(d, Domain::And(_)) {
                    "&("
                } else {
                    "|("
                });
                for item in items {
                    self.domain(item);
                }
                self.0.push(')');
            }
            // `raw` is the leaf as the caller wrote it, for messages only.
            Domain::Leaf {
                path, op, value, ..
            } => {
                self.0.push('[');
                for p in path {
                    self.text(p);
                }
                let _ = write!(self.0, "{op:?};{value}]");
            }
        }
        self
    }

    pub fn done(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::orm::domain::Op;
    use serde_json::json;

    fn key(d: &Domain) -> String {
        let mut k = Key::new();
        k.domain(d);
        k.done()
    }

    #[test]
    fn different_domains_have_different_keys() {
        let leaf = |path: &[&str], op, value: Value| Domain::Leaf {
            path: path.iter().map(|s| s.to_string()).collect(),
            op,
            value,
            raw: Value::Null,
        };
        let domains = [
            Domain::True,
            Domain::False,
            leaf(&["a"], Op::Eq, json!(1)),
            leaf(&["a"], Op::Eq, json!("1")),
            leaf(&["a"], Op::Eq, json!(1.0)),
            leaf(&["a"], Op::Ne, json!(1)),
            leaf(&["a.b"], Op::Eq, json!(1)),
            leaf(&["a", "b"], Op::Eq, json!(1)),
            leaf(&["a\",\"b"], Op::Eq, json!(1)),
            leaf(&["a"], Op::In, json!([1, 2])),
            leaf(&["a"], Op::In, json!([12])),
            leaf(&["a"], Op::Eq, json!(false)),
            leaf(&["a"], Op::Eq, Value::Null),
            Domain::And(vec![leaf(&["a"], Op::Eq, json!(1)), Domain::True]),
            Domain::Or(vec![leaf(&["a"], Op::Eq, json!(1)), Domain::True]),
            Domain::And(vec![
                Domain::Or(vec![leaf(&["a"], Op::Eq, json!(1))]),
                Domain::True,
            ]),
            Domain::And(vec![Domain::Or(vec![
                leaf(&["a"], Op::Eq, json!(1)),
                Domain::True,
            ])]),
            Domain::Not(Box::new(leaf(&["a"], Op::Eq, json!(1)))),
        ];
        let keys: Vec<String> = domains.iter().map(key).collect();
        for (i, a) in keys.iter().enumerate() {
            for (j, b) in keys.iter().enumerate() {
                assert_eq!(i == j, a == b, "{:?} and {:?}", domains[i], domains[j]);
            }
        }
        // The raw leaf, for messages, is not part of the key.
        let mut raw = leaf(&["a"], Op::Eq, json!(1));
        if let Domain::Leaf { raw: r, .. } = &mut raw {
            *r = json!(["a", "=", 1]);
        }
        assert_eq!(key(&raw), keys[2]);
    }

    #[test]
    fn text_is_written_as_json() {
        for s in ["", "name", "a\"b", "back\\slash", "tab\t", "ünï", "\u{7f}"] {
            let mut k = Key::new();
            k.text(s);
            assert_eq!(k.done(), format!("{},", Value::from(s)), "{s:?}");
        }
    }

    #[test]
    fn the_cache_starts_over_when_full() {
        let s = Statements::default();
        let st = Statement::from_string(sea_orm::DbBackend::Sqlite, "SELECT 1");
        for i in 0..KEPT {
            s.keep(i.to_string(), &st);
        }
        assert_eq!(s.len(), KEPT);
        assert!(s.get("7").is_some());
        s.keep("one more".into(), &st);
        assert_eq!(s.len(), 1);
        assert!(s.get("7").is_none());
        assert_eq!(s.get("one more").map(|s| s.sql), Some("SELECT 1".into()));
    }

    #[test]
    fn a_long_key_is_not_kept() {
        let s = Statements::default();
        let st = Statement::from_string(sea_orm::DbBackend::Sqlite, "SELECT 1");
        s.keep("k".repeat(KEY_MAX), &st);
        s.keep("k".repeat(KEY_MAX + 1), &st);
        assert_eq!(s.len(), 1);
        assert!(s.get(&"k".repeat(KEY_MAX + 1)).is_none());
    }
}
