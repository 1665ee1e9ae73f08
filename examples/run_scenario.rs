//! Times `loopback::run` natively on a scenario given as JSON, the figure scripts/bench-page
//! prints beside the browser's `runScenario`. Prints one line: `<ms per call> <calls>`.
//!
//! `cargo run --release --example run_scenario -- scenario.json`
//!
//! With a count, runs exactly that many calls and no warm-up, so an instruction counter
//! (`valgrind --tool=callgrind … scenario.json 100`) sees a fixed amount of work:
//! `cargo run --release --example run_scenario -- scenario.json 100`

use std::time::{Duration, Instant};

use esmtp_playground::loopback::{run, Scenario};

/// Runs for at least this long after the warm-up, so the figure is not one call's noise.
const MEASURE_FOR: Duration = Duration::from_secs(2);
const WARM_UP_CALLS: u32 = 50;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or("usage: run_scenario <scenario.json> [calls]")?;
    let fixed_calls: Option<u32> = args.next().map(|count| count.parse()).transpose()?;
    let scenario: Scenario = serde_json::from_str(&std::fs::read_to_string(path)?)?;
    let warm_up = if fixed_calls.is_some() {
        0
    } else {
        WARM_UP_CALLS
    };
    for _ in 0..warm_up {
        std::hint::black_box(run(&scenario)?);
    }
    let start = Instant::now();
    let mut calls = 0u32;
    while fixed_calls.map_or(start.elapsed() < MEASURE_FOR, |fixed| calls < fixed) {
        std::hint::black_box(run(std::hint::black_box(&scenario))?);
        calls += 1;
    }
    let per_call = start.elapsed().as_secs_f64() * 1000.0 / f64::from(calls);
    println!("{per_call:.4} {calls}");
    Ok(())
}
