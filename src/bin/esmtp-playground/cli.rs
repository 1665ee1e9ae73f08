//! The command line of `esmtp-playground`: the playground's engines on real TCP sockets.
//!
//! - `serve`: the server engine behind a listener, printing each connection's annotated
//!   transcript and storing accepted mail in a folder.
//! - `send`: the client engine against a real server, with the same transcript.
//! - `sasl encode|decode`: the page's offline SASL calculator, no network.
//! - `diagram`: a scenario's run (or a world preset's) as the page's sequence diagram,
//!   SVG or text, no network.
//!
//! Exit codes: 0 done, 1 the SMTP peer refused (or the session failed, or a `sasl
//! decode` check failed), 2 bad flags or input, 3 cannot listen or connect, 4 other I/O.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

use esmtp_playground::client::address::split_address_list;
use esmtp_playground::client::{
    AuthSpec, ChunkingMode, Client, ClientSpec, HelloMode, MessageSpec, SpecError,
};
use esmtp_playground::native::maildir::Maildir;
use esmtp_playground::native::sasl_cli::{self, Format};
use esmtp_playground::native::send::{send, SendOptions};
use esmtp_playground::native::serve::{serve, Credential, ServeOptions};
use esmtp_playground::native::tls_door::HANDSHAKE_TIMEOUT;
use esmtp_playground::native::tls_options::{client_tls, server_tls, SendTls, ServeTls};
use esmtp_playground::native::NativeError;
use esmtp_playground::sasl::calculator::{DecodeRequest, EncodeRequest};
use esmtp_playground::sasl::Mechanism;
use esmtp_playground::server::{ServerConfig, StartTlsOffer};
use esmtp_playground::time::SECOND;

/// The ESMTP playground's engines on real TCP sockets, every step explained.
#[derive(Parser, Debug)]
#[command(
    name = "esmtp-playground",
    version,
    after_help = "Exit codes: 0 done, 1 the SMTP peer refused (sasl decode: a check failed), \
                  2 bad flags or input, 3 cannot listen or connect, 4 other I/O error."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run the server engine on a TCP port and print every session, annotated.
    Serve(ServeArgs),
    /// Send one message with the client engine to a real server, annotated.
    Send(SendArgs),
    /// The offline SASL calculator: AUTH lines from credentials, or decoded and checked.
    Sasl(SaslArgs),
    /// Judge a real transcript or capture line by line (exit 1 when an error is found).
    Lint(LintArgs),
    /// Draw a scenario's run, or a world preset's, as a sequence diagram (SVG or text).
    Diagram(DiagramArgs),
}

#[derive(Args, Debug)]
struct DiagramArgs {
    /// A scenario as the page's JSON (`{server, client, script, …}`, every field
    /// optional; `-` reads standard input). Without it, the default scenario.
    #[arg(long, conflicts_with = "world")]
    scenario: Option<PathBuf>,
    /// A world preset instead: etrn, turn, atrn, pop-before-smtp, …
    #[arg(long)]
    world: Option<String>,
    /// `text` (monospace, for a Markdown code block) or `svg` (a self-contained file).
    #[arg(long, default_value = "text", value_parser = ["text", "svg"])]
    format: String,
}

#[derive(Args, Debug)]
struct LintArgs {
    /// The password, to recompute CRAM-MD5/DIGEST-MD5 digests and compare PLAIN/LOGIN.
    #[arg(long)]
    password: Option<String>,
    /// auto, swaks, smtplib, curl, cs, nodemailer, raw or pcap.
    #[arg(long, default_value = "auto")]
    format: String,
    /// Print the analysis as JSON.
    #[arg(long)]
    json: bool,
    /// In a capture with several TCP connections, the one to judge (1-based).
    #[arg(long, value_name = "N")]
    connection: Option<usize>,
    /// The transcript or capture; `-` reads standard input.
    file: PathBuf,
}

#[derive(Args, Debug)]
struct SaslArgs {
    #[command(subcommand)]
    command: SaslCommand,
}

#[derive(Subcommand, Debug)]
enum SaslCommand {
    /// Print the exact lines a client sends for a mechanism, then every computed value.
    Encode(SaslEncodeArgs),
    /// Decode a base64 string or a logged AUTH/334 line and explain its octets.
    Decode(SaslDecodeArgs),
}

