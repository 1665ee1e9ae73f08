"""TLS interop cases for run.py: real clients (swaks, curl, smtplib, nodemailer) with
STARTTLS and implicit TLS, each with AUTH PLAIN and LOGIN, against `esmtp-playground
serve`; and our `send --starttls` against aiosmtpd with a TLS context and nodemailer's
smtp-server with a certificate. Every case checks the stored (or received) message byte
for byte. The test CA and the server certificate (for 127.0.0.1) are made here with
openssl."""

import json
import smtplib
import ssl
import subprocess
import tempfile
from email.message import EmailMessage
from pathlib import Path

from run import (HOSTNAME, PASSWORD, TIMEOUT, USER, Served, check, crlf, only_copy, run,
                 swaks_message, without_received, write_temp)

MECHANISMS = ("PLAIN", "LOGIN")


def make_pki():
    """A test CA and a leaf for 127.0.0.1 signed by it: (folder, ca.pem, leaf.pem, leaf.key)."""
    folder = Path(tempfile.mkdtemp(prefix="esmtp-interop-tls-"))
    ca_key, ca, key, csr, leaf, ext = (folder / name for name in (
        "ca.key", "ca.pem", "leaf.key", "leaf.csr", "leaf.pem", "leaf.ext"))
    openssl = ["openssl"]
    subprocess.run(openssl + ["req", "-x509", "-newkey", "ec", "-pkeyopt",
                              "ec_paramgen_curve:P-256", "-nodes", "-keyout", str(ca_key),
                              "-out", str(ca), "-days", "2", "-subj", "/CN=Interop Test CA"],
                   check=True, capture_output=True)
    subprocess.run(openssl + ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                              "-nodes", "-keyout", str(key), "-out", str(csr),
                              "-subj", f"/CN={HOSTNAME}"],
                   check=True, capture_output=True)
    ext.write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                   "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\n"
                   "extendedKeyUsage=serverAuth\n")
    subprocess.run(openssl + ["x509", "-req", "-in", str(csr), "-CA", str(ca), "-CAkey",
                              str(ca_key), "-CAcreateserial", "-out", str(leaf), "-days", "2",
                              "-extfile", str(ext)],
                   check=True, capture_output=True)
    return folder, ca, leaf, key


def message_from_swaks_tls_output(output):
    """The message swaks sent after the 354, from its TLS lines (' ~> ', '<~ ')."""
    message, in_data = [], False
    for line in output.decode("utf-8", errors="replace").splitlines():
        if line.startswith("<~  354"):
            in_data = True
        elif in_data and line.startswith(" ~> "):
            text = line[4:]
            if text == ".":
                return "".join(message).encode()
            message.append((text[1:] if text.startswith(".") else text) + "\r\n")
    raise AssertionError("no complete encrypted DATA section in the swaks output")


