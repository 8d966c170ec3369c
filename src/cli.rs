//! The command line (clap): `serve` (the default), `migrate`, `load-fixtures`,
//! `user add`, `stripe-sim` and `pos-assets pull`.

pub mod pos_assets;

use clap::{Args, Parser, Subcommand};
use sea_orm::TransactionTrait;
use serde_json::json;

use crate::settings::Settings;

#[derive(Parser, Debug)]
#[command(
    name = "odoo-pos-stripe",
    version,
    about = "An Odoo-compatible RPC server for the POS Stripe Terminal flow"
)]
pub struct Cli {
    /// A TOML file with settings (overridden by OPS_* environment variables and flags).
    #[arg(long, global = true, env = "OPS_CONFIG")]
    pub config: Option<String>,
    /// Database URL: sqlite://PATH or postgres://...
    #[arg(long, global = true)]
    pub database: Option<String>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the server (the default).
    Serve(ServeArgs),
    /// Apply the database migrations and exit.
    Migrate,
    /// Load fixture files (or directories of them) into the database.
    LoadFixtures { files: Vec<String> },
    /// Manage users.
    #[command(subcommand)]
    User(UserCommand),
    /// The Odoo 18 POS client's built files, taken from a running Odoo 18.
    #[command(subcommand)]
    PosAssets(PosAssetsCommand),
    /// Run the Stripe simulator alone.
    StripeSim {
        #[arg(long, default_value = "127.0.0.1:12111")]
        listen: String,
    },
}

