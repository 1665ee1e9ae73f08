//! SCRAM-SHA-1 (RFC 5802) and SCRAM-SHA-256 (RFC 7677): a salted challenge-response
//! in which neither side sends the password and each proves it to the other.
//!
//! 1. Client: `n,,n=user,r=<cnonce>` (gs2 header `n,,`: no channel binding, as the
//!    playground has no TLS; `a=authzid` between the commas to act as someone else).
//! 2. Server: `r=<cnonce><snonce>,s=<base64 salt>,i=<iterations>`.
//! 3. Client: `c=biws,r=<nonce>,p=<base64 ClientProof>` where
//!    SaltedPassword = Hi(password, salt, i) (PBKDF2), ClientKey = HMAC(SaltedPassword,
//!    "Client Key"), StoredKey = H(ClientKey), AuthMessage = client-first-bare "," +
//!    server-first "," + client-final-without-proof, ClientSignature = HMAC(StoredKey,
//!    AuthMessage), ClientProof = ClientKey XOR ClientSignature.
//! 4. Server checks H(ClientProof XOR ClientSignature) = StoredKey and answers
//!    `v=<base64 ServerSignature>`, ServerSignature = HMAC(HMAC(SaltedPassword,
//!    "Server Key"), AuthMessage); the client checks it and sends an empty response.
//!
//! The password goes through SASLprep (RFC 4013, [`super::saslprep`]) before Hi(), so
//! a password typed with a non-breaking space or in another Unicode form proves the same.

use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Digest as _, Sha256};

use super::plain::authorize;
use super::saslprep::prepare_password;
use super::trace::{Side, Trace};
use super::{
    base64, constant_time_eq, ClientMechanism, FailureKind, Identity, Mechanism, SaslFailure,
    ServerContext, ServerMechanism, ServerStep,
};

const RFC: &str = "RFC 5802 §3";
const RFC_MESSAGES: &str = "RFC 5802 §5.1";
const RFC_GS2: &str = "RFC 5802 §7";
/// The gs2 header of a client without channel binding support (RFC 5802 §7).
pub const GS2_NO_BINDING: &str = "n,,";
/// The iteration count this server asks for (RFC 7677 §4: at least 4096).
pub const DEFAULT_ITERATIONS: u32 = 4096;
/// The most iterations a client computes, so a server cannot make it spin for long.
pub const MAX_ITERATIONS: u32 = 100_000;

/// The hash a SCRAM mechanism is built on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScramHash {
    /// SCRAM-SHA-1 (RFC 5802).
    Sha1,
    /// SCRAM-SHA-256 (RFC 7677).
    Sha256,
}

impl ScramHash {
    /// The mechanism using this hash.
    pub const fn mechanism(self) -> Mechanism {
        match self {
            Self::Sha1 => Mechanism::ScramSha1,
            Self::Sha256 => Mechanism::ScramSha256,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Sha1 => "SHA-1",
            Self::Sha256 => "SHA-256",
        }
    }

    /// H(octets).
    pub fn hash(self, octets: &[u8]) -> Vec<u8> {
        match self {
            Self::Sha1 => Sha1::digest(octets).to_vec(),
            Self::Sha256 => Sha256::digest(octets).to_vec(),
        }
    }

    /// HMAC(key, message) (RFC 2104).
    pub fn hmac(self, key: &[u8], message: &[u8]) -> Vec<u8> {
        // HMAC takes keys of any length, so new_from_slice never fails.
        match self {
            Self::Sha1 => <Hmac<Sha1> as Mac>::new_from_slice(key).map(|mut mac| {
                mac.update(message);
                mac.finalize().into_bytes().to_vec()
            }),
            Self::Sha256 => <Hmac<Sha256> as Mac>::new_from_slice(key).map(|mut mac| {
                mac.update(message);
                mac.finalize().into_bytes().to_vec()
            }),
        }
        .unwrap_or_default()
    }

    /// Hi(password, salt, i): PBKDF2 with HMAC-H, one block (RFC 5802 §2.2).
    pub fn hi(self, password: &[u8], salt: &[u8], iterations: u32) -> Vec<u8> {
        match self {
            Self::Sha1 => {
                pbkdf2::pbkdf2_hmac_array::<Sha1, 20>(password, salt, iterations).to_vec()
            }
            Self::Sha256 => {
                pbkdf2::pbkdf2_hmac_array::<Sha256, 32>(password, salt, iterations).to_vec()
            }
        }
    }
}

