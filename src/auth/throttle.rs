//! Login throttling, after Odoo's `_assert_can_auth`: after
//! `base.login_cooldown_after` (5) failed checks from one client address, further
//! attempts from that address are refused, without checking anything, until
//! `base.login_cooldown_duration` (60 s) has passed since the last failure. The
//! counter is kept after the cooldown, so one more failure refuses again at once; a
//! success clears it. Like Odoo's, it is keyed by the client's address (every login
//! tried from it counts): guessing one user's password from elsewhere does not lock
//! that user out. When the address is unknown, the login tried is the key.
//!
//! Every password check (`common.login`, `/web/session/authenticate`, `execute_kw`
//! and XML-RPC `object` calls) takes an [`Attempt`] first. Attempts in flight count
//! against the limit: of 32 simultaneous wrong passwords from one address, at most 5
//! are checked (Odoo's own counter is not atomic). An attempt dropped without an
//! outcome (a client that went away) only gives its place back.
//!
//! The caller maps a refusal to Odoo's `AccessDenied` "Too many login failures,
//! please wait a bit before trying again.".

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Map size above which idle entries are evicted.
pub const MAX_ENTRIES: usize = 10_000;

/// Hard cap: if the map is still this large after evicting idle entries, entries
/// that are not cooling down are dropped as well.
const HARD_MAX_ENTRIES: usize = 10 * MAX_ENTRIES;

/// Logins are keyed by their first 256 bytes (lowercased), so oversized logins
/// cannot inflate memory.
const MAX_KEY_BYTES: usize = 256;

/// Throttling parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThrottleConfig {
    /// Failures that trigger a cooldown (Odoo default 5). 0 disables throttling.
    pub max_failures: u32,
    /// How long attempts are refused after the last failure (Odoo default 60 s).
    pub cooldown: Duration,
    /// Optional fixed delay the caller adds to each failed attempt (0 by default).
    pub failure_delay: Duration,
}

impl Default for ThrottleConfig {
    fn default() -> Self {
        Self {
            max_failures: 5,
            cooldown: Duration::from_secs(60),
            failure_delay: Duration::ZERO,
        }
    }
}

/// Odoo's answer while a client is cooling down (`res.users._on_login_cooldown`).
pub const COOLDOWN: &str = "Too many login failures, please wait a bit before trying again.";

/// Whose failures are counted together.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Key {
    /// The client's address, as Odoo keys its cooldown.
    Address(IpAddr),
    /// The login tried, when the client's address is unknown.
    Login(String),
}

impl Key {
    /// The key of an attempt from `client` (when known) on `login`.
    pub fn new(client: Option<IpAddr>, login: &str) -> Key {
        match client {
            Some(ip) => Key::Address(ip),
            None => {
                let mut k = login.to_lowercase();
                if k.len() > MAX_KEY_BYTES {
                    let mut end = MAX_KEY_BYTES;
                    while !k.is_char_boundary(end) {
                        end -= 1;
                    }
                    k.truncate(end);
                }
                Key::Login(k)
            }
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    failures: u32,
    last_failure: Instant,
    /// Attempts begun and not finished yet.
    in_flight: u32,
}

#[derive(Debug)]
struct State {
    entries: HashMap<Key, Entry>,
    /// Map size that triggers the next eviction pass (amortises the O(n) scan).
    prune_at: usize,
}

/// Failure counters with cooldown, shared by every call.
#[derive(Debug)]
pub struct LoginThrottle {
    cfg: ThrottleConfig,
    state: Mutex<State>,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        Self::new(ThrottleConfig::default())
    }
}

/// A password check allowed to run. Report its outcome with [`Attempt::succeeded`]
/// or [`Attempt::failed`]; dropping it without one only frees its place.
#[must_use]
pub struct Attempt<'t> {
    throttle: &'t LoginThrottle,
    key: Key,
    open: bool,
}