#[derive(Args, Debug, Default)]
pub struct ServeArgs {
    /// Address to listen on (default 127.0.0.1:8069).
    #[arg(long)]
    pub listen: Option<String>,
    /// The Odoo database name clients send (default "odoo").
    #[arg(long)]
    pub db_name: Option<String>,
    /// Load the demo data into an empty database (the default).
    #[arg(long, conflicts_with = "no_demo")]
    pub demo: bool,
    /// Do not load the demo data.
    #[arg(long)]
    pub no_demo: bool,
    /// Serve the Odoo 18 POS assets pulled into this folder (`pos-assets pull`).
    #[arg(long)]
    pub pos_assets: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum PosAssetsCommand {
    /// Log into an Odoo 18 as a POS user, open its /pos/ui and download the POS
    /// bundle, the files it needs and a manifest into --out (serve them with
    /// `serve --pos-assets DIR`). Opening /pos/ui opens a POS session on that Odoo
    /// if none is open, as a browser would.
    Pull {
        /// The Odoo 18's URL, e.g. https://odoo.example.com
        #[arg(long)]
        from: String,
        /// Its database.
        #[arg(long)]
        db: String,
        /// A POS user's login.
        #[arg(long)]
        login: String,
        /// Its password (or set OPS_PULL_PASSWORD).
        #[arg(long, env = "OPS_PULL_PASSWORD", hide_env_values = true)]
        password: String,
        /// The point of sale to open (default: the first the user sees).
        #[arg(long)]
        config_id: Option<i64>,
        /// The folder to write.
        #[arg(long)]
        out: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Create a user (or reset the password and groups of an existing login).
    Add {
        #[arg(long)]
        login: String,
        #[arg(long)]
        password: String,
        /// Comma-separated external ids of groups, e.g. base.group_user,point_of_sale.group_pos_user
        #[arg(long, default_value = "base.group_user")]
        groups: String,
        #[arg(long)]
        name: Option<String>,
    },
}

/// Runs the command line; returns when the command is done (or the server stops).
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let mut settings = Settings::load(cli.config.as_deref())?;
    if let Some(db) = &cli.database {
        settings.database_url = db.clone();
    }
    crate::telemetry::init(&settings.log);
    match cli.command.unwrap_or(Command::Serve(ServeArgs::default())) {
        Command::Serve(args) => {
            if let Some(l) = args.listen {
                settings.listen = l;
            }
            if let Some(n) = args.db_name {
                settings.db_name = n;
            }
            if args.demo {
                settings.demo = true;
            }
            if args.no_demo {
                settings.demo = false;
            }
            if let Some(dir) = args.pos_assets {
                settings.pos_assets = dir;
            }
            let app = crate::startup::Application::build(settings).await?;
            tracing::info!("odoo-pos-stripe listening on http://{}", app.addr);
            tracing::info!("Odoo database name: {}", app.services.settings.db_name);
            if app.services.settings.demo {
                tracing::info!("demo logins: admin/admin (administrator), cashier/cashier (POS user), employee/employee (no POS rights)");
            }
            if app.services.simulator.is_some() {
                tracing::info!("Stripe simulator at http://{}/stripe-sim", app.addr);
            }
            tokio::select! {
                _ = app.handle.clone().stopped() => {}
                _ = tokio::signal::ctrl_c() => { tracing::info!("shutting down"); }
            }
            Ok(())
        }
        Command::Migrate => {
            crate::startup::prepare_database(&settings).await?;
            tracing::info!("migrations applied");
            Ok(())
        }
        Command::LoadFixtures { files } => {
            let db = crate::startup::prepare_database(&settings).await?;
            let services = crate::startup::offline_services(settings, db.clone())?;
            let n = crate::fixtures::load_paths(&services, &db, &files).await?;
            tracing::info!(records = n, "fixtures loaded");
            Ok(())
        }
        Command::User(UserCommand::Add {
            login,
            password,
            groups,
            name,
        }) => {
            let db = crate::startup::prepare_database(&settings).await?;
            let services = crate::startup::offline_services(settings, db.clone())?;
            let tx = db.begin().await?;
            let env = crate::orm::Env::system(&tx, services.registry, &services);
            let mut group_ids = Vec::new();
            for g in groups.split(',').map(str::trim).filter(|g| !g.is_empty()) {
                group_ids.push(
                    env.xmlid_to_res_id(g)
                        .await?
                        .ok_or_else(|| anyhow::anyhow!("unknown group {g}"))?,
                );
            }
            let mut vals = serde_json::Map::new();
            vals.insert("password".into(), json!(password));
            vals.insert("groups_id".into(), json!([[6, 0, group_ids]]));
            let ctx = env.with_context("active_test", json!(false));
            match crate::auth::users::find_login(&ctx, &login).await? {
                Some(uid) => ctx.write("res.users", &[uid], vals).await?,
                None => {
                    vals.insert("login".into(), json!(login));
                    vals.insert("name".into(), json!(name.unwrap_or_else(|| login.clone())));
                    ctx.create("res.users", vec![vals]).await?;
                }
            }
            tx.commit().await?;
            tracing::info!(login = %login, "user saved");
            Ok(())
        }
        Command::PosAssets(PosAssetsCommand::Pull {
            from,
            db,
            login,
            password,
            config_id,
            out,
        }) => {
            let args = pos_assets::PullArgs {
                from,
                db,
                login,
                password,
                config_id,
                out: out.into(),
                progress: std::io::IsTerminal::is_terminal(&std::io::stderr()),
            };
            let manifest = pos_assets::pull(&args).await?;
            println!(
                "Pulled {} files of the Odoo {} POS into {}; serve them with: odoo-pos-stripe serve --pos-assets {}",
                manifest.files.len(),
                manifest.odoo_version,
                args.out.display(),
                args.out.display()
            );
            Ok(())
        }
        Command::StripeSim { listen } => {
            let listener = tokio::net::TcpListener::bind(&listen).await?;
            tracing::info!(
                "Stripe simulator listening on http://{}",
                listener.local_addr()?
            );
            // The same settings as the mounted simulator: accepted keys, control token, bounds.
            crate::stripe_sim::Simulator::new(crate::startup::simulator_config(&settings)?)
                .serve(listener)
                .await?;
            Ok(())
        }
    }
}
