//! The Stripe client's HTTP behaviour, run on both transports: an `http://` base URL
//! on the calling task (the default) and through reqwest (as `https://` always is).

mod inline {
    const INLINE: bool = true;
    include!("client_cases.rs");
    include!("client_keep_alive.rs");
}

mod via_reqwest {
    const INLINE: bool = false;
    include!("client_cases.rs");
    include!("client_keep_alive.rs");
}