#[derive(Args, Debug)]
#[command(
    after_help = "Example: esmtp-playground sasl encode --mechanism CRAM-MD5 --user tim \
                  --password tanstaaftanstaaf \
                  --challenge '<1896.697170952@postoffice.reston.mci.net>'\n\
                  Offline and deterministic: nothing is sent anywhere. Passwords on a \
                  command line are visible to other local users; use test accounts."
)]
struct SaslEncodeArgs {
    /// PLAIN, LOGIN, CRAM-MD5 or DIGEST-MD5 (any case).
    #[arg(long, value_name = "MECH")]
    mechanism: String,
    /// User name (authcid).
    #[arg(long)]
    user: String,
    /// Password.
    #[arg(long)]
    password: String,
    /// PLAIN, DIGEST-MD5: act as this identity.
    #[arg(long, value_name = "ID")]
    authzid: Option<String>,
    /// CRAM-MD5, DIGEST-MD5, SCRAM (its server-first message): the server challenge, as the text (<1896.697170952@host>),
    /// as the base64 after "334 ", or as the whole "334 …" line. Text that is valid
    /// base64 is decoded; the trace's "challenge input" step says which was used.
    #[arg(long, value_name = "CHALLENGE", allow_hyphen_values = true)]
    challenge: Option<String>,
    /// DIGEST-MD5: the realm (builds the challenge with --nonce, or overrides it).
    #[arg(long)]
    realm: Option<String>,
    /// DIGEST-MD5, SCRAM: the server nonce, when no --challenge is given.
    #[arg(long)]
    nonce: Option<String>,
    /// DIGEST-MD5, SCRAM: the client nonce (the calculator never invents one).
    #[arg(long)]
    cnonce: Option<String>,
    /// SCRAM: the salt in base64, with --nonce when no --challenge is given.
    #[arg(long)]
    salt: Option<String>,
    /// SCRAM: the iteration count (default 4096).
    #[arg(long)]
    iterations: Option<u32>,
    /// OAUTHBEARER: the server's port, sent as port= (RFC 7628 §3.1); --host gives host=.
    #[arg(long)]
    port: Option<u16>,
    /// DIGEST-MD5: the host in digest-uri (default localhost).
    #[arg(long)]
    host: Option<String>,
    /// DIGEST-MD5: the service in digest-uri (default smtp; imap reproduces RFC 2831 §4).
    #[arg(long)]
    service: Option<String>,
    /// LOGIN: send the user name on the AUTH line (as Python's smtplib does).
    #[arg(long)]
    login_initial_response: bool,
    /// Print the calculator's result as JSON (the data the page shows).
    #[arg(long)]
    json: bool,
}

#[derive(Args, Debug)]
#[command(
    after_help = "Examples: esmtp-playground sasl decode 'AUTH PLAIN dGVzdAB0ZXN0ADEyMzQ='\n\
                  esmtp-playground sasl decode dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw \
                  --password tanstaaftanstaaf --challenge '<1896.697170952@postoffice.reston.mci.net>'\n\
                  Exit codes: 0 decoded, 1 the password or --user does not match, 2 bad input."
)]
struct SaslDecodeArgs {
    /// Base64, or a logged line: "AUTH PLAIN …", "334 …", optionally after C:, S:, ->
    /// or <- (quote it: the shell reads > and < itself).
    #[arg(value_name = "BASE64|LINE", allow_hyphen_values = true)]
    input: String,
    /// The other words of a line given unquoted (`sasl decode AUTH PLAIN dGVz…`).
    #[arg(value_name = "WORD")]
    more_words: Vec<String>,
    /// How to read the octets (otherwise from the AUTH line, or guessed from their shape).
    #[arg(long, value_name = "MECH")]
    mechanism: Option<String>,
    /// The user name the message must carry (PLAIN authcid, CRAM-MD5 or DIGEST-MD5 user).
    #[arg(long)]
    user: Option<String>,
    /// The password to check: the one a PLAIN or LOGIN message carries, or the one a
    /// CRAM-MD5 (with --challenge) or DIGEST-MD5 response proves.
    #[arg(long)]
    password: Option<String>,
    /// The challenge the response answers (text or base64, like encode's): needed for
    /// CRAM-MD5; for DIGEST-MD5 its nonce and realm are checked too.
    #[arg(long, allow_hyphen_values = true)]
    challenge: Option<String>,
    /// Print the calculator's result as JSON (the data the page shows).
    #[arg(long)]
    json: bool,
}

