//! Times `loopback::run` natively on a scenario given as JSON, the figure scripts/bench-page
//! prints beside the browser's `runScenario`. Prints one line: `<ms per call> <calls>`.
//!
//! `cargo run --release --example run_scenario -- scenario.json`

use std::time::{Duration, Instant};

use esmtp_playground::loopback::{run, Scenario};

/// Runs for at least this long after the warm-up, so the figure is not one call's noise.
const MEASURE_FOR: Duration = Duration::from_secs(2);
const WARM_UP_CALLS: u32 = 50;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: run_scenario <scenario.json>")?;
    let scenario: Scenario = serde_json::from_str(&std::fs::read_to_string(path)?)?;
    for _ in 0..WARM_UP_CALLS {
        std::hint::black_box(run(&scenario)?);
    }
    let start = Instant::now();
    let mut calls = 0u32;
    while start.elapsed() < MEASURE_FOR {
        std::hint::black_box(run(std::hint::black_box(&scenario))?);
        calls += 1;
    }
    let per_call = start.elapsed().as_secs_f64() * 1000.0 / f64::from(calls);
    println!("{per_call:.4} {calls}");
    Ok(())
}
