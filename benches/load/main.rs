//! The load benchmark, one command: `cargo bench --bench load` (`-- --smoke` for a
//! seconds-long run that checks the bench works and asserts no timing).
//!
//! In one run it starts a bare jsonrpsee server answering the same bodies with constant
//! results of the same size (the baseline), then our release binary on SQLite with the
//! demo data and, when `OPS_BENCH_POSTGRES_URL` names a server where databases may be
//! created, on PostgreSQL; drives each over keep-alive HTTP from N concurrent
//! connections; and prints, writes to `target/bench/results.json` and charts (SVG in
//! `target/bench/`): requests/s, p50 and p99 per scenario at 1 and 64 connections (and
//! `search_read` from 1 to 64), the ratio to the baseline, latency of a selective and a
//! `limit=80` search on 1k to 1M partners, start-up time and resident memory.

mod baseline;
mod charts;
mod driver;
mod server;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use sea_orm::ConnectionTrait;
use serde::Serialize;
use serde_json::{json, Value};

use driver::{load, Conn, Point, Scenario, Target};
use server::Server;

struct Plan {
    warmup: Duration,
    duration: Duration,
    curve: Vec<usize>,
    ends: Vec<usize>,
    sizes: Vec<i64>,
    scale_duration: Duration,
    /// Alternated baseline and server loads of `search_read` at each of `ends`, for
    /// the medians the targets are stated in.
    repeats: usize,
}

impl Plan {
    fn new(smoke: bool) -> Plan {
        if smoke {
            Plan {
                warmup: Duration::from_millis(50),
                duration: Duration::from_millis(250),
                curve: vec![1, 4],
                ends: vec![1, 4],
                sizes: vec![1_000, 10_000],
                scale_duration: Duration::from_millis(200),
                repeats: 1,
            }
        } else {
            Plan {
                warmup: Duration::from_millis(500),
                duration: Duration::from_secs(3),
                curve: vec![1, 2, 4, 8, 16, 32, 64],
                ends: vec![1, 64],
                sizes: vec![1_000, 10_000, 100_000, 1_000_000],
                scale_duration: Duration::from_secs(1),
                repeats: 5,
            }
        }
    }

    fn max_connections(&self) -> usize {
        self.curve
            .iter()
            .chain(&self.ends)
            .copied()
            .max()
            .unwrap_or(1)
    }
}

const SCENARIOS: [Scenario; 6] = [
    Scenario::SearchRead,
    Scenario::Read,
    Scenario::CreateWrite,
    Scenario::PaymentIntent,
    Scenario::CardPayment,
    Scenario::CardPaymentDirect,
];

#[derive(Serialize)]
struct Row {
    target: String,
    scenario: Scenario,
    #[serde(flatten)]
    point: Point,
    ratio_to_baseline: Option<f64>,
}

#[derive(Serialize)]
struct ScaleRow {
    backend: String,
    rows: i64,
    scenario: Scenario,
    p50_ms: f64,
    p99_ms: f64,
}

#[derive(Serialize)]
struct Footprint {
    backend: String,
    startup_ms: f64,
    rss_idle_mib: f64,
    rss_after_load_mib: f64,
    rss_peak_mib: f64,
    /// The Stripe simulator's process (not part of the server's footprint).
    simulator_rss_after_load_mib: f64,
}

/// What our server adds to a card payment: the same four requests through it and
/// straight to the simulator, taken in turn on each connection, p50 against p50.
#[derive(Serialize)]
struct PaymentPath {
    backend: String,
    connections: usize,
    through_server_p50_ms: f64,
    simulator_directly_p50_ms: f64,
    added_ms: f64,
    /// Payments of the smaller of the two ways measured.
    pairs: u64,
    errors: u64,
}

