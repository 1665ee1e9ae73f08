//! `esmtp-playground sasl encode|decode`, run as a real process, against the RFC vectors
//! in REFERENCE.md: the exact client lines, the trace, the JSON, and one-line errors
//! with exit code 2 (1 when a password, digest or user check fails).

mod cli_support;

use base64::Engine as _;
use md5::{Digest, Md5};
use serde_json::Value;

use cli_support::run;

const CRAM_CHALLENGE: &str = "<1896.697170952@postoffice.reston.mci.net>";
const CRAM_CHALLENGE_B64: &str = "PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+";
const CRAM_RESPONSE: &str = "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw";

/// Runs the binary; returns (exit code, stdout, stderr).
fn sasl(args: &[&str]) -> (i32, String, String) {
    let mut all = vec!["sasl"];
    all.extend_from_slice(args);
    let output = run(&all);
    (
        output.status.code().expect("exit code"),
        String::from_utf8(output.stdout).expect("UTF-8 stdout"),
        String::from_utf8(output.stderr).expect("UTF-8 stderr"),
    )
}

/// Runs with `--json` and parses stdout.
fn sasl_json(args: &[&str]) -> (i32, Value) {
    let mut all = args.to_vec();
    all.push("--json");
    let (code, stdout, _) = sasl(&all);
    (code, serde_json::from_str(&stdout).expect("JSON on stdout"))
}

/// The lines a client sends: everything before the first blank separator line.
fn client_lines(stdout: &str) -> Vec<&str> {
    stdout.split("\n\n").next().unwrap().lines().collect()
}

