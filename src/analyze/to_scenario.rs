//! "Open in playground": turns an analysed session into a scenario the playground's
//! own engines can run. The client gets the name it said in EHLO/HELO, the first
//! transaction's envelope and message, and the AUTH mechanism and user; the server
//! gets the greeting's name, the extensions the real server offered (those the
//! playground has a switch for) and the recipients' domains as its own. Whatever
//! cannot be carried over (STARTTLS, an unknown mechanism, a password the log does
//! not show) is listed in [`Imported::notes`], one sentence each.

use std::borrow::Cow;

use serde::Serialize;

use super::judge::{AnnotatedLine, Role};
use super::line::Ending;
use super::negotiation::reply_after;
use super::Analysis;
use crate::client::{AuthSpec, Header, HelloMode, MessageSpec};
use crate::loopback::Scenario;
use crate::protocol::{Capabilities, Command, ForwardPath, ReversePath};
use crate::sasl::cram_md5::CramResponse;
use crate::sasl::digest_md5::directives::Directives;
use crate::sasl::oauthbearer::BearerMessage;
use crate::sasl::plain::PlainMessage;
use crate::sasl::xoauth2::Xoauth2Message;
use crate::sasl::{base64, Mechanism, UserCredential};
use crate::server::EhloMode;

/// The password nodemailer's logs (and masked share links) show in its place.
const MASKED_PASSWORD: &str = "/* secret */";
/// Header fields the client engine writes itself, so they are not copied as extras.
const ENGINE_FIELDS: [&str; 11] = [
    "from",
    "to",
    "cc",
    "bcc",
    "subject",
    "date",
    "message-id",
    "mime-version",
    "content-type",
    "content-transfer-encoding",
    "received",
];
/// Most extra header fields carried over.
const MAX_EXTRA_HEADERS: usize = 32;

/// A scenario made from a real session, and what it could not reproduce.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Imported {
    /// The scenario, complete: every field the page's forms show.
    pub scenario: Scenario,
    /// What differs from the real session, one sentence each.
    pub notes: Vec<String>,
}

/// What the walk over the lines found.
#[derive(Default)]
struct Found<'a> {
    greeting: Option<&'a str>,
    hello: Option<(HelloMode, String)>,
    ehlo_reply: Option<Vec<&'a str>>,
    auth: Option<AuthFound>,
    sender: Option<ReversePath>,
    recipients: Vec<String>,
    message: Vec<Cow<'a, str>>,
    /// The message came in BDAT chunks: its lines are as sent, not dot-stuffed.
    chunked: bool,
    /// The last chunk line ended where its chunk did, mid-line: the next one goes on.
    chunk_mid_line: bool,
    transactions: usize,
}

/// The AUTH exchange: the mechanism as named and the responses, decoded.
struct AuthFound {
    name: String,
    responses: Vec<Vec<u8>>,
    initial_response: bool,
}

/// Builds the scenario; `password` (the page's password field) wins over one the log
/// shows.
pub fn to_scenario(analysis: &Analysis, password: Option<&str>) -> Imported {
    let found = walk(&analysis.lines);
    let mut scenario = Scenario::default();
    let mut notes = Vec::new();
    server_from(&found, &mut scenario, &mut notes);
    client_from(&found, &mut scenario, &mut notes);
    auth_from(&found, password, &mut scenario, &mut notes);
    Imported { scenario, notes }
}

fn walk(lines: &[AnnotatedLine]) -> Found<'_> {
    let mut found = Found::default();
    let mut in_first_message = false;
    for (index, line) in lines.iter().enumerate() {
        match line.role {
            Role::Reply if found.greeting.is_none() => {
                found.greeting = line.text.strip_prefix("220").map(greeting_text);
            }
            Role::Command => command(&mut found, lines, index, &mut in_first_message),
            Role::SaslResponse => {
                if let Some(auth) = &mut found.auth {
                    if auth.responses.len() < 8 {
                        auth.responses.push(decode(line.text.trim_end()));
                    }
                }
            }
            Role::MessageText if in_first_message => {
                if line.text == "." {
                    in_first_message = false;
                } else {
                    found.message.push(Cow::Borrowed(&line.text));
                }
            }
            Role::ChunkData if found.transactions == 1 => chunk_line(&mut found, line),
            _ => {}
        }
    }
    found
}