/// The values both sides derive from the password and the exchange.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScramProof {
    /// Hi(Normalize(password), salt, i).
    pub salted_password: Vec<u8>,
    /// HMAC(SaltedPassword, "Client Key").
    pub client_key: Vec<u8>,
    /// H(ClientKey): what a server stores instead of the password.
    pub stored_key: Vec<u8>,
    /// HMAC(StoredKey, AuthMessage).
    pub client_signature: Vec<u8>,
    /// ClientKey XOR ClientSignature: the client's proof.
    pub client_proof: Vec<u8>,
    /// HMAC(ServerKey, AuthMessage): the server's proof.
    pub server_signature: Vec<u8>,
}

/// What a proof is computed from.
pub(crate) struct ProofInputs<'a> {
    /// The password as typed (SASLprep is applied here).
    pub password: &'a str,
    /// The salt from the server-first message.
    pub salt: &'a [u8],
    /// The iteration count from the server-first message.
    pub iterations: u32,
    /// client-first-bare "," server-first "," client-final-without-proof.
    pub auth_message: &'a str,
}

/// Computes every SCRAM value, tracing each (RFC 5802 §3); fails only when SASLprep
/// refuses the password.
pub(crate) fn prove(
    hash: ScramHash,
    inputs: &ProofInputs<'_>,
    side: Side,
    trace: &mut Trace,
) -> Result<ScramProof, SaslFailure> {
    let name = hash.name();
    let password = prepare_password(inputs.password, side, trace)?;
    let salted = hash.hi(password.as_bytes(), inputs.salt, inputs.iterations);
    trace.value(side, "SaltedPassword", &salted,
        format!("Hi(password, salt, {}) = PBKDF2 with HMAC-{name}: the password stretched by the iteration count, so a stolen server database is slow to attack.", inputs.iterations), RFC);
    let client_key = hash.hmac(&salted, b"Client Key");
    trace.value(
        side,
        "ClientKey",
        &client_key,
        format!("HMAC-{name}(SaltedPassword, \"Client Key\")."),
        RFC,
    );
    let stored_key = hash.hash(&client_key);
    trace.value(
        side,
        "StoredKey",
        &stored_key,
        format!("{name}(ClientKey): what a server stores; it cannot be used to log in."),
        RFC,
    );
    trace.value(side, "AuthMessage", inputs.auth_message.as_bytes(),
        "client-first-bare , server-first , client-final-without-proof: the whole exchange, so both proofs bind to it.", RFC);
    let client_signature = hash.hmac(&stored_key, inputs.auth_message.as_bytes());
    trace.value(
        side,
        "ClientSignature",
        &client_signature,
        format!("HMAC-{name}(StoredKey, AuthMessage)."),
        RFC,
    );
    let client_proof: Vec<u8> = client_key
        .iter()
        .zip(&client_signature)
        .map(|(k, s)| k ^ s)
        .collect();
    trace.value(side, "ClientProof", &client_proof,
        "ClientKey XOR ClientSignature: sent as p=; the server XORs the signature back out and hashes the result.", RFC);
    let server_key = hash.hmac(&salted, b"Server Key");
    trace.value(
        side,
        "ServerKey",
        &server_key,
        format!("HMAC-{name}(SaltedPassword, \"Server Key\")."),
        RFC,
    );
    let server_signature = hash.hmac(&server_key, inputs.auth_message.as_bytes());
    trace.value(side, "ServerSignature", &server_signature,
        format!("HMAC-{name}(ServerKey, AuthMessage): sent as v=, the server's proof that it knows the password too."), RFC);
    Ok(ScramProof {
        salted_password: salted,
        client_key,
        stored_key,
        client_signature,
        client_proof,
        server_signature,
    })
}

/// A saslname: `=` and `,` written as `=3D` and `=2C` (RFC 5802 §5.1).
pub(crate) fn escape_name(name: &str) -> String {
    name.replace('=', "=3D").replace(',', "=2C")
}

/// Reads a saslname back; any other `=` escape is an error (RFC 5802 §5.1).
pub(crate) fn unescape_name(text: &str) -> Result<String, SaslFailure> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('=') {
        out.push_str(rest.get(..at).unwrap_or_default());
        let escape = rest.get(at..at.saturating_add(3)).unwrap_or_default();
        match escape {
            "=3D" => out.push('='),
            "=2C" => out.push(','),
            _ => {
                return Err(SaslFailure::malformed(
                    format!("\"{escape}\" in the name {text:?}: only =3D and =2C may follow '='"),
                    RFC_MESSAGES,
                ))
            }
        }
        rest = rest.get(at.saturating_add(3)..).unwrap_or_default();
    }
    out.push_str(rest);
    Ok(out)
}

