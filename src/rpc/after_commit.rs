//! Work that must not run inside a call's database transaction: requests to Stripe.
//!
//! A POS call such as `stripe_capture_payment` reads what it needs (rights, the
//! provider's key, the method's currency) in the call's transaction, then talks to
//! Stripe. Holding the transaction through that request would hold a database
//! connection, and on SQLite the database's write lock, for as long as Stripe takes
//! (seconds, or the whole timeout when it is down), stalling every other call. So the
//! RPC layer gives each call a slot: a method puts its Stripe request there, the layer
//! commits the transaction, runs the request, and answers with its result.

use std::cell::RefCell;
use std::future::Future;

use futures::future::BoxFuture;
use serde_json::Value;

use crate::errors::OdooResult;

/// A request to run once the transaction has committed; its result is the call's result.
pub type Work = Box<dyn FnOnce() -> BoxFuture<'static, OdooResult<Value>> + Send>;

tokio::task_local! {
    static PENDING: RefCell<Option<Work>>;
}

/// Runs one RPC call (`call`) with an empty slot.
pub async fn scope<F: Future>(call: F) -> F::Output {
    PENDING.scope(RefCell::new(None), call).await
}

/// Takes the work a method left in the slot (`None` outside [`scope`]).
pub fn take() -> Option<Work> {
    PENDING
        .try_with(|pending| pending.borrow_mut().take())
        .ok()
        .flatten()
}

/// Inside an RPC call, leaves `work` for after the commit and returns a placeholder the
/// RPC layer replaces with the work's result; anywhere else, runs it now.
pub async fn defer(work: Work) -> OdooResult<Value> {
    let mut work = Some(work);
    let deferred = PENDING
        .try_with(|pending| *pending.borrow_mut() = work.take())
        .is_ok();
    match work {
        Some(now) if !deferred => now().await,
        _ => Ok(Value::Null),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn work(v: i64) -> Work {
        Box::new(move || Box::pin(async move { Ok(json!(v)) }))
    }

    #[tokio::test]
    async fn outside_a_call_the_work_runs_at_once() {
        assert_eq!(defer(work(7)).await.unwrap(), json!(7));
        assert!(take().is_none());
    }

    #[tokio::test]
    async fn inside_a_call_it_waits_for_the_commit() {
        let result = scope(async {
            let placeholder = defer(work(42)).await.unwrap();
            assert_eq!(placeholder, Value::Null);
            let pending = take().expect("work was left");
            assert!(take().is_none(), "taken once");
            pending().await.unwrap()
        })
        .await;
        assert_eq!(result, json!(42));
    }
}