#[derive(Args, Debug)]
struct ServeArgs {
    /// Address to listen on; port 0 picks a free one (printed on the first line).
    #[arg(long, default_value = "127.0.0.1:2525")]
    listen: String,
    /// Server configuration as JSON (the same fields as the page's server settings).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// An account for SMTP AUTH, NAME:PASSWORD (repeatable; replaces the configured
    /// accounts).
    #[arg(long = "user", value_name = "NAME:PASSWORD")]
    users: Vec<Credential>,
    /// The SASL mechanisms to offer and accept, in EHLO order, comma-separated
    /// (replaces the configured list): PLAIN, LOGIN, CRAM-MD5, DIGEST-MD5, SCRAM-SHA-1,
    /// SCRAM-SHA-256, XOAUTH2, OAUTHBEARER. Default: PLAIN, LOGIN, CRAM-MD5, DIGEST-MD5.
    #[arg(long, value_name = "MECH,…", value_delimiter = ',', value_parser = parse_mechanism)]
    auth_mechanisms: Vec<Mechanism>,
    /// A domain delivered locally (repeatable; replaces the configured list).
    #[arg(long = "local-domain", value_name = "DOMAIN")]
    local_domains: Vec<String>,
    /// Store each accepted copy as DIR/<recipient>/<id>.eml, indexed in DIR/index.jsonl.
    #[arg(long, value_name = "DIR")]
    maildir: Option<PathBuf>,
    /// Connections served at once; more are answered 421 and closed.
    #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    max_connections: u64,
    /// Connections served at once from one client address (default: half of
    /// --max-connections); more are answered 421 and closed.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=10_000))]
    max_per_client: Option<u64>,
    /// Seconds of client silence before 421 (RFC 5321 asks servers for 5 minutes).
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=86_400))]
    idle_timeout: Option<u64>,
    /// Seconds one command line may take from its first octet to its end, however
    /// steadily it trickles in (default 60).
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=86_400))]
    command_deadline: Option<u64>,
    /// Seconds a reply may take to write to a client that does not read (default 30).
    #[arg(long, value_name = "SECS", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    write_timeout: u64,
    /// Seconds the whole message text may take, from the 354 to the final "." (default 600).
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=86_400))]
    data_deadline: Option<u64>,
    /// TLS certificate chain, PEM (leaf first): STARTTLS is offered (RFC 3207).
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// TLS private key, PEM, for --tls-cert.
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Generate a self-signed certificate for the hostname at start and print its
    /// SHA-256 fingerprint on stderr.
    #[arg(long, conflicts_with_all = ["tls_cert", "tls_key"])]
    tls_self_signed: bool,
    /// Implicit TLS (RFC 8314, port 465): the TLS handshake comes first, no STARTTLS.
    #[arg(long)]
    tls_on_connect: bool,
    /// Neither list nor accept AUTH before TLS (538 5.7.11), like Postfix's
    /// smtpd_tls_auth_only.
    #[arg(long)]
    auth_requires_tls: bool,
    /// Seconds a client may take over the whole TLS handshake (after STARTTLS, or
    /// first with --tls-on-connect) before the connection is closed.
    #[arg(long, value_name = "SECS", default_value_t = HANDSHAKE_TIMEOUT.as_secs(),
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    tls_handshake_timeout: u64,
}