/// A line of a BDAT chunk of the first message; a chunk that ended mid-line is
/// continued by the next chunk's first line.
fn chunk_line<'a>(found: &mut Found<'a>, line: &'a AnnotatedLine) {
    found.chunked = true;
    match found.message.last_mut() {
        Some(last) if found.chunk_mid_line => last.to_mut().push_str(&line.text),
        _ => found.message.push(Cow::Borrowed(&line.text)),
    }
    found.chunk_mid_line = line.ending == Ending::Missing;
}

/// The greeting's text after `220`, `220-` or `220 `.
fn greeting_text(rest: &str) -> &str {
    rest.trim_start_matches('-').trim_start()
}

fn command<'a>(
    found: &mut Found<'a>,
    lines: &'a [AnnotatedLine],
    index: usize,
    in_first_message: &mut bool,
) {
    let Some(line) = lines.get(index) else {
        return;
    };
    let Ok(command) = Command::parse(line.text.as_bytes()) else {
        return;
    };
    match command {
        Command::Ehlo { domain } => {
            found.hello = Some((HelloMode::Ehlo, domain));
            found.ehlo_reply = Some(reply_after(lines, index));
        }
        Command::Helo { domain } => found.hello = Some((HelloMode::Helo, domain)),
        Command::Auth {
            mechanism,
            initial_response,
        } if found.auth.is_none() => {
            found.auth = Some(AuthFound {
                name: mechanism,
                initial_response: initial_response.is_some(),
                responses: initial_response.iter().map(|r| decode(r)).collect(),
            });
        }
        Command::Mail { from, .. } => {
            found.transactions += 1;
            if found.transactions == 1 {
                found.sender = Some(from);
            }
        }
        Command::Rcpt {
            to: ForwardPath::Mailbox(mailbox),
            ..
        } if found.transactions == 1 && found.recipients.len() < 100 => {
            found.recipients.push(mailbox.to_string());
        }
        Command::Data if found.transactions == 1 && found.message.is_empty() => {
            *in_first_message = true;
        }
        _ => {}
    }
}

fn decode(text: &str) -> Vec<u8> {
    if text == "=" {
        return Vec::new();
    }
    base64::decode(text).unwrap_or_default()
}

fn server_from(found: &Found, scenario: &mut Scenario, notes: &mut Vec<String>) {
    let server = &mut scenario.server;
    if let Some(greeting) = found.greeting {
        let (name, rest) = greeting.split_once(' ').unwrap_or((greeting, ""));
        if crate::protocol::Domain::parse(name).is_ok() {
            server.hostname = name.to_owned();
            server.greeting = rest.to_owned();
        }
    }
    let domains = recipient_domains(&found.recipients);
    if !domains.is_empty() {
        server.local_domains = domains;
    }
    let Some(reply) = &found.ehlo_reply else {
        return;
    };
    match reply.first().and_then(|line| line.get(..3)) {
        Some("500") => server.ehlo_mode = EhloMode::HeloOnlyUnrecognized,
        Some("502") => server.ehlo_mode = EhloMode::HeloOnlyNotImplemented,
        _ => {}
    }
    let offered =
        Capabilities::from_ehlo_lines(reply.iter().skip(1).filter_map(|line| line.get(4..)));
    extensions_from(&offered, scenario, notes);
}

fn extensions_from(offered: &Capabilities, scenario: &mut Scenario, notes: &mut Vec<String>) {
    let server = &mut scenario.server;
    let switches = &mut server.extensions;
    switches.pipelining = offered.has("PIPELINING");
    switches.size = offered.has("SIZE");
    switches.eight_bit_mime = offered.has("8BITMIME");
    switches.enhanced_status_codes = offered.has("ENHANCEDSTATUSCODES");
    switches.vrfy = offered.has("VRFY");
    switches.etrn = offered.has("ETRN");
    switches.dsn = offered.has("DSN");
    switches.auth = offered.has("AUTH");
    switches.smtputf8 = offered.has("SMTPUTF8");
    switches.chunking = offered.has("CHUNKING");
    switches.binary_mime = offered.has("BINARYMIME");
    if let Some(limit) = offered.size() {
        server.max_message_size = limit;
    }
    let (known, unknown): (Vec<&String>, Vec<&String>) = offered
        .auth_mechanisms()
        .iter()
        .partition(|name| Mechanism::parse(name).is_some());
    if switches.auth {
        server.auth.mechanisms = known.iter().filter_map(|n| Mechanism::parse(n)).collect();
    }
    if !unknown.is_empty() {
        notes.push(format!(
            "The server also offered AUTH {}, which the playground does not implement.",
            join(&unknown)
        ));
    }
    let without_switch: Vec<&str> = offered
        .extensions
        .iter()
        .map(|e| e.keyword())
        .filter(|k| {
            ![
                "PIPELINING",
                "SIZE",
                "8BITMIME",
                "ENHANCEDSTATUSCODES",
                "VRFY",
                "ETRN",
                "AUTH",
                "DSN",
                "SMTPUTF8",
                "CHUNKING",
                "BINARYMIME",
            ]
            .contains(k)
        })
        .collect();
    if !without_switch.is_empty() {
        notes.push(format!(
            "The server offered {}, which the playground's server cannot offer; the scenario leaves {} out.",
            without_switch.join(", "),
            if without_switch.len() == 1 { "it" } else { "them" }
        ));
    }
}

