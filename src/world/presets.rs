//! Named scenarios, built as data: a dial-up customer whose ISP holds its mail (ETRN,
//! TURN refused, TURN hijacked) and an ISP that lets its POP users relay
//! (POP-before-SMTP), and a sending MTA routing by MX records (RFC 5321 §5.1, RFC
//! 7505). Each is an ordinary [`WorldScenario`] the page can show, edit and run.

use serde::Serialize;

use super::dns::{ARecord, DnsZone, HostAvailability, HostState, MxRecord};
use super::{HostSpec, WorldScenario, WorldStep};
use crate::client::AuthSpec;
use crate::client::{ClientSpec, DsnSpec, MessageSpec, RawLine, Step};
use crate::dsn::{Notify, Ret};
use crate::pop3::{Pop3Config, Pop3User};
use crate::sasl::UserCredential;
use crate::server::{AtrnAccount, AtrnPolicy, EtrnGrant, EtrnPolicy, ServerConfig};
use crate::time::MINUTE;

/// A preset's name and what it shows, for the page's list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PresetInfo {
    /// The key `runWorld` takes.
    pub name: String,
    /// A title for the list.
    pub title: String,
    /// One paragraph.
    pub explanation: String,
}

const SENDER: &str = "mail.example.net";
const ISP: &str = "mx.isp.example";
const CUSTOMER: &str = "mail.dialup.example";
const CUSTOMER_ADDRESS: &str = "203.0.113.20";
const ATTACKER: &str = "attacker.example.net";
const LAPTOP: &str = "laptop.example.net";
const POP_ISP: &str = "mail.isp.example";
const NEIGHBOUR: &str = "guest-pc.hotel.example";
/// The hotel's one public address: every guest's connections come from it (NAT).
const HOTEL_ADDRESS: &str = "198.51.100.77";

/// The presets, in the order the page lists them.
pub fn presets() -> Vec<PresetInfo> {
    PRESETS
        .iter()
        .map(|(name, title, build)| {
            let scenario = build();
            PresetInfo {
                name: (*name).to_owned(),
                title: (*title).to_owned(),
                explanation: scenario.explanation,
            }
        })
        .collect()
}

/// The preset called `name`, if there is one.
pub fn preset(name: &str) -> Option<WorldScenario> {
    PRESETS
        .iter()
        .find(|(key, _, _)| key.eq_ignore_ascii_case(name.trim()))
        .map(|(_, _, build)| build())
}

type Builder = fn() -> WorldScenario;

const PRESETS: &[(&str, &str, Builder)] = &[
    (
        "etrn",
        "ETRN: held mail flushed over a second connection",
        etrn,
    ),
    (
        "etrn-nothing-waiting",
        "ETRN with nothing waiting (251)",
        etrn_nothing_waiting,
    ),
    (
        "turn-refused",
        "TURN refused (502, RFC 5321 Appendix F.1)",
        turn_refused,
    ),
    (
        "turn-hijack",
        "Legacy TURN: mail handed to whoever claims the domain",
        turn_hijack,
    ),
    (
        "atrn",
        "ATRN: authenticate, then the connection turns around (RFC 2645)",
        atrn,
    ),
    (
        "pop-before-smtp",
        "POP-before-SMTP: relay allowed for 30 minutes after a POP3 login",
        pop_before_smtp,
    ),
    (
        "mx-dead-primary",
        "MX preference and a dead primary: fall back, defer, retry",
        mx_dead_primary,
    ),
    (
        "mx-backup-etrn",
        "Backup MX holds mail for a dial-up site; ETRN flushes it",
        mx_backup_etrn,
    ),
    (
        "null-mx",
        "Null MX: the domain takes no mail (556 5.1.10)",
        null_mx,
    ),
    (
        "implicit-mx",
        "Implicit MX: no MX record, so the domain's own address",
        implicit_mx,
    ),
    (
        "nxdomain",
        "No such domain: NXDOMAIN, and the mail bounces",
        nxdomain,
    ),
    (
        "dsn-bounce",
        "DSN: a relay refused for good, the bounce, and a \"relayed\" notice (RFC 3461, 3464)",
        dsn_bounce,
    ),
    (
        "dsn-delayed",
        "DSN: mail queued for hours, a \"delayed\" warning, then delivery (RFC 3464 §2.3.3)",
        dsn_delayed,
    ),
];