impl Attempt<'_> {
    /// The check passed: the counter is cleared.
    pub fn succeeded(mut self) {
        self.open = false;
        self.throttle.finish(&self.key, Some(true), Instant::now());
    }

    /// The check failed: one more failure, counted now.
    pub fn failed(self) {
        self.failed_at(Instant::now());
    }

    /// [`failed`](Self::failed) at a given instant.
    pub fn failed_at(mut self, now: Instant) {
        self.open = false;
        self.throttle.finish(&self.key, Some(false), now);
    }
}

impl Drop for Attempt<'_> {
    fn drop(&mut self) {
        if self.open {
            self.throttle.finish(&self.key, None, Instant::now());
        }
    }
}

impl LoginThrottle {
    pub fn new(cfg: ThrottleConfig) -> Self {
        Self {
            cfg,
            state: Mutex::new(State {
                entries: HashMap::new(),
                prune_at: MAX_ENTRIES,
            }),
        }
    }

    pub fn config(&self) -> &ThrottleConfig {
        &self.cfg
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // The state stays consistent even if a holder panicked.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// An attempt for `key`, or how long it stays refused.
    pub fn begin(&self, key: Key) -> Result<Attempt<'_>, Duration> {
        self.begin_at(key, Instant::now())
    }

    /// [`begin`](Self::begin) at a given instant.
    pub fn begin_at(&self, key: Key, now: Instant) -> Result<Attempt<'_>, Duration> {
        let max = self.cfg.max_failures;
        if max > 0 {
            let mut st = self.lock();
            let cooldown = self.cfg.cooldown;
            let e = st.entries.entry(key.clone()).or_insert(Entry {
                failures: 0,
                last_failure: now,
                in_flight: 0,
            });
            let elapsed = now.saturating_duration_since(e.last_failure);
            // How many checks may run at once: those left before the limit, or a
            // single one once a cooldown is over.
            let budget = if e.failures < max {
                max - e.failures
            } else if elapsed >= cooldown {
                1
            } else {
                0
            };
            if e.in_flight >= budget {
                let remaining = if e.failures >= max {
                    cooldown.saturating_sub(elapsed)
                } else {
                    cooldown
                };
                return Err(remaining.max(Duration::from_millis(1)));
            }
            e.in_flight += 1;
            if st.entries.len() > st.prune_at {
                self.prune(&mut st, now);
            }
        }
        Ok(Attempt {
            throttle: self,
            key,
            open: max > 0,
        })
    }

    /// Ends an attempt: `Some(true)` succeeded, `Some(false)` failed, `None` gave up.
    fn finish(&self, key: &Key, outcome: Option<bool>, now: Instant) {
        let mut st = self.lock();
        let Some(e) = st.entries.get_mut(key) else {
            return;
        };
        e.in_flight = e.in_flight.saturating_sub(1);
        match outcome {
            Some(true) => {
                st.entries.remove(key);
            }
            Some(false) => {
                e.failures = e.failures.saturating_add(1);
                // Never move the timestamp backwards (out-of-order instants).
                e.last_failure = e.last_failure.max(now);
            }
            None if e.failures == 0 && e.in_flight == 0 => {
                st.entries.remove(key);
            }
            None => {}
        }
    }

    /// Sleeps for [`ThrottleConfig::failure_delay`] (no-op when zero), to slow down
    /// guessing without blocking a thread.
    pub async fn delay_after_failure(&self) {
        if !self.cfg.failure_delay.is_zero() {
            tokio::time::sleep(self.cfg.failure_delay).await;
        }
    }

    /// Number of keys currently tracked.
    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn prune(&self, st: &mut State, now: Instant) {
        let cooldown = self.cfg.cooldown;
        st.entries.retain(|_, e| {
            e.in_flight > 0 || now.saturating_duration_since(e.last_failure) < cooldown
        });
        if st.entries.len() > HARD_MAX_ENTRIES {
            // Under a flood of distinct keys keep only those cooling down.
            let max = self.cfg.max_failures;
            st.entries
                .retain(|_, e| e.failures >= max || e.in_flight > 0);
        }
        st.prune_at = MAX_ENTRIES.max(st.entries.len().saturating_mul(2));
    }
}

#[cfg(test)]
mod tests;
