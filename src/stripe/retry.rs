//! Retry policy, modelled on Stripe's official SDKs: retry connection errors,
//! timeouts, 409, 429 and 5xx, honour `Stripe-Should-Retry`, back off
//! exponentially with jitter.

use std::time::Duration;

/// Whether an HTTP response with `status` should be retried, given the parsed
/// `Stripe-Should-Retry` header (if any). The header wins when present, except
/// that a 2xx is never retried.
pub fn should_retry_status(status: u16, stripe_should_retry: Option<bool>) -> bool {
    if (200..300).contains(&status) {
        return false;
    }
    if let Some(explicit) = stripe_should_retry {
        return explicit;
    }
    status == 409 || status == 429 || status >= 500
}

/// Parses a `Stripe-Should-Retry` header value (`true`/`false`, case-insensitive);
/// anything else counts as absent.
pub fn parse_should_retry(value: Option<&str>) -> Option<bool> {
    let v = value?.trim();
    if v.eq_ignore_ascii_case("true") {
        Some(true)
    } else if v.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// Delay before retry number `retry` (0 for the first retry), before jitter:
/// `initial * 2^retry`, capped at `max`.
pub fn backoff_delay(initial: Duration, max: Duration, retry: u32) -> Duration {
    let factor = 2u32.checked_pow(retry).unwrap_or(u32::MAX);
    initial.checked_mul(factor).unwrap_or(max).min(max)
}

/// Applies a jitter factor (clamped to 0.5..=1.0) to a delay.
pub fn apply_jitter(delay: Duration, factor: f64) -> Duration {
    let factor = if factor.is_nan() {
        1.0
    } else {
        factor.clamp(0.5, 1.0)
    };
    delay.mul_f64(factor)
}

/// [`backoff_delay`] with a random jitter of 50–100 %.
pub fn jittered_backoff(initial: Duration, max: Duration, retry: u32) -> Duration {
    use rand::Rng;
    let factor: f64 = rand::thread_rng().gen_range(0.5..=1.0);
    apply_jitter(backoff_delay(initial, max, retry), factor)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: fn(u64) -> Duration = Duration::from_millis;

    #[test]
    fn decision_table() {
        let cases: &[(u16, Option<bool>, bool)] = &[
            (200, None, false),
            (200, Some(true), false),
            (201, None, false),
            (400, None, false),
            (401, None, false),
            (402, None, false),
            (403, None, false),
            (404, None, false),
            (409, None, true),
            (429, None, true),
            (500, None, true),
            (502, None, true),
            (503, None, true),
            (504, None, true),
            (500, Some(false), false),
            (503, Some(false), false),
            (429, Some(false), false),
            (409, Some(false), false),
            (400, Some(true), true),
            (402, Some(true), true),
            (404, Some(true), true),
            (500, Some(true), true),
        ];
        for &(status, header, expected) in cases {
            assert_eq!(
                should_retry_status(status, header),
                expected,
                "status {status} header {header:?}"
            );
        }
    }

    #[test]
    fn header_parsing() {
        assert_eq!(parse_should_retry(Some("true")), Some(true));
        assert_eq!(parse_should_retry(Some(" TRUE ")), Some(true));
        assert_eq!(parse_should_retry(Some("false")), Some(false));
        assert_eq!(parse_should_retry(Some("False")), Some(false));
        assert_eq!(parse_should_retry(Some("1")), None);
        assert_eq!(parse_should_retry(Some("")), None);
        assert_eq!(parse_should_retry(None), None);
    }

    #[test]
    fn backoff_grows_and_caps() {
        let (i, m) = (MS(500), Duration::from_secs(5));
        assert_eq!(backoff_delay(i, m, 0), MS(500));
        assert_eq!(backoff_delay(i, m, 1), MS(1000));
        assert_eq!(backoff_delay(i, m, 2), MS(2000));
        assert_eq!(backoff_delay(i, m, 3), MS(4000));
        assert_eq!(backoff_delay(i, m, 4), MS(5000));
        assert_eq!(backoff_delay(i, m, 31), MS(5000));
        assert_eq!(backoff_delay(i, m, 32), MS(5000));
        assert_eq!(backoff_delay(i, m, u32::MAX), MS(5000));
        assert_eq!(backoff_delay(MS(0), m, 3), MS(0));
        assert_eq!(backoff_delay(Duration::MAX, m, 3), m);
    }

    #[test]
    fn jitter_bounds() {
        assert_eq!(apply_jitter(MS(1000), 0.5), MS(500));
        assert_eq!(apply_jitter(MS(1000), 1.0), MS(1000));
        assert_eq!(apply_jitter(MS(1000), 0.75), MS(750));
        assert_eq!(apply_jitter(MS(1000), 0.1), MS(500));
        assert_eq!(apply_jitter(MS(1000), 7.0), MS(1000));
        assert_eq!(apply_jitter(MS(1000), f64::NAN), MS(1000));
        for retry in 0..6 {
            let base = backoff_delay(MS(500), Duration::from_secs(5), retry);
            for _ in 0..50 {
                let d = jittered_backoff(MS(500), Duration::from_secs(5), retry);
                assert!(d >= base / 2 && d <= base, "{d:?} vs {base:?}");
            }
        }
    }
}