fn server(hostname: &str, local: &str) -> ServerConfig {
    let mut config = ServerConfig {
        hostname: hostname.into(),
        local_domains: vec![local.into()],
        ..ServerConfig::default()
    };
    config.extensions.etrn = true;
    config
}

fn sender_host() -> HostSpec {
    HostSpec {
        name: SENDER.into(),
        label: "a sender's mail server".into(),
        address: "198.51.100.5".into(),
        ..HostSpec::default()
    }
}

fn isp_host() -> HostSpec {
    HostSpec {
        name: ISP.into(),
        label: "the ISP's mail exchanger: backup MX for dialup.example, holds its mail".into(),
        address: "192.0.2.25".into(),
        smtp: Some(server(ISP, "isp.example")),
        held_domains: vec!["dialup.example".into()],
        etrn: EtrnPolicy {
            grants: vec![EtrnGrant {
                client: CUSTOMER_ADDRESS.into(),
                nodes: vec!["dialup.example".into()],
            }],
            hide_counts: false,
        },
        ..HostSpec::default()
    }
}

fn customer_host() -> HostSpec {
    HostSpec {
        name: CUSTOMER.into(),
        label: "the customer's own mail server, on a dial-up line".into(),
        address: CUSTOMER_ADDRESS.into(),
        smtp: Some(server(CUSTOMER, "dialup.example")),
        ..HostSpec::default()
    }
}

fn mail_to(to: &str, subject: &str, body: &str) -> ClientSpec {
    ClientSpec {
        message: MessageSpec {
            from: "alice@example.net".into(),
            to: vec![to.into()],
            subject: subject.into(),
            body: body.into(),
            ..MessageSpec::default()
        },
        ..ClientSpec::default()
    }
}

fn send(to: &str, subject: &str, body: &str) -> WorldStep {
    WorldStep::Smtp {
        from: SENDER.into(),
        to: ISP.into(),
        client: Box::new(mail_to(to, subject, body)),
        purpose: format!(
            "mail for {to}; the customer's line is down, so the ISP (its backup MX) takes it"
        ),
    }
}

/// A session that only says EHLO, then `line`, then QUIT.
fn command_after_ehlo(hostname: &str, line: &str) -> ClientSpec {
    ClientSpec {
        hostname: hostname.into(),
        quit_after: Some(Step::Ehlo),
        raw_lines: vec![RawLine {
            after: Step::Ehlo,
            line: line.into(),
        }],
        message: MessageSpec {
            from: "postmaster@dialup.example".into(),
            to: vec!["postmaster@isp.example".into()],
            ..MessageSpec::default()
        },
        ..ClientSpec::default()
    }
}

fn line_down(hours: u64) -> WorldStep {
    WorldStep::Wait {
        ms: hours * 60 * MINUTE,
        reason: "the customer's dial-up line is down; the ISP keeps the mail queued".into(),
    }
}

fn dial_in(line: &str) -> WorldStep {
    WorldStep::Smtp {
        from: CUSTOMER.into(),
        to: ISP.into(),
        client: Box::new(command_after_ehlo(CUSTOMER, line)),
        purpose: format!("the customer dials in and sends {line}"),
    }
}

fn dial_up_world(name: &str, explanation: &str, steps: Vec<WorldStep>) -> WorldScenario {
    WorldScenario {
        name: name.into(),
        explanation: explanation.into(),
        hosts: vec![sender_host(), isp_host(), customer_host()],
        steps,
        ..WorldScenario::default()
    }
}

fn etrn() -> WorldScenario {
    dial_up_world(
        "etrn",
        "dialup.example's own server is on a dial-up line, so mail for it goes to the ISP's \
         mail exchanger, which keeps it in an outbound queue. When the customer dials in, its \
         server connects and sends ETRN dialup.example (RFC 1985). The ISP answers 253 with the \
         number of waiting messages and delivers them not on that connection but over a new \
         one it opens to the customer's server, as Postfix's flush service does. Watch the \
         ISP's queue empty and the customer's mailbox fill; each message gets a second \
         Received header from the customer's server.",
        vec![
            send(
                "bob@dialup.example",
                "Minutes of Tuesday",
                "Bob,\n\nthe minutes are attached in spirit.\n\nAlice\n",
            ),
            send(
                "carol@dialup.example",
                "Lunch?",
                "Carol,\n\nlunch on Friday?\n\nAlice\n",
            ),
            line_down(2),
            dial_in("ETRN dialup.example"),
        ],
    )
}

