//! Login throttling, after Odoo's `base.login_cooldown_after` (5 failures)
//! and `base.login_cooldown_duration` (60 s), but keyed by login (lowercased)
//! rather than by source IP.
//!
//! After [`ThrottleConfig::max_failures`] consecutive failures for a login,
//! [`LoginThrottle::check`] refuses attempts until
//! [`ThrottleConfig::cooldown`] has elapsed since the last failure; the
//! counter then starts over. A success clears the counter. Failures older
//! than the cooldown are forgotten too (so a stray typo a day ago does not
//! count towards today's limit), which is what lets stale entries be evicted
//! without changing behaviour.
//!
//! The caller maps a refusal to Odoo's `AccessDenied` "Too many login
//! failures, please wait a bit before trying again.".

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Map size above which stale entries are evicted.
pub const MAX_ENTRIES: usize = 10_000;

/// Hard cap: if the map is still this large after evicting stale entries,
/// entries that are not cooling down are dropped as well.
const HARD_MAX_ENTRIES: usize = 10 * MAX_ENTRIES;

/// Logins are keyed by their first 256 bytes (lowercased), so oversized
/// logins cannot inflate memory.
const MAX_KEY_BYTES: usize = 256;

/// Throttling parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThrottleConfig {
    /// Consecutive failures that trigger a cooldown (Odoo default 5).
    /// 0 disables throttling.
    pub max_failures: u32,
    /// How long a login is refused after the last failure (Odoo default 60 s).
    pub cooldown: Duration,
    /// Optional fixed delay the caller should add to each failed attempt
    /// (0 by default); see [`LoginThrottle::delay_after_failure`].
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

#[derive(Debug, Clone, Copy)]
struct Entry {
    failures: u32,
    last_failure: Instant,
}

#[derive(Debug)]
struct State {
    entries: HashMap<String, Entry>,
    /// Map size that triggers the next eviction pass (amortises the O(n)
    /// scan when many logins are live at once).
    prune_at: usize,
}

/// Per-login failure counter with cooldown. Cheap to share behind an `Arc`.
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