#[derive(Args, Debug)]
struct SendArgs {
    /// The server, HOST:PORT.
    #[arg(long, value_name = "HOST:PORT")]
    server: String,
    /// Envelope sender and From header: `alice@example.net` or `Alice <alice@example.net>`
    /// (the display name goes in the header only).
    #[arg(long)]
    from: String,
    /// Recipients in the To header (repeatable or comma-separated; quote a display name
    /// that holds a comma: '"Smith, Bob" <bob@example.org>').
    #[arg(long)]
    to: Vec<String>,
    /// Recipients in the Cc header (repeatable or comma-separated).
    #[arg(long)]
    cc: Vec<String>,
    /// Envelope-only recipients, never in a header (repeatable or comma-separated).
    #[arg(long)]
    bcc: Vec<String>,
    /// The Subject header.
    #[arg(long, default_value = "Test message from esmtp-playground")]
    subject: String,
    /// The body, from a UTF-8 file ("-" reads stdin). Line endings become CRLF.
    #[arg(long, value_name = "FILE", conflicts_with = "body")]
    body_file: Option<PathBuf>,
    /// The body as text.
    #[arg(long)]
    body: Option<String>,
    /// The name sent in EHLO.
    #[arg(long, value_name = "NAME")]
    helo: Option<String>,
    /// Greet with HELO instead of EHLO (no extensions).
    #[arg(long)]
    plain_helo: bool,
    /// Authenticate with SMTP AUTH after EHLO: PLAIN, LOGIN, CRAM-MD5, DIGEST-MD5, or
    /// "auto" for the strongest the server offers.
    #[arg(long, value_name = "MECH", requires_all = ["user", "password"])]
    auth: Option<String>,
    /// AUTH user name (authcid).
    #[arg(long, requires = "auth")]
    user: Option<String>,
    /// AUTH password.
    #[arg(long, requires = "auth")]
    password: Option<String>,
    /// AUTH: act as this identity (PLAIN, DIGEST-MD5 authzid).
    #[arg(long, requires = "auth", value_name = "ID")]
    authzid: Option<String>,
    /// AUTH LOGIN: send the user name on the AUTH line (as Python's smtplib does).
    #[arg(long, requires = "auth")]
    login_initial_response: bool,
    /// Seconds for the connection, for the whole greeting and for each whole reply,
    /// however slowly the server sends it.
    #[arg(long, value_name = "SECS", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    timeout: u64,
    /// STARTTLS, required: stop before AUTH or the message when the server does not
    /// offer it or refuses it (RFC 3207).
    #[arg(long, conflicts_with_all = ["starttls_optional", "tls_on_connect"])]
    starttls: bool,
    /// STARTTLS when the server offers it; otherwise go on in the clear.
    #[arg(long, conflicts_with = "tls_on_connect")]
    starttls_optional: bool,
    /// Implicit TLS (RFC 8314, port 465): TLS from the first octet.
    #[arg(long)]
    tls_on_connect: bool,
    /// Trust the CA certificates in this PEM file (default: the Mozilla roots).
    #[arg(long, value_name = "FILE")]
    ca_file: Option<PathBuf>,
    /// Do not check the server's certificate (a warning is printed): anyone in the
    /// middle can then read the session.
    #[arg(long, conflicts_with = "ca_file")]
    insecure: bool,
    /// Seconds the server may take over the whole TLS handshake before `send` gives up.
    #[arg(long, value_name = "SECS", default_value_t = HANDSHAKE_TIMEOUT.as_secs(),
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    tls_handshake_timeout: u64,
    /// Send the message after DATA even when the server offers CHUNKING (by default
    /// it goes in BDAT chunks then, RFC 3030).
    #[arg(long, conflicts_with = "chunk_size")]
    no_chunking: bool,
    /// Octets per BDAT chunk when the server offers CHUNKING (the last may be shorter);
    /// default 65536.
    #[arg(long, value_name = "OCTETS", value_parser = parse_chunk_size)]
    chunk_size: Option<u32>,
}

/// Parses the flags and runs the subcommand.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) if !error.use_stderr() => {
            // --help and --version.
            let _ = error.print();
            return ExitCode::SUCCESS;
        }
        Err(error) => {
            // clap's message is several lines; its "error:" line says it all.
            let rendered = error.render().to_string();
            let first = rendered
                .lines()
                .find_map(|line| line.strip_prefix("error: "))
                .unwrap_or("a subcommand is needed: serve, send or sasl");
            eprintln!("esmtp-playground: {first} (see --help)");
            return ExitCode::from(2);
        }
    };
    let result = match cli.command {
        Command::Serve(args) => run_serve(args),
        Command::Send(args) => run_send(args),
        Command::Sasl(args) => Ok(run_sasl(args)),
        Command::Lint(args) => run_lint(args),
        Command::Diagram(args) => run_diagram(args),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("esmtp-playground: {error}");
            ExitCode::from(error.exit_code())
        }
    }
}

