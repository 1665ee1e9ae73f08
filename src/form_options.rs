//! What the page's forms say about a scenario's settings, so the page states no protocol
//! fact itself. Keyed by the setting's path in the scenario (`"server.strictness.bareLf"`),
//! written as the scenario's JSON names it:
//!
//! - [`FORM_OPTIONS_JSON`]: the allowed values of every enum setting, with a label each, so
//!   the forms offer exactly what the engines accept;
//! - [`FORM_FIELDS_JSON`]: each setting's label and help text (which command a name goes
//!   in, what a policy does, which RFC defines an extension).
//!
//! Both are constants: building the lists from the typed values at run time costs about
//! 2 KB of gzipped wasm. The tests build the choices from the engines' types (`typed`),
//! where `choices!` matches every variant (a variant added without a label does not
//! compile) and checks each value against serde, and require the constant to equal them;
//! they check that every labelled path names a setting.

/// Every enum setting's choices, `{path: [{value, label}]}` (`value` `null` for "none").
pub const FORM_OPTIONS_JSON: &str = r#"{
  "client.hello": [{"value": "EHLO", "label": "EHLO (ESMTP, falls back to HELO)"}, {"value": "HELO", "label": "HELO (no extensions)"}],
  "client.pipelining": [{"value": "auto", "label": "auto (when offered)"}, {"value": "off", "label": "off (lock-step)"}],
  "client.chunking": [{"value": "auto", "label": "auto (BDAT when offered)"}, {"value": "off", "label": "off (always DATA)"}],
  "client.eightBit": [{"value": "downgrade", "label": "downgrade to quoted-printable"}, {"value": "refuse", "label": "refuse to send"}],
  "client.quitAfter": [{"value": null, "label": "(none: the whole session)"}, {"value": "greeting", "label": "greeting"}, {"value": "ehlo", "label": "EHLO"}, {"value": "auth", "label": "AUTH"}, {"value": "mail", "label": "MAIL"}, {"value": "rcpt", "label": "RCPT"}, {"value": "data", "label": "DATA"}],
  "client.rawLines.after": [{"value": "greeting", "label": "greeting"}, {"value": "ehlo", "label": "EHLO"}, {"value": "auth", "label": "AUTH"}, {"value": "mail", "label": "MAIL"}, {"value": "rcpt", "label": "RCPT"}, {"value": "data", "label": "DATA"}],
  "client.tls": [{"value": "never", "label": "never (stays in the clear)"}, {"value": "opportunistic", "label": "opportunistic (when offered)"}, {"value": "required", "label": "required (stops when not offered)"}],
  "client.auth.mechanism": [{"value": "auto", "label": "auto (strongest offered)"}, {"value": "PLAIN", "label": "PLAIN"}, {"value": "LOGIN", "label": "LOGIN"}, {"value": "CRAM-MD5", "label": "CRAM-MD5"}, {"value": "DIGEST-MD5", "label": "DIGEST-MD5"}, {"value": "SCRAM-SHA-1", "label": "SCRAM-SHA-1"}, {"value": "SCRAM-SHA-256", "label": "SCRAM-SHA-256"}, {"value": "XOAUTH2", "label": "XOAUTH2"}, {"value": "OAUTHBEARER", "label": "OAUTHBEARER"}],
  "client.dsn.ret": [{"value": null, "label": "(none: the server chooses)"}, {"value": "FULL", "label": "FULL (return the whole message)"}, {"value": "HDRS", "label": "HDRS (return the headers only)"}],
  "server.auth.mechanisms": [{"value": "PLAIN", "label": "PLAIN"}, {"value": "LOGIN", "label": "LOGIN"}, {"value": "CRAM-MD5", "label": "CRAM-MD5"}, {"value": "DIGEST-MD5", "label": "DIGEST-MD5"}, {"value": "SCRAM-SHA-1", "label": "SCRAM-SHA-1"}, {"value": "SCRAM-SHA-256", "label": "SCRAM-SHA-256"}, {"value": "XOAUTH2", "label": "XOAUTH2"}, {"value": "OAUTHBEARER", "label": "OAUTHBEARER"}],
  "server.ehloMode": [{"value": "esmtp", "label": "ESMTP (EHLO lists extensions)"}, {"value": "heloOnlyUnrecognized", "label": "HELO only: EHLO gets 500"}, {"value": "heloOnlyNotImplemented", "label": "HELO only: EHLO gets 502"}],
  "server.starttls": [{"value": "off", "label": "off (not listed; 502)"}, {"value": "offered", "label": "offered (220, then the handshake)"}, {"value": "unavailable", "label": "listed but unavailable (454)"}],
  "server.role": [{"value": "mx", "label": "mx (port 25)"}, {"value": "submission", "label": "submission (port 587, removes Bcc)"}],
  "server.strictness.bareLf": [{"value": "reject", "label": "reject"}, {"value": "normalise", "label": "normalise to CRLF"}],
  "server.strictness.unofferedPipelining": [{"value": "tolerate", "label": "tolerate"}, {"value": "reject", "label": "reject (554, close)"}],
  "server.strictness.undeclaredEightBit": [{"value": "accept", "label": "accept"}, {"value": "reject", "label": "reject (550)"}],
  "middlebox": [{"value": "none", "label": "none (octets arrive as sent)"}, {"value": "stripStarttls", "label": "strip STARTTLS from the EHLO reply"}]
}"#;

