//! Values business code derives from the database and keeps between calls, until the
//! cache signal (`auth::cache::signal`) moves: what a Stripe payment reads before it
//! calls Stripe, for one. Each value is stored with the signal read in the call that
//! loaded it, before loading it, and given back only to calls that read the same signal,
//! so a change committed by any process is never hidden; one call's signal newer than
//! the memo's drops everything.

use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Most values kept; beyond, the memo starts afresh.
const MAX_VALUES: usize = 10_000;

#[derive(Default)]
struct Inner {
    generation: i64,
    values: HashMap<(&'static str, String), Arc<dyn Any + Send + Sync>>,
}

#[derive(Default)]
pub struct Memo {
    inner: Mutex<Inner>,
}

impl Memo {
    fn lock(&self, generation: i64) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves plain data: go on with it.
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if generation > inner.generation {
            inner.values.clear();
            inner.generation = generation;
        }
        inner
    }

    /// The value of `kind` for `key`, if one was stored at signal `generation`.
    pub fn get<T: Any + Send + Sync + Clone>(
        &self,
        generation: i64,
        kind: &'static str,
        key: &str,
    ) -> Option<T> {
        let inner = self.lock(generation);
        if inner.generation != generation {
            return None;
        }
        inner
            .values
            .get(&(kind, key.to_string()))
            .and_then(|v| v.downcast_ref::<T>())
            .cloned()
    }

    /// The value of `kind` for `key` stored at signal `generation`, else what `load`
    /// (run only then, after the signal was read) gives, kept when it succeeds.
    pub async fn get_or_load<T, E>(
        &self,
        generation: i64,
        kind: &'static str,
        key: &str,
        load: impl std::future::Future<Output = Result<T, E>>,
    ) -> Result<T, E>
    where
        T: Any + Send + Sync + Clone,
    {
        if let Some(value) = self.get(generation, kind, key) {
            return Ok(value);
        }
        let value = load.await?;
        self.put(generation, kind, key, value.clone());
        Ok(value)
    }

    /// Keeps `value`, loaded after the signal read `generation`, unless the memo has
    /// already seen a newer signal.
    pub fn put<T: Any + Send + Sync>(
        &self,
        generation: i64,
        kind: &'static str,
        key: &str,
        value: T,
    ) {
        let mut inner = self.lock(generation);
        if inner.generation != generation {
            return;
        }
        if inner.values.len() >= MAX_VALUES {
            inner.values.clear();
        }
        inner
            .values
            .insert((kind, key.to_string()), Arc::new(value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_live_until_the_signal_moves() {
        let memo = Memo::default();
        memo.put(3, "k", "1", "a".to_string());
        assert_eq!(memo.get::<String>(3, "k", "1").as_deref(), Some("a"));
        assert_eq!(memo.get::<String>(3, "other", "1"), None);
        assert_eq!(
            memo.get::<i64>(3, "k", "1"),
            None,
            "another type is another value"
        );
        // A call that read an older signal neither sees nor stores.
        assert_eq!(memo.get::<String>(2, "k", "1"), None);
        memo.put(2, "k", "2", "old".to_string());
        assert_eq!(memo.get::<String>(3, "k", "2"), None);
        // A newer signal drops everything.
        assert_eq!(memo.get::<String>(4, "k", "1"), None);
        assert_eq!(memo.get::<String>(3, "k", "1"), None);
    }

    #[test]
    fn get_or_load_loads_once_and_keeps_no_failure() {
        let memo = Memo::default();
        let load = |v: Result<i64, &'static str>| async move { v };
        let run = |f| futures::executor::block_on(f);
        assert_eq!(
            run(memo.get_or_load(1, "k", "a", load(Err("down")))),
            Err("down")
        );
        assert_eq!(run(memo.get_or_load(1, "k", "a", load(Ok(7)))), Ok(7));
        // Kept: a second load is not run.
        assert_eq!(run(memo.get_or_load(1, "k", "a", load(Ok(8)))), Ok(7));
        assert_eq!(run(memo.get_or_load(2, "k", "a", load(Ok(9)))), Ok(9));
    }
}