fn etrn_nothing_waiting() -> WorldScenario {
    dial_up_world(
        "etrn-nothing-waiting",
        "The customer dials in and sends ETRN dialup.example, but nobody has written to \
         dialup.example: the ISP's queue holds nothing for it, so it answers 251 (RFC 1985 §5) \
         and opens no connection.",
        vec![dial_in("ETRN dialup.example")],
    )
}

fn turn_refused() -> WorldScenario {
    dial_up_world(
        "turn-refused",
        "RFC 821's TURN asked the server to swap roles and send the client its mail. The \
         server knew the client only by the name it gave in HELO, so anyone could collect \
         anyone's mail. RFC 5321 Appendix F.1 removed it: the ISP answers 502 5.5.1 and the \
         mail stays in its queue (ETRN, or ATRN with authentication, are the ways to get it).",
        vec![
            send(
                "bob@dialup.example",
                "Minutes of Tuesday",
                "Bob,\n\nthe minutes.\n\nAlice\n",
            ),
            line_down(1),
            dial_in("TURN"),
        ],
    )
}

fn turn_hijack() -> WorldScenario {
    let mut isp = isp_host();
    isp.legacy_turn = true;
    let attacker = HostSpec {
        name: ATTACKER.into(),
        label: "someone else entirely, claiming to be dialup.example".into(),
        address: "203.0.113.66".into(),
        smtp: Some(server(ATTACKER, "dialup.example")),
        ..HostSpec::default()
    };
    WorldScenario {
        name: "turn-hijack".into(),
        explanation: "The ISP runs legacy TURN. A stranger connects, says EHLO dialup.example \
                      (a claim nobody checks) and sends TURN. The ISP answers 250, the roles \
                      reverse on the same connection, and the ISP delivers dialup.example's \
                      queued mail to the stranger. The real customer's mailbox stays empty. \
                      This is why RFC 5321 Appendix F.1 removed TURN and RFC 2645's ATRN \
                      requires AUTH first."
            .into(),
        hosts: vec![sender_host(), isp, customer_host(), attacker],
        steps: vec![
            send(
                "bob@dialup.example",
                "Payroll",
                "Bob,\n\nthe salary list for December.\n\nAlice\n",
            ),
            line_down(1),
            WorldStep::Smtp {
                from: ATTACKER.into(),
                to: ISP.into(),
                client: Box::new(command_after_ehlo("dialup.example", "TURN")),
                purpose: "a stranger claims to be dialup.example and sends TURN".into(),
            },
        ],
        ..WorldScenario::default()
    }
}

fn relay_attempt(purpose: &str) -> WorldStep {
    WorldStep::Smtp {
        from: LAPTOP.into(),
        to: POP_ISP.into(),
        client: Box::new(ClientSpec {
            message: MessageSpec {
                from: "alice@isp.example".into(),
                to: vec!["friend@elsewhere.example".into()],
                subject: "Sent from the road".into(),
                body: "Hi,\n\nwritten in a hotel lobby.\n\nAlice\n".into(),
                ..MessageSpec::default()
            },
            ..ClientSpec::default()
        }),
        purpose: purpose.into(),
    }
}