/// Each setting's words for people, `{path: {label, help?, empty?}}`: `label` names the
/// field, `help` says what the setting does, `empty` names the choice "none" where the
/// form offers one. Settings not listed get a label made from their name.
pub const FORM_FIELDS_JSON: &str = r#"{
  "client.hostname": {"label": "Client name (EHLO/HELO argument)"},
  "client.hello": {"label": "Greeting command"},
  "client.message": {"label": "Message"},
  "client.message.from": {"label": "From (envelope sender and header)", "help": "alice@example.net, or Alice Example <alice@example.net>: a display name goes in the header only, never in MAIL FROM. To, Cc and Bcc take the same forms; quote a name with a comma: \"Smith, Bob\" <bob@example.org>."},
  "client.message.to": {"label": "To"},
  "client.message.cc": {"label": "Cc"},
  "client.message.bcc": {"label": "Bcc (envelope only)"},
  "client.message.date": {"label": "Date header (empty: the virtual clock)"},
  "client.message.messageId": {"label": "Message-ID (empty: generated)"},
  "client.message.headers": {"label": "Headers", "help": "Extra header fields as JSON: [{\"name\":\"X-Test\",\"value\":\"1\"}]"},
  "client.pipelining": {"label": "Pipelining (RFC 2920)"},
  "client.chunking": {"label": "CHUNKING (RFC 3030)", "help": "Auto: when the server offers CHUNKING the message goes in BDAT chunks, each line saying how many octets follow, with no dot-stuffing; a binary body goes as BODY=BINARYMIME when BINARYMIME is offered too."},
  "client.chunkSize": {"label": "BDAT chunk size (octets)", "help": "1 to 10485760; the last chunk may be shorter."},
  "client.eightBit": {"label": "8-bit body without 8BITMIME"},
  "client.quitAfter": {"label": "Quit after step"},
  "client.rawLines": {"label": "Extra raw lines", "help": "JSON: [{\"after\":\"ehlo\",\"line\":\"NOOP\"}]."},
  "client.tls": {"label": "STARTTLS (RFC 3207)", "help": "Required stops with QUIT when the server does not offer STARTTLS, before any password crosses in the clear; opportunistic goes on in the clear, which a man in the middle can force by removing STARTTLS (RFC 3207 §6)."},
  "client.auth": {"label": "SMTP AUTH (RFC 4954)"},
  "client.auth.mechanism": {"label": "Mechanism", "empty": "(no AUTH)"},
  "client.auth.user": {"label": "User (authcid)"},
  "client.auth.password": {"label": "Password"},
  "client.auth.authzid": {"label": "Act as (authzid, empty: none)"},
  "client.auth.loginInitialResponse": {"label": "LOGIN: user name on the AUTH line (like smtplib)"},
  "client.dsn": {"label": "Delivery status notifications (DSN, RFC 3461)", "help": "Sent only when the server offers DSN."},
  "client.dsn.ret": {"label": "RET: what a failure notice returns"},
  "client.dsn.envid": {"label": "ENVID: envelope id quoted back (empty: none)", "help": "Printable ASCII, at most 100 characters once xtext-encoded (RFC 3461 §4.4)."},
  "client.dsn.notify": {"label": "NOTIFY: when to notify (empty: the server's default)", "help": "NEVER, or any of SUCCESS, FAILURE, DELAY separated by commas (RFC 3461 §4.1)."},
  "client.dsn.orcpt": {"label": "ORCPT: send each recipient as the original recipient"},
  "server.hostname": {"label": "Server name"},
  "server.starttls": {"label": "STARTTLS (RFC 3207)", "help": "Offered: STARTTLS is listed and answered 220 2.0.0; then client and server run a real TLS handshake (rustls, loaded into the page when first used) and both start again from EHLO, forgetting what was said in the clear (RFC 3207 §4.2). The server presents a certificate from the playground's own test CA, which only the playground's client trusts."},
  "server.authRequiresTls": {"label": "AUTH only after TLS", "help": "AUTH is not listed before TLS and is answered 538 5.7.11 (RFC 4954 §4), as Postfix's smtpd_tls_auth_only does."},
  "server.greeting": {"label": "Greeting text (after the name in 220)"},
  "server.localDomains": {"label": "Local domains"},
  "server.trustedClients": {"label": "Trusted clients (IP addresses that may relay)"},
  "server.ehloMode": {"label": "EHLO support"},
  "server.extensions": {"label": "Extensions offered in the EHLO reply"},
  "server.extensions.pipelining": {"label": "PIPELINING (RFC 2920)"},
  "server.extensions.size": {"label": "SIZE (RFC 1870)"},
  "server.extensions.eightBitMime": {"label": "8BITMIME (RFC 6152)"},
  "server.extensions.enhancedStatusCodes": {"label": "ENHANCEDSTATUSCODES (RFC 2034)"},
  "server.extensions.vrfy": {"label": "VRFY (RFC 5321 §3.5)"},
  "server.extensions.etrn": {"label": "ETRN (RFC 1985)"},
  "server.extensions.auth": {"label": "AUTH (RFC 4954)"},
  "server.extensions.smtputf8": {"label": "SMTPUTF8 (RFC 6531)", "help": "UTF-8 addresses in MAIL FROM and RCPT TO of a transaction whose MAIL FROM says SMTPUTF8, and UTF-8 header fields (RFC 6532); without the parameter a UTF-8 address gets 553 5.6.7. On by default, as in Postfix 3.7. Off: a UTF-8 address gets 501, and the client refuses to send a message with a UTF-8 local-part (jörg@bücher.example); a UTF-8 domain alone always goes as its A-label (bob@xn--bcher-kva.example)."},
  "server.extensions.chunking": {"label": "CHUNKING (RFC 3030)", "help": "BDAT <size> [LAST] carries the message by octet count: no dot-stuffing, no end-of-data line. Off: BDAT gets 500."},
  "server.extensions.binaryMime": {"label": "BINARYMIME (RFC 3030 §3)", "help": "BODY=BINARYMIME on MAIL FROM: a body of any octets, sent only with BDAT. Listed only with CHUNKING."},
  "server.extensions.dsn": {"label": "DSN (RFC 3461)"},
  "server.maxMessageSize": {"label": "SIZE limit (octets)", "help": "Empty: no limit announced."},
  "server.maxRecipients": {"label": "Recipients per transaction"},
  "server.maxErrors": {"label": "Bad commands before 421"},
  "server.idleTimeoutMs": {"label": "Idle timeout (ms)"},
  "server.strictness.bareLf": {"label": "Bare LF"},
  "server.strictness.unofferedPipelining": {"label": "Pipelining not offered"},
  "server.strictness.undeclaredEightBit": {"label": "8-bit without BODY=8BITMIME"},
  "server.role": {"label": "Role", "help": "mx: receives mail for its local domains (port 25). submission: takes mail from its users to send on (RFC 6409, port 587)."},
  "server.auth": {"label": "SMTP AUTH (RFC 4954)"},
  "server.auth.mechanisms": {"label": "Mechanisms offered"},
  "server.auth.users": {"label": "Users", "help": "JSON: [{\"name\":\"alice\",\"password\":\"S3cret-pw\"}]"},
  "server.auth.plaintextNeedsSecureChannel": {"label": "Plaintext AUTH (PLAIN, LOGIN) only over TLS", "help": "RFC 4954 §4 and RFC 8314: a server should refuse passwords in the clear. With this on, PLAIN and LOGIN are refused with 538 5.7.11 until STARTTLS (or implicit TLS) has encrypted the session; CRAM-MD5 and DIGEST-MD5 work in the clear too. \"AUTH only after TLS\" goes further: no mechanism at all before TLS."},
  "server.auth.allowAuthzid": {"label": "Allow acting as another identity (authzid)"},
  "server.auth.realm": {"label": "DIGEST-MD5 realm (empty: the server name)"},
  "server.auth.digestUriAliases": {"label": "DIGEST-MD5 digest-uri host aliases"},
  "server.openRelay": {"label": "Open relay (relay for anyone: never do this)"},
  "script": {"label": "Scripted client octets", "help": "Set by the timeout and smuggling presets: [{\"send\":\"EHLO x\\r\\n\"},{\"sendOctets\":[233,10]},{\"wait\":30000},{\"close\":true}] is sent as is to the server engine instead of running the client engine (the Client panel is then not used): \"send\" as UTF-8 text (\\n alone is a bare LF), \"sendOctets\" as raw octet values. null: the client engine runs."},
  "clientAddress": {"label": "Client IP address"},
  "startTime": {"label": "Virtual start time (ms since 1970)", "help": "Dates, queue ids and challenges follow from this and the seed."},
  "seed": {"label": "Random seed"},
  "latencyMs": {"label": "One-way latency (ms)"},
  "implicitTls": {"label": "Implicit TLS (RFC 8314, port 465)", "help": "TLS from the first octet, before the greeting: nothing crosses in the clear and there is no STARTTLS to strip (RFC 8314 §3.3). The page loads its TLS module the first time a scenario uses TLS."},
  "middlebox": {"label": "Tampering middlebox on the path", "help": "\"strip STARTTLS\" deletes the STARTTLS line from the server's EHLO reply before the client reads it (RFC 3207 §6): a client whose TLS policy is required stops, an opportunistic one goes on in the clear. It cannot touch what travels inside TLS."}
}"#;

