//! [`PollAgain`]: a future that, woken from inside its own poll, is polled again at
//! once instead of being rescheduled.
//!
//! tokio treats a task that wakes itself while it is being polled as a yield: the task
//! goes to the back of the run queue and, when a worker thread is parked, that thread
//! is woken to take it. Two parts of one task that hand work to each other wake each
//! other that way: our Stripe client's connection and the answer it delivers
//! (`stripe::direct`). Each such wake costs a thread woken on another core for work
//! the current one was about to do. (hyper's server connection does it too, when the
//! handler first reads the body; wrapping it removed the wake but not the time on one
//! connection: BENCHMARKS.md, sixth round.)
//!
//! Wrapped in [`PollAgain`], the future is polled with a waker that, during the poll,
//! only notes the wake; the poll then runs again, up to [`AGAIN`] times, after which
//! the wake goes to the task (a real yield, so that a busy connection still lets the
//! others run). Wakes from elsewhere (a socket's readiness, another task) wake the
//! task as before.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};

/// Polls in a row for wakes from inside the poll, before yielding for real.
pub const AGAIN: usize = 4;

/// See the module's documentation. `F` is `Unpin` (a future that is not goes in
/// `Box::pin`).
pub struct PollAgain<F> {
    inner: F,
    state: Arc<State>,
}

impl<F: Future + Unpin> PollAgain<F> {
    pub fn new(inner: F) -> PollAgain<F> {
        PollAgain {
            inner,
            state: Arc::new(State::default()),
        }
    }
}

impl<F: Future + Unpin> Future for PollAgain<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = &mut *self;
        let waker = Waker::from(this.state.clone());
        for _ in 0..=AGAIN {
            this.state.arm(cx.waker());
            let polled = Pin::new(&mut this.inner).poll(&mut Context::from_waker(&waker));
            let again = this.state.disarm();
            if polled.is_ready() {
                return polled;
            }
            if !again {
                return Poll::Pending;
            }
        }
        // Still waking itself: let the other tasks run first.
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

#[derive(Default)]
struct State {
    /// Set while the future is polled: a wake then only sets `again`.
    polling: AtomicBool,
    again: AtomicBool,
    task: Mutex<Option<Waker>>,
}

impl State {
    fn arm(&self, task: &Waker) {
        {
            let mut slot = self.task.lock().unwrap_or_else(|e| e.into_inner());
            if !slot.as_ref().is_some_and(|w| w.will_wake(task)) {
                *slot = Some(task.clone());
            }
        }
        self.again.store(false, Ordering::SeqCst);
        self.polling.store(true, Ordering::SeqCst);
    }

    /// Ends a poll; true when a wake came during it.
    fn disarm(&self) -> bool {
        self.polling.store(false, Ordering::SeqCst);
        self.again.swap(false, Ordering::SeqCst)
    }
}

impl Wake for State {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.again.store(true, Ordering::SeqCst);
        if !self.polling.load(Ordering::SeqCst) {
            // The poll is over (or this is another thread's wake after it ended): the
            // task must run. A wake racing with the poll's end may also be seen as
            // `again`: the future is then polled once more than needed, never less.
            let task = self.task.lock().unwrap_or_else(|e| e.into_inner()).clone();
            if let Some(task) = task {
                task.wake();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    /// Counts the wakes its task receives.
    struct Counting(AtomicUsize);

    impl Wake for Counting {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn counting() -> (Arc<Counting>, Waker) {
        let c = Arc::new(Counting(AtomicUsize::new(0)));
        (c.clone(), Waker::from(c))
    }

    /// Pending `n` times, waking itself each time, then ready with the number of polls.
    struct SelfWaking {
        left: usize,
        polls: usize,
    }

    impl Future for SelfWaking {
        type Output = usize;
        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<usize> {
            self.polls += 1;
            if self.left == 0 {
                return Poll::Ready(self.polls);
            }
            self.left -= 1;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }

    #[test]
    fn a_wake_from_inside_the_poll_polls_again_without_waking_the_task() {
        let (count, waker) = counting();
        let mut f = PollAgain::new(SelfWaking { left: 2, polls: 0 });
        let polled = Pin::new(&mut f).poll(&mut Context::from_waker(&waker));
        assert_eq!(polled, Poll::Ready(3));
        assert_eq!(count.0.load(Ordering::SeqCst), 0);
    }

    #[test]
    fn a_future_that_keeps_waking_itself_yields_for_real() {
        let (count, waker) = counting();
        let mut f = PollAgain::new(SelfWaking {
            left: 100,
            polls: 0,
        });
        let polled = Pin::new(&mut f).poll(&mut Context::from_waker(&waker));
        assert!(polled.is_pending());
        assert_eq!(f.inner.polls, AGAIN + 1);
        assert_eq!(
            count.0.load(Ordering::SeqCst),
            1,
            "the task is woken to run again"
        );
    }

    #[test]
    fn a_wake_after_the_poll_wakes_the_task() {
        let (count, waker) = counting();
        let stash: Arc<Mutex<Option<Waker>>> = Arc::default();
        let keep = stash.clone();
        let mut f = PollAgain::new(std::future::poll_fn(move |cx| {
            *keep.lock().unwrap() = Some(cx.waker().clone());
            Poll::<()>::Pending
        }));
        assert!(Pin::new(&mut f)
            .poll(&mut Context::from_waker(&waker))
            .is_pending());
        assert_eq!(count.0.load(Ordering::SeqCst), 0);
        // Another thread's wake, once the poll is over.
        let later = stash.lock().unwrap().take().unwrap();
        std::thread::spawn(move || later.wake()).join().unwrap();
        assert_eq!(count.0.load(Ordering::SeqCst), 1);
    }
}