/// `search_read` at one number of connections: the baseline and our server loaded in
/// turn, `repeats` times each, and the medians of their rates and p99s.
#[derive(Serialize)]
struct Medians {
    backend: String,
    connections: usize,
    loads: usize,
    baseline_per_second: f64,
    per_second: f64,
    ratio_to_baseline: f64,
    baseline_p99_ms: f64,
    p99_ms: f64,
    errors: u64,
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => 0.0,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

#[derive(Default, Serialize)]
struct Results {
    date: String,
    machine: String,
    smoke: bool,
    load: Vec<Row>,
    scale: Vec<ScaleRow>,
    payment_path: Vec<PaymentPath>,
    medians: Vec<Medians>,
    footprint: Vec<Footprint>,
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    format!(
        "{cores} cores, {cpu}; load average at start {}",
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    )
}

/// Runs `scenario` at each connection count against `target`; probes one iteration first.
async fn sweep(
    plan: &Plan,
    target: &Arc<Target>,
    scenario: Scenario,
    connections: &[usize],
) -> Vec<Point> {
    let mut out = Vec::new();
    for &n in connections {
        let p = load(target, scenario, n, plan.warmup, plan.duration).await;
        if let Some(e) = &p.first_error {
            eprintln!(
                "  {} at {n}: {} errors, first: {e}",
                scenario.label(),
                p.errors
            );
        }
        out.push(p);
    }
    out
}

struct Backend {
    label: &'static str,
    url: String,
    cleanup: Box<dyn FnOnce() -> futures::future::BoxFuture<'static, ()>>,
}

async fn sqlite_backend() -> Backend {
    let dir = std::env::temp_dir().join(format!("ops-load-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let url = format!("sqlite://{}/bench.sqlite", dir.display());
    Backend {
        label: "SQLite",
        url,
        cleanup: Box::new(move || {
            Box::pin(async move {
                let _ = std::fs::remove_dir_all(&dir);
            })
        }),
    }
}

async fn postgres_backend(admin_url: String) -> Backend {
    let name = format!("ops_load_{}", std::process::id());
    let admin = sea_orm::Database::connect(&admin_url)
        .await
        .expect("PostgreSQL");
    admin
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\""))
        .await
        .expect("drop");
    admin
        .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
        .await
        .expect("create database");
    // The same server and parameters (`?sslmode=disable`, `?host=/var/run/postgresql`),
    // another database.
    let mut url = url::Url::parse(&admin_url).expect("a PostgreSQL URL");
    url.set_path(&name);
    Backend {
        label: "PostgreSQL",
        url: url.to_string(),
        cleanup: Box::new(move || {
            Box::pin(async move {
                let _ = admin
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                    .await;
            })
        }),
    }
}

#[tokio::main]
async fn main() {
    let smoke = std::env::args().any(|a| a == "--smoke")
        || std::env::var("OPS_BENCH_SMOKE").is_ok_and(|v| v == "1");
    let plan = Plan::new(smoke);
    // `-- --medians`: only the alternated search_read loads against the baseline (a
    // quick before/after); `-- --postgres`: only the PostgreSQL backend.
    let medians_only = std::env::args().any(|a| a == "--medians");
    let postgres_only = std::env::args().any(|a| a == "--postgres");
    let out_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench");
    std::fs::create_dir_all(&out_dir).expect("target/bench");
    let mut results = Results {
        date: chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string(),
        machine: machine(),
        smoke,
        ..Results::default()
    };
    println!(
        "load benchmark{} on {}",
        if smoke { " (smoke)" } else { "" },
        results.machine
    );

    let bare = baseline::Baseline::start().await;
    let baseline_target = Arc::new(Target {
        base: format!("http://{}", bare.addr),
        sim_base: String::new(),
        baseline: true,
        cashier: String::new(),
        admin: String::new(),
        stripe_method: 1,
        readers: vec![],
        partner_rows: 1,
    });
    let mut baseline_points: BTreeMap<(usize, usize), Point> = BTreeMap::new();
    let mut curves: Vec<charts::Series> = Vec::new();
    let mut scale_series: Vec<charts::Series> = Vec::new();

    let mut backends = Vec::new();
    if !postgres_only {
        backends.push(sqlite_backend().await);
    }
    if let Ok(url) = std::env::var("OPS_BENCH_POSTGRES_URL") {
        backends.push(postgres_backend(url).await);
    }
    for backend in backends {
        println!(
            "\n{}: first start (migrations, demo data)...",
            backend.label
        );
        let first = Server::start(&backend.url).await;
        let first_start = first.startup;
        first.stop();
        let server = Server::start(&backend.url).await;
        println!(
            "{}: start to first answer {:.0} ms on an existing database ({:.1} s on an empty one)",
            backend.label,
            server.startup.as_secs_f64() * 1e3,
            first_start.as_secs_f64()
        );
        let cashier = server.login("cashier").await;
        let admin = server.login("admin").await;
        let readers = server.readers(plan.max_connections()).await;
        let mut target = Target {
            base: server.base.clone(),
            sim_base: server.sim_base.clone(),
            baseline: false,
            cashier,
            admin,
            stripe_method: 0,
            readers,
            partner_rows: 1,
        };
        let mut probe = Conn::new(Arc::new(target.clone()), 0);
        let methods = probe
            .run(Scenario::SearchRead, 0)
            .await
            .expect("search_read probe")
            .value();
        target.stripe_method = methods
            .as_array()
            .and_then(|ms| {
                ms.iter()
                    .find(|m| m["use_payment_terminal"] == json!("stripe"))
            })
            .and_then(|m| m["id"].as_i64())
            .expect("the demo Stripe payment method");
        let target = Arc::new(target);
        let (rss_idle, _) = server.rss_mib();

        let scenarios: &[Scenario] = if medians_only { &[] } else { &SCENARIOS };
        for (si, scenario) in scenarios.iter().copied().enumerate() {
            let connections = if scenario == Scenario::SearchRead {
                &plan.curve
            } else {
                &plan.ends
            };
            let probe: Value = Conn::new(target.clone(), 0)
                .run(scenario, 0)
                .await
                .unwrap_or_else(|e| panic!("{} probe: {}", scenario.label(), e.0))
                .value();
            let ours = sweep(&plan, &target, scenario, connections).await;
            if !baseline_points.keys().any(|(s, _)| *s == si) {
                bare.answer_with(probe);
                for p in sweep(&plan, &baseline_target, scenario, connections).await {
                    baseline_points.insert((si, p.connections), p);
                }
                for &n in connections {
                    results.load.push(Row {
                        target: "baseline".into(),
                        scenario,
                        point: baseline_points[&(si, n)].clone(),
                        ratio_to_baseline: Some(1.0),
                    });
                }
                if scenario == Scenario::SearchRead {
                    curves.push((
                        "bare jsonrpsee".into(),
                        connections
                            .iter()
                            .map(|&n| (n as f64, baseline_points[&(si, n)].per_second))
                            .collect(),
                    ));
                }
            }
            if scenario == Scenario::SearchRead {
                curves.push((
                    backend.label.into(),
                    ours.iter()
                        .map(|p| (p.connections as f64, p.per_second))
                        .collect(),
                ));
            }
            for p in ours {
                let base = &baseline_points[&(si, p.connections)];
                results.load.push(Row {
                    target: backend.label.into(),
                    scenario,
                    ratio_to_baseline: Some(p.per_second / base.per_second.max(1e-9)),
                    point: p,
                });
            }
        }
        // search_read against the baseline, in turn, several times: the baseline's own
        // rate moves between loads on a shared machine (BENCHMARKS.md, "Machine").
        let probe: Value = Conn::new(target.clone(), 0)
            .run(Scenario::SearchRead, 0)
            .await
            .expect("search_read probe")
            .value();
        bare.answer_with(probe);
        for &n in &plan.ends {
            let (mut base, mut ours) = (Vec::new(), Vec::new());
            for _ in 0..plan.repeats {
                base.push(
                    driver::load(
                        &baseline_target,
                        Scenario::SearchRead,
                        n,
                        plan.warmup,
                        plan.duration,
                    )
                    .await,
                );
                ours.push(
                    driver::load(&target, Scenario::SearchRead, n, plan.warmup, plan.duration)
                        .await,
                );
            }
            for p in ours.iter().chain(&base) {
                if let Some(e) = &p.first_error {
                    eprintln!(
                        "  search_read medians at {n}: {} errors, first: {e}",
                        p.errors
                    );
                }
            }
            let errors = ours.iter().chain(&base).map(|p| p.errors).sum();
            let rate = |ps: &[Point]| median(ps.iter().map(|p| p.per_second).collect());
            let p99 = |ps: &[Point]| median(ps.iter().map(|p| p.p99_ms).collect());
            results.medians.push(Medians {
                backend: backend.label.into(),
                connections: n,
                loads: plan.repeats,
                baseline_per_second: rate(&base),
                per_second: rate(&ours),
                ratio_to_baseline: rate(&ours) / rate(&base).max(1e-9),
                baseline_p99_ms: p99(&base),
                p99_ms: p99(&ours),
                errors,
            });
        }

        if medians_only {
            server.stop();
            (backend.cleanup)().await;
            continue;
        }
        // The payment path: both ways taken in turn on each connection, in one load,
        // so that the difference is not how the machine moved between two loads.
        for &n in &plan.ends {
            let points = driver::load_mix(
                &target,
                &[Scenario::CardPayment, Scenario::CardPaymentDirect],
                n,
                plan.warmup,
                plan.duration,
            )
            .await;
            for p in &points {
                if let Some(e) = &p.first_error {
                    eprintln!("  payment path at {n}: {} errors, first: {e}", p.errors);
                }
            }
            let (ours, direct) = (points[0].p50_ms, points[1].p50_ms);
            results.payment_path.push(PaymentPath {
                backend: backend.label.into(),
                connections: n,
                through_server_p50_ms: ours,
                simulator_directly_p50_ms: direct,
                added_ms: ours - direct,
                pairs: points[0].iterations.min(points[1].iterations),
                errors: points[0].errors + points[1].errors,
            });
        }
        let (rss_after, rss_peak) = server.rss_mib();
        results.footprint.push(Footprint {
            backend: backend.label.into(),
            startup_ms: server.startup.as_secs_f64() * 1e3,
            rss_idle_mib: rss_idle,
            rss_after_load_mib: rss_after,
            rss_peak_mib: rss_peak,
            simulator_rss_after_load_mib: server.simulator_rss_mib(),
        });

        // Scale: partners added straight into the database, searched through the server.
        let mut have = 0i64;
        let mut selective = Vec::new();
        let mut limit80 = Vec::new();
        for &size in &plan.sizes {
            server::add_partners(&server.database_url, have, size).await;
            have = size;
            let scaled = Arc::new(Target {
                partner_rows: size,
                ..(*target).clone()
            });
            for scenario in [Scenario::SelectiveSearch, Scenario::Limit80] {
                let p = load(&scaled, scenario, 1, plan.warmup, plan.scale_duration).await;
                if let Some(e) = &p.first_error {
                    eprintln!("  {} at {size} rows: {e}", scenario.label());
                }
                let series = if scenario == Scenario::SelectiveSearch {
                    &mut selective
                } else {
                    &mut limit80
                };
                series.push((size as f64, p.p50_ms));
                results.scale.push(ScaleRow {
                    backend: backend.label.into(),
                    rows: size,
                    scenario,
                    p50_ms: p.p50_ms,
                    p99_ms: p.p99_ms,
                });
            }
        }
        scale_series.push((format!("{} selective", backend.label), selective));
        scale_series.push((format!("{} limit=80", backend.label), limit80));
        server.stop();
        (backend.cleanup)().await;
    }

    print_tables(&results);
    if medians_only {
        return;
    }
    std::fs::write(
        out_dir.join("results.json"),
        serde_json::to_string_pretty(&results).expect("JSON"),
    )
    .expect("results.json");
    let charted = charts::lines(
        &out_dir.join("throughput.svg"),
        "search_read (session): requests/s against connections",
        "connections",
        "requests/s",
        true,
        &curves,
    )
    .and_then(|_| {
        charts::lines(
            &out_dir.join("scale.svg"),
            "res.partner search_read, 1 connection: p50 latency against rows",
            "rows",
            "p50 ms",
            true,
            &scale_series,
        )
    });
    if let Err(e) = charted {
        eprintln!("charts: {e}");
        std::process::exit(1);
    }
    println!(
        "\nwritten: target/bench/results.json, target/bench/throughput.svg, target/bench/scale.svg"
    );
}

fn print_tables(results: &Results) {
    println!(
        "\n## Load ({}; iterations/s: a card payment is 4 requests, create+write 2)\n",
        results.date
    );
    println!("| target | scenario | conns | it/s | p50 ms | p99 ms | × baseline | errors |");
    println!("|---|---|---|---|---|---|---|---|");
    for r in &results.load {
        println!(
            "| {} | {} | {} | {:.0} | {:.2} | {:.2} | {:.3} | {} |",
            r.target,
            r.scenario.label(),
            r.point.connections,
            r.point.per_second,
            r.point.p50_ms,
            r.point.p99_ms,
            r.ratio_to_baseline.unwrap_or(0.0),
            r.point.errors
        );
    }
    println!("\n## Scale (res.partner, 1 connection)\n");
    println!("| backend | rows | scenario | p50 ms | p99 ms |");
    println!("|---|---|---|---|---|");
    for s in &results.scale {
        println!(
            "| {} | {} | {} | {:.2} | {:.2} |",
            s.backend,
            s.rows,
            s.scenario.label(),
            s.p50_ms,
            s.p99_ms
        );
    }
    println!(
        "\n## Payment path (a card payment's four requests, p50; both ways in turn on each connection)\n"
    );
    println!("| backend | conns | through our server ms | simulator directly ms | added ms | pairs | errors |");
    println!("|---|---|---|---|---|---|---|");
    for p in &results.payment_path {
        println!(
            "| {} | {} | {:.2} | {:.2} | {:.2} | {} | {} |",
            p.backend,
            p.connections,
            p.through_server_p50_ms,
            p.simulator_directly_p50_ms,
            p.added_ms,
            p.pairs,
            p.errors
        );
    }
    println!(
        "\n## search_read against the baseline: medians of alternated loads (baseline, ours, baseline, ...)\n"
    );
    println!("| backend | conns | loads | baseline it/s | it/s | × baseline | baseline p99 ms | p99 ms | errors |");
    println!("|---|---|---|---|---|---|---|---|---|");
    for m in &results.medians {
        println!(
            "| {} | {} | {} | {:.0} | {:.0} | {:.3} | {:.2} | {:.2} | {} |",
            m.backend,
            m.connections,
            m.loads,
            m.baseline_per_second,
            m.per_second,
            m.ratio_to_baseline,
            m.baseline_p99_ms,
            m.p99_ms,
            m.errors
        );
    }
    println!("\n## Footprint\n");
    println!(
        "| backend | start to first answer ms | RSS idle MiB | RSS after load MiB | RSS peak MiB | simulator RSS after load MiB |"
    );
    println!("|---|---|---|---|---|---|");
    for f in &results.footprint {
        println!(
            "| {} | {:.0} | {:.1} | {:.1} | {:.1} | {:.1} |",
            f.backend,
            f.startup_ms,
            f.rss_idle_mib,
            f.rss_after_load_mib,
            f.rss_peak_mib,
            f.simulator_rss_after_load_mib
        );
    }
}
