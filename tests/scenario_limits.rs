//! A scenario from a shared link is bounded before it runs: the shape of the link that
//! drove the page's worker to its memory limit (thousands of recipients for a large
//! body) is refused at once with the limit named, and the presets all still run.

use esmtp_playground::loopback::{run, Scenario};
use esmtp_playground::world::{preset, presets, run_world};

#[test]
fn many_recipients_times_a_large_body_is_refused_naming_the_limit() {
    let mut scenario = Scenario::default();
    scenario.client.message.to = (0..2_000).map(|n| format!("r{n}@example.org")).collect();
    scenario.client.message.body = "x".repeat(500_000);
    let error = run(&scenario).unwrap_err().to_string();
    assert!(error.contains("(recipients)"), "{error}");
    scenario.client.message.to.truncate(500);
    let error = run(&scenario).unwrap_err().to_string();
    assert!(error.contains("(total recorded octets)"), "{error}");
}

#[test]
fn every_world_preset_is_within_the_limits() {
    for info in presets() {
        let scenario = preset(&info.name).unwrap();
        assert!(run_world(&scenario).is_ok(), "{}", info.name);
    }
}