/// `k=v,k=v…` → the values in order; each attribute is one letter (RFC 5802 §5.1).
fn attributes<'a>(text: &'a str, what: &str) -> Result<Vec<(char, &'a str)>, SaslFailure> {
    text.split(',')
        .map(|part| {
            let mut chars = part.chars();
            match (chars.next(), chars.next()) {
                (Some(name), Some('=')) if name.is_ascii_alphabetic() => {
                    Ok((name, part.get(2..).unwrap_or_default()))
                }
                _ => Err(SaslFailure::malformed(
                    format!("the {what} has \"{part}\" where an attribute like r=… belongs"),
                    RFC_MESSAGES,
                )),
            }
        })
        .collect()
}

/// The value of attribute `name`, which must be at `position`.
fn attribute<'a>(
    list: &[(char, &'a str)],
    position: usize,
    name: char,
    what: &str,
) -> Result<&'a str, SaslFailure> {
    match list.get(position) {
        Some((found, value)) if *found == name => Ok(value),
        Some((found, _)) => Err(SaslFailure::malformed(
            format!("the {what} has {found}= where {name}= belongs"),
            RFC_MESSAGES,
        )),
        None => Err(SaslFailure::malformed(
            format!("the {what} lacks {name}="),
            RFC_MESSAGES,
        )),
    }
}

fn decode_base64(text: &str, what: &str) -> Result<Vec<u8>, SaslFailure> {
    base64::decode(text).map_err(|error| {
        SaslFailure::malformed(format!("{what} is not base64: {error}"), RFC_MESSAGES)
    })
}

fn utf8(octets: &[u8], what: &str) -> Result<String, SaslFailure> {
    super::utf8_or_explain(octets, what).map_err(|p| SaslFailure::malformed(p, RFC_MESSAGES))
}

/// The server-first message, read by the client.
pub(crate) struct ServerFirst<'a> {
    /// r=: the client's nonce extended with the server's.
    pub nonce: &'a str,
    /// s=, decoded.
    pub salt: Vec<u8>,
    /// i=.
    pub iterations: u32,
}

impl<'a> ServerFirst<'a> {
    /// Reads `r=…,s=…,i=…` (RFC 5802 §5.1).
    pub(crate) fn parse(text: &'a str) -> Result<Self, SaslFailure> {
        let what = "server-first-message";
        let list = attributes(text, what)?;
        if list.first().is_some_and(|(name, _)| *name == 'm') {
            return Err(SaslFailure::new(
                FailureKind::Unsupported,
                "the server asks for a mandatory extension (m=), which this client does not know",
                RFC_MESSAGES,
            ));
        }
        let nonce = attribute(&list, 0, 'r', what)?;
        let salt = decode_base64(attribute(&list, 1, 's', what)?, "the salt")?;
        let count = attribute(&list, 2, 'i', what)?;
        let iterations = count
            .parse::<u32>()
            .ok()
            .filter(|i| *i > 0)
            .ok_or_else(|| {
                SaslFailure::malformed(
                    format!("i={count} is not a positive iteration count"),
                    RFC_MESSAGES,
                )
            })?;
        Ok(Self {
            nonce,
            salt,
            iterations,
        })
    }
}

/// What the SCRAM client expects next.
#[derive(Clone, Debug, PartialEq, Eq)]
enum ClientExpect {
    ServerFirst { client_first_bare: String },
    ServerFinal { server_signature: Vec<u8> },
    Done,
}

/// Client side of SCRAM.
#[derive(Clone, Debug)]
pub struct ScramClient {
    hash: ScramHash,
    user: String,
    password: String,
    authzid: String,
    cnonce: String,
    expect: ClientExpect,
}

impl ScramClient {
    /// A client; `cnonce` is fresh per exchange (from the entropy source or the page).
    pub fn new(hash: ScramHash, user: &str, password: &str, authzid: &str, cnonce: &str) -> Self {
        Self {
            hash,
            user: user.to_owned(),
            password: password.to_owned(),
            authzid: authzid.to_owned(),
            cnonce: cnonce.to_owned(),
            expect: ClientExpect::Done,
        }
    }

