"""SCRAM interop cases for run.py (RFC 5802 SCRAM-SHA-1, RFC 7677 SCRAM-SHA-256), with
GNU SASL and Cyrus SASL on the other side:
- msmtp (built on libgsasl) sends a message to `esmtp-playground serve` with
  `auth scram-sha-256` / `scram-sha-1`: the stored copy is checked byte for byte;
- `gsasl --client --smtp` authenticates to `serve`, and is refused 535 with a wrong
  password;
- Cyrus SASL's `sasl-sample-client` (its SCRAM plugin) authenticates to `serve` through
  an smtplib connection, checks our server signature, and the message is stored;
- our `send --auth SCRAM-SHA-256` / `SCRAM-SHA-1` to aiosmtpd, whose AUTH SCRAM is
  handed to `gsasl --server` (the GNU SASL server verifies the proof and computes the
  server signature our client checks): the message arrives byte for byte.
scripts/interop installs gsasl, msmtp, sasl2-bin and libsasl2-modules from Debian when
missing."""

import base64
import os
import select
import smtplib
import subprocess
import tempfile
import time
from pathlib import Path

from run import (PASSWORD, TIMEOUT, USER, Served, check, crlf, only_copy, run,
                 without_received)

MECHANISMS = ("SCRAM-SHA-256", "SCRAM-SHA-1")


def scram_user(client_first):
    """The authcid of a client-first message (`n,,n=user,r=…`), with RFC 5802's
    `=2C` and `=3D` decoded; None when it has no `n=` attribute."""
    parts = client_first.decode("utf-8", errors="replace").split(",")
    for attribute in parts[2:]:
        if attribute.startswith("n="):
            return attribute[2:].replace("=2C", ",").replace("=3D", "=")
    return None


async def gsasl_scram(server, args, mechanism, accounts):
    """An aiosmtpd AUTH method that relays the exchange to `gsasl --server`: the
    client's messages go to its stdin, its challenges come back as 334 lines. gsasl
    prints each server message as one base64 line (an empty line for none) and exits
    0 only when the client's proof verified."""
    from aiosmtpd.smtp import MISSING, AuthResult

    if len(args) > 1:
        first = base64.b64decode(args[1]) if args[1] != "=" else b""
    else:
        first = await server.challenge_auth("")
        if first is MISSING:
            return AuthResult(success=False, handled=True)
    user = scram_user(first)
    # handled=False: aiosmtpd then answers 535 5.7.8 itself.
    if user not in accounts:
        return AuthResult(success=False, handled=False)
    gsasl = subprocess.Popen(
        ["gsasl", "--server", "--mechanism", mechanism, "--authentication-id", user,
         "--password", accounts[user]],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, bufsize=1)
    try:
        gsasl.stdout.readline()  # the mechanism's name
        gsasl.stdout.readline()  # SCRAM's server has nothing to say first
        server_first = relay(gsasl, first)
        if not server_first:
            return AuthResult(success=False, handled=False)
        final = await server.challenge_auth(server_first, encode_to_b64=False)
        if final is MISSING:
            return AuthResult(success=False, handled=True)
        server_final = relay(gsasl, final)
        if not server_final:  # the proof did not verify
            return AuthResult(success=False, handled=False)
        empty = await server.challenge_auth(server_final, encode_to_b64=False)
        if empty is MISSING or empty != b"":
            return AuthResult(success=False, handled=empty is MISSING)
        _, errors = gsasl.communicate("\n", timeout=TIMEOUT)
        ok = gsasl.returncode == 0 and "client trusted" in errors
        return AuthResult(success=ok, handled=False, auth_data=user if ok else None)
    finally:
        if gsasl.poll() is None:
            gsasl.kill()
            gsasl.wait()


def relay(gsasl, octets):
    """Gives gsasl one client message; returns its answer as base64 text ('' when it
    refused and stopped)."""
    gsasl.stdin.write(base64.b64encode(octets).decode() + "\n")
    gsasl.stdin.flush()
    return gsasl.stdout.readline().strip()


def scram_recorder(accounts):
    """aiosmtpd_peer's Recorder with AUTH SCRAM-SHA-256 and SCRAM-SHA-1 verified by
    GNU SASL."""
    import aiosmtpd_peer
    from aiosmtpd.smtp import auth_mechanism

    class ScramRecorder(aiosmtpd_peer.Recorder):
        @auth_mechanism("SCRAM-SHA-256")
        async def auth_scram_sha_256(self, server, args):
            return await gsasl_scram(server, args, "SCRAM-SHA-256", accounts)

        @auth_mechanism("SCRAM-SHA-1")
        async def auth_scram_sha_1(self, server, args):
            return await gsasl_scram(server, args, "SCRAM-SHA-1", accounts)

    return ScramRecorder()