fn pop_before_smtp() -> WorldScenario {
    let laptop = HostSpec {
        name: LAPTOP.into(),
        label: "Alice's laptop, on a hotel network".into(),
        address: HOTEL_ADDRESS.into(),
        ..HostSpec::default()
    };
    let neighbour = HostSpec {
        name: NEIGHBOUR.into(),
        label: "another guest's PC, same hotel, same public address".into(),
        address: HOTEL_ADDRESS.into(),
        ..HostSpec::default()
    };
    let isp = HostSpec {
        name: POP_ISP.into(),
        label: "the ISP's mail server: SMTP and POP3, with POP-before-SMTP".into(),
        address: "192.0.2.110".into(),
        smtp: Some(server(POP_ISP, "isp.example")),
        pop3: Some(Pop3Config {
            hostname: POP_ISP.into(),
            users: vec![Pop3User::new("alice", "wonderland")],
            ..Pop3Config::default()
        }),
        pop_before_smtp: true,
        ..HostSpec::default()
    };
    WorldScenario {
        name: "pop-before-smtp".into(),
        explanation: "Alice is away from home. Her mail client's first try to send through \
                      the ISP is refused (550 5.7.1): her hotel address is not the ISP's, and \
                      this server has no SMTP AUTH. She checks her mail over POP3; the login \
                      opens a 30-minute window in which her address may relay, so the second \
                      try is accepted. So is a stranger's spam from another PC in the same \
                      hotel: behind the NAT it has the same address. 31 minutes later the window has closed and relaying is \
                      denied again. The server trusts the source address alone: anyone behind \
                      the same hotel NAT, or anyone forging the address, relays too. SMTP AUTH \
                      (RFC 4954) authenticates the session itself and replaced the scheme."
            .into(),
        hosts: vec![laptop, isp, neighbour],
        steps: vec![
            relay_attempt("Alice sends before checking her mail: relaying is denied"),
            WorldStep::Pop3 {
                from: LAPTOP.into(),
                to: POP_ISP.into(),
                lines: vec![
                    "USER alice".into(),
                    "PASS wonderland".into(),
                    "STAT".into(),
                    "QUIT".into(),
                ],
                purpose: "Alice checks her mail; the login opens the relay window".into(),
            },
            relay_attempt("Alice sends again within the window: relaying is allowed"),
            WorldStep::Smtp {
                from: NEIGHBOUR.into(),
                to: POP_ISP.into(),
                client: Box::new(ClientSpec {
                    message: MessageSpec {
                        from: "winner@lottery.example".into(),
                        to: vec!["victim@elsewhere.example".into()],
                        subject: "You have won".into(),
                        body: "Send your bank details.\n".into(),
                        ..MessageSpec::default()
                    },
                    ..ClientSpec::default()
                }),
                purpose: "another hotel guest, behind the same NAT address, relays spam: the \
                          window belongs to an address, not to Alice"
                    .into(),
            },
            WorldStep::Wait {
                ms: 31 * MINUTE,
                reason: "Alice goes to lunch; the relay window (30 minutes) closes".into(),
            },
            relay_attempt("Alice sends after the window closed: denied again"),
        ],
        ..WorldScenario::default()
    }
}

const ODMR_USER: &str = "dialup";
const ODMR_PASSWORD: &str = "odmr-secret";

fn atrn() -> WorldScenario {
    let mut isp = isp_host();
    isp.label = "the ISP's mail exchanger and On-Demand Mail Relay server".into();
    isp.atrn = AtrnPolicy {
        enabled: true,
        accounts: vec![AtrnAccount {
            user: ODMR_USER.into(),
            domains: vec!["dialup.example".into()],
        }],
    };
    if let Some(config) = isp.smtp.as_mut() {
        config.auth.users = vec![UserCredential {
            name: ODMR_USER.into(),
            password: ODMR_PASSWORD.into(),
        }];
    }
    let mut authenticated = command_after_ehlo(CUSTOMER, "ATRN dialup.example");
    authenticated.quit_after = Some(Step::Auth);
    authenticated.raw_lines = vec![RawLine {
        after: Step::Auth,
        line: "ATRN dialup.example".into(),
    }];
    authenticated.auth = Some(AuthSpec {
        user: ODMR_USER.into(),
        password: ODMR_PASSWORD.into(),
        ..AuthSpec::default()
    });
    WorldScenario {
        name: "atrn".into(),
        explanation: "ATRN (RFC 2645, On-Demand Mail Relay) is TURN made safe. The customer's \
                      server first tries ATRN without logging in and gets 530: the ISP will not \
                      hand over mail to a name. It reconnects, authenticates with AUTH as the \
                      account that owns dialup.example, and sends ATRN dialup.example. The ISP \
                      answers 250, the roles reverse on the same connection (the customer's \
                      server greets with 220, the ISP says EHLO) and the queued mail flows \
                      back. Unlike ETRN no second connection is needed, so it works for a \
                      customer with no fixed address."
            .into(),
        hosts: vec![sender_host(), isp, customer_host()],
        steps: vec![
            send(
                "bob@dialup.example",
                "Minutes of Tuesday",
                "Bob,\n\nthe minutes.\n\nAlice\n",
            ),
            line_down(1),
            WorldStep::Smtp {
                from: CUSTOMER.into(),
                to: ISP.into(),
                client: Box::new(command_after_ehlo(CUSTOMER, "ATRN dialup.example")),
                purpose: "the customer tries ATRN without authenticating".into(),
            },
            WorldStep::Smtp {
                from: CUSTOMER.into(),
                to: ISP.into(),
                client: Box::new(authenticated),
                purpose: "the customer authenticates, then sends ATRN".into(),
            },
        ],
        ..WorldScenario::default()
    }
}