/// A failure: the given exit code, nothing on stdout, exactly one line on stderr.
fn assert_one_line_error(args: &[&str], code: i32) -> String {
    let (actual, stdout, stderr) = sasl(args);
    assert_eq!(actual, code, "{args:?}: {stderr}");
    assert!(stdout.is_empty(), "{args:?}: {stdout}");
    assert_eq!(stderr.lines().count(), 1, "{stderr:?}");
    assert!(stderr.starts_with("esmtp-playground: "), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

fn b64(octets: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(octets)
}

fn unb64(text: &str) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .unwrap()
}

fn md5_hex(octets: &[u8]) -> String {
    Md5::digest(octets)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn plain_encode_gives_the_rfc_4616_line_then_the_trace() {
    let (code, stdout, stderr) = sasl(&[
        "encode",
        "--mechanism",
        "PLAIN",
        "--user",
        "tim",
        "--password",
        "tanstaaftanstaaf",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.is_empty());
    assert_eq!(
        client_lines(&stdout),
        ["AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm"]
    );
    // The trace shows the message visibly, in hex, in base64 and grouped 3 → 4.
    for shown in [
        "client · PLAIN message (RFC 4616 §2)",
        "octets  ␀tim␀tanstaaftanstaaf  (21 octets)",
        "hex     00 74 69 6d 00 74 61 6e 73 74 61 61 66 74 61 6e",
        "base64  AHRpbQB0YW5zdGFhZnRhbnN0YWFm",
        "3→4     [␀ti]→AHRp  [m␀t]→bQB0  [ans]→YW5z",
    ] {
        assert!(stdout.contains(shown), "missing {shown:?} in\n{stdout}");
    }
}

#[test]
fn plain_with_an_authzid() {
    let (code, stdout, _) = sasl(&[
        "encode",
        "--mechanism",
        "plain",
        "--authzid",
        "Ursel",
        "--user",
        "Kurt",
        "--password",
        "xipj3plmq",
    ]);
    assert_eq!(code, 0);
    assert_eq!(
        client_lines(&stdout),
        ["AUTH PLAIN VXJzZWwAS3VydAB4aXBqM3BsbXE="]
    );
}

#[test]
fn cram_md5_encode_accepts_the_challenge_as_text_base64_or_334_line() {
    let line = format!("334 {CRAM_CHALLENGE_B64}");
    for (challenge, how) in [
        (CRAM_CHALLENGE, "taken as text"),
        (CRAM_CHALLENGE_B64, "decoded from base64"),
        (line.as_str(), "decoded from base64"),
    ] {
        let (code, stdout, stderr) = sasl(&[
            "encode",
            "--mechanism",
            "CRAM-MD5",
            "--user",
            "tim",
            "--password",
            "tanstaaftanstaaf",
            "--challenge",
            challenge,
        ]);
        assert_eq!(code, 0, "{stderr}");
        assert_eq!(client_lines(&stdout), ["AUTH CRAM-MD5", CRAM_RESPONSE]);
        assert!(stdout.contains(&format!("S: 334 {CRAM_CHALLENGE_B64}")));
        assert!(stdout.contains(how), "{challenge}: {stdout}");
        assert!(stdout.contains("b9 13 a6 02 c7 ed a7 a4 95 b4 e6 e7 33 4d 38 90"));
    }
}

#[test]
fn digest_md5_reproduces_rfc_2831_with_service_imap() {
    let (code, json) = sasl_json(&[
        "encode",
        "--mechanism",
        "DIGEST-MD5",
        "--user",
        "chris",
        "--password",
        "secret",
        "--realm",
        "elwood.innosoft.com",
        "--nonce",
        "OA6MG9tEQGm2hh",
        "--cnonce",
        "OA6MHXh6VqTrRk",
        "--host",
        "elwood.innosoft.com",
        "--service",
        "imap",
    ]);
    assert_eq!(code, 0);
    let digest = &json["digest"];
    assert_eq!(
        digest["userRealmPasswordHash"],
        "eb5a750053e4d2c34aa84bbc9b0b6ee7"
    );
    assert_eq!(digest["ha1"], "a2549853149b0536f01f0b850c643c57");
    assert_eq!(digest["ha2"], "15e3594677e51ade69715d1cb7d207ba");
    assert_eq!(digest["response"], "d388dad90d4bbd760a152321f2143af7");
    assert_eq!(digest["rspauth"], "ea40f60335c427b5527b84dbabcdfffd");
    let lines = json["clientLines"].as_array().unwrap();
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert_eq!(lines[0], "AUTH DIGEST-MD5");
    assert_eq!(lines[2], "", "the empty response after rspauth");
    let response = String::from_utf8(unb64(lines[1].as_str().unwrap())).unwrap();
    assert!(response.contains("digest-uri=\"imap/elwood.innosoft.com\""));
    assert!(response.contains("response=d388dad90d4bbd760a152321f2143af7"));
}

#[test]
fn digest_md5_smtp_form_matches_an_independent_computation() {
    let (code, stdout, stderr) = sasl(&[
        "encode",
        "--mechanism",
        "DIGEST-MD5",
        "--user",
        "chris",
        "--password",
        "secret",
        "--realm",
        "elwood.innosoft.com",
        "--nonce",
        "OA6MG9tEQGm2hh",
        "--cnonce",
        "OA6MHXh6VqTrRk",
        "--host",
        "elwood.innosoft.com",
    ]);
    assert_eq!(code, 0, "{stderr}");
    // RFC 2831 §2.1.2.1, recomputed here with md-5 alone.
    let (nonce, cnonce) = ("OA6MG9tEQGm2hh", "OA6MHXh6VqTrRk");
    let mut a1 = Md5::digest(b"chris:elwood.innosoft.com:secret").to_vec();
    a1.extend_from_slice(format!(":{nonce}:{cnonce}").as_bytes());
    let ha1 = md5_hex(&a1);
    let ha2 = md5_hex(b"AUTHENTICATE:smtp/elwood.innosoft.com");
    let expected = md5_hex(format!("{ha1}:{nonce}:00000001:{cnonce}:auth:{ha2}").as_bytes());
    assert_ne!(expected, "d388dad90d4bbd760a152321f2143af7");
    let lines = client_lines(&stdout);
    let response = String::from_utf8(unb64(lines[1])).unwrap();
    assert!(response.contains("digest-uri=\"smtp/elwood.innosoft.com\""));
    assert!(
        response.contains(&format!("response={expected}")),
        "{response}"
    );
    assert!(stdout.contains("the empty line is an empty response"));
}

#[test]
fn login_encode_shows_both_prompts() {
    let (code, stdout, _) = sasl(&[
        "encode",
        "--mechanism",
        "LOGIN",
        "--user",
        "tim",
        "--password",
        "tanstaaftanstaaf",
    ]);
    assert_eq!(code, 0);
    assert_eq!(
        client_lines(&stdout),
        ["AUTH LOGIN", "dGlt", "dGFuc3RhYWZ0YW5zdGFhZg=="]
    );
    assert!(stdout.contains("S: 334 VXNlcm5hbWU6\n     = Username:"));
    assert!(stdout.contains("S: 334 UGFzc3dvcmQ6\n     = Password:"));
}

#[test]
fn encode_json_is_the_calculator_result() {
    let (code, json) = sasl_json(&[
        "encode",
        "--mechanism",
        "PLAIN",
        "--user",
        "tim",
        "--password",
        "tanstaaftanstaaf",
    ]);
    assert_eq!(code, 0);
    assert_eq!(json["mechanism"], "PLAIN");
    assert_eq!(
        json["clientLines"][0],
        "AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm"
    );
    assert_eq!(
        json["trace"][0]["octets"]["visible"],
        "␀tim␀tanstaaftanstaaf"
    );
    assert_eq!(json["trace"][0]["octets"]["groups"][0]["base64"], "AHRp");
    assert_eq!(
        json["trace"][0]["octets"]["raw"], "\u{0}tim\u{0}tanstaaftanstaaf",
        "the octets as one latin1 string"
    );
}

#[test]
fn encode_errors_are_one_line_with_exit_2() {
    let base = ["encode", "--user", "tim", "--password", "pw"];
    let unknown = [&base[..], &["--mechanism", "GSSAPI"]].concat();
    assert!(assert_one_line_error(&unknown, 2).contains("GSSAPI"));
    let no_challenge = [&base[..], &["--mechanism", "CRAM-MD5"]].concat();
    assert!(assert_one_line_error(&no_challenge, 2).contains("challenge is needed"));
    let no_cnonce = [&base[..], &["--mechanism", "DIGEST-MD5", "--nonce", "n"]].concat();
    assert!(assert_one_line_error(&no_cnonce, 2).contains("cnonce"));
    // A flag clap refuses: the same shape.
    assert_one_line_error(&["encode", "--mechanism", "PLAIN", "--user", "tim"], 2);
}

#[test]
fn decode_the_rfc_4954_auth_plain_line() {
    let (code, stdout, stderr) = sasl(&["decode", "AUTH PLAIN dGVzdAB0ZXN0ADEyMzQ="]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.is_empty());
    for shown in [
        "Mechanism  PLAIN (RFC 4616)",
        "Octets     test␀test␀1234  (14 octets)",
        "hex     74 65 73 74 00 74 65 73 74 00 31 32 33 34",
        "authzid    \"test\"",
        "authcid    \"test\"",
        "password   \"1234\"",
    ] {
        assert!(stdout.contains(shown), "missing {shown:?} in\n{stdout}");
    }
    let (code, json) = sasl_json(&["decode", "AUTH PLAIN dGVzdAB0ZXN0ADEyMzQ="]);
    assert_eq!(code, 0);
    assert_eq!(json["interpretation"]["kind"], "plain");
    assert_eq!(json["interpretation"]["authcid"], "test");
    assert_eq!(json["interpretation"]["password"], "1234");
}

#[test]
fn decode_takes_log_prefixes_unquoted_words_and_flags_after_the_input() {
    for args in [
        &[
            "decode",
            " -> AUTH PLAIN dGVzdAB0ZXN0ADEyMzQ=",
            "--user",
            "test",
        ][..],
        &[
            "decode",
            "-> AUTH PLAIN dGVzdAB0ZXN0ADEyMzQ=",
            "--user",
            "test",
        ],
        &[
            "decode",
            "AUTH",
            "PLAIN",
            "dGVzdAB0ZXN0ADEyMzQ=",
            "--user",
            "test",
        ],
        &["decode", "C: AUTH PLAIN dGVzdAB0ZXN0ADEyMzQ=\r\n"],
    ] {
        let (code, stdout, stderr) = sasl(args);
        assert_eq!(code, 0, "{args:?}: {stderr}");
        assert!(stdout.contains("password   \"1234\""), "{args:?}");
    }
    // --user that is not the authcid: the check fails (exit 1).
    let (code, _, stderr) = sasl(&["decode", "AUTH PLAIN dGVzdAB0ZXN0ADEyMzQ=", "--user", "tim"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("not --user \"tim\""), "{stderr}");
}

#[test]
fn bad_base64_is_a_one_line_error_with_exit_2() {
    for input in ["AUTH PLAIN dGVzd!!", "not base64 at all?", "dGVzdA=x", ""] {
        let stderr = assert_one_line_error(&["decode", input], 2);
        assert!(
            stderr.contains("not base64") || stderr.contains("empty"),
            "{input:?}: {stderr}"
        );
    }
}

#[test]
fn a_plain_message_without_exactly_two_nuls_is_exit_2() {
    for (octets, count) in [
        (&b"tim\0secret"[..], "this one has 1"),
        (b"a\0b\0c\0d", "this one has 3"),
    ] {
        let line = format!("AUTH PLAIN {}", b64(octets));
        let (code, stdout, stderr) = sasl(&["decode", &line]);
        assert_eq!(code, 2, "{line}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            stderr.contains("exactly 2 NUL octets") && stderr.contains(count),
            "{stderr}"
        );
        // The octets are still shown, so the learner sees where the NULs are.
        assert!(stdout.contains("do not fit PLAIN"), "{stdout}");
    }
}

#[test]
fn cram_md5_digest_check_true_and_false() {
    let (code, stdout, stderr) = sasl(&[
        "decode",
        CRAM_RESPONSE,
        "--password",
        "tanstaaftanstaaf",
        "--challenge",
        CRAM_CHALLENGE_B64,
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("user       \"tim\""));
    assert!(stdout.contains("digest     \"b913a602c7eda7a495b4e6e7334d3890\""));
    assert!(stdout.contains("the digest matches"), "{stdout}");
    assert!(
        stdout.starts_with(
            "Verdict    ✓ \"tanstaaftanstaaf\" produces this response for user \"tim\"\n"
        ),
        "{stdout}"
    );

    let (code, json) = sasl_json(&[
        "decode",
        CRAM_RESPONSE,
        "--password",
        "tanstaaftanstaaf",
        "--challenge",
        CRAM_CHALLENGE,
    ]);
    assert_eq!(code, 0);
    assert_eq!(json["interpretation"]["check"]["matches"], true);

    let (code, stdout, stderr) = sasl(&[
        "decode",
        CRAM_RESPONSE,
        "--password",
        "wrong-password",
        "--challenge",
        CRAM_CHALLENGE,
    ]);
    assert_eq!(code, 1, "a failed check is exit 1: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("\"wrong-password\" does not produce this response for user \"tim\""),
        "{stderr}"
    );
    assert!(stderr.contains("got b913a602c7eda7a495b4e6e7334d3890"));
    assert!(stdout.starts_with("Verdict    ✗ "), "{stdout}");
    assert!(stdout.contains("the digest does NOT match"));

    let (code, json) = sasl_json(&[
        "decode",
        CRAM_RESPONSE,
        "--password",
        "tanstaaftanstaaf",
        "--challenge",
        "<other@challenge>",
    ]);
    assert_eq!(code, 1);
    assert_eq!(json["interpretation"]["check"]["matches"], false);
}

#[test]
fn cram_md5_check_needs_both_password_and_challenge() {
    let (code, stdout, stderr) = sasl(&["decode", CRAM_RESPONSE, "--password", "x"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("both the password and the challenge"),
        "{stderr}"
    );
    assert!(stdout.contains("user       \"tim\""));
}

#[test]
fn every_optional_encode_field_is_capped_like_the_user_name() {
    let long = "r".repeat(esmtp_playground::sasl::calculator::MAX_INPUT + 1);
    for flag in [
        "--realm",
        "--nonce",
        "--cnonce",
        "--host",
        "--service",
        "--authzid",
        "--challenge",
    ] {
        let error = assert_one_line_error(
            &[
                "encode",
                "--mechanism",
                "DIGEST-MD5",
                "--user",
                "u",
                "--password",
                "p",
                flag,
                &long,
            ],
            2,
        );
        assert!(error.contains("at most"), "{flag}: {error}");
    }
}

/// RFC 2831 §4's digest-response (IMAP digest-uri), base64 as on the wire.
fn rfc_2831_response() -> String {
    b64(b"charset=utf-8,username=\"chris\",realm=\"elwood.innosoft.com\",nonce=\"OA6MG9tEQGm2hh\",nc=00000001,cnonce=\"OA6MHXh6VqTrRk\",digest-uri=\"imap/elwood.innosoft.com\",response=d388dad90d4bbd760a152321f2143af7,qop=auth")
}

#[test]
fn digest_md5_response_check_passes_for_the_rfc_2831_password() {
    let response = rfc_2831_response();
    let (code, stdout, stderr) = sasl(&["decode", &response, "--password", "secret"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.starts_with("Verdict    ✓ \"secret\" produces this response for user \"chris\"\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("HA1        \"a2549853149b0536f01f0b850c643c57\""),
        "{stdout}"
    );
    let (code, json) = sasl_json(&["decode", &response, "--password", "secret"]);
    assert_eq!(code, 0);
    assert_eq!(json["interpretation"]["check"]["matches"], true);
    assert_eq!(json["verdict"]["outcome"], "matches");
}

#[test]
fn digest_md5_response_check_names_the_value_that_differs() {
    let response = rfc_2831_response();
    let (code, stdout, stderr) = sasl(&["decode", &response, "--password", "wrong"]);
    assert_eq!(code, 1, "a failed check is exit 1: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("HA1 differs"), "{stderr}");
    assert!(stdout.contains("check      HA1 differs"), "{stdout}");

    let other_nonce = "realm=\"elwood.innosoft.com\",nonce=\"fresh\",qop=\"auth\",algorithm=md5-sess,charset=utf-8";
    let (code, json) = sasl_json(&[
        "decode",
        &response,
        "--password",
        "secret",
        "--challenge",
        other_nonce,
    ]);
    assert_eq!(code, 1);
    assert_eq!(json["interpretation"]["check"]["differs"], "HA1");
    assert!(json["interpretation"]["check"]["reason"]
        .as_str()
        .unwrap()
        .contains("nonce"));

    let same_nonce = other_nonce.replace("fresh", "OA6MG9tEQGm2hh");
    let (code, json) = sasl_json(&[
        "decode",
        &response,
        "--password",
        "secret",
        "--challenge",
        &same_nonce,
    ]);
    assert_eq!(code, 1, "an SMTP server computes A2 over smtp/…");
    assert_eq!(json["interpretation"]["check"]["differs"], "HA2");
}

#[test]
fn plain_decode_compares_the_typed_password() {
    let (code, stdout, stderr) = sasl(&[
        "decode",
        "AUTH PLAIN AGFsaWNlAHdyb25n",
        "--password",
        "S3cret-pw",
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stdout.starts_with(
            "Verdict    ✗ user \"alice\" sent password \"wrong\"; expected \"S3cret-pw\"\n"
        ),
        "{stdout}"
    );
    let (code, json) = sasl_json(&["decode", "AUTH PLAIN AGFsaWNlAHdyb25n"]);
    assert_eq!(code, 0);
    assert_eq!(
        json["fields"][0]["value"],
        "(empty): the user acts as itself"
    );
    assert_eq!(json["fields"][2]["value"], "\"wrong\"");
}

#[test]
fn scram_sha_1_encode_reproduces_rfc_5802_section_5() {
    let (code, json) = sasl_json(&[
        "encode",
        "--mechanism",
        "SCRAM-SHA-1",
        "--user",
        "user",
        "--password",
        "pencil",
        "--cnonce",
        "fyko+d2lbbFgONRv9qkxdawL",
        "--nonce",
        "3rfcNHYJY1ZVvWVs7j",
        "--salt",
        "QSXCR+Q6sek8bf92",
        "--iterations",
        "4096",
    ]);
    assert_eq!(code, 0);
    let lines = json["clientLines"].as_array().unwrap();
    let first = lines[0].as_str().unwrap();
    let data = first.strip_prefix("AUTH SCRAM-SHA-1 ").unwrap();
    assert_eq!(unb64(data), b"n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL");
    assert_eq!(
        unb64(lines[1].as_str().unwrap()),
        b"c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts="
    );
    assert_eq!(lines[2], "", "the empty response after v=");
    let (code, stdout, _) = sasl(&[
        "decode",
        &format!("334 {}", b64(b"v=rmF9pqV8S7suAoZWja4dJRkFsKQ=")),
        "--mechanism",
        "SCRAM-SHA-1",
    ]);
    assert_eq!(code, 0);
    assert!(stdout.contains("SCRAM server-final-message"), "{stdout}");
}

/// RFC 7677 §3 as it appears in a swaks log (SCRAM-SHA-256).
const RFC_7677_LOG: &str = "\
 -> AUTH SCRAM-SHA-256 biwsbj11c2VyLHI9ck9wck5HZndFYmVSV2diTkVrcU8=
<-  334 cj1yT3ByTkdmd0ViZVJXZ2JORWtxTyVodllEcFdVYTJSYVRDQWZ1eEZJbGopaE5sRiRrMCxzPVcyMlphSjBTTlk3c29Fc1VFamI2Z1E9PSxpPTQwOTY=
 -> Yz1iaXdzLHI9ck9wck5HZndFYmVSV2diTkVrcU8laHZZRHBXVWEyUmFUQ0FmdXhGSWxqKWhObEYkazAscD1kSHpiWmFwV0lrNGpVaE4rVXRlOXl0YWc5empmTUhnc3FtbWl6N0FuZFZRPQ==
<-  334 dj02cnJpVFJCaTIzV3BSUi93dHVwK21NaFVaVW4vZEI1bkxUSlJzamw5NUc0PQ==
";

#[test]
fn a_pasted_scram_exchange_is_checked_value_by_value() {
    let (code, stdout, _) = sasl(&["decode", RFC_7677_LOG, "--password", "pencil"]);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.starts_with("Verdict    ✓ ClientProof and ServerSignature both fit"),
        "{stdout}"
    );
    assert!(stdout.contains("Mechanism  SCRAM-SHA-256"), "{stdout}");
    let (code, json) = sasl_json(&["decode", RFC_7677_LOG, "--password", "pencil2"]);
    assert_eq!(code, 1);
    assert_eq!(json["interpretation"]["kind"], "scramExchange");
    assert_eq!(json["interpretation"]["check"]["differs"], "clientProof");
    let forged = RFC_7677_LOG.replace("dj02cnJp", "dj03cnJp");
    let (code, json) = sasl_json(&["decode", &forged, "--password", "pencil"]);
    assert_eq!(code, 1);
    assert_eq!(
        json["interpretation"]["check"]["differs"],
        "serverSignature"
    );
}