    fn gs2_header(&self) -> String {
        if self.authzid.is_empty() {
            GS2_NO_BINDING.to_owned()
        } else {
            format!("n,a={},", escape_name(&self.authzid))
        }
    }

    /// The `v=` line the server must send, once the client proved itself.
    pub(crate) fn expected_server_final(&self) -> Option<String> {
        match &self.expect {
            ClientExpect::ServerFinal { server_signature } => {
                Some(format!("v={}", base64::encode(server_signature)))
            }
            _ => None,
        }
    }

    fn client_final(
        &mut self,
        challenge: &[u8],
        client_first_bare: &str,
        trace: &mut Trace,
    ) -> Result<Vec<u8>, SaslFailure> {
        trace.value(
            Side::Client,
            "server-first-message",
            challenge,
            "The server's nonce (the client's, extended), the salt and the iteration count.",
            RFC_MESSAGES,
        );
        let text = utf8(challenge, "server-first-message")?;
        let first = ServerFirst::parse(&text)?;
        if !first.nonce.starts_with(&self.cnonce) || first.nonce.len() == self.cnonce.len() {
            return Err(SaslFailure::new(
                FailureKind::ServerNotTrusted,
                format!(
                    "the server's nonce \"{}\" does not extend the client's \"{}\"",
                    first.nonce, self.cnonce
                ),
                RFC_MESSAGES,
            ));
        }
        if first.iterations > MAX_ITERATIONS {
            return Err(SaslFailure::new(
                FailureKind::Unsupported,
                format!(
                    "i={} is more than the {MAX_ITERATIONS} iterations this client computes",
                    first.iterations
                ),
                RFC,
            ));
        }
        let without_proof = format!(
            "c={},r={}",
            base64::encode(self.gs2_header().as_bytes()),
            first.nonce
        );
        let auth_message = format!("{client_first_bare},{text},{without_proof}");
        let proof = prove(
            self.hash,
            &ProofInputs {
                password: &self.password,
                salt: &first.salt,
                iterations: first.iterations,
                auth_message: &auth_message,
            },
            Side::Client,
            trace,
        )?;
        let line = format!("{without_proof},p={}", base64::encode(&proof.client_proof));
        trace.value(
            Side::Client,
            "client-final-message",
            line.as_bytes(),
            "c= is the gs2 header in base64 (biws = \"n,,\"), r= the whole nonce, p= the proof.",
            RFC_MESSAGES,
        );
        self.expect = ClientExpect::ServerFinal {
            server_signature: proof.server_signature,
        };
        Ok(line.into_bytes())
    }

    fn check_server_final(
        &self,
        challenge: &[u8],
        expected: &[u8],
        trace: &mut Trace,
    ) -> Result<Vec<u8>, SaslFailure> {
        trace.value(
            Side::Client,
            "server-final-message",
            challenge,
            "v= carries the ServerSignature; e= an error.",
            RFC_MESSAGES,
        );
        let text = utf8(challenge, "server-final-message")?;
        if let Some(error) = text.strip_prefix("e=") {
            return Err(SaslFailure::new(
                FailureKind::ServerNotTrusted,
                format!("the server reports the error \"{error}\""),
                RFC_MESSAGES,
            ));
        }
        let Some(value) = text.strip_prefix("v=") else {
            return Err(SaslFailure::malformed(
                "the server-final-message starts with neither v= nor e=",
                RFC_MESSAGES,
            ));
        };
        let received = decode_base64(value, "v=")?;
        if !constant_time_eq(&received, expected) {
            return Err(SaslFailure::new(FailureKind::ServerNotTrusted,
                format!("v={value} but the password gives v={}: this server does not know the password, so the client cancels", base64::encode(expected)), RFC));
        }
        trace.note(Side::Client, "v= check", "The ServerSignature matches the client's own: the server is genuine. The client answers with an empty line.", RFC);
        Ok(Vec::new())
    }
}

impl ClientMechanism for ScramClient {
    fn mechanism(&self) -> Mechanism {
        self.hash.mechanism()
    }

    fn initial_response(&mut self, trace: &mut Trace) -> Option<Vec<u8>> {
        let bare = format!("n={},r={}", escape_name(&self.user), self.cnonce);
        let message = format!("{}{bare}", self.gs2_header());
        trace.value(Side::Client, "client-first-message", message.as_bytes(),
            "gs2 header (n: no channel binding; a= the authzid, if any), then n= the user name and r= the client's nonce.", RFC_GS2);
        self.expect = ClientExpect::ServerFirst {
            client_first_bare: bare,
        };
        Some(message.into_bytes())
    }