/// The lists built from the engines' types, for the tests to check the constant against.
#[cfg(test)]
pub(crate) mod typed {
    use serde::Serialize;

    use crate::client::{ChunkingMode, EightBitPolicy, HelloMode, PipeliningMode, Step, TlsPolicy};
    use crate::dsn::Ret;
    use crate::loopback::Middlebox;
    use crate::sasl::Mechanism;
    use crate::server::{
        BareLfPolicy, EhloMode, Role, StartTlsOffer, UndeclaredEightBitPolicy,
        UnofferedPipeliningPolicy,
    };

    /// One allowed value and what to call it.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize)]
    pub struct Choice {
        /// The value as the scenario's JSON writes it.
        pub value: serde_json::Value,
        /// A short label for a drop-down.
        pub label: &'static str,
    }

    /// `choices!(Type { Variant => "label", … })`: every variant of `Type` with its label
    /// and its value as serde writes it, checked for completeness at compile time.
    macro_rules! choices {
        ($ty:ident { $($variant:ident => $label:expr),+ $(,)? }) => {{
            #[allow(dead_code)]
            fn every_variant_is_listed(value: $ty) {
                match value {
                    $($ty::$variant)|+ => {}
                }
            }
            vec![$(Choice { value: serde_json::to_value($ty::$variant).unwrap(), label: $label }),+]
        }};
    }

