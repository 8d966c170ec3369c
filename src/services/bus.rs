//! The notification bus (Odoo's `bus.bus`): business code sends a notification on a
//! channel once its transaction has committed; every websocket of this process that
//! subscribed to the channel receives it. The POS subscribes to its `pos.config`'s
//! `access_token` and hears `SYNCHRONISATION` when another device synced an order.
//!
//! Notifications live in this process only (Odoo passes them between workers through
//! PostgreSQL's NOTIFY): the recent ones are kept, bounded, so that a client that
//! reconnects with `last` gets what it missed.

use std::collections::{HashSet, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio::sync::broadcast;

/// Notifications kept for late subscribers.
const KEPT: usize = 1000;
/// A subscription with `last: 0` gets the notifications of this last span, as Odoo's
/// `bus.bus._poll` does.
const FRESH: Duration = Duration::from_secs(50);

/// One notification, as Odoo's `bus.bus` row: id, channel, type and payload.
#[derive(Debug)]
pub struct Notification {
    pub id: u64,
    pub channel: String,
    pub kind: String,
    pub payload: Value,
    at: Instant,
}

impl Notification {
    /// What the websocket sends: `{"id", "message": {"type", "payload"}}`.
    pub fn to_json(&self) -> Value {
        json!({"id": self.id, "message": {"type": self.kind, "payload": self.payload}})
    }
}

/// The bus of this process; cheap to clone.
#[derive(Clone)]
pub struct Bus {
    inner: Arc<Inner>,
}

struct Inner {
    next_id: AtomicU64,
    connections: std::sync::atomic::AtomicUsize,
    recent: Mutex<VecDeque<Arc<Notification>>>,
    sender: broadcast::Sender<Arc<Notification>>,
}

impl Default for Bus {
    fn default() -> Self {
        Bus::new()
    }
}

impl Bus {
    pub fn new() -> Bus {
        // Ids grow across restarts (milliseconds since the epoch at start), so that a
        // client reconnecting with the `last` id it saw before a restart misses nothing.
        let start = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(1);
        let (sender, _) = broadcast::channel(1024);
        Bus {
            inner: Arc::new(Inner {
                next_id: AtomicU64::new(start),
                connections: std::sync::atomic::AtomicUsize::new(0),
                recent: Mutex::new(VecDeque::new()),
                sender,
            }),
        }
    }

    /// Sends `kind`/`payload` on `channel` (Odoo's `_sendone`); returns its id.
    pub fn send(&self, channel: &str, kind: &str, payload: Value) -> u64 {
        let id = self.inner.next_id.fetch_add(1, Ordering::SeqCst);
        let n = Arc::new(Notification {
            id,
            channel: channel.to_string(),
            kind: kind.to_string(),
            payload,
            at: Instant::now(),
        });
        if let Ok(mut recent) = self.inner.recent.lock() {
            recent.push_back(n.clone());
            while recent.len() > KEPT {
                recent.pop_front();
            }
        }
        // No receiver is not an error: nobody listens.
        let _ = self.inner.sender.send(n);
        id
    }

    /// Counts a new listener (a websocket) unless `max` already listen; the guard
    /// uncounts it when dropped.
    pub fn join(&self, max: usize) -> Option<Listener> {
        let inner = &self.inner;
        let mut now = inner.connections.load(Ordering::SeqCst);
        loop {
            if now >= max {
                return None;
            }
            match inner.connections.compare_exchange(
                now,
                now + 1,
                Ordering::SeqCst,
                Ordering::SeqCst,
            ) {
                Ok(_) => return Some(Listener { bus: self.clone() }),
                Err(actual) => now = actual,
            }
        }
    }

    /// How many listeners are connected.
    pub fn listeners(&self) -> usize {
        self.inner.connections.load(Ordering::SeqCst)
    }

    /// A receiver of every notification sent from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Notification>> {
        self.inner.sender.subscribe()
    }

    /// The kept notifications of `channels` after `last` (with `last` 0: of the last
    /// 50 seconds), oldest first.
    pub fn since(&self, channels: &HashSet<String>, last: u64) -> Vec<Arc<Notification>> {
        let Ok(recent) = self.inner.recent.lock() else {
            return Vec::new();
        };
        recent
            .iter()
            .filter(|n| channels.contains(&n.channel))
            .filter(|n| {
                if last == 0 {
                    n.at.elapsed() < FRESH
                } else {
                    n.id > last
                }
            })
            .cloned()
            .collect()
    }
}

/// One counted listener of the bus (see [`Bus::join`]).
pub struct Listener {
    bus: Bus,
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.bus.inner.connections.fetch_sub(1, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn late_subscribers_get_what_they_missed_on_their_channels_only() {
        let bus = Bus::new();
        let first = bus.send("a", "SYNCHRONISATION", json!({"n": 1}));
        bus.send("b", "OTHER", json!({}));
        let second = bus.send("a", "SYNCHRONISATION", json!({"n": 2}));
        let channels: HashSet<String> = ["a".to_string()].into();
        let ids: Vec<u64> = bus.since(&channels, 0).iter().map(|n| n.id).collect();
        assert_eq!(ids, vec![first, second]);
        let ids: Vec<u64> = bus.since(&channels, first).iter().map(|n| n.id).collect();
        assert_eq!(ids, vec![second]);
        assert_eq!(
            bus.since(&channels, second)[..].len(),
            0,
            "nothing after the last one"
        );
    }

    #[test]
    fn listeners_are_bounded_and_counted() {
        let bus = Bus::new();
        let a = bus.join(2).unwrap();
        let _b = bus.join(2).unwrap();
        assert!(bus.join(2).is_none());
        drop(a);
        assert_eq!(bus.listeners(), 1);
        assert!(bus.join(2).is_some());
    }
}
