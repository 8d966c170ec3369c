//! Stripe API keys: a wrapper that never prints the secret, plus format checks.

use std::fmt;

/// What a key string looks like, judged by its prefix only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyKind {
    SecretTest,
    SecretLive,
    RestrictedTest,
    RestrictedLive,
    PublishableTest,
    PublishableLive,
    Unknown,
}

impl KeyKind {
    /// Classifies a key string by its prefix (`sk_test_`, `rk_live_`, `pk_test_`, ...).
    pub fn of(s: &str) -> KeyKind {
        const KINDS: [(&str, KeyKind); 6] = [
            ("sk_test_", KeyKind::SecretTest),
            ("sk_live_", KeyKind::SecretLive),
            ("rk_test_", KeyKind::RestrictedTest),
            ("rk_live_", KeyKind::RestrictedLive),
            ("pk_test_", KeyKind::PublishableTest),
            ("pk_live_", KeyKind::PublishableLive),
        ];
        KINDS
            .iter()
            .find(|(prefix, _)| s.starts_with(prefix))
            .map_or(KeyKind::Unknown, |(_, kind)| *kind)
    }

    /// Test-mode key (`*_test_`).
    pub fn is_test(self) -> bool {
        matches!(
            self,
            KeyKind::SecretTest | KeyKind::RestrictedTest | KeyKind::PublishableTest
        )
    }

    /// Live-mode key (`*_live_`).
    pub fn is_live(self) -> bool {
        matches!(
            self,
            KeyKind::SecretLive | KeyKind::RestrictedLive | KeyKind::PublishableLive
        )
    }

    /// A key usable server-side (secret or restricted).
    pub fn is_server_side(self) -> bool {
        matches!(
            self,
            KeyKind::SecretTest
                | KeyKind::SecretLive
                | KeyKind::RestrictedTest
                | KeyKind::RestrictedLive
        )
    }
}

/// What a key is expected to be used for, for [`check_format`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyUse {
    /// `sk_test_`, `sk_live_`, `rk_test_`, `rk_live_`.
    Secret,
    /// `pk_test_`, `pk_live_`.
    Publishable,
}

/// Minimum number of characters after the prefix for a well-formed key.
const MIN_BODY_LEN: usize = 8;

/// `true` when `s` has the expected prefix followed by at least 8 ASCII
/// alphanumeric characters (and nothing else).
pub fn check_format(s: &str, expected: KeyUse) -> bool {
    let prefixes: &[&str] = match expected {
        KeyUse::Secret => &["sk_test_", "sk_live_", "rk_test_", "rk_live_"],
        KeyUse::Publishable => &["pk_test_", "pk_live_"],
    };
    prefixes.iter().any(|prefix| {
        s.strip_prefix(prefix).is_some_and(|body| {
            body.len() >= MIN_BODY_LEN && body.bytes().all(|b| b.is_ascii_alphanumeric())
        })
    })
}

/// Masks a key the way Stripe does in its messages: `sk_test_****abcd`.
///
/// For `sk_`/`rk_` keys the prefix up to and including the second underscore is
/// kept; then `****`; then the last 4 characters. Keys too short for that to be
/// safe (fewer than 8 characters after the prefix) become just `****`.
pub fn mask(s: &str) -> String {
    let prefix_len = if s.starts_with("sk_") || s.starts_with("rk_") {
        s[3..].find('_').map_or(0, |i| 3 + i + 1)
    } else {
        0
    };
    let (prefix, body) = s.split_at(prefix_len);
    let body_len = body.chars().count();
    if body_len < MIN_BODY_LEN {
        return "****".to_string();
    }
    let last4: String = body.chars().skip(body_len - 4).collect();
    format!("{prefix}****{last4}")
}

/// A Stripe secret (or restricted) key. `Debug` and `Display` print only the
/// masked form; use [`SecretKey::expose`] to get the real key for a request.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretKey(String);

impl SecretKey {
    pub fn new(key: impl Into<String>) -> Self {
        SecretKey(key.into())
    }

