//! Building and running the application: the same path for `main` and for tests.

use std::net::SocketAddr;
use std::sync::Arc;
use std::task::{Context, Poll};

use jsonrpsee::server::{
    serve_with_graceful_shutdown, stop_channel, HttpBody, HttpRequest, ServerHandle,
};
use sea_orm_migration::MigratorTrait;

use crate::http::{OdooService, PeerAddr};
use crate::services::Services;
use crate::settings::Settings;
use crate::stripe_sim::{AutoPresent, SimConfig, SimLimits, Simulator, TestCard};

/// The stack of each worker thread of the server's runtime: 8 MiB, four times
/// tokio's default. The request path recurses only over inputs whose depth is bounded
/// (JSON bodies and XML-RPC values: 128 levels, `http::MAX_JSON_DEPTH`; domains after
/// normalisation: 128 levels, `orm::domain::MAX_DEPTH`); their deepest accepted form
/// needs a few hundred KiB in an optimised build and about 1 MiB in a debug build,
/// which the tests run under tokio's default 2 MiB. The rest is headroom for what
/// sits on the stack around a request (hyper, jsonrpsee, sqlx).
pub const WORKER_STACK_BYTES: usize = 8 * 1024 * 1024;

/// The runtime the binary serves on: multi-threaded, with [`WORKER_STACK_BYTES`].
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(WORKER_STACK_BYTES)
        .build()
}

/// A running server.
pub struct Application {
    pub addr: SocketAddr,
    pub handle: ServerHandle,
    pub services: Arc<Services>,
}

/// Connects, migrates, syncs metadata and, for an empty database with `demo` on, loads
/// the demo fixtures.
pub async fn prepare_database(settings: &Settings) -> anyhow::Result<sea_orm::DatabaseConnection> {
    let db = crate::db::connect(&settings.database_url, settings.db_maxconn).await?;
    migrations::Migrator::up(&db, None).await?;
    crate::metadata::sync(&db, crate::addons::registry()).await?;
    Ok(db)
}

/// The services of a command that works on the database without serving (fixtures,
/// users): no Stripe simulator.
pub fn offline_services(
    settings: Settings,
    db: sea_orm::DatabaseConnection,
) -> anyhow::Result<Services> {
    Services::new(settings, db, crate::addons::registry(), String::new(), None)
}

/// The Stripe simulator's configuration from the settings: accepted keys, control token and
/// bounds. The mounted simulator and `odoo-pos-stripe stripe-sim` both start from it.
pub fn simulator_config(settings: &Settings) -> anyhow::Result<SimConfig> {
    let token = settings.stripe_sim_control_token.expose();
    let auto_present = match settings.stripe_sim_auto_present.trim() {
        "" => None,
        name => Some(AutoPresent {
            card: TestCard::named(name).ok_or_else(|| {
                anyhow::anyhow!(
                    "stripe_sim_auto_present: unknown test card {name:?}; one of: {}",
                    TestCard::names()
                )
            })?,
            delay: std::time::Duration::from_millis(settings.stripe_sim_auto_present_delay_ms),
        }),
    };
    Ok(SimConfig {
        accepted_keys: settings.stripe_sim_accepted_key_list(),
        control_token: (!token.is_empty()).then(|| token.to_string()),
        limits: SimLimits {
            max_objects: settings.stripe_sim_max_objects,
            request_log_bytes: settings.stripe_sim_request_log_bytes,
            max_body_bytes: settings.stripe_sim_max_body_bytes,
        },
        auto_present,
        ..SimConfig::default()
    })
}