    fn awaits_server_proof(&self) -> bool {
        !matches!(self.expect, ClientExpect::Done)
    }

    fn step(&mut self, challenge: &[u8], trace: &mut Trace) -> Result<Vec<u8>, SaslFailure> {
        match core::mem::replace(&mut self.expect, ClientExpect::Done) {
            ClientExpect::ServerFirst { client_first_bare } => {
                self.client_final(challenge, &client_first_bare, trace)
            }
            ClientExpect::ServerFinal { server_signature } => {
                self.check_server_final(challenge, &server_signature, trace)
            }
            ClientExpect::Done => Err(SaslFailure::new(
                FailureKind::ServerNotTrusted,
                "the server sent a challenge the SCRAM exchange has no place for",
                RFC,
            )),
        }
    }
}

/// What the SCRAM server expects next.
#[derive(Clone, Debug, PartialEq, Eq)]
enum ServerExpect {
    ClientFirst,
    ClientFinal(Box<Pending>),
    EmptyAfterVerifier(Identity),
    Done,
}

/// What the server remembers between its first message and the client's proof.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Pending {
    user: String,
    authzid: String,
    gs2_header: String,
    client_first_bare: String,
    server_first: String,
    nonce: String,
}

/// Server side of SCRAM.
#[derive(Clone, Debug)]
pub struct ScramServer {
    hash: ScramHash,
    snonce: String,
    salt: Vec<u8>,
    iterations: u32,
    expect: ServerExpect,
}

impl ScramServer {
    /// A server that extends the client's nonce with `snonce` and salts with `salt`
    /// (both fresh per exchange, from the entropy source).
    pub fn new(hash: ScramHash, snonce: String, salt: Vec<u8>, iterations: u32) -> Self {
        Self {
            hash,
            snonce,
            salt,
            iterations,
            expect: ServerExpect::ClientFirst,
        }
    }

    fn client_first(&mut self, octets: &[u8], trace: &mut Trace) -> ServerStep {
        match self.read_client_first(octets, trace) {
            Ok(pending) => {
                let challenge = pending.server_first.clone().into_bytes();
                self.expect = ServerExpect::ClientFinal(Box::new(pending));
                ServerStep::Challenge(challenge)
            }
            Err(failure) => ServerStep::Failure(failure),
        }
    }

    fn read_client_first(&self, octets: &[u8], trace: &mut Trace) -> Result<Pending, SaslFailure> {
        trace.value(
            Side::Server,
            "client-first-message",
            octets,
            "The gs2 header, the user name and the client's nonce.",
            RFC_GS2,
        );
        let text = utf8(octets, "client-first-message")?;
        let (binding, rest) = text.split_once(',').unwrap_or((text.as_str(), ""));
        if binding.starts_with("p=") {
            return Err(SaslFailure::new(FailureKind::Unsupported, "the client asks for channel binding (p=), which needs TLS; this server offers no -PLUS mechanism", RFC_GS2));
        }
        if binding != "n" && binding != "y" {
            return Err(SaslFailure::malformed(
                format!("the gs2 header starts with \"{binding}\"; n, y or p= belongs there"),
                RFC_GS2,
            ));
        }
        let (authzid_part, bare) = rest.split_once(',').unwrap_or((rest, ""));
        let authzid = match authzid_part.strip_prefix("a=") {
            Some(name) => unescape_name(name)?,
            None if authzid_part.is_empty() => String::new(),
            None => {
                return Err(SaslFailure::malformed(
                    format!("\"{authzid_part}\" where the gs2 header has a=authzid or nothing"),
                    RFC_GS2,
                ))
            }
        };
        let what = "client-first-message";
        let list = attributes(bare, what)?;
        if list.first().is_some_and(|(name, _)| *name == 'm') {
            return Err(SaslFailure::new(
                FailureKind::Unsupported,
                "the client asks for a mandatory extension (m=), which this server does not know",
                RFC_MESSAGES,
            ));
        }
        let user = unescape_name(attribute(&list, 0, 'n', what)?)?;
        let cnonce = attribute(&list, 1, 'r', what)?;
        if cnonce.is_empty() {
            return Err(SaslFailure::malformed(
                "r= is empty; the client must add its own nonce",
                RFC_MESSAGES,
            ));
        }
        let nonce = format!("{cnonce}{}", self.snonce);
        let server_first = format!(
            "r={nonce},s={},i={}",
            base64::encode(&self.salt),
            self.iterations
        );
        trace.value(Side::Server, "server-first-message", server_first.as_bytes(),
            "r= the client's nonce extended with the server's, s= a fresh salt in base64, i= the iteration count.", RFC_MESSAGES);
        Ok(Pending {
            user,
            authzid,
            gs2_header: format!("{binding},{authzid_part},"),
            client_first_bare: bare.to_owned(),
            server_first,
            nonce,
        })
    }

