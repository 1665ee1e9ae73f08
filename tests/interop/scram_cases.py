"""SCRAM interop cases for run.py (RFC 5802 SCRAM-SHA-1, RFC 7677 SCRAM-SHA-256), with
GNU SASL and Cyrus SASL on the other side:
- msmtp (built on libgsasl) sends a message to `esmtp-playground serve` with
  `auth scram-sha-256` / `scram-sha-1`: the stored copy is checked byte for byte;
- `gsasl --client --smtp` authenticates to `serve`, and is refused 535 with a wrong
  password;
- Cyrus SASL's `sasl-sample-client` (its SCRAM plugin) authenticates to `serve` through
  an smtplib connection, checks our server signature, and the message is stored;
- our `send --auth SCRAM-SHA-256` / `SCRAM-SHA-1` to aiosmtpd, whose AUTH SCRAM is
  handed to `gsasl --server` or to Cyrus SASL's `sasl-sample-server` (with a sasldb made
  by saslpasswd2): that server verifies the proof and computes the server signature our
  client checks; the message arrives byte for byte, and a wrong password gets 535.
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

    first = await client_first(server, args)
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


def scram_recorder(verify):
    """aiosmtpd_peer's Recorder with AUTH SCRAM-SHA-256 and SCRAM-SHA-1, each exchange
    handed to `verify(server, args, mechanism)` (GNU SASL's or Cyrus SASL's server)."""
    import aiosmtpd_peer
    from aiosmtpd.smtp import auth_mechanism

    class ScramRecorder(aiosmtpd_peer.Recorder):
        @auth_mechanism("SCRAM-SHA-256")
        async def auth_scram_sha_256(self, server, args):
            return await verify(server, args, "SCRAM-SHA-256")

        @auth_mechanism("SCRAM-SHA-1")
        async def auth_scram_sha_1(self, server, args):
            return await verify(server, args, "SCRAM-SHA-1")

    return ScramRecorder()


def by_gsasl(accounts):
    return lambda server, args, mechanism: gsasl_scram(server, args, mechanism, accounts)


def by_cyrus(accounts):
    folder = cyrus_sasldb(accounts)
    return lambda server, args, mechanism: cyrus_scram(server, args, mechanism, folder)


class CyrusSample:
    """One of Cyrus SASL's sample programs (sasl2-bin) with its SCRAM plugin
    (libsasl2-modules). They speak in lines: the server's messages as `S: <base64>`,
    the client's as `C: <base64>`, the client's first one being `MECHANISM NUL
    initial-response`. They write through stdio, so they run under `stdbuf -o0`, and
    their output is read octet by octet (the client's `Password: ` prompt ends in no
    newline)."""

    def __init__(self, argv, env=None):
        self.process = subprocess.Popen(
            ["setsid", "stdbuf", "-o0", *argv], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})})
        self.name = argv[0].rsplit("/", 1)[-1]
        self.output = b""

    @classmethod
    def client(cls, mechanism):
        return cls(["sasl-sample-client", "-m", mechanism, "-a", USER, "-s", "smtp",
                    "-n", "mx.example.org"])

    @classmethod
    def server(cls, mechanism, config_dir):
        """The sample server, its users in `config_dir`/sasldb2 (realm mx.example.org)
        as `config_dir`/sample.conf says."""
        return cls(["/usr/sbin/sasl-sample-server", "-m", mechanism, "-s", "smtp",
                    "-d", "mx.example.org", "-u", "mx.example.org"],
                   env={"SASL_CONF_PATH": str(config_dir)})

    def send(self, line):
        self.process.stdin.write(line.encode() + b"\n")
        self.process.stdin.flush()

    def read_more(self, deadline):
        """Appends what the program printed next; False once it has exited."""
        left = deadline - time.monotonic()
        ready, _, _ = select.select([self.process.stdout], [], [], max(left, 0))
        chunk = os.read(self.process.stdout.fileno(), 4096) if ready else b""
        self.output += chunk
        return bool(chunk)

    def next_of(self, needles):
        """The first of `needles` the program prints, and what follows it up to the end
        of its line (the rest is kept); (None, None) when the program ends first."""
        deadline = time.monotonic() + TIMEOUT
        while True:
            found = [(at, needle) for needle in needles
                     if (at := self.output.find(needle)) >= 0]
            if found:
                at, needle = min(found)
                end = self.output.find(b"\n", at)
                if end >= 0:
                    rest = self.output[at + len(needle):end].strip()
                    self.output = self.output[end + 1:]
                    return needle, rest
            if not self.read_more(deadline):
                return None, None

    def line_after(self, needle):
        """What follows `needle` up to the end of its line, once printed; None when the
        program ends first."""
        return self.next_of((needle,))[1]

    def wait_for(self, needle):
        found = self.line_after(needle)
        check(found is not None, f"{self.name} said no {needle!r}: {self.output[-300:]!r}")
        return found

    def prompt(self, needle):
        """Waits for a prompt printed without a newline."""
        deadline = time.monotonic() + TIMEOUT
        while needle not in self.output:
            check(self.read_more(deadline),
                  f"{self.name} never asked {needle!r}: {self.output[-300:]!r}")

    def stop(self):
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


def cyrus_sasldb(accounts):
    """A folder with sasldb2 holding `accounts` (made by saslpasswd2) and the
    sample.conf that points the sample server at it."""
    folder = Path(tempfile.mkdtemp(prefix="esmtp-interop-cyrus-"))
    for user, password in accounts.items():
        subprocess.run(["saslpasswd2", "-f", str(folder / "sasldb2"), "-c", "-p",
                        "-u", "mx.example.org", user],
                       input=password.encode(), check=True, capture_output=True)
    (folder / "sample.conf").write_text(
        f"sasldb_path: {folder / 'sasldb2'}\npwcheck_method: auxprop\n"
        "auxprop_plugin: sasldb\nmech_list: SCRAM-SHA-256 SCRAM-SHA-1\n")
    return folder


async def cyrus_scram(server, args, mechanism, config_dir):
    """An aiosmtpd AUTH method that relays the exchange to Cyrus SASL's sample server:
    the client's messages go to it as `C:` lines, its `S:` lines come back as 334
    challenges. It prints `Negotiation complete` only when the proof verified."""
    from aiosmtpd.smtp import MISSING, AuthResult

    first = await client_first(server, args)
    if first is MISSING:
        return AuthResult(success=False, handled=True)
    cyrus = CyrusSample.server(mechanism, config_dir)
    try:
        cyrus.wait_for(b"S: ")  # its mechanism list
        cyrus.send("C: " + base64.b64encode(mechanism.encode() + b"\0" + first).decode())
        while True:
            said, rest = cyrus.next_of((b"S: ", b"Negotiation complete"))
            if said is None:  # it refused and stopped
                return AuthResult(success=False, handled=False)
            if said == b"Negotiation complete":
                user = cyrus.wait_for(b"Username: ").decode().split("@")[0]
                return AuthResult(success=True, handled=False, auth_data=user)
            answer = await server.challenge_auth(rest, encode_to_b64=False)
            if answer is MISSING:
                return AuthResult(success=False, handled=True)
            cyrus.send("C: " + base64.b64encode(answer).decode())
    finally:
        cyrus.stop()


async def client_first(server, args):
    """The client's first message: the initial response on the AUTH line, or its answer
    to an empty 334."""
    if len(args) > 1:
        return base64.b64decode(args[1]) if args[1] != "=" else b""
    return await server.challenge_auth("")


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
        cyrus = CyrusSample.client(mechanism)
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

    # --- our send against aiosmtpd with GNU SASL's or Cyrus SASL's SCRAM server

    def send_to_scram_server(self, mechanism, verifier, name):
        import aiosmtpd_peer
        controller, recorder = aiosmtpd_peer.start(
            {USER: PASSWORD}, handler=scram_recorder(verifier({USER: PASSWORD})))
        try:
            sent, transcript = self.suite.our_send(
                f"127.0.0.1:{controller.port}", "--auth", mechanism, "--user", USER,
                "--password", PASSWORD)
        finally:
            controller.stop()
        check(f"C: AUTH {mechanism}" in transcript, f"we did not send AUTH {mechanism}")
        check("The ServerSignature matches the client's own" in transcript,
              f"our client did not verify {name}'s v=")
        check("S: 235 " in transcript, "no 235")
        check(len(recorder.envelopes) == 1, f"aiosmtpd got {len(recorder.envelopes)} messages")
        got = recorder.envelopes[0]
        check(got["raw"] == sent, f"aiosmtpd received other octets:\n{got['raw']!r}\n{sent!r}")
        check(got["user"] == USER, f"aiosmtpd saw login {got['user']!r}")

    def send_wrong_password_to_scram_server(self, verifier, name):
        import aiosmtpd_peer
        controller, recorder = aiosmtpd_peer.start(
            {USER: PASSWORD}, handler=scram_recorder(verifier({USER: PASSWORD})))
        try:
            result = run([self.suite.binary, "send", "--server", f"127.0.0.1:{controller.port}",
                          "--from", "alice@example.net", "--to", "peer-to@example.org",
                          "--auth", "SCRAM-SHA-256", "--user", USER, "--password", "wrong",
                          "--timeout", "10"])
        finally:
            controller.stop()
        transcript = result.stdout.decode(errors="replace")
        check(result.returncode == 1, f"send exit {result.returncode}: {transcript[-400:]}")
        check("S: 535 5.7.8" in transcript, f"{name} did not refuse the proof: {transcript[-400:]}")
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
        for verifier, name in ((by_gsasl, "gsasl --server"),
                               (by_cyrus, "Cyrus sasl-sample-server")):
            for mechanism in MECHANISMS:
                cases.append((f"our send AUTH {mechanism} -> aiosmtpd + {name}",
                              lambda m=mechanism, v=verifier, n=name:
                              self.send_to_scram_server(m, v, n)))
            cases.append((f"our send AUTH SCRAM-SHA-256, wrong password -> 535 from {name}",
                          lambda v=verifier, n=name: self.send_wrong_password_to_scram_server(v, n)))
        return cases