const PC: &str = "pc.example.net";
const PC_ADDRESS: &str = "198.51.100.40";
const SENDER_ADDRESS: &str = "198.51.100.5";

/// Alice's PC: it hands her mail to her own provider's server (which relays for it).
fn pc_host() -> HostSpec {
    HostSpec {
        name: PC.into(),
        label: "Alice's PC (her mail program)".into(),
        address: PC_ADDRESS.into(),
        ..HostSpec::default()
    }
}

/// The sending MTA: delivers example.net locally, relays for Alice's PC, and routes
/// everything else by MX.
fn sending_mta() -> HostSpec {
    let mut config = server(SENDER, "example.net");
    config.trusted_clients = vec![PC_ADDRESS.into()];
    HostSpec {
        name: SENDER.into(),
        label: "Alice's provider's mail server: routes her mail by MX".into(),
        address: SENDER_ADDRESS.into(),
        smtp: Some(config),
        ..HostSpec::default()
    }
}

/// A host running a mail server for `local`.
fn mail_host(name: &str, label: &str, address: &str, local: &str) -> HostSpec {
    HostSpec {
        name: name.into(),
        label: label.into(),
        address: address.into(),
        smtp: Some(server(name, local)),
        ..HostSpec::default()
    }
}

fn mx(name: &str, preference: u16, exchange: &str) -> MxRecord {
    MxRecord {
        name: name.into(),
        preference,
        exchange: exchange.into(),
    }
}

fn a(name: &str, address: &str) -> ARecord {
    ARecord {
        name: name.into(),
        address: address.into(),
    }
}

/// Alice's PC submits a message for `to` to her provider's server, which queues it.
fn submit(to: &str, subject: &str, body: &str) -> WorldStep {
    WorldStep::Smtp {
        from: PC.into(),
        to: SENDER.into(),
        client: Box::new(mail_to(to, subject, body)),
        purpose: format!("Alice sends mail for {to}; her provider's server queues it for routing"),
    }
}

/// The provider's server runs its queue.
fn deliver(from: &str, purpose: &str) -> WorldStep {
    WorldStep::Deliver {
        from: from.into(),
        domains: Vec::new(),
        purpose: purpose.into(),
    }
}

fn set_state(host: &str, state: HostState, reason: &str) -> WorldStep {
    WorldStep::HostState {
        host: host.into(),
        state,
        reason: reason.into(),
    }
}

fn mx_world(name: &str, explanation: &str, hosts: Vec<HostSpec>, dns: DnsZone) -> WorldScenario {
    let mut all = vec![pc_host(), sending_mta()];
    all.extend(hosts);
    WorldScenario {
        name: name.into(),
        explanation: explanation.into(),
        hosts: all,
        dns: DnsZone {
            a: [a(SENDER, SENDER_ADDRESS)]
                .into_iter()
                .chain(dns.a)
                .collect(),
            ..dns
        },
        ..WorldScenario::default()
    }
}

const MX1: &str = "mx1.example.org";
const MX2: &str = "mx2.example.org";