    /// Every enum setting of a scenario and its choices. Serialises as one object whose
    /// keys are the settings' paths.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize)]
    pub struct FormOptions {
        /// How the client greets.
        #[serde(rename = "client.hello")]
        pub hello: Vec<Choice>,
        /// Whether the client pipelines.
        #[serde(rename = "client.pipelining")]
        pub pipelining: Vec<Choice>,
        /// Whether the client sends BDAT chunks.
        #[serde(rename = "client.chunking")]
        pub chunking: Vec<Choice>,
        /// An 8-bit body and a server without 8BITMIME.
        #[serde(rename = "client.eightBit")]
        pub eight_bit: Vec<Choice>,
        /// Where the client stops (`null`: after the whole session).
        #[serde(rename = "client.quitAfter")]
        pub quit_after: Vec<Choice>,
        /// Where a raw line may go.
        #[serde(rename = "client.rawLines.after")]
        pub raw_line_after: Vec<Choice>,
        /// When the client uses STARTTLS.
        #[serde(rename = "client.tls")]
        pub tls: Vec<Choice>,
        /// What a failure notice returns (`null`: no RET=).
        #[serde(rename = "client.dsn.ret")]
        pub dsn_ret: Vec<Choice>,
        /// The client's AUTH mechanism: `auto` or a registered name.
        #[serde(rename = "client.auth.mechanism")]
        pub auth_mechanism: Vec<Choice>,
        /// The mechanisms a server may offer.
        #[serde(rename = "server.auth.mechanisms")]
        pub server_mechanisms: Vec<Choice>,
        /// The server's answer to EHLO.
        #[serde(rename = "server.ehloMode")]
        pub ehlo_mode: Vec<Choice>,
        /// Whether the server offers STARTTLS.
        #[serde(rename = "server.starttls")]
        pub starttls: Vec<Choice>,
        /// MX or submission.
        #[serde(rename = "server.role")]
        pub role: Vec<Choice>,
        /// Bare LF policy.
        #[serde(rename = "server.strictness.bareLf")]
        pub bare_lf: Vec<Choice>,
        /// Commands ahead of replies without PIPELINING.
        #[serde(rename = "server.strictness.unofferedPipelining")]
        pub unoffered_pipelining: Vec<Choice>,
        /// 8-bit text without `BODY=8BITMIME`.
        #[serde(rename = "server.strictness.undeclaredEightBit")]
        pub undeclared_eight_bit: Vec<Choice>,
        /// What a box on the path does to the cleartext.
        pub middlebox: Vec<Choice>,
    }

