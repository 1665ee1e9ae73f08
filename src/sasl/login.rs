//! LOGIN (draft-murchison-sasl-login, never an RFC but everywhere): the server prompts
//! `Username:` then `Password:`, the client answers each. Python's smtplib sends the
//! user name as an initial response (`AUTH LOGIN dGlt`), so the server accepts both.

use super::plain::check_password;
use super::trace::{Side, Trace};
use super::{
    utf8_or_explain, ClientMechanism, FailureKind, Mechanism, SaslFailure, ServerContext,
    ServerMechanism, ServerStep,
};

const RFC: &str = "draft-murchison-sasl-login §2";
/// The first prompt (base64 `VXNlcm5hbWU6`).
pub const USERNAME_PROMPT: &[u8] = b"Username:";
/// The second prompt (base64 `UGFzc3dvcmQ6`).
pub const PASSWORD_PROMPT: &[u8] = b"Password:";
/// Longest user name or password accepted (the draft says 64 for the user name is
/// common; we allow the PLAIN limit so both mechanisms agree).
const MAX_PART: usize = 255;

/// What the LOGIN server expects next.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
enum Expect {
    #[default]
    Username,
    Password {
        user: String,
    },
    Done,
}

/// Server side of LOGIN.
#[derive(Clone, Debug, Default)]
pub struct LoginServer {
    expect: Expect,
}

impl LoginServer {
    /// A fresh exchange.
    pub fn new() -> Self {
        Self::default()
    }

    fn part(octets: &[u8], what: &str) -> Result<String, SaslFailure> {
        if octets.is_empty() {
            return Err(SaslFailure::malformed(format!("the {what} is empty"), RFC));
        }
        if octets.len() > MAX_PART {
            return Err(SaslFailure::malformed(
                format!(
                    "the {what} is {} octets; at most {MAX_PART} are accepted",
                    octets.len()
                ),
                RFC,
            ));
        }
        utf8_or_explain(octets, what).map_err(|problem| SaslFailure::malformed(problem, RFC))
    }

    fn accept_user(&mut self, octets: &[u8], trace: &mut Trace) -> ServerStep {
        trace.value(
            Side::Server,
            "user name",
            octets,
            "The decoded answer to Username:.",
            RFC,
        );
        match Self::part(octets, "user name") {
            Ok(user) => {
                self.expect = Expect::Password { user };
                trace.value(
                    Side::Server,
                    "Password: prompt",
                    PASSWORD_PROMPT,
                    "The server now asks for the password.",
                    RFC,
                );
                ServerStep::Challenge(PASSWORD_PROMPT.to_vec())
            }
            Err(failure) => ServerStep::Failure(failure),
        }
    }
}

impl ServerMechanism for LoginServer {
    fn mechanism(&self) -> Mechanism {
        Mechanism::Login
    }

    fn start(
        &mut self,
        initial_response: Option<&[u8]>,
        _context: &ServerContext<'_>,
        trace: &mut Trace,
    ) -> ServerStep {
        match initial_response {
            Some(user) => {
                trace.note(
                    Side::Server,
                    "initial response",
                    "The client sent the user name with AUTH LOGIN (as Python's smtplib does), so the Username: prompt is skipped.",
                    RFC,
                );
                self.accept_user(user, trace)
            }
            None => {
                trace.value(
                    Side::Server,
                    "Username: prompt",
                    USERNAME_PROMPT,
                    "The server asks for the user name.",
                    RFC,
                );
                ServerStep::Challenge(USERNAME_PROMPT.to_vec())
            }
        }
    }

    fn step(
        &mut self,
        response: &[u8],
        context: &ServerContext<'_>,
        trace: &mut Trace,
    ) -> ServerStep {
        match core::mem::replace(&mut self.expect, Expect::Done) {
            Expect::Username => self.accept_user(response, trace),
            Expect::Password { user } => {
                trace.value(
                    Side::Server,
                    "password",
                    response,
                    "The decoded answer to Password:.",
                    RFC,
                );
                match Self::part(response, "password") {
                    Ok(password) => {
                        check_password(Mechanism::Login, &user, &password, "", context, trace)
                    }
                    Err(failure) => ServerStep::Failure(failure),
                }
            }
            Expect::Done => ServerStep::Failure(SaslFailure::malformed(
                "the LOGIN exchange is already over",
                RFC,
            )),
        }
    }
}

/// Client side of LOGIN. It answers prompts in order (user name, then password), as
/// real clients do; the prompt text is only shown in the trace.
#[derive(Clone, Debug)]
pub struct LoginClient {
    user: String,
    password: String,
    send_initial_response: bool,
    answered: usize,
}

impl LoginClient {
    /// A client; with `send_initial_response` the user name goes with `AUTH LOGIN`.
    pub fn new(user: &str, password: &str, send_initial_response: bool) -> Self {
        Self {
            user: user.to_owned(),
            password: password.to_owned(),
            send_initial_response,
            answered: 0,
        }
    }

    fn answer(&mut self, trace: &mut Trace) -> Result<Vec<u8>, SaslFailure> {
        self.answered = self.answered.saturating_add(1);
        match self.answered {
            1 => {
                trace.value(
                    Side::Client,
                    "user name",
                    self.user.as_bytes(),
                    "LOGIN's first answer is the user name.",
                    RFC,
                );
                Ok(self.user.clone().into_bytes())
            }
            2 => {
                trace.value(
                    Side::Client,
                    "password",
                    self.password.as_bytes(),
                    "LOGIN's second answer is the password, only base64-encoded: anyone who sees the line can decode it.",
                    RFC,
                );
                Ok(self.password.clone().into_bytes())
            }
            _ => Err(SaslFailure::new(
                FailureKind::ServerNotTrusted,
                "the server sent a third LOGIN prompt; LOGIN has only two",
                RFC,
            )),
        }
    }
}

impl ClientMechanism for LoginClient {
    fn mechanism(&self) -> Mechanism {
        Mechanism::Login
    }

    fn initial_response(&mut self, trace: &mut Trace) -> Option<Vec<u8>> {
        if self.send_initial_response {
            self.answer(trace).ok()
        } else {
            None
        }
    }

    fn step(&mut self, challenge: &[u8], trace: &mut Trace) -> Result<Vec<u8>, SaslFailure> {
        trace.value(
            Side::Client,
            "prompt",
            challenge,
            "The server's prompt; clients answer by position, not by its text.",
            RFC,
        );
        self.answer(trace)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sasl::UserCredential;

    #[test]
    fn both_forms_reach_the_password_check() {
        let users = vec![UserCredential {
            name: "tim".into(),
            password: "tanstaaftanstaaf".into(),
        }];
        let context = ServerContext::for_tests(&users, "mx");
        let mut trace = Trace::new();
        for initial in [None, Some(b"tim".as_slice())] {
            let mut server = LoginServer::new();
            let mut client = LoginClient::new("tim", "tanstaaftanstaaf", initial.is_some());
            let mut step = server.start(
                client.initial_response(&mut trace).as_deref(),
                &context,
                &mut trace,
            );
            while let ServerStep::Challenge(prompt) = step {
                let answer = client.step(&prompt, &mut trace).unwrap();
                step = server.step(&answer, &context, &mut trace);
            }
            assert!(matches!(step, ServerStep::Success(_)), "{initial:?}");
        }
    }
}