fn mx_dead_primary() -> WorldScenario {
    let mut scenario = mx_world(
        "mx-dead-primary",
        "example.org publishes two MX records: mx1 with preference 10 and mx2 with 20. Alice's \
         provider looks them up and tries the most preferred first (RFC 5321 §5.1). mx1 is \
         down: the connection is refused, so it tries mx2. mx2's disk is full and it answers \
         452 4.3.1 after the message text, also a temporary failure. With no exchanger left the \
         mail stays queued and a retry is scheduled on the world clock. Meanwhile mx2's \
         administrator frees some space; 30 minutes later the retry looks the domain up again, \
         finds mx1 still down, and mx2 takes the mail.",
        vec![
            mail_host(
                MX1,
                "example.org's primary mail exchanger (down)",
                "192.0.2.10",
                "example.org",
            ),
            mail_host(
                MX2,
                "example.org's second mail exchanger",
                "192.0.2.20",
                "example.org",
            ),
        ],
        DnsZone {
            mx: vec![mx("example.org", 10, MX1), mx("example.org", 20, MX2)],
            a: vec![a(MX1, "192.0.2.10"), a(MX2, "192.0.2.20")],
            hosts: vec![
                HostAvailability {
                    host: MX1.into(),
                    state: HostState::Refused,
                },
                HostAvailability {
                    host: MX2.into(),
                    state: HostState::Deferring,
                },
            ],
            ..DnsZone::default()
        },
    );
    scenario.steps = vec![
        submit(
            "bob@example.org",
            "Quarterly figures",
            "Bob,\n\nthe figures are in.\n\nAlice\n",
        ),
        deliver(SENDER, "routing the queued mail for example.org by MX"),
        set_state(MX2, HostState::Up, "its administrator frees disk space"),
        WorldStep::Wait {
            ms: 40 * MINUTE,
            reason: "the provider's queue waits for the retry".into(),
        },
    ];
    scenario
}

const DIALUP_MX: &str = "mail.dialup.example";

fn mx_backup_etrn() -> WorldScenario {
    let mut isp = isp_host();
    isp.label = "the ISP's mail exchanger: MX 20 for dialup.example, holds its mail".into();
    let mut scenario = mx_world(
        "mx-backup-etrn",
        "dialup.example's zone says: MX 10 mail.dialup.example (the customer's own server, on \
         a dial-up line) and MX 20 mx.isp.example (the ISP). Alice's provider looks up the MX \
         records, finds the customer's server offline (connection refused) and hands the mail \
         to the ISP, the next exchanger. When the ISP runs its own queue it is itself an MX for \
         dialup.example (preference 20), so it may only pass the mail to a more preferred one \
         (RFC 5321 §5.1): mail.dialup.example, still refused, so the mail waits and retries \
         are scheduled. When the customer dials in it sends ETRN dialup.example (RFC 1985); \
         the ISP looks the MX up again and delivers over a new connection.",
        vec![isp, customer_host()],
        DnsZone {
            mx: vec![
                mx("dialup.example", 10, DIALUP_MX),
                mx("dialup.example", 20, ISP),
            ],
            a: vec![a(DIALUP_MX, CUSTOMER_ADDRESS), a(ISP, "192.0.2.25")],
            hosts: vec![HostAvailability {
                host: DIALUP_MX.into(),
                state: HostState::Refused,
            }],
            ..DnsZone::default()
        },
    );
    scenario.retry_ms = 60 * MINUTE;
    scenario.steps = vec![
        submit(
            "bob@dialup.example",
            "Minutes of Tuesday",
            "Bob,\n\nthe minutes are attached in spirit.\n\nAlice\n",
        ),
        deliver(SENDER, "routing the queued mail for dialup.example by MX"),
        deliver(ISP, "the ISP runs its queue"),
        WorldStep::Wait {
            ms: 90 * MINUTE,
            reason: "the customer's dial-up line is down".into(),
        },
        set_state(DIALUP_MX, HostState::Up, "the customer dials in"),
        dial_in("ETRN dialup.example"),
    ];
    scenario
}

fn bounce_world(name: &str, explanation: &str, to: &str, dns: DnsZone) -> WorldScenario {
    let mut scenario = mx_world(name, explanation, Vec::new(), dns);
    scenario.steps = vec![
        submit(to, "Hello", "Hello,\n\nis this address right?\n\nAlice\n"),
        deliver(SENDER, "routing the queued mail by MX"),
    ];
    scenario
}