fn key(login: &str) -> String {
    let mut k = login.to_lowercase();
    if k.len() > MAX_KEY_BYTES {
        let mut end = MAX_KEY_BYTES;
        while !k.is_char_boundary(end) {
            end -= 1;
        }
        k.truncate(end);
    }
    k
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

    /// `Ok(())` if an attempt may proceed; `Err(remaining)` while the login
    /// is cooling down.
    pub fn check(&self, login: &str) -> Result<(), Duration> {
        self.check_at(login, Instant::now())
    }

    /// [`check`](Self::check) at a given instant.
    pub fn check_at(&self, login: &str, now: Instant) -> Result<(), Duration> {
        if self.cfg.max_failures == 0 {
            return Ok(());
        }
        let k = key(login);
        let mut st = self.lock();
        let Some(e) = st.entries.get(&k) else {
            return Ok(());
        };
        let elapsed = now.saturating_duration_since(e.last_failure);
        if elapsed >= self.cfg.cooldown {
            // Cooldown over (or failures stale): start afresh.
            st.entries.remove(&k);
            return Ok(());
        }
        if e.failures >= self.cfg.max_failures {
            Err(self.cfg.cooldown - elapsed)
        } else {
            Ok(())
        }
    }

    /// Records a failed attempt for `login`.
    pub fn record_failure(&self, login: &str) {
        self.record_failure_at(login, Instant::now());
    }

    /// [`record_failure`](Self::record_failure) at a given instant.
    pub fn record_failure_at(&self, login: &str, now: Instant) {
        if self.cfg.max_failures == 0 {
            return;
        }
        let k = key(login);
        let mut st = self.lock();
        let cooldown = self.cfg.cooldown;
        let e = st.entries.entry(k).or_insert(Entry {
            failures: 0,
            last_failure: now,
        });
        if now.saturating_duration_since(e.last_failure) >= cooldown {
            e.failures = 0;
        }
        e.failures = e.failures.saturating_add(1);
        // Never move the timestamp backwards (out-of-order instants).
        e.last_failure = e.last_failure.max(now);
        if st.entries.len() > st.prune_at {
            self.prune(&mut st, now);
        }
    }

    /// Records a successful login: clears the counter for `login`.
    pub fn record_success(&self, login: &str) {
        let k = key(login);
        self.lock().entries.remove(&k);
    }

    /// Sleeps for [`ThrottleConfig::failure_delay`] (no-op when zero). Meant
    /// to be awaited by the caller after [`record_failure`](Self::record_failure)
    /// and before answering, to slow down guessing without blocking a thread.
    pub async fn delay_after_failure(&self) {
        if !self.cfg.failure_delay.is_zero() {
            tokio::time::sleep(self.cfg.failure_delay).await;
        }
    }

    /// Number of logins currently tracked.
    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn prune(&self, st: &mut State, now: Instant) {
        let cooldown = self.cfg.cooldown;
        st.entries
            .retain(|_, e| now.saturating_duration_since(e.last_failure) < cooldown);
        if st.entries.len() > HARD_MAX_ENTRIES {
            // Under a flood of distinct logins keep only those cooling down.
            let max = self.cfg.max_failures;
            st.entries.retain(|_, e| e.failures >= max);
        }
        st.prune_at = MAX_ENTRIES.max(st.entries.len().saturating_mul(2));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(max: u32, secs: u64) -> ThrottleConfig {
        ThrottleConfig {
            max_failures: max,
            cooldown: Duration::from_secs(secs),
            failure_delay: Duration::ZERO,
        }
    }

    fn s(n: u64) -> Duration {
        Duration::from_secs(n)
    }

    #[test]
    fn defaults_match_odoo() {
        let c = ThrottleConfig::default();
        assert_eq!(c.max_failures, 5);
        assert_eq!(c.cooldown, s(60));
        assert_eq!(c.failure_delay, Duration::ZERO);
    }

    #[test]
    fn locks_after_max_failures_until_cooldown() {
        let t = LoginThrottle::new(cfg(5, 60));
        let t0 = Instant::now();
        for i in 0..4 {
            assert_eq!(t.check_at("admin", t0 + s(i)), Ok(()));
            t.record_failure_at("admin", t0 + s(i));
        }
        assert_eq!(t.check_at("admin", t0 + s(4)), Ok(()));
        t.record_failure_at("admin", t0 + s(4)); // 5th failure
        assert_eq!(t.check_at("admin", t0 + s(4)), Err(s(60)));
        assert_eq!(t.check_at("admin", t0 + s(34)), Err(s(30)));
        assert_eq!(
            t.check_at("admin", t0 + s(64) - Duration::from_millis(1)),
            Err(Duration::from_millis(1))
        );
        // cooldown measured from the last failure; then the counter resets
        assert_eq!(t.check_at("admin", t0 + s(64)), Ok(()));
        t.record_failure_at("admin", t0 + s(65));
        assert_eq!(t.check_at("admin", t0 + s(65)), Ok(()));
    }

    #[test]
    fn counter_resets_after_cooldown_without_check() {
        let t = LoginThrottle::new(cfg(2, 60));
        let t0 = Instant::now();
        t.record_failure_at("a", t0);
        t.record_failure_at("a", t0 + s(1));
        assert!(t.check_at("a", t0 + s(2)).is_err());
        // a failure long after the cooldown counts as the first one again
        t.record_failure_at("a", t0 + s(100));
        assert_eq!(t.check_at("a", t0 + s(100)), Ok(()));
        t.record_failure_at("a", t0 + s(101));
        assert_eq!(t.check_at("a", t0 + s(101)), Err(s(60)));
    }

    #[test]
    fn stale_failures_below_limit_are_forgotten() {
        let t = LoginThrottle::new(cfg(3, 60));
        let t0 = Instant::now();
        t.record_failure_at("a", t0);
        t.record_failure_at("a", t0 + s(1));
        // 2 failures, then a long pause: the next two don't reach 3
        t.record_failure_at("a", t0 + s(200));
        t.record_failure_at("a", t0 + s(201));
        assert_eq!(t.check_at("a", t0 + s(202)), Ok(()));
        // spaced failures within the cooldown do accumulate
        t.record_failure_at("a", t0 + s(250));
        assert!(t.check_at("a", t0 + s(251)).is_err());
    }

    #[test]
    fn success_clears() {
        let t = LoginThrottle::new(cfg(3, 60));
        let t0 = Instant::now();
        t.record_failure_at("a", t0);
        t.record_failure_at("a", t0);
        t.record_success("a");
        t.record_failure_at("a", t0);
        t.record_failure_at("a", t0);
        assert_eq!(t.check_at("a", t0), Ok(()));
        t.record_failure_at("a", t0);
        assert!(t.check_at("a", t0).is_err());
        t.record_success("A");
        assert_eq!(t.check_at("a", t0), Ok(()));
        assert!(t.is_empty());
    }

    #[test]
    fn keyed_by_lowercased_login() {
        let t = LoginThrottle::new(cfg(2, 60));
        let t0 = Instant::now();
        t.record_failure_at("Admin", t0);
        t.record_failure_at("ADMIN", t0);
        assert!(t.check_at("admin", t0).is_err());
        assert!(t.check_at("AdMiN", t0).is_err());
        assert_eq!(t.check_at("demo", t0), Ok(()));
        t.record_failure_at("ÉLODIE", t0);
        t.record_failure_at("élodie", t0);
        assert!(t.check_at("Élodie", t0).is_err());
        assert_eq!(t.len(), 2);
    }

    #[test]
    fn long_logins_are_truncated() {
        let t = LoginThrottle::new(cfg(2, 60));
        let t0 = Instant::now();
        let long = "é".repeat(1000);
        t.record_failure_at(&long, t0);
        t.record_failure_at(&format!("{long}x"), t0);
        assert!(t.check_at(&long, t0).is_err());
        let k = key(&long);
        assert!(k.len() <= MAX_KEY_BYTES && k.len() >= MAX_KEY_BYTES - 1);
        assert_eq!(key("AbC"), "abc");
    }

    #[test]
    fn check_does_not_insert() {
        let t = LoginThrottle::default();
        for i in 0..100 {
            assert_eq!(t.check(&format!("user{i}")), Ok(()));
        }
        assert!(t.is_empty());
    }

    #[test]
    fn disabled_when_max_failures_is_zero() {
        let t = LoginThrottle::new(cfg(0, 60));
        let t0 = Instant::now();
        for _ in 0..100 {
            t.record_failure_at("a", t0);
        }
        assert_eq!(t.check_at("a", t0), Ok(()));
        assert!(t.is_empty());
    }

    #[test]
    fn out_of_order_instants_are_harmless() {
        let t = LoginThrottle::new(cfg(2, 60));
        let t0 = Instant::now() + s(10);
        t.record_failure_at("a", t0);
        t.record_failure_at("a", t0 - s(5));
        // last_failure stays at t0
        assert_eq!(t.check_at("a", t0), Err(s(60)));
        // checking "before" the last failure reports the full cooldown
        assert_eq!(t.check_at("a", t0 - s(10)), Err(s(60)));
    }

    #[test]
    fn evicts_stale_entries_past_max() {
        let t = LoginThrottle::new(cfg(5, 60));
        let t0 = Instant::now();
        for i in 0..MAX_ENTRIES - 1 {
            t.record_failure_at(&format!("old{i}"), t0);
        }
        // a locked-out login that is still cooling down at t0 + 61
        for _ in 0..5 {
            t.record_failure_at("locked", t0 + s(30));
        }
        assert_eq!(t.len(), MAX_ENTRIES);
        // next insertion goes past the threshold and evicts stale entries
        t.record_failure_at("fresh", t0 + s(61));
        assert_eq!(t.len(), 2);
        assert!(t.check_at("locked", t0 + s(61)).is_err());
        assert_eq!(t.check_at("fresh", t0 + s(61)), Ok(()));
    }

    #[test]
    fn live_entries_survive_eviction_pass() {
        let t = LoginThrottle::new(cfg(5, 60));
        let t0 = Instant::now();
        for i in 0..=MAX_ENTRIES {
            t.record_failure_at(&format!("u{i}"), t0 + Duration::from_micros(i as u64));
        }
        // all live: nothing evicted, next pass postponed
        assert_eq!(t.len(), MAX_ENTRIES + 1);
        assert_eq!(t.lock().prune_at, 2 * (MAX_ENTRIES + 1));
        t.record_failure_at("u0", t0 + s(1));
        assert_eq!(t.len(), MAX_ENTRIES + 1);
    }

    #[test]
    fn hard_cap_keeps_only_locked_logins() {
        let t = LoginThrottle::new(cfg(2, 60));
        let t0 = Instant::now();
        t.record_failure_at("victim", t0);
        t.record_failure_at("victim", t0);
        {
            // simulate a flood of live one-failure entries
            let mut st = t.lock();
            for i in 0..=HARD_MAX_ENTRIES {
                st.entries.insert(
                    format!("flood{i}"),
                    Entry {
                        failures: 1,
                        last_failure: t0,
                    },
                );
            }
        }
        t.record_failure_at("another", t0);
        assert_eq!(t.len(), 1);
        assert!(t.check_at("victim", t0 + s(1)).is_err());
    }

    #[test]
    fn real_clock_api() {
        let t = LoginThrottle::new(cfg(1, 60));
        assert_eq!(t.check("x"), Ok(()));
        t.record_failure("x");
        let rem = t.check("X").unwrap_err();
        assert!(rem > s(59) && rem <= s(60));
        t.record_success("x");
        assert_eq!(t.check("x"), Ok(()));
    }

    #[tokio::test]
    async fn failure_delay_sleeps() {
        let t = LoginThrottle::new(ThrottleConfig {
            failure_delay: Duration::from_millis(50),
            ..ThrottleConfig::default()
        });
        let start = Instant::now();
        t.delay_after_failure().await;
        assert!(start.elapsed() >= Duration::from_millis(50));

        let t = LoginThrottle::default();
        let start = Instant::now();
        t.delay_after_failure().await;
        assert!(start.elapsed() < Duration::from_millis(50));
    }

    #[test]
    fn shared_across_threads() {
        let t = std::sync::Arc::new(LoginThrottle::new(cfg(50, 60)));
        let hs: Vec<_> = (0..10)
            .map(|_| {
                let t = t.clone();
                std::thread::spawn(move || {
                    for _ in 0..5 {
                        t.record_failure("shared");
                    }
                })
            })
            .collect();
        for h in hs {
            h.join().unwrap();
        }
        assert!(t.check("shared").is_err());
    }
}
