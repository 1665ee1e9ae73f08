"""aiosmtpd as a peer for `esmtp-playground send`: a Controller on 127.0.0.1 that keeps
every envelope it receives, with an authenticator for PLAIN and LOGIN."""

import socket

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Recorder:
    """Keeps each envelope: sender, recipients, the raw octets as received."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(
            {
                "from": envelope.mail_from,
                "to": list(envelope.rcpt_tos),
                "raw": envelope.original_content,
                "user": session.auth_data,
                "mail_options": list(envelope.mail_options),
            }
        )
        return "250 OK"


class Accounts:
    """An aiosmtpd authenticator over a dict of user -> password."""

    def __init__(self, accounts):
        self.accounts = accounts

    def __call__(self, server, session, envelope, mechanism, auth_data):
        if isinstance(auth_data, LoginPassword):
            user = auth_data.login.decode()
            if self.accounts.get(user) == auth_data.password.decode():
                return AuthResult(success=True, auth_data=user)
        return AuthResult(success=False, handled=False)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(accounts, tls_context=None, handler=None):
    """Starts aiosmtpd; returns (controller, recorder). Call controller.stop(). With a
    TLS context it offers STARTTLS (and requires it before AUTH). `handler` replaces
    the plain Recorder (a subclass with more AUTH mechanisms)."""
    recorder = handler or Recorder()
    controller = Controller(
        recorder,
        hostname="127.0.0.1",
        port=free_port(),
        authenticator=Accounts(accounts),
        auth_require_tls=tls_context is not None,
        tls_context=tls_context,
        ready_timeout=10,
    )
    controller.start()
    return controller, recorder