fn format(json: bool) -> Format {
    if json {
        Format::Json
    } else {
        Format::Text
    }
}

/// `sasl encode|decode`: the calculator does the work, `sasl_cli` the layout.
fn run_sasl(args: SaslArgs) -> ExitCode {
    let report = match args.command {
        SaslCommand::Encode(args) => {
            let request = EncodeRequest {
                mechanism: args.mechanism,
                user: args.user,
                password: args.password,
                authzid: args.authzid,
                challenge: args.challenge,
                realm: args.realm,
                nonce: args.nonce,
                cnonce: args.cnonce,
                host: args.host,
                service: args.service,
                login_initial_response: args.login_initial_response,
                salt: args.salt,
                iterations: args.iterations,
                port: args.port,
            };
            sasl_cli::encode(&request, format(args.json))
        }
        SaslCommand::Decode(args) => {
            let request = DecodeRequest {
                input: std::iter::once(args.input)
                    .chain(args.more_words)
                    .collect::<Vec<_>>()
                    .join(" "),
                mechanism: args.mechanism,
                password: args.password,
                challenge: args.challenge,
            };
            sasl_cli::decode(&request, args.user.as_deref(), format(args.json))
        }
    };
    // A closed stdout (`| head -1`) is not an error worth a panic.
    let mut stdout = std::io::stdout().lock();
    let _ = std::io::Write::write_all(&mut stdout, report.stdout.as_bytes());
    let _ = std::io::Write::flush(&mut stdout);
    if let Some(error) = report.error {
        eprintln!("esmtp-playground: {error}");
    }
    ExitCode::from(report.exit_code)
}

fn run_lint(args: LintArgs) -> Result<ExitCode, NativeError> {
    let format = match args.format.as_str() {
        "auto" => None,
        name => Some(name.parse().map_err(NativeError::Usage)?),
    };
    let options = esmtp_playground::analyze::Options {
        format,
        password: args.password,
        connection: args.connection,
    };
    let report = esmtp_playground::analyze::cli::lint(&args.file, &options, args.json);
    let mut stdout = std::io::stdout().lock();
    let _ = std::io::Write::write_all(&mut stdout, report.stdout.as_bytes());
    let _ = std::io::Write::flush(&mut stdout);
    if let Some(error) = report.error {
        eprintln!("esmtp-playground: {error}");
    }
    Ok(ExitCode::from(report.exit_code))
}

fn run_diagram(args: DiagramArgs) -> Result<ExitCode, NativeError> {
    use esmtp_playground::sequence;
    let diagram = match (&args.world, &args.scenario) {
        (Some(name), _) => {
            let scenario = esmtp_playground::world::preset(name)
                .ok_or_else(|| NativeError::Usage(format!("no world preset is called '{name}'")))?;
            let timeline = esmtp_playground::world::run_world(&scenario)
                .map_err(|e| NativeError::Usage(format!("world cannot run: {e}")))?;
            sequence::world::diagram(&timeline)
        }
        (None, path) => {
            let scenario = match path {
                Some(path) => read_scenario(path)?,
                None => esmtp_playground::loopback::Scenario::default(),
            };
            let timeline = esmtp_playground::loopback::run(&scenario)
                .map_err(|e| NativeError::Usage(format!("scenario cannot run: {e}")))?;
            sequence::single::diagram(&timeline, scenario.start_time)
        }
    };
    let output = match args.format.as_str() {
        "svg" => sequence::svg::render(&diagram),
        _ => sequence::text::render(&diagram),
    };
    let mut stdout = std::io::stdout().lock();
    std::io::Write::write_all(&mut stdout, output.as_bytes())
        .and_then(|()| std::io::Write::flush(&mut stdout))
        .map_err(|e| NativeError::Io(format!("cannot write the diagram: {e}")))?;
    Ok(ExitCode::SUCCESS)
}

