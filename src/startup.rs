//! Building and running the application: the same path for `main` and for tests.

use std::net::SocketAddr;
use std::sync::Arc;

use jsonrpsee::server::{RpcModule, Server, ServerHandle};
use sea_orm_migration::MigratorTrait;

use crate::http::OdooLayer;
use crate::services::Services;
use crate::settings::Settings;
use crate::stripe_sim::{SimConfig, Simulator};

/// A running server.
pub struct Application {
    pub addr: SocketAddr,
    pub handle: ServerHandle,
    pub services: Arc<Services>,
}

/// Connects, migrates, syncs metadata and, for an empty database with `demo` on, loads
/// the demo fixtures.
pub async fn prepare_database(settings: &Settings) -> anyhow::Result<sea_orm::DatabaseConnection> {
    let db = crate::db::connect(&settings.database_url).await?;
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

impl Application {
    /// Binds `settings.listen` (port 0 picks a free port) and starts serving.
    pub async fn build(settings: Settings) -> anyhow::Result<Application> {
        let listener = std::net::TcpListener::bind(&settings.listen)?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let db = prepare_database(&settings).await?;
        let simulator = settings
            .stripe_simulator
            .then(|| Simulator::new(SimConfig::default()));
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
        let services = Arc::new(Services::new(
            settings,
            db.clone(),
            crate::addons::registry(),
            stripe_base_url,
            simulator,
        )?);
        if demo && crate::fixtures::is_empty(&db).await? {
            let n =
                crate::fixtures::load_paths(&services, &db, &[crate::fixtures::demo_dir()]).await?;
            tracing::info!(records = n, "demo data loaded");
        }
        let server = Server::builder()
            .set_http_middleware(tower::ServiceBuilder::new().layer(OdooLayer {
                services: services.clone(),
            }))
            .http_only()
            .build_from_tcp(listener)?;
        let handle = server.start(RpcModule::new(()));
        Ok(Application {
            addr,
            handle,
            services,
        })
    }
}
