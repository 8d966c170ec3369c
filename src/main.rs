//! The `odoo-pos-stripe` binary: parses the command line and hands over to the library.

use clap::Parser;

/// mimalloc instead of glibc's malloc: a call allocates many small, short-lived values
/// (JSON, SQL, rows); glibc's allocator took about a fifth of the server's time under
/// load (BENCHMARKS.md). Built without transparent huge pages (`no_thp`): where the
/// kernel gives them to every mapping, mimalloc's eagerly committed arena doubled the
/// idle resident set (33 MiB instead of 19).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> anyhow::Result<()> {
    let cli = odoo_pos_stripe::cli::Cli::parse();
    // Worker threads with a deliberate stack size (see `startup::WORKER_STACK_BYTES`).
    odoo_pos_stripe::startup::runtime()?.block_on(odoo_pos_stripe::cli::run(cli))
}