class TlsCases:
    """Owns two TLS servers (STARTTLS with AUTH only after TLS, and implicit TLS)."""

    def __init__(self, suite):
        self.suite = suite
        self.pki, self.ca, self.leaf, self.key = make_pki()
        tls = ["--tls-cert", str(self.leaf), "--tls-key", str(self.key)]
        self.starttls = Served(suite.binary, suite.work / "serve-starttls.log",
                               extra=tls + ["--auth-requires-tls"])
        self.implicit = Served(suite.binary, suite.work / "serve-implicit.log",
                               extra=tls + ["--tls-on-connect"])

    def stop(self):
        self.starttls.stop()
        self.implicit.stop()

    def server(self, implicit):
        return self.implicit if implicit else self.starttls

    # --- swaks

    def swaks(self, mechanism, implicit):
        served = self.server(implicit)
        to = f"swaks-tls-{'465' if implicit else '587'}-{mechanism.lower()}@example.org"
        data = write_temp(f"swaks-tls-{to}", swaks_message(to))
        mode = "--tls-on-connect" if implicit else "--tls"
        result = run(["swaks", "--server", served.address(), "--from", "alice@example.net",
                      "--to", to, "--helo", "swaks.example.net", "--data", f"@{data}",
                      mode, "--tls-verify", "--tls-ca-path", str(self.ca),
                      "--auth", mechanism, "--auth-user", USER, "--auth-password", PASSWORD,
                      "--timeout", "10"])
        check(result.returncode == 0, f"swaks exit {result.returncode}: {result.stdout[-500:]!r}")
        check(b"<~  235 2.7.0" in result.stdout, "AUTH did not succeed over TLS")
        if not implicit:
            check(b"<-  220 2.0.0 Ready to start TLS" in result.stdout, "no 220 to STARTTLS")
            check(b" -> AUTH" not in result.stdout, "AUTH went in the clear")
        sent = message_from_swaks_tls_output(result.stdout)
        stored = without_received(only_copy(served, to), "swaks.example.net", "ESMTPSA")
        check(stored == sent, f"stored differs from what swaks sent:\n{stored!r}\n{sent!r}")

    # --- curl

    def curl(self, mechanism, implicit):
        served = self.server(implicit)
        to = f"curl-tls-{'465' if implicit else '587'}-{mechanism.lower()}@example.org"
        body = crlf("From: curl <curl@example.net>\nSubject: curl over TLS\n\nBody.\n.dot\n")
        path = write_temp(f"curl-tls-{to}", body)
        scheme = "smtps" if implicit else "smtp"
        args = ["curl", "-sS", "--max-time", "10", f"{scheme}://{served.address()}/curl.example.net",
                "--cacert", str(self.ca), "--mail-from", "curl@example.net", "--mail-rcpt", to,
                "--upload-file", str(path), "--login-options", f"AUTH={mechanism}",
                "--user", f"{USER}:{PASSWORD}"]
        if not implicit:
            args.append("--ssl-reqd")
        result = run(args)
        check(result.returncode == 0, f"curl exit {result.returncode}: {result.stderr!r}")
        stored = without_received(only_copy(served, to), "curl.example.net", "ESMTPSA")
        check(stored == body, f"stored differs from the uploaded file:\n{stored!r}")

    # --- smtplib

    def smtplib(self, mechanism, implicit):
        served = self.server(implicit)
        to = f"py-tls-{'465' if implicit else '587'}-{mechanism.lower()}@example.org"
        context = ssl.create_default_context(cafile=str(self.ca))
        message = EmailMessage()
        message["From"] = "alice@example.net"
        message["To"] = to
        message["Subject"] = "smtplib over TLS"
        message.set_content("Hello over TLS.\n.dot line\n")
        method = {"PLAIN": "auth_plain", "LOGIN": "auth_login"}[mechanism]
        if implicit:
            client = smtplib.SMTP_SSL(served.host, served.port, local_hostname="py.example.net",
                                      timeout=TIMEOUT, context=context)
        else:
            client = smtplib.SMTP(served.host, served.port, local_hostname="py.example.net",
                                  timeout=TIMEOUT)
        with client:
            client.ehlo()
            if not implicit:
                check("auth" not in client.esmtp_features, "AUTH listed before STARTTLS")
                code, _ = client.starttls(context=context)
                check(code == 220, f"STARTTLS answered {code}")
                client.ehlo()
            client.user, client.password = USER, PASSWORD
            code, _ = client.auth(mechanism, getattr(client, method))
            check(code == 235, f"AUTH {mechanism}: {code}")
            refused = client.send_message(message)
        check(refused == {}, f"refused: {refused}")
        expected = message.as_bytes(policy=message.policy.clone(linesep="\r\n"))
        stored = without_received(only_copy(served, to), "py.example.net", "ESMTPSA")
        check(stored == expected, f"stored differs:\n{stored!r}\n{expected!r}")

    # --- nodemailer

    def nodemailer(self, mechanism, implicit):
        served = self.server(implicit)
        to = f"nm-tls-{'465' if implicit else '587'}-{mechanism.lower()}@example.org"
        raw = crlf(f"From: alice@example.net\nTo: {to}\nSubject: nodemailer over TLS\n\n"
                   "Hello.\n.dot line\n")
        result = subprocess.run(
            ["node", str(self.suite.node_dir / "nodemailer_client.js"), str(served.port),
             "secure" if implicit else "requireTLS", mechanism, USER, PASSWORD, str(self.ca),
             "alice@example.net", to],
            input=raw, capture_output=True, timeout=TIMEOUT)
        lines = result.stdout.decode(errors="replace").strip().splitlines()
        check(result.returncode == 0 and lines and json.loads(lines[-1]).get("ok"),
              f"nodemailer failed: {result.stdout[-300:]!r} {result.stderr[-300:]!r}")
        stored = without_received(only_copy(served, to), "nodemailer.example.net", "ESMTPSA")
        check(stored == raw, f"stored differs from the raw message:\n{stored!r}\n{raw!r}")

    # --- our send against aiosmtpd with STARTTLS

    def send_to_aiosmtpd(self, mechanism):
        import aiosmtpd_peer
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(str(self.leaf), str(self.key))
        controller, recorder = aiosmtpd_peer.start({USER: PASSWORD}, tls_context=context)
        try:
            sent, transcript = self.suite.our_send(
                f"127.0.0.1:{controller.port}", "--starttls", "--ca-file", str(self.ca),
                "--auth", mechanism, "--user", USER, "--password", PASSWORD)
        finally:
            controller.stop()
        check("-- encryption starts" in transcript, "no TLS in our transcript")
        check("C~ AUTH" in transcript and "C: AUTH" not in transcript, "AUTH not encrypted")
        check(len(recorder.envelopes) == 1, f"aiosmtpd got {len(recorder.envelopes)} messages")
        got = recorder.envelopes[0]
        check(got["raw"] == sent, f"aiosmtpd received other octets:\n{got['raw']!r}\n{sent!r}")
        check(got["user"] == USER, f"aiosmtpd saw login {got['user']!r}")

    # --- our send against nodemailer's smtp-server with STARTTLS

    def send_to_smtp_server(self, mechanism):
        got, transcript = self.suite.smtp_server_case(
            "--starttls", "--ca-file", str(self.ca),
            "--auth", mechanism, "--user", USER, "--password", PASSWORD,
            peer_args=("--tls-cert", str(self.leaf), "--tls-key", str(self.key)))
        check("C: STARTTLS" in transcript and "-- encryption starts" in transcript,
              "no STARTTLS in our transcript")
        check("C~ AUTH" in transcript and "C: AUTH" not in transcript, "AUTH not encrypted")
        check(got["secure"], "smtp-server did not see the session as TLS")

    def cases(self):
        """(name, function) in running order."""
        cases = []
        for implicit in (False, True):
            how = "implicit TLS" if implicit else "STARTTLS"
            for mechanism in MECHANISMS:
                for client in ("swaks", "curl", "smtplib", "nodemailer"):
                    cases.append((f"{client} {how} AUTH {mechanism}",
                                  lambda c=client, m=mechanism, i=implicit:
                                  getattr(self, c)(m, i)))
        for mechanism in MECHANISMS:
            cases.append((f"our send --starttls AUTH {mechanism} -> aiosmtpd (TLS)",
                          lambda m=mechanism: self.send_to_aiosmtpd(m)))
        for mechanism in MECHANISMS:
            cases.append((f"our send --starttls AUTH {mechanism} -> smtp-server (TLS)",
                          lambda m=mechanism: self.send_to_smtp_server(m)))
        return cases