fn null_mx() -> WorldScenario {
    bounce_world(
        "null-mx",
        "nomail.example publishes a null MX, `MX 0 .` (RFC 7505): a domain that sends mail but \
         never receives any says so, instead of leaving senders to queue and retry for days. \
         Alice's provider looks up the MX, sees the null MX, makes no connection at all and \
         returns the mail to Alice at once with 556 5.1.10.",
        "info@nomail.example",
        DnsZone {
            mx: vec![mx("nomail.example", 0, ".")],
            a: vec![a("nomail.example", "192.0.2.99")],
            ..DnsZone::default()
        },
    )
}

const PLAIN: &str = "plain.example";

fn implicit_mx() -> WorldScenario {
    let mut scenario = mx_world(
        "implicit-mx",
        "plain.example has no MX record, only an address (an A record). RFC 5321 §5.1 says \
         the domain itself is then the mail exchanger, an implicit MX with preference 0, so \
         Alice's provider connects to plain.example's address and delivers there.",
        vec![mail_host(
            PLAIN,
            "plain.example's only host: web and mail",
            "192.0.2.80",
            PLAIN,
        )],
        DnsZone {
            a: vec![a(PLAIN, "192.0.2.80")],
            ..DnsZone::default()
        },
    );
    scenario.steps = vec![
        submit(
            "carol@plain.example",
            "Hello",
            "Carol,\n\nhello.\n\nAlice\n",
        ),
        deliver(SENDER, "routing the queued mail for plain.example"),
    ];
    scenario
}

fn nxdomain() -> WorldScenario {
    bounce_world(
        "nxdomain",
        "Alice mistyped the domain: exmaple.org does not exist, and the DNS answers NXDOMAIN. \
         There is nothing to retry, so her provider returns the mail at once with a delivery \
         status notification (5.1.2, bad destination system address).",
        "bob@exmaple.org",
        DnsZone::default(),
    )
}

/// The customer's server in the DSN preset: a small box that takes at most this many
/// octets per message and does not say so (no SIZE), nor offer DSN.
const SMALL_BOX_LIMIT: u64 = 2_048;

fn dsn_bounce() -> WorldScenario {
    let mut sender = sender_host();
    sender.label = "Alice's provider: mail for example.net lands here".into();
    let mut sender_server = server(SENDER, "example.net");
    sender_server.extensions.dsn = true;
    sender.smtp = Some(sender_server);
    let mut isp = isp_host();
    if let Some(config) = isp.smtp.as_mut() {
        config.extensions.dsn = true;
    }
    let mut customer = customer_host();
    if let Some(config) = customer.smtp.as_mut() {
        config.extensions.size = false;
        config.max_message_size = Some(SMALL_BOX_LIMIT);
    }
    let report = "Report line: all figures as agreed, nothing to add here.\n".repeat(48);
    WorldScenario {
        name: "dsn-bounce".into(),
        explanation: "Alice sends two messages for dialup.example to the ISP, which offers DSN, \
                      so her client asks for notifications: the report with RET=HDRS and \
                      ENVID=, the note with NOTIFY=SUCCESS,FAILURE and ORCPT=. The ISP holds \
                      both until the customer dials in and sends ETRN. On the flush, the \
                      customer's small server refuses the report after its data (552 5.3.4: \
                      over its 2048-octet limit, which it never announced), so the ISP bounces \
                      it: a multipart/report (RFC 3464) from <>, with Action: failed and the \
                      remote server's reply as Diagnostic-Code, and only the headers returned \
                      as RET=HDRS asked. The note is delivered, but the customer's server does \
                      not offer DSN, so no one down the line can confirm it: the ISP sends a \
                      \"relayed\" notice (RFC 3461 §5.2.3). Both go over a new connection to \
                      mail.example.net; open alice's mailbox there to read them."
            .into(),
        hosts: vec![sender, isp, customer],
        steps: vec![
            dsn_send(
                "bob@dialup.example",
                "Quarterly report",
                &report,
                DsnSpec {
                    ret: Some(Ret::Hdrs),
                    envid: Some("Q4-report-7".into()),
                    notify: None,
                    orcpt: false,
                },
            ),
            dsn_send(
                "carol@dialup.example",
                "Short note",
                "Carol,\n\nsee you on Friday.\n\nAlice\n",
                DsnSpec {
                    ret: None,
                    envid: Some("note-8".into()),
                    notify: Some(Notify::On {
                        success: true,
                        failure: true,
                        delay: false,
                    }),
                    orcpt: true,
                },
            ),
            line_down(2),
            dial_in("ETRN dialup.example"),
        ],
        ..WorldScenario::default()
    }
}