    /// The choices, as the engines define them.
    pub fn form_options() -> FormOptions {
        FormOptions {
            hello: hello_modes(),
            pipelining: choices!(PipeliningMode {
                Auto => "auto (when offered)",
                Off => "off (lock-step)",
            }),
            chunking: choices!(ChunkingMode {
                Auto => "auto (BDAT when offered)",
                Off => "off (always DATA)",
            }),
            eight_bit: choices!(EightBitPolicy {
                Downgrade => "downgrade to quoted-printable",
                Refuse => "refuse to send",
            }),
            quit_after: quit_after(),
            raw_line_after: steps(),
            tls: choices!(TlsPolicy {
                Never => "never (stays in the clear)",
                Opportunistic => "opportunistic (when offered)",
                Required => "required (stops when not offered)",
            }),
            dsn_ret: dsn_ret(),
            auth_mechanism: auth_mechanisms(),
            server_mechanisms: Mechanism::ALL.iter().map(|&m| named(m.name())).collect(),
            ehlo_mode: choices!(EhloMode {
                Esmtp => "ESMTP (EHLO lists extensions)",
                HeloOnlyUnrecognized => "HELO only: EHLO gets 500",
                HeloOnlyNotImplemented => "HELO only: EHLO gets 502",
            }),
            starttls: choices!(StartTlsOffer {
                Off => "off (not listed; 502)",
                Offered => "offered (220, then the handshake)",
                Unavailable => "listed but unavailable (454)",
            }),
            role: choices!(Role {
                Mx => "mx (port 25)",
                Submission => "submission (port 587, removes Bcc)",
            }),
            bare_lf: choices!(BareLfPolicy {
                Reject => "reject",
                Normalise => "normalise to CRLF",
            }),
            unoffered_pipelining: choices!(UnofferedPipeliningPolicy {
                Tolerate => "tolerate",
                Reject => "reject (554, close)",
            }),
            undeclared_eight_bit: choices!(UndeclaredEightBitPolicy {
                Accept => "accept",
                Reject => "reject (550)",
            }),
            middlebox: choices!(Middlebox {
                None => "none (octets arrive as sent)",
                StripStarttls => "strip STARTTLS from the EHLO reply",
            }),
        }
    }

    /// A value written as the wire writes it, labelled with itself.
    fn named(name: &'static str) -> Choice {
        Choice {
            value: name.into(),
            label: name,
        }
    }

    fn hello_modes() -> Vec<Choice> {
        choices!(HelloMode {
            Ehlo => "EHLO (ESMTP, falls back to HELO)",
            Helo => "HELO (no extensions)",
        })
    }

    fn steps() -> Vec<Choice> {
        choices!(Step {
            Greeting => "greeting",
            Ehlo => "EHLO",
            Auth => "AUTH",
            Mail => "MAIL",
            Rcpt => "RCPT",
            Data => "DATA",
        })
    }

    fn quit_after() -> Vec<Choice> {
        let whole = Choice {
            value: serde_json::Value::Null,
            label: "(none: the whole session)",
        };
        std::iter::once(whole).chain(steps()).collect()
    }