class CyrusClient:
    """Cyrus SASL's sample client (`sasl-sample-client`, sasl2-bin) with its SCRAM plugin
    (libsasl2-modules): it reads the server's messages as `S: <base64>` lines and writes
    its own as `C: <base64>`, the first one being `MECHANISM NUL initial-response`. It
    asks for the password with a `Password: ` prompt that ends in no newline, and
    writes through stdio, so it runs under `stdbuf -o0` and is read octet by octet."""

    def __init__(self, mechanism):
        self.process = subprocess.Popen(
            ["setsid", "stdbuf", "-o0", "sasl-sample-client", "-m", mechanism, "-a", USER,
             "-s", "smtp", "-n", "mx.example.org"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.output = b""

    def send(self, line):
        self.process.stdin.write(line.encode() + b"\n")
        self.process.stdin.flush()

    def wait_for(self, needle):
        """Reads until `needle` has been printed; returns what follows it up to the end
        of its line (and keeps the rest)."""
        deadline = time.monotonic() + TIMEOUT
        while True:
            at = self.output.find(needle)
            end = self.output.find(b"\n", at) if at >= 0 else -1
            if end >= 0:
                found = self.output[at + len(needle):end].strip()
                self.output = self.output[end + 1:]
                return found
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self.process.stdout], [], [], max(left, 0))
            chunk = os.read(self.process.stdout.fileno(), 4096) if ready else b""
            check(chunk, f"sasl-sample-client said no {needle!r}: {self.output[-300:]!r}")
            self.output += chunk

    def prompt(self, needle):
        """Waits for a prompt printed without a newline."""
        deadline = time.monotonic() + TIMEOUT
        while needle not in self.output:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self.process.stdout], [], [], max(left, 0))
            chunk = os.read(self.process.stdout.fileno(), 4096) if ready else b""
            check(chunk, f"sasl-sample-client never asked {needle!r}: {self.output[-300:]!r}")
            self.output += chunk

    def stop(self):
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