    /// The real key. Only for building the `Authorization` header.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn kind(&self) -> KeyKind {
        KeyKind::of(&self.0)
    }

    /// The masked form, as printed by `Debug` and `Display`.
    pub fn masked(&self) -> String {
        mask(&self.0)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for SecretKey {
    fn from(s: String) -> Self {
        SecretKey(s)
    }
}

impl From<&str> for SecretKey {
    fn from(s: &str) -> Self {
        SecretKey(s.to_string())
    }
}

impl fmt::Display for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&mask(&self.0))
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&mask(&self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_secret_keys() {
        assert_eq!(mask("sk_test_51Habcdefghabcd"), "sk_test_****abcd");
        assert_eq!(mask("sk_live_0123456789wxyz"), "sk_live_****wxyz");
        assert_eq!(mask("rk_test_0123456789wxyz"), "rk_test_****wxyz");
        assert_eq!(mask("rk_live_0123456789wxyz"), "rk_live_****wxyz");
    }

    #[test]
    fn masks_other_and_short_keys() {
        assert_eq!(mask(""), "****");
        assert_eq!(mask("abc"), "****");
        assert_eq!(mask("sk_test_"), "****");
        assert_eq!(mask("sk_test_abcdefg"), "****");
        assert_eq!(mask("sk_test_abcdefgh"), "sk_test_****efgh");
        assert_eq!(mask("sk_nounderscore"), "****core");
        assert_eq!(mask("whatever-key-1234"), "****1234");
        assert_eq!(mask("pk_test_0123456789wxyz"), "****wxyz");
        // non-ASCII must not panic
        assert_eq!(mask("sk_test_ééééééééé€€€€"), "sk_test_****€€€€");
    }

    #[test]
    fn secret_key_never_prints_the_key() {
        let raw = "sk_test_51HsuperSECRETvalue9876";
        let key = SecretKey::new(raw);
        assert_eq!(key.expose(), raw);
        assert_eq!(format!("{key}"), "sk_test_****9876");
        assert_eq!(format!("{key:?}"), "sk_test_****9876");
        assert_eq!(key.masked(), "sk_test_****9876");
        #[derive(Debug)]
        #[allow(dead_code)]
        struct Holder {
            key: SecretKey,
        }
        let dbg = format!("{:?}", Holder { key: key.clone() });
        assert!(!dbg.contains(raw), "{dbg}");
        assert!(!format!("{key:#?}").contains("SECRET"));
    }

    #[test]
    fn kinds() {
        assert_eq!(SecretKey::new("sk_test_x").kind(), KeyKind::SecretTest);
        assert_eq!(SecretKey::new("sk_live_x").kind(), KeyKind::SecretLive);
        assert_eq!(SecretKey::new("rk_test_x").kind(), KeyKind::RestrictedTest);
        assert_eq!(SecretKey::new("rk_live_x").kind(), KeyKind::RestrictedLive);
        assert_eq!(SecretKey::new("pk_test_x").kind(), KeyKind::PublishableTest);
        assert_eq!(SecretKey::new("pk_live_x").kind(), KeyKind::PublishableLive);
        assert_eq!(SecretKey::new("sk_x").kind(), KeyKind::Unknown);
        assert_eq!(SecretKey::new("").kind(), KeyKind::Unknown);
        assert!(KeyKind::SecretTest.is_test() && !KeyKind::SecretTest.is_live());
        assert!(KeyKind::RestrictedLive.is_live() && KeyKind::RestrictedLive.is_server_side());
        assert!(!KeyKind::PublishableTest.is_server_side());
        assert!(!KeyKind::Unknown.is_test() && !KeyKind::Unknown.is_live());
    }

    #[test]
    fn formats() {
        for ok in [
            "sk_test_abcdefgh",
            "sk_live_51HxyzABC123",
            "rk_test_12345678",
            "rk_live_ABCDEFGHijkl",
        ] {
            assert!(check_format(ok, KeyUse::Secret), "{ok}");
            assert!(!check_format(ok, KeyUse::Publishable), "{ok}");
        }
        for ok in ["pk_test_abcdefgh", "pk_live_51HxyzABC123"] {
            assert!(check_format(ok, KeyUse::Publishable), "{ok}");
            assert!(!check_format(ok, KeyUse::Secret), "{ok}");
        }
        for bad in [
            "",
            "sk_test_",
            "sk_test_abcdefg",
            "sk_test_abcd efgh",
            "sk_test_abcdefgh_",
            "sk_test_abcdéfgh",
            "sk_prod_abcdefgh",
            "SK_TEST_abcdefgh",
            " sk_test_abcdefgh",
            "xsk_test_abcdefgh",
        ] {
            assert!(!check_format(bad, KeyUse::Secret), "{bad:?}");
            assert!(!check_format(bad, KeyUse::Publishable), "{bad:?}");
        }
    }
}
