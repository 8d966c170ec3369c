//! The throttle's rules, on an injected clock.

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

fn ip(last: u8) -> Option<IpAddr> {
    Some(IpAddr::from([127, 0, 0, last]))
}

fn login(name: &str) -> Key {
    Key::new(None, name)
}

/// One failed check for `key` at `now`; panics if it was refused.
fn fail(t: &LoginThrottle, key: Key, now: Instant) {
    t.begin_at(key, now).expect("not refused").failed_at(now);
}

#[test]
fn defaults_match_odoo() {
    let c = ThrottleConfig::default();
    assert_eq!(c.max_failures, 5);
    assert_eq!(c.cooldown, s(60));
    assert_eq!(c.failure_delay, Duration::ZERO);
}

#[test]
fn refuses_after_max_failures_until_cooldown_then_rearms() {
    let t = LoginThrottle::new(cfg(5, 60));
    let t0 = Instant::now();
    for i in 0..5 {
        fail(&t, login("admin"), t0 + s(i));
    }
    assert_eq!(t.begin_at(login("admin"), t0 + s(4)).err(), Some(s(60)));
    assert_eq!(t.begin_at(login("admin"), t0 + s(34)).err(), Some(s(30)));
    // The cooldown runs from the last failure; then one attempt may run...
    let attempt = t.begin_at(login("admin"), t0 + s(64)).unwrap();
    // ...but only one at a time...
    assert!(t.begin_at(login("admin"), t0 + s(64)).is_err());
    // ...and if it fails, the address is refused again at once (Odoo keeps counting).
    attempt.failed_at(t0 + s(65));
    assert_eq!(t.begin_at(login("admin"), t0 + s(65)).err(), Some(s(60)));
}

#[test]
fn success_clears() {
    let t = LoginThrottle::new(cfg(3, 60));
    let t0 = Instant::now();
    fail(&t, login("a"), t0);
    fail(&t, login("a"), t0);
    t.begin_at(login("a"), t0).unwrap().succeeded();
    assert!(t.is_empty());
    fail(&t, login("a"), t0);
    fail(&t, login("a"), t0);
    fail(&t, login("a"), t0);
    assert!(t.begin_at(login("a"), t0).is_err());
}

#[test]
fn keyed_by_address_when_known() {
    let t = LoginThrottle::new(cfg(2, 60));
    let t0 = Instant::now();
    // Five wrong passwords for "cashier" from one address...
    fail(&t, Key::new(ip(2), "cashier"), t0);
    fail(&t, Key::new(ip(2), "cashier"), t0);
    // ...refuse every login from that address, as Odoo does...
    assert!(t.begin_at(Key::new(ip(2), "admin"), t0).is_err());
    // ...and no login from another address: the real cashier is not locked out.
    t.begin_at(Key::new(ip(1), "cashier"), t0)
        .unwrap()
        .succeeded();
}

#[test]
fn keyed_by_lowercased_login_otherwise() {
    let t = LoginThrottle::new(cfg(2, 60));
    let t0 = Instant::now();
    fail(&t, login("Admin"), t0);
    fail(&t, login("ADMIN"), t0);
    assert!(t.begin_at(login("admin"), t0).is_err());
    assert!(t.begin_at(login("demo"), t0).is_ok());
    let long = "é".repeat(1000);
    let Key::Login(k) = login(&long) else {
        panic!("a login key")
    };
    assert!(k.len() <= MAX_KEY_BYTES && k.len() >= MAX_KEY_BYTES - 1);
}

#[test]
fn attempts_in_flight_count() {
    // 32 simultaneous attempts: 5 may run, the others are refused at once.
    let t = LoginThrottle::new(cfg(5, 60));
    let t0 = Instant::now();
    let attempts: Vec<_> = (0..32)
        .filter_map(|_| t.begin_at(Key::new(ip(9), "x"), t0).ok())
        .collect();
    assert_eq!(attempts.len(), 5);
    for a in attempts {
        a.failed_at(t0);
    }
    assert!(t.begin_at(Key::new(ip(9), "x"), t0 + s(1)).is_err());
}

#[test]
fn dropped_attempts_give_their_place_back() {
    let t = LoginThrottle::new(cfg(1, 60));
    let t0 = Instant::now();
    drop(t.begin_at(login("a"), t0).unwrap());
    assert!(t.is_empty());
    let a = t.begin_at(login("a"), t0).unwrap();
    assert!(t.begin_at(login("a"), t0).is_err());
    drop(a);
    t.begin_at(login("a"), t0).unwrap().failed_at(t0);
    assert!(t.begin_at(login("a"), t0).is_err());
}

#[test]
fn disabled_when_max_failures_is_zero() {
    let t = LoginThrottle::new(cfg(0, 60));
    let t0 = Instant::now();
    for _ in 0..100 {
        fail(&t, login("a"), t0);
    }
    assert!(t.begin_at(login("a"), t0).is_ok());
    assert!(t.is_empty());
}

#[test]
fn out_of_order_instants_are_harmless() {
    let t = LoginThrottle::new(cfg(2, 60));
    let t0 = Instant::now() + s(10);
    fail(&t, login("a"), t0);
    fail(&t, login("a"), t0 - s(5));
    assert_eq!(t.begin_at(login("a"), t0).err(), Some(s(60)));
    assert_eq!(t.begin_at(login("a"), t0 - s(10)).err(), Some(s(60)));
}

#[test]
fn evicts_idle_entries_past_max() {
    let t = LoginThrottle::new(cfg(5, 60));
    let t0 = Instant::now();
    for i in 0..MAX_ENTRIES - 1 {
        fail(&t, login(&format!("old{i}")), t0);
    }
    for _ in 0..5 {
        fail(&t, login("locked"), t0 + s(30));
    }
    assert_eq!(t.len(), MAX_ENTRIES);
    // The next key goes past the threshold: idle entries are evicted.
    fail(&t, login("fresh"), t0 + s(61));
    assert_eq!(t.len(), 2);
    assert!(t.begin_at(login("locked"), t0 + s(61)).is_err());
}

#[test]
fn hard_cap_keeps_only_refused_keys() {
    let t = LoginThrottle::new(cfg(2, 60));
    let t0 = Instant::now();
    fail(&t, login("victim"), t0);
    fail(&t, login("victim"), t0);
    {
        let mut st = t.lock();
        for i in 0..=HARD_MAX_ENTRIES {
            st.entries.insert(
                login(&format!("flood{i}")),
                Entry {
                    failures: 1,
                    last_failure: t0,
                    in_flight: 0,
                },
            );
        }
    }
    fail(&t, login("another"), t0);
    // The refused key and the attempt that was in flight during the pass remain.
    assert_eq!(t.len(), 2);
    assert!(t.begin_at(login("victim"), t0 + s(1)).is_err());
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
}

#[test]
fn shared_across_threads() {
    let t = std::sync::Arc::new(LoginThrottle::new(cfg(50, 60)));
    let checked = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..10 {
            scope.spawn(|| {
                for _ in 0..20 {
                    if let Ok(a) = t.begin(login("shared")) {
                        checked.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        a.failed();
                    }
                }
            });
        }
    });
    assert_eq!(checked.into_inner(), 50);
    assert!(t.begin(login("shared")).is_err());
}