impl Application {
    /// Binds `settings.listen` (port 0 picks a free port) and starts serving.
    pub async fn build(settings: Settings) -> anyhow::Result<Application> {
        let listener = std::net::TcpListener::bind(&settings.listen)?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let db = prepare_database(&settings).await?;
        let simulator = if settings.simulator_mounted() {
            Some(Simulator::new(simulator_config(&settings)?))
        } else {
            None
        };
        let stripe_base_url = if !settings.stripe_base_url.is_empty() {
            settings.stripe_base_url.clone()
        } else if simulator.is_some() {
            format!("http://{addr}/stripe-sim")
        } else {
            crate::stripe::DEFAULT_BASE_URL.to_string()
        };
        let mut settings = settings;
        settings.listen = addr.to_string();
        let demo = settings.demo;
        let reader = crate::db::readers(&settings.database_url, &db, settings.db_maxconn)?;
        let services = Arc::new(
            Services::new(
                settings,
                db.clone(),
                crate::addons::registry(),
                stripe_base_url,
                simulator,
            )?
            .with_reader(reader),
        );
        if demo && crate::fixtures::is_empty(&db).await? {
            let n =
                crate::fixtures::load_paths(&services, &db, &[crate::fixtures::demo_dir()]).await?;
            tracing::info!(records = n, "demo data loaded");
        }
        let handle = serve(
            tokio::net::TcpListener::from_std(listener)?,
            services.clone(),
        );
        // The unknown-login hash, made while the first calls are answered.
        tokio::task::spawn_blocking(services.auth.dummy_hash());
        Ok(Application {
            addr,
            handle,
            services,
        })
    }
}

/// Serves `listener` with our routes on jsonrpsee's HTTP connection handling
/// (`serve_with_graceful_shutdown`) until the returned handle is stopped or dropped.
/// jsonrpsee's own accept loop (`Server::start`) does not pass the client's address to
/// HTTP middleware, so this loop accepts connections itself and puts each one's
/// [`PeerAddr`] on every request it carries (the simulator's control endpoints and the
/// login throttle need it). Every path, JSON-RPC included, is answered by
/// [`OdooService`]: it is served directly rather than as an HTTP middleware in front of
/// jsonrpsee's method dispatch, which it never called, so a request no longer clones
/// and drops that unused service's state (BENCHMARKS.md, tenth round).
fn serve(listener: tokio::net::TcpListener, services: Arc<Services>) -> ServerHandle {
    let (stop, handle) = stop_channel();
    tokio::spawn(timer_tick(stop.clone().shutdown()));
    let odoo = OdooService::new(services);
    tokio::spawn(async move {
        let stopped = stop.clone().shutdown();
        tokio::pin!(stopped);
        loop {
            let (socket, peer) = tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok(accepted) => accepted,
                    Err(error) => {
                        // Out of file descriptors and the like: wait instead of spinning.
                        tracing::debug!(%error, "accepting a connection failed");
                        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                        continue;
                    }
                },
                _ = &mut stopped => break,
            };
            if let Err(error) = socket.set_nodelay(true) {
                tracing::debug!(%error, "could not set TCP_NODELAY");
            }
            let service = WithPeer {
                inner: odoo.clone(),
                peer: PeerAddr(peer),
            };
            let stopped = stop.clone().shutdown();
            tokio::spawn(async move {
                if let Err(error) = serve_with_graceful_shutdown(socket, service, stopped).await {
                    tracing::debug!(%peer, %error, "connection ended with an error");
                }
            });
        }
    });
    handle
}

/// Ticks once a second until `stopped`. tokio's timer wakes the thread that waits for
/// I/O whenever a timer is set to expire before that thread's next wake-up; without a
/// near tick, every request's timeout (the Stripe call's, the connection's) is such a
/// timer and costs a cross-thread wake-up (BENCHMARKS.md, sixth round). With it, the
/// next wake-up is never more than a second away and longer timeouts are set quietly.
async fn timer_tick(stopped: impl std::future::Future<Output = ()>) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tokio::pin!(stopped);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = &mut stopped => return,
        }
    }
}

/// Wraps the per-connection service: every request gets the connection's peer address
/// as an extension, and hyper's body type becomes jsonrpsee's.
#[derive(Clone)]
struct WithPeer<S> {
    inner: S,
    peer: PeerAddr,
}

impl<S> tower::Service<http::Request<hyper::body::Incoming>> for WithPeer<S>
where
    S: tower::Service<HttpRequest>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<hyper::body::Incoming>) -> Self::Future {
        let mut request = request.map(HttpBody::new);
        request.extensions_mut().insert(self.peer);
        self.inner.call(request)
    }
}