fn join(names: &[&String]) -> String {
    names
        .iter()
        .map(|n| n.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn recipient_domains(recipients: &[String]) -> Vec<String> {
    let mut domains: Vec<String> = Vec::new();
    for recipient in recipients {
        if let Some((_, domain)) = recipient.rsplit_once('@') {
            if !domains.iter().any(|d| d.eq_ignore_ascii_case(domain)) {
                domains.push(domain.to_owned());
            }
        }
    }
    domains
}

fn client_from(found: &Found, scenario: &mut Scenario, notes: &mut Vec<String>) {
    let client = &mut scenario.client;
    if let Some((mode, domain)) = &found.hello {
        client.hello = *mode;
        client.hostname = domain.clone();
    }
    if found.transactions > 1 {
        notes.push(format!(
            "The session holds {} transactions; the scenario sends the first one.",
            found.transactions
        ));
    }
    let text: Vec<&str> = found.message.iter().map(AsRef::as_ref).collect();
    let headers = header_fields(&text);
    let message = &mut client.message;
    match &found.sender {
        Some(ReversePath::Mailbox(mailbox)) => message.from = mailbox.to_string(),
        Some(ReversePath::Null) => notes.push(
            "MAIL FROM was the null path <>, which the playground's client does not send; the scenario uses the sample sender.".into(),
        ),
        None => notes.push("The session has no MAIL FROM; the scenario uses the sample envelope and message.".into()),
    }
    if !found.recipients.is_empty() {
        split_recipients(message, &found.recipients, &headers);
    }
    if found.message.is_empty() {
        if found.sender.is_some() {
            notes.push(
                "The log shows no message text; the scenario sends the sample message.".into(),
            );
        }
        return;
    }
    message_from(message, &headers, &text, found.chunked);
}

/// The header section, unfolded: `(name, value)` in order.
fn header_fields<'a>(text: &[&'a str]) -> Vec<(&'a str, String)> {
    let mut fields: Vec<(&str, String)> = Vec::new();
    for line in text.iter().take_while(|line| !line.is_empty()) {
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = fields.last_mut() {
                value.push(' ');
                value.push_str(line.trim());
            }
        } else if let Some((name, value)) = line.split_once(':') {
            fields.push((name.trim(), value.trim().to_owned()));
        }
    }
    fields
}