/// A scenario from a JSON file (`-`: standard input).
fn read_scenario(
    path: &std::path::Path,
) -> Result<esmtp_playground::loopback::Scenario, NativeError> {
    let text = if path.as_os_str() == "-" {
        std::io::read_to_string(std::io::stdin())
    } else {
        std::fs::read_to_string(path)
    }
    .map_err(|e| NativeError::Usage(format!("cannot read --scenario {}: {e}", path.display())))?;
    serde_json::from_str(&text)
        .map_err(|e| NativeError::Usage(format!("bad --scenario {}: {e}", path.display())))
}

fn run_serve(args: ServeArgs) -> Result<ExitCode, NativeError> {
    let mut config = match &args.config {
        Some(path) => read_config(path)?,
        None => ServerConfig::default(),
    };
    if !args.local_domains.is_empty() {
        config.local_domains = args.local_domains;
    }
    if !args.users.is_empty() {
        config.auth.users = args.users.into_iter().map(Into::into).collect();
    }
    if !args.auth_mechanisms.is_empty() {
        config.auth.mechanisms = args.auth_mechanisms;
    }
    if let Some(seconds) = args.idle_timeout {
        config.idle_timeout_ms = seconds.saturating_mul(SECOND);
    }
    if let Some(seconds) = args.command_deadline {
        config.command_deadline_ms = seconds.saturating_mul(SECOND);
    }
    if let Some(seconds) = args.data_deadline {
        config.data_deadline_ms = seconds.saturating_mul(SECOND);
    }
    let max_connections = usize::try_from(args.max_connections).unwrap_or(usize::MAX);
    let max_per_client = match args.max_per_client {
        Some(count) => usize::try_from(count).unwrap_or(usize::MAX),
        None => max_connections.div_ceil(2),
    };
    let maildir = args.maildir.as_deref().map(Maildir::open).transpose()?;
    let tls_flags = ServeTls {
        cert: args.tls_cert,
        key: args.tls_key,
        self_signed: args.tls_self_signed,
        on_connect: args.tls_on_connect,
        handshake_timeout: Duration::from_secs(args.tls_handshake_timeout),
    };
    let tls = server_tls(&tls_flags, &config.hostname)?;
    if let Some(tls) = &tls {
        let how = if tls.setup.implicit {
            "implicit TLS on every connection"
        } else {
            config.starttls = StartTlsOffer::Offered;
            "STARTTLS offered"
        };
        eprintln!("esmtp-playground: {how}; {}", tls.description);
    }
    config.auth_requires_tls |= args.auth_requires_tls;
    serve(ServeOptions {
        listen: args.listen,
        config,
        maildir,
        max_connections,
        max_per_client,
        write_timeout: Duration::from_secs(args.write_timeout),
        tls: tls.map(|tls| tls.setup),
    })?;
    Ok(ExitCode::SUCCESS)
}

/// A SASL mechanism name for `--auth-mechanisms` (any case, RFC 4422 §3.1).
fn parse_mechanism(name: &str) -> Result<Mechanism, String> {
    Mechanism::parse(name.trim()).ok_or_else(|| {
        let known: Vec<&str> = Mechanism::ALL.iter().map(|m| m.name()).collect();
        format!("'{name}' is not one of {}", known.join(", "))
    })
}

fn read_config(path: &std::path::Path) -> Result<ServerConfig, NativeError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| NativeError::Usage(format!("cannot read --config {}: {e}", path.display())))?;
    serde_json::from_str(&text)
        .map_err(|e| NativeError::Usage(format!("bad --config {}: {e}", path.display())))
}

/// Every address of repeated `--to`/`--cc`/`--bcc` values, each split at commas outside
/// quotes (`client::address::split_address_list`).
fn address_lists(values: &[String]) -> Vec<String> {
    values
        .iter()
        .flat_map(|value| split_address_list(value))
        .collect()
}