    fn client_final(
        &self,
        octets: &[u8],
        pending: &Pending,
        context: &ServerContext<'_>,
        trace: &mut Trace,
    ) -> Result<(Identity, Vec<u8>), SaslFailure> {
        trace.value(
            Side::Server,
            "client-final-message",
            octets,
            "c= the gs2 header again, r= the whole nonce, p= the client's proof.",
            RFC_MESSAGES,
        );
        let text = utf8(octets, "client-final-message")?;
        let what = "client-final-message";
        let list = attributes(&text, what)?;
        let binding = decode_base64(attribute(&list, 0, 'c', what)?, "c=")?;
        if binding != pending.gs2_header.as_bytes() {
            return Err(SaslFailure::malformed(
                "c= is not the gs2 header of the client's first message",
                RFC_GS2,
            ));
        }
        let nonce = attribute(&list, 1, 'r', what)?;
        if nonce != pending.nonce {
            return Err(SaslFailure::malformed(
                format!(
                    "r={nonce} is not the nonce this server sent ({})",
                    pending.nonce
                ),
                RFC_MESSAGES,
            ));
        }
        let proof_text = attribute(&list, list.len().saturating_sub(1), 'p', what)?;
        let client_proof = decode_base64(proof_text, "p=")?;
        let without_proof = text
            .rsplit_once(",p=")
            .map_or(text.as_str(), |(head, _)| head);
        let Some(password) = context.password_of(&pending.user) else {
            return Err(SaslFailure::bad_credentials(
                format!("no user \"{}\" is configured on this server", pending.user),
                RFC,
            ));
        };
        let auth_message = format!(
            "{},{},{without_proof}",
            pending.client_first_bare, pending.server_first
        );
        let expected = prove(
            self.hash,
            &ProofInputs {
                password,
                salt: &self.salt,
                iterations: self.iterations,
                auth_message: &auth_message,
            },
            Side::Server,
            trace,
        )?;
        let client_key: Vec<u8> = client_proof
            .iter()
            .zip(&expected.client_signature)
            .map(|(p, s)| p ^ s)
            .collect();
        if client_proof.len() != expected.client_signature.len()
            || !constant_time_eq(&self.hash.hash(&client_key), &expected.stored_key)
        {
            return Err(SaslFailure::bad_credentials(format!("H(ClientProof XOR ClientSignature) is not the StoredKey of \"{}\": wrong password", pending.user), RFC));
        }
        trace.note(
            Side::Server,
            "proof check",
            "H(ClientProof XOR ClientSignature) equals StoredKey: the client knows the password.",
            RFC,
        );
        match authorize(&pending.user, &pending.authzid, context, RFC) {
            ServerStep::Success(identity) => Ok((identity, expected.server_signature)),
            ServerStep::Failure(failure) => Err(failure),
            ServerStep::Challenge(_) => Err(SaslFailure::malformed("unexpected state", RFC)),
        }
    }
}

impl ServerMechanism for ScramServer {
    fn mechanism(&self) -> Mechanism {
        self.hash.mechanism()
    }

    fn start(
        &mut self,
        initial_response: Option<&[u8]>,
        _context: &ServerContext<'_>,
        trace: &mut Trace,
    ) -> ServerStep {
        match initial_response {
            Some(octets) => self.client_first(octets, trace),
            None => {
                trace.note(Side::Server, "empty challenge", "SCRAM is client-first: without an initial response the server sends an empty challenge and waits for the client-first-message.", "RFC 4954 §4");
                ServerStep::Challenge(Vec::new())
            }
        }
    }

