//! The `odoo-pos-stripe` binary: parses the command line and hands over to the library.

use clap::Parser;

fn main() -> anyhow::Result<()> {
    let cli = odoo_pos_stripe::cli::Cli::parse();
    // Worker threads with a deliberate stack size (see `startup::WORKER_STACK_BYTES`).
    odoo_pos_stripe::startup::runtime()?.block_on(odoo_pos_stripe::cli::run(cli))
}