fn run_send(args: SendArgs) -> Result<ExitCode, NativeError> {
    let auth = auth_spec(&args);
    let tls_flags = SendTls {
        starttls: args.starttls,
        starttls_optional: args.starttls_optional,
        on_connect: args.tls_on_connect,
        ca_file: args.ca_file.clone(),
        insecure: args.insecure,
        handshake_timeout: Duration::from_secs(args.tls_handshake_timeout),
    };
    let (tls_policy, tls) = client_tls(&tls_flags, &server_host(&args.server))?;
    if args.insecure {
        eprintln!(
            "esmtp-playground: warning: --insecure: the server's certificate is not checked, \
             so anyone in the middle can read and change this session"
        );
    }
    let body = match (&args.body_file, args.body) {
        (Some(path), _) => read_body(path)?,
        (None, Some(text)) => text,
        (None, None) => "Sent by esmtp-playground.\n".into(),
    };
    let defaults = ClientSpec::default();
    let spec = ClientSpec {
        hostname: args.helo.unwrap_or_else(|| defaults.hostname.clone()),
        hello: if args.plain_helo {
            HelloMode::Helo
        } else {
            HelloMode::Ehlo
        },
        message: MessageSpec {
            from: args.from,
            to: address_lists(&args.to),
            cc: address_lists(&args.cc),
            bcc: address_lists(&args.bcc),
            subject: args.subject,
            body,
            ..MessageSpec::default()
        },
        auth,
        tls: tls_policy,
        chunking: if args.no_chunking {
            ChunkingMode::Off
        } else {
            ChunkingMode::Auto
        },
        chunk_size: args.chunk_size.unwrap_or(defaults.chunk_size),
        ..defaults
    };
    let timeout = Duration::from_secs(args.timeout);
    let outcome = send(SendOptions {
        server: args.server,
        spec,
        connect_timeout: timeout,
        reply_timeout: timeout,
        tls,
    })?;
    if outcome.delivered() {
        Ok(ExitCode::SUCCESS)
    } else {
        let why = if outcome.failures.is_empty() {
            "the message was not accepted".to_owned()
        } else {
            outcome.failures.join("; ")
        };
        eprintln!("esmtp-playground: send failed: {why}");
        Ok(ExitCode::from(1))
    }
}

/// The client's AUTH spec from `--auth`, `--user`, `--password`, `--authzid` and
/// `--login-initial-response`. DIGEST-MD5's digest-uri names the host as given in
/// `--server`, like swaks does (`smtp/127.0.0.1`).
fn auth_spec(args: &SendArgs) -> Option<AuthSpec> {
    let mechanism = args.auth.clone()?;
    Some(AuthSpec {
        mechanism,
        user: args.user.clone().unwrap_or_default(),
        password: args.password.clone().unwrap_or_default(),
        authzid: args.authzid.clone(),
        login_initial_response: args.login_initial_response,
        server_name: Some(server_host(&args.server)),
        ..AuthSpec::default()
    })
}

/// A `--chunk-size`: an octet count the client engine takes (it holds the rule, RFC
/// 3030 §2), so a bad one is a usage error before anything is sent.
fn parse_chunk_size(text: &str) -> Result<u32, String> {
    let size: u32 = text
        .trim()
        .parse()
        .map_err(|_| format!("'{text}' is not a number of octets"))?;
    let spec = ClientSpec {
        chunk_size: size,
        ..ClientSpec::default()
    };
    match Client::new(spec, 0, 0) {
        Err(error @ SpecError::ChunkSize { .. }) => Err(error.to_string()),
        _ => Ok(size),
    }
}

/// `host` from `host:port`, `[v6]:port` or a bare host.
fn server_host(server: &str) -> String {
    let host = match server.rsplit_once(':') {
        Some((host, port)) if !host.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => host,
        _ => server,
    };
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .to_owned()
}

fn read_body(path: &std::path::Path) -> Result<String, NativeError> {
    let octets = if path.as_os_str() == "-" {
        let mut buffer = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut buffer)
            .map_err(|e| NativeError::Usage(format!("cannot read the body from stdin: {e}")))?;
        buffer
    } else {
        std::fs::read(path).map_err(|e| {
            NativeError::Usage(format!("cannot read --body-file {}: {e}", path.display()))
        })?
    };
    String::from_utf8(octets).map_err(|_| NativeError::Usage("the body must be UTF-8 text".into()))
}