class ScramCases:
    """Owns a `serve` that offers SCRAM-SHA-256, SCRAM-SHA-1 and PLAIN."""

    def __init__(self, suite):
        self.suite = suite
        self.served = Served(suite.binary, suite.work / "serve-scram.log",
                             extra=["--auth-mechanisms", "SCRAM-SHA-256,SCRAM-SHA-1,PLAIN"])

    def stop(self):
        self.served.stop()

    # --- msmtp against serve

    def msmtp(self, mechanism):
        to = f"msmtp-{mechanism.lower()}@example.org"
        config = Path(tempfile.mkdtemp(prefix="esmtp-interop-msmtp-")) / "msmtprc"
        config.write_text(
            "account default\n"
            f"host {self.served.host}\nport {self.served.port}\n"
            "from alice@example.net\ndomain msmtp.example.net\n"
            f"auth {mechanism.lower()}\nuser {USER}\npassword {PASSWORD}\ntls off\n")
        os.chmod(config, 0o600)  # msmtp refuses a config others can read
        # Every header msmtp would otherwise add is there, so it sends the text as is.
        message = ("From: Alice <alice@example.net>\n"
                   f"To: {to}\nSubject: msmtp over {mechanism}\n"
                   "Date: Sat, 28 Nov 2026 09:00:00 +0000\n"
                   f"Message-ID: <msmtp-{mechanism.lower()}@example.net>\n\n"
                   "Hello over SCRAM.\n.A dot line.\nLast line.\n")
        result = run(["msmtp", "-C", str(config), "--debug", to], stdin=message.encode())
        output = result.stdout.decode(errors="replace")
        check(result.returncode == 0, f"msmtp exit {result.returncode}: {output[-600:]!r}"
                                      f" {result.stderr[-300:]!r}")
        check(f"--> AUTH {mechanism}" in output, f"msmtp did not use {mechanism}")
        check("<-- 235 2.7.0" in output, "AUTH did not succeed")
        stored = without_received(only_copy(self.served, to), "msmtp.example.net", "ESMTPA")
        check(stored == crlf(message), f"stored differs:\n{stored!r}\n{crlf(message)!r}")

    # --- gsasl's SMTP client against serve

    def gsasl_client(self, password):
        return run(["gsasl", "--client", "--smtp", "--connect", self.served.address(),
                    "--no-starttls", "--mechanism", "SCRAM-SHA-256",
                    "--authentication-id", USER, "--password", password,
                    "--hostname", "mx.example.org"], stdin=b"")

    def gsasl(self):
        result = self.gsasl_client(PASSWORD)
        output = result.stdout.decode(errors="replace")
        check(result.returncode == 0, f"gsasl exit {result.returncode}: {output[-500:]!r}")
        check("235 2.7.0" in output, f"no 235: {output[-500:]!r}")
        check(b"server trusted" in result.stderr, "gsasl did not verify our server signature")
        wrong = self.gsasl_client("wrong")
        check(wrong.returncode != 0 and b"535 5.7.8" in wrong.stdout,
              f"a wrong password was not refused with 535: {wrong.stdout[-300:]!r}")

    # --- Cyrus SASL's SCRAM client against serve

    def cyrus(self, mechanism):
        """The Cyrus client authenticates over an smtplib connection (which relays its
        messages as AUTH and continuation lines), then smtplib sends the message."""
        to = f"cyrus-{mechanism.lower()}@example.org"
        cyrus = CyrusClient(mechanism)
        try:
            cyrus.send("S: " + base64.b64encode(mechanism.encode()).decode())
            cyrus.prompt(b"Password: ")
            cyrus.send(PASSWORD)
            first = base64.b64decode(cyrus.wait_for(b"C: "))
            named, _, initial = first.partition(b"\0")
            check(named.decode() == mechanism, f"Cyrus chose {named!r}")
            with smtplib.SMTP(self.served.host, self.served.port, timeout=TIMEOUT) as client:
                client.ehlo("cyrus.example.net")
                code, text = client.docmd(
                    "AUTH", f"{mechanism} {base64.b64encode(initial).decode()}")
                while code == 334:
                    cyrus.send("S: " + text.decode())
                    code, text = client.docmd(cyrus.wait_for(b"C: ").decode())
                check(code == 235, f"AUTH {mechanism} answered {code} {text!r}")
                cyrus.wait_for(b"Negotiation complete")  # it checked our v=
                message = crlf(f"From: cyrus@example.net\nTo: {to}\n"
                               f"Subject: Cyrus SASL {mechanism}\n\nHello.\n.dot line\n")
                refused = client.sendmail("cyrus@example.net", [to], message)
                check(refused == {}, f"refused: {refused}")
        finally:
            cyrus.stop()
        stored = without_received(only_copy(self.served, to), "cyrus.example.net", "ESMTPA")
        check(stored == message, f"stored differs:\n{stored!r}\n{message!r}")

    # --- our send against aiosmtpd + gsasl --server

    def send_to_gsasl_server(self, mechanism):
        import aiosmtpd_peer
        controller, recorder = aiosmtpd_peer.start(
            {USER: PASSWORD}, handler=scram_recorder({USER: PASSWORD}))
        try:
            sent, transcript = self.suite.our_send(
                f"127.0.0.1:{controller.port}", "--auth", mechanism, "--user", USER,
                "--password", PASSWORD)
        finally:
            controller.stop()
        check(f"C: AUTH {mechanism}" in transcript, f"we did not send AUTH {mechanism}")
        check("The ServerSignature matches the client's own" in transcript,
              "our client did not verify gsasl's v=")
        check("S: 235 " in transcript, "no 235")
        check(len(recorder.envelopes) == 1, f"aiosmtpd got {len(recorder.envelopes)} messages")
        got = recorder.envelopes[0]
        check(got["raw"] == sent, f"aiosmtpd received other octets:\n{got['raw']!r}\n{sent!r}")
        check(got["user"] == USER, f"aiosmtpd saw login {got['user']!r}")

    def send_wrong_password_to_gsasl_server(self):
        import aiosmtpd_peer
        controller, recorder = aiosmtpd_peer.start(
            {USER: PASSWORD}, handler=scram_recorder({USER: PASSWORD}))
        try:
            result = run([self.suite.binary, "send", "--server", f"127.0.0.1:{controller.port}",
                          "--from", "alice@example.net", "--to", "peer-to@example.org",
                          "--auth", "SCRAM-SHA-256", "--user", USER, "--password", "wrong",
                          "--timeout", "10"])
        finally:
            controller.stop()
        transcript = result.stdout.decode(errors="replace")
        check(result.returncode == 1, f"send exit {result.returncode}: {transcript[-400:]}")
        check("S: 535 5.7.8" in transcript, f"gsasl did not refuse the proof: {transcript[-400:]}")
        check(recorder.envelopes == [], "a message arrived after a failed AUTH")

    def cases(self):
        """(name, function) in running order."""
        cases = []
        for mechanism in MECHANISMS:
            cases.append((f"msmtp auth {mechanism.lower()} -> serve",
                          lambda m=mechanism: self.msmtp(m)))
        cases.append(("gsasl --client --smtp SCRAM-SHA-256 -> serve (and 535 when wrong)",
                      self.gsasl))
        for mechanism in MECHANISMS:
            cases.append((f"Cyrus SASL sasl-sample-client {mechanism} -> serve",
                          lambda m=mechanism: self.cyrus(m)))
        for mechanism in MECHANISMS:
            cases.append((f"our send AUTH {mechanism} -> aiosmtpd + gsasl --server",
                          lambda m=mechanism: self.send_to_gsasl_server(m)))
        cases.append(("our send AUTH SCRAM-SHA-256, wrong password -> 535 from gsasl --server",
                      self.send_wrong_password_to_gsasl_server))
        return cases
