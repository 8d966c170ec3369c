//! Bounded storage for the simulator's objects: a long-running simulator must not grow without
//! bound, whatever its clients send.
//!
//! [`Store`] keeps the objects of one kind by id in creation order and holds at most its
//! capacity: storing one more evicts the oldest, as a test account that forgets its oldest test
//! objects would. [`RequestLog`] keeps the log of API requests within a byte budget, dropping the
//! oldest entries first.

use std::collections::{HashMap, VecDeque};

use serde_json::Value;

/// Objects of one kind by id, oldest first, at most `capacity` of them.
#[derive(Debug)]
pub(crate) struct Store<T> {
    items: HashMap<String, T>,
    /// Ids in insertion order; replacing an object keeps its place.
    order: VecDeque<String>,
    capacity: usize,
}

impl<T> Store<T> {
    /// A store for at most `capacity` objects (at least one).
    pub fn new(capacity: usize) -> Store<T> {
        Store {
            items: HashMap::new(),
            order: VecDeque::new(),
            capacity: capacity.max(1),
        }
    }

    pub fn get(&self, id: &str) -> Option<&T> {
        self.items.get(id)
    }

    pub fn get_mut(&mut self, id: &str) -> Option<&mut T> {
        self.items.get_mut(id)
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn values(&self) -> impl Iterator<Item = &T> {
        self.items.values()
    }

    /// Stores `item` under `id`, replacing an object with that id in place, else adding it as
    /// the newest and evicting the oldest beyond the capacity.
    pub fn insert(&mut self, id: String, item: T) {
        if let Some(slot) = self.items.get_mut(&id) {
            *slot = item;
            return;
        }
        while self.order.len() >= self.capacity {
            match self.order.pop_front() {
                Some(oldest) => {
                    self.items.remove(&oldest);
                }
                None => break,
            }
        }
        self.order.push_back(id.clone());
        self.items.insert(id, item);
    }
}

/// The log of API requests, oldest first, within `max_bytes` of serialized JSON and
/// `max_entries` entries.
#[derive(Debug)]
pub(crate) struct RequestLog {
    entries: VecDeque<(usize, Value)>,
    bytes: usize,
    max_bytes: usize,
    max_entries: usize,
}

impl RequestLog {
    pub fn new(max_bytes: usize, max_entries: usize) -> RequestLog {
        RequestLog {
            entries: VecDeque::new(),
            bytes: 0,
            max_bytes,
            max_entries: max_entries.max(1),
        }
    }

    /// Appends `entry`, dropping the oldest entries until it fits. An entry larger than the
    /// whole budget is kept without its `params` (marked `"params_omitted": true`), so the log
    /// still shows that the request happened.
    pub fn push(&mut self, mut entry: Value) {
        let mut size = entry.to_string().len();
        if size > self.max_bytes {
            if let Some(object) = entry.as_object_mut() {
                object.insert("params".into(), Value::Null);
                object.insert("params_omitted".into(), Value::Bool(true));
            }
            size = entry.to_string().len();
            if size > self.max_bytes {
                return;
            }
        }
        while self.bytes + size > self.max_bytes || self.entries.len() >= self.max_entries {
            match self.entries.pop_front() {
                Some((dropped, _)) => self.bytes -= dropped,
                None => break,
            }
        }
        self.bytes += size;
        self.entries.push_back((size, entry));
    }

    pub fn clear(&mut self) {
        self.entries.clear();
        self.bytes = 0;
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Serialized size of the entries kept.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// The entries, oldest first.
    pub fn to_json(&self) -> Value {
        Value::Array(
            self.entries
                .iter()
                .map(|(_, entry)| entry.clone())
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_full_store_evicts_its_oldest_and_replacing_keeps_the_place() {
        let mut store = Store::new(2);
        store.insert("a".into(), 1);
        store.insert("b".into(), 2);
        store.insert("a".into(), 10);
        assert_eq!(store.len(), 2);
        store.insert("c".into(), 3);
        assert_eq!(store.get("a"), None, "a is the oldest, replaced or not");
        assert_eq!(store.get("b"), Some(&2));
        assert_eq!(store.get("c"), Some(&3));
    }

    #[test]
    fn the_request_log_keeps_within_its_byte_budget() {
        let mut log = RequestLog::new(100, 1000);
        for index in 0..50 {
            log.push(json!({ "n": index }));
        }
        assert!(log.bytes() <= 100);
        assert_eq!(
            log.bytes(),
            log.to_json()
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e.to_string().len())
                .sum::<usize>()
        );
        assert_eq!(log.to_json().as_array().unwrap().last().unwrap()["n"], 49);
        log.push(json!({ "params": "x".repeat(500), "path": "/v1/big" }));
        let last = log.to_json().as_array().unwrap().last().unwrap().clone();
        assert_eq!(last["path"], "/v1/big");
        assert_eq!(last["params_omitted"], true);
        assert!(log.bytes() <= 100);
    }
}
