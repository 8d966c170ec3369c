//! The `odoo-pos-stripe` binary: parses the command line and hands over to the library.

use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    odoo_pos_stripe::cli::run(odoo_pos_stripe::cli::Cli::parse()).await
}
