//! `esmtp-playground diagram`, run as a real process: the same renderings as the
//! reviewed files in tests/fixtures/sequence/, and one-line errors with exit code 2.

mod cli_support;

use cli_support::run;

fn fixture(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/sequence")
        .join(name);
    std::fs::read_to_string(path).expect("a reviewed file")
}

#[test]
fn the_default_scenario_and_a_world_preset_print_the_reviewed_renderings() {
    let text = run(&["diagram"]);
    assert_eq!(text.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&text.stdout), fixture("esmtp.txt"));
    let svg = run(&["diagram", "--format", "svg"]);
    assert_eq!(String::from_utf8_lossy(&svg.stdout), fixture("esmtp.svg"));
    let world = run(&["diagram", "--world", "etrn"]);
    assert_eq!(
        String::from_utf8_lossy(&world.stdout),
        fixture("world-etrn.txt")
    );
}

#[test]
fn a_scenario_file_is_read_and_bad_input_is_one_line_on_stderr() {
    let dir = std::env::temp_dir().join(format!("esmtp-diagram-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temp dir");
    let scenario = dir.join("scenario.json");
    std::fs::write(
        &scenario,
        r#"{"client": {"auth": {"mechanism": "CRAM-MD5", "user": "alice", "password": "S3cret-pw"}}}"#,
    )
    .expect("writes");
    let output = run(&[
        "diagram",
        "--scenario",
        scenario.to_str().expect("UTF-8 path"),
    ]);
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        fixture("cram-md5.txt")
    );
    std::fs::write(&scenario, "{not json").expect("writes");
    let bad = run(&[
        "diagram",
        "--scenario",
        scenario.to_str().expect("UTF-8 path"),
    ]);
    assert_eq!(bad.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(
        stderr.starts_with("esmtp-playground: bad --scenario"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1);
    let unknown = run(&["diagram", "--world", "nowhere"]);
    assert_eq!(unknown.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}