fn field<'a>(headers: &'a [(&str, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Recipients named in the To or Cc field go there; the others are Bcc (envelope
/// only). With no To field at all, every recipient is a To.
fn split_recipients(message: &mut MessageSpec, recipients: &[String], headers: &[(&str, String)]) {
    let to = field(headers, "to").map(str::to_ascii_lowercase);
    let cc = field(headers, "cc").map(str::to_ascii_lowercase);
    message.to.clear();
    message.cc.clear();
    message.bcc.clear();
    for recipient in recipients {
        let lower = recipient.to_ascii_lowercase();
        let named_in = |list: &Option<String>| list.as_deref().is_some_and(|l| l.contains(&lower));
        if to.is_none() || named_in(&to) {
            message.to.push(recipient.clone());
        } else if named_in(&cc) {
            message.cc.push(recipient.clone());
        } else {
            message.bcc.push(recipient.clone());
        }
    }
}

/// The message fields from its text; `chunked` text came in BDAT chunks, as sent, and
/// text after DATA is dot-stuffed.
fn message_from(
    message: &mut MessageSpec,
    headers: &[(&str, String)],
    text: &[&str],
    chunked: bool,
) {
    message.subject = field(headers, "subject").unwrap_or_default().to_owned();
    message.date = field(headers, "date").map(str::to_owned);
    message.message_id = field(headers, "message-id").map(str::to_owned);
    message.headers = headers
        .iter()
        .filter(|(name, _)| {
            !ENGINE_FIELDS.contains(&name.to_ascii_lowercase().as_str())
                && !name.is_empty()
                && name.bytes().all(|b| b.is_ascii_graphic() && b != b':')
        })
        .take(MAX_EXTRA_HEADERS)
        .map(|(name, value)| Header {
            name: (*name).to_owned(),
            value: value.clone(),
        })
        .collect();
    let body_lines = text.iter().skip_while(|line| !line.is_empty()).skip(1);
    let mut body = String::new();
    for line in body_lines {
        // Dot-stuffing undone (RFC 5321 §4.5.2): the engine stuffs again when it sends.
        body.push_str(
            line.strip_prefix('.')
                .filter(|_| !chunked && line.starts_with(".."))
                .unwrap_or(line),
        );
        body.push('\n');
    }
    message.body = body;
}

fn auth_from(
    found: &Found,
    password: Option<&str>,
    scenario: &mut Scenario,
    notes: &mut Vec<String>,
) {
    let Some(auth) = &found.auth else {
        scenario.client.auth = None;
        return;
    };
    let Some(mechanism) = Mechanism::parse(&auth.name) else {
        scenario.client.auth = None;
        notes.push(format!(
            "The client used AUTH {}, which the playground does not implement; the scenario does not authenticate.",
            auth.name
        ));
        return;
    };
    let credentials = credentials(mechanism, &auth.responses);
    let user = credentials.user.unwrap_or_else(|| "alice".to_owned());
    let logged_password = credentials.password.filter(|p| p != MASKED_PASSWORD);
    let password = match (password.filter(|p| !p.is_empty()), logged_password) {
        (Some(given), _) => given.to_owned(),
        (None, Some(logged)) => logged,
        (None, None) => {
            let stand_in = UserCredential::default().password;
            notes.push(format!(
                "The log does not show the password; the scenario uses \"{stand_in}\" (type the real one in the password field to use it)."
            ));
            stand_in
        }
    };
    let server_name = credentials.digest_host;
    scenario.client.auth = Some(AuthSpec {
        mechanism: mechanism.name().to_owned(),
        user: user.clone(),
        password: password.clone(),
        authzid: credentials.authzid,
        login_initial_response: mechanism == Mechanism::Login && auth.initial_response,
        realm: credentials.realm.clone(),
        server_name: server_name.clone(),
        ..AuthSpec::default()
    });
    let policy = &mut scenario.server.auth;
    policy.users = vec![UserCredential {
        name: user,
        password,
    }];
    if !policy.mechanisms.contains(&mechanism) {
        policy.mechanisms.push(mechanism);
        scenario.server.extensions.auth = true;
    }
    if let Some(realm) = credentials.realm {
        policy.realm = realm;
    }
    policy.digest_uri_aliases.extend(server_name);
}

/// What the client's responses say about who logged in.
#[derive(Default)]
struct Credentials {
    user: Option<String>,
    password: Option<String>,
    authzid: Option<String>,
    realm: Option<String>,
    digest_host: Option<String>,
}

fn credentials(mechanism: Mechanism, responses: &[Vec<u8>]) -> Credentials {
    let text = |octets: &Vec<u8>| String::from_utf8_lossy(octets).into_owned();
    match mechanism {
        Mechanism::Plain => match responses.first().map(|r| PlainMessage::parse(r)) {
            Some(Ok(message)) => Credentials {
                user: Some(message.authcid),
                password: Some(message.password),
                authzid: Some(message.authzid).filter(|a| !a.is_empty()),
                ..Credentials::default()
            },
            _ => Credentials::default(),
        },
        Mechanism::Login => Credentials {
            user: responses.first().map(text),
            password: responses.get(1).map(text),
            ..Credentials::default()
        },
        Mechanism::CramMd5 => Credentials {
            user: responses
                .first()
                .and_then(|r| CramResponse::parse(r).ok())
                .map(|r| r.user),
            ..Credentials::default()
        },
        Mechanism::DigestMd5 => responses
            .iter()
            .find_map(|r| digest_credentials(&text(r)))
            .unwrap_or_default(),
        Mechanism::ScramSha1 | Mechanism::ScramSha256 => Credentials {
            user: responses
                .first()
                .map(text)
                .and_then(|first| scram_user(&first)),
            ..Credentials::default()
        },
        // The bearer token stands where a password would (the client sends it as one).
        Mechanism::Xoauth2 => match responses.first().map(|r| Xoauth2Message::parse(r)) {
            Some(Ok(message)) => Credentials {
                user: Some(message.user),
                password: Some(message.token),
                ..Credentials::default()
            },
            _ => Credentials::default(),
        },
        Mechanism::OAuthBearer => match responses.first().map(|r| BearerMessage::parse(r)) {
            Some(Ok(message)) => Credentials {
                user: message.authzid,
                password: Some(message.token),
                ..Credentials::default()
            },
            _ => Credentials::default(),
        },
    }
}

fn digest_credentials(response: &str) -> Option<Credentials> {
    let directives = Directives::parse(response).ok()?;
    let single = |name: &str| directives.single(name).ok().flatten().map(str::to_owned);
    let user = single("username")?;
    let digest_host = single("digest-uri")
        .and_then(|uri| uri.split('/').nth(1).map(str::to_owned))
        .filter(|host| !host.is_empty());
    Some(Credentials {
        user: Some(user),
        authzid: single("authzid"),
        realm: single("realm").filter(|r| !r.is_empty()),
        digest_host,
        ..Credentials::default()
    })
}

/// The user in a SCRAM client-first message `n,,n=user,r=nonce`.
fn scram_user(first: &str) -> Option<String> {
    first
        .split(',')
        .find_map(|part| part.strip_prefix("n="))
        .map(|user| user.replace("=2C", ",").replace("=3D", "="))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::{analyze, Options};

    fn import(log: &str, password: Option<&str>) -> Imported {
        let analysis = analyze(log.as_bytes(), &Options::default()).expect("a session");
        to_scenario(&analysis, password)
    }

    fn fixture(name: &str) -> String {
        std::fs::read_to_string(format!("tests/fixtures/analyze/{name}")).expect("fixture")
    }

    #[test]
    fn a_swaks_cram_md5_session_becomes_a_scenario() {
        let imported = import(&fixture("swaks-cram-md5.txt"), Some("S3cret-pw"));
        let scenario = &imported.scenario;
        assert_eq!(scenario.client.hostname, "client.example");
        assert_eq!(scenario.client.message.from, "alice@example.net");
        assert_eq!(
            scenario.client.message.to,
            vec!["bob@example.org".to_owned()]
        );
        assert!(scenario.client.message.subject.starts_with("test "));
        assert_eq!(scenario.client.message.body, "This is a test mailing\n\n\n");
        let auth = scenario.client.auth.as_ref().expect("AUTH");
        assert_eq!(auth.mechanism, "CRAM-MD5");
        assert_eq!(auth.user, "alice");
        assert_eq!(auth.password, "S3cret-pw");
        assert_eq!(scenario.server.hostname, "mx.example.org");
        assert!(scenario.server.extensions.pipelining);
        assert_eq!(scenario.server.max_message_size, Some(10_240_000));
        assert_eq!(
            scenario.server.auth.mechanisms,
            Mechanism::OFFERED_BY_DEFAULT.to_vec()
        );
        assert_eq!(scenario.server.auth.users[0].name, "alice");
        assert!(imported.notes.is_empty(), "{:?}", imported.notes);
    }

    #[test]
    fn the_imported_scenario_runs_and_delivers() {
        let imported = import(&fixture("swaks-cram-md5.txt"), Some("S3cret-pw"));
        let timeline = crate::loopback::run(&imported.scenario).expect("runs");
        assert_eq!(timeline.deliveries.len(), 1);
    }

    #[test]
    fn plain_gives_user_and_password_and_a_missing_password_is_noted() {
        let log = "S: 220 mx.example.org ESMTP\nC: EHLO c.example\nS: 250-mx.example.org\nS: 250 AUTH PLAIN\nC: AUTH PLAIN AGFsaWNlAFMzY3JldC1wdw==\nS: 235 ok\n";
        let auth = import(log, None).scenario.client.auth.expect("AUTH");
        assert_eq!(
            (auth.user.as_str(), auth.password.as_str()),
            ("alice", "S3cret-pw")
        );
        let cram = "S: 220 mx.example.org\nC: EHLO c.example\nS: 250 AUTH CRAM-MD5\nC: AUTH CRAM-MD5\nS: 334 PDEyMz4=\nC: Ym9iIDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAw\nS: 235 ok\n";
        let imported = import(cram, None);
        assert_eq!(imported.scenario.client.auth.expect("AUTH").user, "bob");
        assert!(imported
            .notes
            .iter()
            .any(|n| n.contains("does not show the password")));
    }

    #[test]
    fn recipients_split_by_the_header_fields_and_the_body_is_unstuffed() {
        let log = "S: 220 mx.example.org\nC: EHLO c.example\nS: 250-mx.example.org\nS: 250 8BITMIME\nC: MAIL FROM:<a@x.example>\nS: 250 ok\nC: RCPT TO:<b@y.example>\nS: 250 ok\nC: RCPT TO:<c@y.example>\nS: 250 ok\nC: RCPT TO:<d@z.example>\nS: 250 ok\nC: DATA\nS: 354 go\nC: To: b@y.example\nC: Cc: C@y.example\nC: Subject: hi\nC: X-Mailer: test\nC: \nC: ..dot\nC: end\nC: .\nS: 250 ok\nC: QUIT\nS: 221 bye\n";
        let scenario = import(log, None).scenario;
        let message = &scenario.client.message;
        assert_eq!(message.to, vec!["b@y.example".to_owned()]);
        assert_eq!(message.cc, vec!["c@y.example".to_owned()]);
        assert_eq!(message.bcc, vec!["d@z.example".to_owned()]);
        assert_eq!(message.subject, "hi");
        assert_eq!(message.headers.len(), 1);
        assert_eq!(message.body, ".dot\nend\n");
        assert_eq!(
            scenario.server.local_domains,
            vec!["y.example", "z.example"]
        );
        assert!(scenario.client.auth.is_none());
        assert!(!scenario.server.extensions.pipelining);
        assert!(scenario.server.extensions.eight_bit_mime);
    }

    #[test]
    fn a_chunked_message_is_joined_across_chunks_and_not_unstuffed() {
        // The first chunk (22 octets) ends inside "hi there", right after "hi".
        let log = "S: 220 mx.example.org\nC: EHLO c.example\nS: 250-mx.example.org\nS: 250-PIPELINING\nS: 250 CHUNKING\nC: MAIL FROM:<a@x.example>\nC: RCPT TO:<b@y.example>\nC: BDAT 22\nC: Subject: hi\nC: \nC: ..x\nC: hiBDAT 11 LAST\nC:  there\nC: .\nS: 250 ok\nS: 250 ok\nS: 250 ok\nS: 250 ok\nC: QUIT\nS: 221 bye\n";
        let imported = import(log, None);
        let scenario = &imported.scenario;
        assert_eq!(scenario.client.message.subject, "hi");
        assert_eq!(scenario.client.message.body, "..x\nhi there\n.\n");
        assert!(scenario.server.extensions.chunking);
        assert!(
            !imported.notes.iter().any(|n| n.contains("CHUNKING")),
            "{:?}",
            imported.notes
        );
    }

    #[test]
    fn starttls_and_unknown_mechanisms_are_noted() {
        let log = "S: 220 mx.example.org\nC: EHLO c.example\nS: 250-mx.example.org\nS: 250-STARTTLS\nS: 250 AUTH NTLM PLAIN\nC: QUIT\nS: 221 bye\n";
        let imported = import(log, None);
        assert!(
            imported.notes.iter().any(|n| n.contains("STARTTLS")),
            "{:?}",
            imported.notes
        );
        assert!(
            imported.notes.iter().any(|n| n.contains("NTLM")),
            "{:?}",
            imported.notes
        );
        assert_eq!(
            imported.scenario.server.auth.mechanisms,
            vec![Mechanism::Plain]
        );
    }

    #[test]
    fn every_fixture_imports_without_panicking() {
        for entry in std::fs::read_dir("tests/fixtures/analyze").expect("fixtures") {
            let path = entry.expect("entry").path();
            let Ok(input) = std::fs::read(&path) else {
                continue;
            };
            if let Ok(analysis) = analyze(&input, &Options::default()) {
                let _ = to_scenario(&analysis, None);
            }
        }
    }
}