    fn step(
        &mut self,
        response: &[u8],
        context: &ServerContext<'_>,
        trace: &mut Trace,
    ) -> ServerStep {
        match core::mem::replace(&mut self.expect, ServerExpect::Done) {
            ServerExpect::ClientFirst => self.client_first(response, trace),
            ServerExpect::ClientFinal(pending) => {
                match self.client_final(response, &pending, context, trace) {
                    Ok((identity, signature)) => {
                        let line = format!("v={}", base64::encode(&signature));
                        trace.value(Side::Server, "server-final-message", line.as_bytes(), "The server's proof; the client must check it before trusting the session.", RFC_MESSAGES);
                        self.expect = ServerExpect::EmptyAfterVerifier(identity);
                        ServerStep::Challenge(line.into_bytes())
                    }
                    Err(failure) => ServerStep::Failure(failure),
                }
            }
            ServerExpect::EmptyAfterVerifier(identity) if response.is_empty() => {
                trace.note(
                    Side::Server,
                    "final step",
                    "The client accepted v= with an empty response; authentication is complete.",
                    "RFC 4954 §4",
                );
                ServerStep::Success(identity)
            }
            ServerExpect::EmptyAfterVerifier(_) => ServerStep::Failure(SaslFailure::malformed(
                "after v= the client must send an empty response",
                RFC_MESSAGES,
            )),
            ServerExpect::Done => ServerStep::Failure(SaslFailure::malformed(
                "the SCRAM exchange is not expecting a response",
                RFC,
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sasl::UserCredential;

    /// Runs the client against a server with a fixed nonce and salt; returns the
    /// client's messages and the server's.
    fn exchange(
        hash: ScramHash,
        cnonce: &str,
        snonce: &str,
        salt: &[u8],
    ) -> (Vec<String>, Vec<String>, ServerStep) {
        let users = vec![UserCredential {
            name: "user".into(),
            password: "pencil".into(),
        }];
        let context = ServerContext::for_tests(&users, "mx");
        let mut trace = Trace::new();
        let mut client = ScramClient::new(hash, "user", "pencil", "", cnonce);
        let mut server = ScramServer::new(hash, snonce.into(), salt.to_vec(), DEFAULT_ITERATIONS);
        let first = client.initial_response(&mut trace).unwrap();
        let mut sent = vec![String::from_utf8(first.clone()).unwrap()];
        let mut received = Vec::new();
        let mut step = server.start(Some(&first), &context, &mut trace);
        while let ServerStep::Challenge(challenge) = step {
            received.push(String::from_utf8(challenge.clone()).unwrap());
            let answer = client.step(&challenge, &mut trace).unwrap();
            sent.push(String::from_utf8(answer.clone()).unwrap());
            step = server.step(&answer, &context, &mut trace);
        }
        assert!(!client.awaits_server_proof());
        (sent, received, step)
    }

    #[test]
    fn rfc_5802_section_5_sha_1_example() {
        let salt = base64::decode("QSXCR+Q6sek8bf92").unwrap();
        let (sent, received, step) = exchange(
            ScramHash::Sha1,
            "fyko+d2lbbFgONRv9qkxdawL",
            "3rfcNHYJY1ZVvWVs7j",
            &salt,
        );
        assert_eq!(sent[0], "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL");
        assert_eq!(
            received[0],
            "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096"
        );
        assert_eq!(
            sent[1],
            "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts="
        );
        assert_eq!(received[1], "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=");
        assert_eq!(sent[2], "");
        assert!(matches!(step, ServerStep::Success(ref who) if who.authcid == "user"));
    }

    #[test]
    fn rfc_7677_section_3_sha_256_example() {
        let salt = base64::decode("W22ZaJ0SNY7soEsUEjb6gQ==").unwrap();
        let (sent, received, step) = exchange(
            ScramHash::Sha256,
            "rOprNGfwEbeRWgbNEkqO",
            "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0",
            &salt,
        );
        assert_eq!(sent[0], "n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
        assert_eq!(received[0], "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096");
        assert_eq!(sent[1], "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
        assert_eq!(
            received[1],
            "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="
        );
        assert!(matches!(step, ServerStep::Success(_)));
    }

    #[test]
    fn a_wrong_password_fails_at_the_proof() {
        let users = vec![UserCredential {
            name: "user".into(),
            password: "pencil".into(),
        }];
        let context = ServerContext::for_tests(&users, "mx");
        let mut trace = Trace::new();
        let mut client = ScramClient::new(ScramHash::Sha256, "user", "wrong", "", "abc");
        let mut server = ScramServer::new(
            ScramHash::Sha256,
            "def".into(),
            b"salt".to_vec(),
            DEFAULT_ITERATIONS,
        );
        let first = client.initial_response(&mut trace).unwrap();
        let ServerStep::Challenge(server_first) = server.start(Some(&first), &context, &mut trace)
        else {
            panic!()
        };
        let last = client.step(&server_first, &mut trace).unwrap();
        let ServerStep::Failure(failure) = server.step(&last, &context, &mut trace) else {
            panic!()
        };
        assert_eq!(failure.kind, FailureKind::BadCredentials);
    }

    /// The client's final message and the server's verdict for `typed` against the
    /// server's configured `stored` password.
    fn prove_with(typed: &str, stored: &str) -> (Result<Vec<u8>, SaslFailure>, Option<ServerStep>) {
        let users = vec![UserCredential {
            name: "user".into(),
            password: stored.into(),
        }];
        let context = ServerContext::for_tests(&users, "mx");
        let mut trace = Trace::new();
        let mut client = ScramClient::new(ScramHash::Sha256, "user", typed, "", "abc");
        let mut server = ScramServer::new(ScramHash::Sha256, "def".into(), b"salt".to_vec(), 4096);
        let first = client.initial_response(&mut trace).unwrap();
        let ServerStep::Challenge(server_first) = server.start(Some(&first), &context, &mut trace)
        else {
            panic!()
        };
        let last = client.step(&server_first, &mut trace);
        let verdict = last
            .as_ref()
            .ok()
            .map(|last| server.step(last, &context, &mut trace));
        (last, verdict)
    }

    #[test]
    #[cfg(feature = "saslprep")]
    fn saslprep_makes_equivalent_passwords_prove_the_same() {
        // U+2168 ROMAN NUMERAL NINE is "IX" after NFKC; U+00A0 is a space; U+00AD vanishes.
        for (typed, stored) in [
            ("\u{2168}", "IX"),
            ("a\u{00A0}b", "a b"),
            ("pen\u{00AD}cil", "pencil"),
        ] {
            let (_, verdict) = prove_with(typed, stored);
            assert!(
                matches!(verdict, Some(ServerStep::Challenge(ref v)) if v.starts_with(b"v=")),
                "{typed:?}: {verdict:?}"
            );
        }
        let (refused, _) = prove_with("bell\u{0007}", "bell");
        assert_eq!(refused.unwrap_err().kind, FailureKind::Unsupported);
    }

    #[test]
    fn the_client_refuses_a_wrong_verifier_and_a_nonce_it_did_not_start() {
        let mut trace = Trace::new();
        let mut client = ScramClient::new(ScramHash::Sha1, "user", "pencil", "", "abc");
        client.initial_response(&mut trace);
        let foreign = client
            .step(b"r=xyz123,s=c2FsdA==,i=4096", &mut trace)
            .unwrap_err();
        assert_eq!(foreign.kind, FailureKind::ServerNotTrusted);
        let mut client = ScramClient::new(ScramHash::Sha1, "user", "pencil", "", "abc");
        client.initial_response(&mut trace);
        client
            .step(b"r=abc123,s=c2FsdA==,i=4096", &mut trace)
            .unwrap();
        let forged = client
            .step(b"v=AAAAAAAAAAAAAAAAAAAAAAAAAAA=", &mut trace)
            .unwrap_err();
        assert_eq!(forged.kind, FailureKind::ServerNotTrusted);
    }

    #[test]
    fn names_escape_and_bad_escapes_are_refused() {
        assert_eq!(escape_name("a=b,c"), "a=3Db=2Cc");
        assert_eq!(unescape_name("a=3Db=2Cc").unwrap(), "a=b,c");
        assert!(unescape_name("a=4x").is_err());
        assert!(unescape_name("a=").is_err());
    }

    #[test]
    fn bad_client_messages_get_failures_not_panics() {
        let context = ServerContext::for_tests(&[], "mx");
        for input in [
            &b""[..],
            b"p=tls-unique,,n=u,r=x",
            b"q,,n=u,r=x",
            b"n,,",
            b"n,,n=u",
            b"n,,r=x,n=u",
            b"n,,n=u,r=",
            b"\xff",
            b"n,b,n=u,r=x",
        ] {
            let mut server = ScramServer::new(
                ScramHash::Sha256,
                "s".into(),
                b"salt".to_vec(),
                DEFAULT_ITERATIONS,
            );
            let step = server.start(Some(input), &context, &mut Trace::new());
            assert!(matches!(step, ServerStep::Failure(_)), "{input:?}");
        }
    }
}