    fn dsn_ret() -> Vec<Choice> {
        let none = Choice {
            value: serde_json::Value::Null,
            label: "(none: the server chooses)",
        };
        let each = choices!(Ret {
            Full => "FULL (return the whole message)",
            Hdrs => "HDRS (return the headers only)",
        });
        std::iter::once(none).chain(each).collect()
    }

    fn auth_mechanisms() -> Vec<Choice> {
        let auto = Choice {
            value: "auto".into(),
            label: "auto (strongest offered)",
        };
        let each = Mechanism::ALL.iter().map(|m| named(m.name()));
        std::iter::once(auto).chain(each).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::typed::*;
    use super::{FORM_FIELDS_JSON, FORM_OPTIONS_JSON};
    use crate::loopback::Scenario;

    /// The value at `path` in the default scenario's JSON, if the path exists there.
    fn default_at(path: &str) -> Option<serde_json::Value> {
        let mut value = serde_json::to_value(Scenario::default()).ok()?;
        for key in path.split('.') {
            value = match value {
                serde_json::Value::Array(items) => items.into_iter().next()?,
                other => other.get(key)?.clone(),
            };
        }
        Some(value)
    }

    /// Every labelled path names a setting of a scenario (one whose client uses AUTH, so
    /// that `client.auth.*` exists), and every entry has a label and only known keys.
    #[test]
    fn every_labelled_path_names_a_setting() {
        let mut scenario = Scenario::default();
        scenario.client.auth = Some(crate::client::AuthSpec::default());
        let scenario = serde_json::to_value(scenario).unwrap();
        let fields: serde_json::Value = serde_json::from_str(FORM_FIELDS_JSON).unwrap();
        for (path, words) in fields.as_object().unwrap() {
            // A script is read from a scenario but never written back (loopback.rs).
            if path == "script" {
                continue;
            }
            let mut value = &scenario;
            for key in path.split('.') {
                value = value
                    .get(key)
                    .unwrap_or_else(|| panic!("{path}: no such setting"));
            }
            let words = words.as_object().unwrap();
            let label = words["label"].as_str().unwrap_or_default();
            assert!(!label.is_empty(), "{path}: no label");
            for key in words.keys() {
                assert!(
                    ["label", "help", "empty"].contains(&key.as_str()),
                    "{path}: {key}"
                );
            }
        }
    }

    #[test]
    fn the_constant_is_what_the_types_give() {
        let constant: serde_json::Value = serde_json::from_str(FORM_OPTIONS_JSON).unwrap();
        assert_eq!(constant, serde_json::to_value(form_options()).unwrap());
    }

    #[test]
    fn every_path_names_a_setting_and_its_default_is_a_choice() {
        let options = serde_json::to_value(form_options()).unwrap();
        for (path, choices) in options.as_object().unwrap() {
            let values: Vec<_> = choices
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["value"].clone())
                .collect();
            assert!(!values.is_empty(), "{path}");
            if let Some(default) = default_at(path) {
                let defaults = match default {
                    serde_json::Value::Array(items) => items,
                    one => vec![one],
                };
                for item in defaults {
                    assert!(
                        values.contains(&item),
                        "{path}: default {item} is not offered"
                    );
                }
            }
        }
    }

    /// Each value reads back as the setting's type.
    #[test]
    fn each_choice_reads_back_as_the_setting() {
        fn all<T: serde::de::DeserializeOwned>(choices: &[Choice]) {
            for choice in choices {
                assert!(
                    serde_json::from_value::<T>(choice.value.clone()).is_ok(),
                    "{choice:?}"
                );
            }
        }
        use crate::client::{HelloMode, Step};
        let options = form_options();
        all::<HelloMode>(&options.hello);
        all::<Option<Step>>(&options.quit_after);
        all::<crate::sasl::Mechanism>(&options.server_mechanisms);
        all::<crate::server::BareLfPolicy>(&options.bare_lf);
        let values: Vec<_> = options
            .auth_mechanism
            .iter()
            .map(|c| c.value.clone())
            .collect();
        assert_eq!(
            values,
            [
                "auto",
                "PLAIN",
                "LOGIN",
                "CRAM-MD5",
                "DIGEST-MD5",
                "SCRAM-SHA-1",
                "SCRAM-SHA-256",
                "XOAUTH2",
                "OAUTHBEARER"
            ]
        );
        assert!(options.quit_after[0].value.is_null());
    }
}