fn dsn_send(to: &str, subject: &str, body: &str, dsn: DsnSpec) -> WorldStep {
    let mut client = mail_to(to, subject, body);
    client.dsn = dsn;
    WorldStep::Smtp {
        from: SENDER.into(),
        to: ISP.into(),
        client: Box::new(client),
        purpose: format!("mail for {to} with DSN parameters; the ISP holds it"),
    }
}

const EXAMPLE_ORG_MX: &str = "mx.example.org";

fn dsn_delayed() -> WorldScenario {
    let mut exchanger = mail_host(
        EXAMPLE_ORG_MX,
        "example.org's only mail exchanger (power cut)",
        "192.0.2.30",
        "example.org",
    );
    if let Some(config) = exchanger.smtp.as_mut() {
        config.extensions.dsn = true;
    }
    let mut scenario = mx_world(
        "dsn-delayed",
        "Alice's provider offers DSN, so her client asks for every notice: \
         NOTIFY=SUCCESS,FAILURE,DELAY with an ENVID. example.org has one exchanger, \
         mx.example.org, and a power cut has taken it down: every try is refused, a \
         temporary failure, so the mail stays queued and is retried every 30 minutes. At the \
         first retry 4 hours after the message arrived (the scenario's delayWarningMs, like \
         sendmail's Timeout.queuewarn or Postfix's delay_warning_time) the provider writes \
         Alice one \"delayed\" notice (RFC 3464 §2.3.3): Action: delayed, Status 4.4.1 (no \
         answer from host) and Will-Retry-Until, the end of its 5-day give-up time, with only \
         the headers returned. A sender without NOTIFY= would get it too: RFC 3461 §4.1 lets \
         the MTA read that as FAILURE,DELAY, and this one does. The power comes back; the \
         next retry delivers, and mx.example.org, which offers DSN, sends the \
         \"delivered\" notice back. Open alice's mailbox on mail.example.net to read both.",
        vec![exchanger],
        DnsZone {
            mx: vec![mx("example.org", 10, EXAMPLE_ORG_MX)],
            a: vec![a(EXAMPLE_ORG_MX, "192.0.2.30")],
            hosts: vec![HostAvailability {
                host: EXAMPLE_ORG_MX.into(),
                state: HostState::Refused,
            }],
            ..DnsZone::default()
        },
    );
    let provider = scenario.hosts.iter_mut().find(|h| h.name == SENDER);
    if let Some(config) = provider.and_then(|h| h.smtp.as_mut()) {
        config.extensions.dsn = true;
    }
    let mut client = mail_to(
        "bob@example.org",
        "Board meeting moved",
        "Bob,\n\nthe board meeting moves to Thursday.\n\nAlice\n",
    );
    client.dsn = DsnSpec {
        ret: Some(Ret::Hdrs),
        envid: Some("board-42".into()),
        notify: Some(Notify::On {
            success: true,
            failure: true,
            delay: true,
        }),
        orcpt: false,
    };
    scenario.steps = vec![
        WorldStep::Smtp {
            from: PC.into(),
            to: SENDER.into(),
            client: Box::new(client),
            purpose: "Alice sends mail for bob@example.org with DSN parameters".into(),
        },
        deliver(SENDER, "routing the queued mail for example.org by MX"),
        WorldStep::Wait {
            ms: 4 * 60 * MINUTE + 15 * MINUTE,
            reason: "mx.example.org has no power".into(),
        },
        set_state(EXAMPLE_ORG_MX, HostState::Up, "the power is back"),
        WorldStep::Wait {
            ms: 30 * MINUTE,
            reason: "the provider's queue waits for the next retry".into(),
        },
    ];
    scenario
}
