"""The interop suite: real SMTP peers against `esmtp-playground serve` and our `send`
against real servers, all on 127.0.0.1. Every case checks what the other side actually
did (the message as stored, byte for byte; the envelope; the replies), so it fails when
the peers disagree. Prints one line per case and ends with `N passed, M failed`.

Run through scripts/interop, which installs the peers and builds the binary:
    python run.py --binary target/release/esmtp-playground --node-dir tests/interop
"""

import argparse
import base64
import copy
import email.generator
import email.policy
import io
import json
import os
import re
import shutil
import smtplib
import socket
import subprocess
import sys
import tempfile
import threading
import time
from email.message import EmailMessage
from pathlib import Path

# Every client and subprocess is bounded in time.
TIMEOUT = 20
USER, PASSWORD = "tim", "tanstaaftanstaaf"
HOSTNAME = "mx.example.org"


class Skip(Exception):
    """The case cannot run here (e.g. AUTH not merged yet); never counted as passed."""


def check(condition, message):
    if not condition:
        raise AssertionError(message)


# ---------------------------------------------------------------- our server


class Served:
    """`esmtp-playground serve` on a free port with a temporary maildir."""

    def __init__(self, binary, log_path, extra=()):
        self.maildir = Path(tempfile.mkdtemp(prefix="esmtp-interop-"))
        self.log = open(log_path, "w", encoding="utf-8", errors="replace")
        self.process = subprocess.Popen(
            [binary, "serve", "--listen", "127.0.0.1:0", "--maildir", str(self.maildir),
             "--max-connections", "8", "--user", f"{USER}:{PASSWORD}", *extra],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace",
        )
        line = self.process.stdout.readline()
        while line.startswith("warning:") or line.startswith("esmtp-playground:"):
            self.log.write(line)
            line = self.process.stdout.readline()
        match = re.match(r"listening on (127\.0\.0\.1):(\d+)", line)
        if not match:
            self.stop()
            raise RuntimeError(f"serve did not start: {line!r}")
        self.host, self.port = match.group(1), int(match.group(2))
        self.log.write(line)
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self):
        for line in self.process.stdout:
            self.log.write(line)
        self.log.flush()

    def address(self):
        return f"{self.host}:{self.port}"

    def rss_kib(self):
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1))

    def stored(self, recipient):
        """Every copy stored for `recipient`, as bytes."""
        folder = self.maildir / recipient.lower()
        if not folder.is_dir():
            return []
        return [path.read_bytes() for path in sorted(folder.iterdir())]

    def stored_raw(self, folder):
        """Every copy in the maildir folder named `folder`, as bytes."""
        path = self.maildir / folder
        return [p.read_bytes() for p in sorted(path.iterdir())] if path.is_dir() else []

    def advertised_auth(self):
        """The mechanisms after AUTH in our EHLO reply (empty until AUTH merges)."""
        with smtplib.SMTP(self.host, self.port, timeout=TIMEOUT) as client:
            client.ehlo("probe.example.net")
            return set((client.esmtp_features.get("auth") or "").upper().split())

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.flush()
        shutil.rmtree(self.maildir, ignore_errors=True)


def without_received(stored, helo, protocol="ESMTP"):
    """Checks our trace header is first and names the client's EHLO and the protocol
    (ESMTP, or ESMTPA after AUTH: RFC 3848), then removes it."""
    text = stored.decode("utf-8", errors="replace")
    check(text.startswith(f"Received: from {helo} ([127.0.0.1])\r\n"),
          f"first header is not our Received: {text[:120]!r}")
    check(f"by {HOSTNAME} with {protocol} id " in text.split("\r\n\r\n", 1)[0],
          f"Received lacks 'by ... with {protocol} id'")
    lines = stored.split(b"\r\n")
    rest = 1
    while rest < len(lines) and lines[rest][:1] in (b" ", b"\t"):
        rest += 1
    return b"\r\n".join(lines[rest:])


def folder_name(recipient):
    """The maildir folder of `recipient`, as serve names it (src/native/maildir.rs): the
    domain lower-cased, every octet outside [a-z0-9@._+-] written %XX."""
    local, _, domain = recipient.rpartition("@")
    octets = f"{local}@{domain.lower()}".encode()
    plain = b"abcdefghijklmnopqrstuvwxyz0123456789@_+-."
    return "".join(chr(o) if o in plain and not (o == 0x2E and i == 0) else f"%{o:02X}"
                   for i, o in enumerate(octets))


def only_copy(served, recipient):
    copies = served.stored(recipient)
    check(len(copies) == 1, f"{recipient}: expected 1 stored copy, found {len(copies)}")
    return copies[0]


def run(args, stdin=None):
    return subprocess.run(args, input=stdin, capture_output=True, timeout=TIMEOUT)


# ---------------------------------------------------------------- messages


def swaks_message(to):
    """A message swaks sends verbatim with --data @file (LF endings; swaks sends CRLF)."""
    return (
        "From: Alice <alice@example.net>\n"
        f"To: {to}\n"
        "Subject: interop via swaks\n"
        "Date: Sat, 28 Nov 2026 09:00:00 +0000\n"
        f"Message-ID: <swaks-{to}>\n"
        "\n"
        "First line.\n"
        ".A line starting with a dot (swaks stuffs it, we unstuff it).\n"
        "\n"
        "  indented line\n"
        "Last line.\n"
    )


def crlf(text):
    return text.replace("\n", "\r\n").encode()


def write_temp(name, content):
    path = Path(tempfile.gettempdir()) / f"esmtp-interop-{os.getpid()}-{name}"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


def message_from_swaks_output(output):
    """The message swaks put on the wire: its ' -> ' lines after the 354, unstuffed."""
    message, in_data = [], False
    for line in output.decode("utf-8", errors="replace").splitlines():
        if line.startswith("<-  354"):
            in_data = True
        elif in_data and line.startswith(" -> "):
            text = line[4:]
            if text == ".":
                return "".join(message).encode()
            message.append((text[1:] if text.startswith(".") else text) + "\r\n")
    raise AssertionError("no complete DATA section in the swaks output")


def message_from_send_transcript(transcript):
    """The message our `send` put on the wire: its C: lines between 354 and the lone
    '.', with the dot-stuffing undone (C~/S~ when the session is encrypted)."""
    message, in_data = [], False
    for line in transcript.splitlines():
        if line.startswith(("S: 354", "S~ 354")):
            in_data = True
        elif in_data and line.startswith(("C: ", "C~ ")):
            text = line[3:]
            if text == ".":
                return "".join(message).encode()
            message.append((text[1:] if text.startswith(".") else text) + "\r\n")
    raise AssertionError("no complete DATA section in the send transcript")


# ---------------------------------------------------------------- the cases


class Suite:
    def __init__(self, binary, node_dir, work):
        self.binary = binary
        self.node_dir = node_dir
        self.work = work
        self.served = None
        self.server_mechanisms = set()
        self.client_auth = False

    # --- swaks against serve

    def swaks(self, *extra, to):
        data = write_temp(f"swaks-{to}", swaks_message(to))
        result = run(["swaks", "--server", self.served.address(), "--from", "alice@example.net",
                      "--to", to, "--helo", "swaks.example.net", "--data", f"@{data}",
                      "--timeout", "10", *extra])
        return result, data.read_bytes()

    def case_swaks_plain(self):
        to = "swaks-plain@example.org"
        result, data = self.swaks(to=to)
        check(result.returncode == 0, f"swaks exit {result.returncode}: {result.stdout[-400:]!r}")
        stored = without_received(only_copy(self.served, to), "swaks.example.net")
        sent = message_from_swaks_output(result.stdout)
        check(stored == sent, f"stored message differs from what swaks sent:\n{stored!r}\n{sent!r}")
        # swaks always writes CRLF before the final ".", so a file ending in a line feed
        # gains one empty line: the message really sent ends with an empty line.
        check(sent == crlf(data.decode()) + b"\r\n", "swaks sent something else than the file")
        check(b"<-  250 2.0.0 Ok: queued as" in result.stdout, "swaks did not see 250 queued")

    def case_swaks_pipelined(self):
        to = "swaks-pipe@example.org"
        result, _ = self.swaks("--pipeline", to=f"{to},swaks-pipe2@example.org")
        check(result.returncode == 0, f"swaks exit {result.returncode}: {result.stdout[-400:]!r}")
        # With PIPELINING offered swaks writes MAIL, RCPT, RCPT, DATA in one go and then
        # reads the four replies; it prints the commands together, then the replies.
        check(b"<-  250-PIPELINING" in result.stdout, "PIPELINING not advertised")
        check(re.search(rb" -> MAIL FROM:<alice@example.net>\r?\n -> RCPT TO:<swaks-pipe@example.org>"
                        rb"\r?\n -> RCPT TO:<swaks-pipe2@example.org>\r?\n -> DATA\r?\n<-  250 2.1.0",
                        result.stdout) is not None,
              f"swaks did not pipeline MAIL/RCPT/RCPT/DATA: {result.stdout[:900]!r}")
        sent = message_from_swaks_output(result.stdout)
        first = without_received(only_copy(self.served, to), "swaks.example.net")
        second = without_received(only_copy(self.served, "swaks-pipe2@example.org"), "swaks.example.net")
        check(first == second == sent, "pipelined copies differ from the data sent")

    def case_swaks_quit_after_rcpt(self):
        to = "swaks-quit@example.org"
        result, _ = self.swaks("--quit-after", "RCPT", to=to)
        check(result.returncode == 0, f"swaks exit {result.returncode}")
        out = result.stdout
        check(b"<-  250 2.1.5" in out, f"RCPT not accepted: {out[-300:]!r}")
        check(b" -> DATA" not in out, "swaks sent DATA despite --quit-after RCPT")
        check(b"<-  221 2.0.0" in out, "QUIT not answered with 221")
        check(self.served.stored(to) == [], "a message was stored without DATA")

    # --- curl against serve

    def case_curl_two_recipients(self):
        body = crlf("From: curl <curl@example.net>\nTo: a, b\nSubject: interop via curl\n\n"
                    "Body line.\n.dot line\n")
        path = write_temp("curl.eml", body)
        result = run(["curl", "-sS", "--max-time", "10",
                      f"smtp://{self.served.address()}/curl.example.net",
                      "--mail-from", "curl@example.net",
                      "--mail-rcpt", "curl-a@example.org", "--mail-rcpt", "curl-b@example.org",
                      "--upload-file", str(path)])
        check(result.returncode == 0, f"curl exit {result.returncode}: {result.stderr!r}")
        for to in ("curl-a@example.org", "curl-b@example.org"):
            stored = without_received(only_copy(self.served, to), "curl.example.net")
            check(stored == body, f"{to}: stored differs from the uploaded file:\n{stored!r}")

    def case_curl_bare_lf_refused(self):
        # curl uploads the file as is; with LF-only lines that is bare LF on the wire,
        # which RFC 5321 §2.3.8 forbids. We refuse the message (550); curl's --crlf fixes it.
        body = b"Subject: bare LF\n\nline one\nline two\n"
        path = write_temp("curl-lf.eml", body)
        base = ["curl", "-sS", "--max-time", "10", f"smtp://{self.served.address()}/curl.example.net",
                "--mail-from", "curl@example.net", "--upload-file", str(path)]
        refused = run(base + ["--mail-rcpt", "curl-lf@example.org", "-v"])
        # curl reports any non-250 after the data as "Weird server reply" (exit 8).
        check(refused.returncode != 0 and b"< 550 5.5.2 " in refused.stderr,
              f"bare LF not refused: exit {refused.returncode} {refused.stderr[-300:]!r}")
        check(self.served.stored("curl-lf@example.org") == [], "a bare-LF message was stored")
        fixed = run(base + ["--mail-rcpt", "curl-crlf@example.org", "--crlf"])
        check(fixed.returncode == 0, f"curl --crlf exit {fixed.returncode}: {fixed.stderr!r}")
        stored = without_received(only_copy(self.served, "curl-crlf@example.org"), "curl.example.net")
        check(stored == body.replace(b"\n", b"\r\n"), f"--crlf copy differs: {stored!r}")

    # --- smtplib against serve

    def case_smtplib_bcc_8bit(self):
        message = EmailMessage()
        message["From"] = "Alice <alice@example.net>"
        message["To"] = "py-to@example.org"
        message["Cc"] = "py-cc@example.org"
        message["Bcc"] = "py-bcc@example.org"
        message["Subject"] = "interop via smtplib"
        message.set_content("Grüße aus Köln — 8-bit ✓\n.leading dot\n", cte="8bit")
        with smtplib.SMTP(self.served.host, self.served.port, local_hostname="py.example.net",
                          timeout=TIMEOUT) as client:
            # RFC 6152 §3: 8-bit content must be declared; smtplib does not do it itself.
            refused = client.send_message(message, mail_options=["BODY=8BITMIME"])
        check(refused == {}, f"refused recipients: {refused}")
        expected = copy.copy(message)
        del expected["Bcc"]
        buffer = io.BytesIO()
        email.generator.BytesGenerator(buffer).flatten(expected, linesep="\r\n")
        expected = buffer.getvalue()
        for to in ("py-to@example.org", "py-cc@example.org", "py-bcc@example.org"):
            stored = without_received(only_copy(self.served, to), "py.example.net")
            check(b"Bcc" not in stored and b"py-bcc" not in stored, f"{to}: Bcc leaked")
            check("Grüße".encode() in stored, f"{to}: 8-bit body not kept as 8-bit")
            check(stored == expected, f"{to}: stored differs from what smtplib sent:\n{stored!r}\n{expected!r}")

    # --- SMTPUTF8 (RFC 6531) against serve

    def case_smtplib_smtputf8(self):
        """smtplib sees SMTPUTF8 offered and, for a message with UTF-8 addresses, says
        SMTPUTF8 (and BODY=8BITMIME) itself; the UTF-8 header fields arrive as sent."""
        message = EmailMessage(policy=email.policy.SMTPUTF8)
        message["From"] = "Jörg <jörg@bücher.example>"
        message["To"] = "用户@example.org, py-utf8@example.org"
        message["Subject"] = "Grüße über SMTPUTF8"
        message.set_content("Hallo 用户,\nthe addresses are UTF-8.\n", cte="8bit")
        with smtplib.SMTP(self.served.host, self.served.port, local_hostname="py.example.net",
                          timeout=TIMEOUT) as client:
            client.ehlo()
            check(client.has_extn("smtputf8"), "serve did not offer SMTPUTF8")
            refused = client.send_message(message)
        check(refused == {}, f"refused recipients: {refused}")
        buffer = io.BytesIO()
        email.generator.BytesGenerator(buffer, policy=message.policy.clone(utf8=True)).flatten(
            message, linesep="\r\n")
        expected = buffer.getvalue()
        for to in ("用户@example.org", "py-utf8@example.org"):
            copies = self.served.stored_raw(folder_name(to))
            check(len(copies) == 1, f"{to}: expected 1 stored copy, found {len(copies)}")
            stored = without_received(copies[0], "py.example.net", protocol="UTF8SMTP")
            check(stored == expected, f"{to}: stored differs from what smtplib sent:\n{stored!r}\n{expected!r}")

    def case_smtplib_utf8_without_parameter(self):
        """A UTF-8 sender on a MAIL FROM without SMTPUTF8 gets 553 5.6.7 (RFC 6531 §3.5);
        with it, 250."""
        with smtplib.SMTP(self.served.host, self.served.port, local_hostname="py.example.net",
                          timeout=TIMEOUT) as client:
            client.ehlo()
            client.command_encoding = "utf-8"
            code, text = client.docmd("MAIL FROM:<jörg@bücher.example>")
            check((code, text[:5]) == (553, b"5.6.7"), f"without SMTPUTF8: {code} {text!r}")
            code, text = client.docmd("MAIL FROM:<jörg@bücher.example> SMTPUTF8=YES")
            check(code == 501, f"SMTPUTF8 with a value: {code} {text!r}")
            code, text = client.docmd("MAIL FROM:<jörg@bücher.example> SMTPUTF8")
            check(code == 250, f"with SMTPUTF8: {code} {text!r}")

    def case_swaks_utf8_sender_refused(self):
        """swaks (no SMTPUTF8 option) sends a UTF-8 --from as is: 553 5.6.7, and nothing
        is stored."""
        to = "swaks-utf8@example.org"
        result, _ = self.swaks("--from", "jörg@bücher.example", to=to)
        out = result.stdout
        check(result.returncode != 0, "swaks reported success for a refused sender")
        check(" -> MAIL FROM:<jörg@bücher.example>".encode() in out,
              f"swaks did not send the UTF-8 address as is: {out[:600]!r}")
        check(b"<** 553 5.6.7 " in out, f"no 553 5.6.7 for the UTF-8 sender: {out[-600:]!r}")
        check(self.served.stored(to) == [], "a message was stored")

    # --- DSN parameters (RFC 3461) from smtplib; swaks 20201014 has no DSN options

    def case_smtplib_dsn(self):
        config = self.work / "dsn-config.json"
        config.write_text(json.dumps({"extensions": {"dsn": True}}))
        served = Served(self.binary, self.work / "serve-dsn.log", ("--config", str(config)))
        try:
            to = "py-dsn@example.org"
            with smtplib.SMTP(served.host, served.port, local_hostname="py.example.net",
                              timeout=TIMEOUT) as client:
                client.ehlo()
                check(client.has_extn("dsn"), "DSN not offered with extensions.dsn on")
                code, _ = client.mail("alice@example.net", ["RET=HDRS", "RET=FULL"])
                check(code == 501, f"repeated RET= answered {code}")
                code, _ = client.mail("alice@example.net", ["RET=HDRS", "ENVID=QQ+2B314"])
                check(code == 250, f"MAIL with RET/ENVID answered {code}")
                code, _ = client.rcpt(to, ["NOTIFY=NEVER,SUCCESS"])
                check(code == 501, f"NOTIFY=NEVER,SUCCESS answered {code}")
                code, _ = client.rcpt(to, ["NOTIFY=SUCCESS,FAILURE", "ORCPT=rfc822;Py+2Bdsn@example.org"])
                check(code == 250, f"RCPT with NOTIFY/ORCPT answered {code}")
                code, _ = client.data(b"Subject: dsn via smtplib\r\n\r\nhello\r\n")
                check(code == 250, f"DATA answered {code}")
            lines = [json.loads(line) for line in (served.maildir / "index.jsonl").read_text().splitlines()]
            dsn = [line["dsn"] for line in lines if line["recipient"] == to]
            check(len(dsn) == 1, f"index lines for {to}: {lines}")
            check(dsn[0]["ret"] == "HDRS" and dsn[0]["envid"] == "QQ+314", f"stored {dsn[0]}")
            check(dsn[0]["notify"] == "SUCCESS,FAILURE", f"stored {dsn[0]}")
            check(dsn[0]["orcpt"] == {"addrType": "rfc822", "address": "Py+dsn@example.org"}, f"stored {dsn[0]}")
        finally:
            served.stop()
        with smtplib.SMTP(self.served.host, self.served.port, local_hostname="py.example.net",
                          timeout=TIMEOUT) as client:
            client.ehlo()
            check(not client.has_extn("dsn"), "DSN offered by default")
            code, _ = client.mail("alice@example.net", ["RET=HDRS"])
            check(code == 555, f"RET= without DSN answered {code}")

    # --- garbage and a 10 MB line over TCP

    def case_garbage_and_10mb_line(self):
        before = self.served.rss_kib()
        # 30 lines of random junk: each answered 500/501, then 421 after the error limit.
        junk = b"".join(os.urandom(100).replace(b"\n", b"?") + b"\r\n" for _ in range(30))
        garbage = socket.create_connection((self.served.host, self.served.port), timeout=TIMEOUT)
        garbage.sendall(junk)
        answers = b""
        while data := garbage.recv(65536):
            answers += data
        garbage.close()
        check(answers.startswith(b"220 ") and re.search(rb"\r\n50[01] 5\.5\.\d ", answers),
              f"junk not answered with 500/501: {answers[:200]!r}")
        check(answers.endswith(b"\r\n") and b"\r\n421 4.7.0 " in answers,
              f"no 421 after too many errors: {answers[-200:]!r}")
        # And 1 MB of raw random octets, not even read back.
        noise = socket.create_connection((self.served.host, self.served.port), timeout=TIMEOUT)
        try:
            noise.sendall(os.urandom(1 << 20))
        except OSError:
            pass  # the server closed after too many errors: expected
        noise.close()

        long = socket.create_connection((self.served.host, self.served.port), timeout=TIMEOUT)
        check(long.recv(512).startswith(b"220 "), "no greeting")
        long.sendall(b"EHLO long.example.net\r\n")
        chunk = b"A" * (1 << 20)
        for part in range(10):
            long.sendall(chunk)
            if part == 5:
                self.check_other_connection_answers()
        middle = self.served.rss_kib()
        long.sendall(b"\r\nNOOP\r\nQUIT\r\n")
        replies = b""
        while True:
            data = long.recv(65536)
            if not data:
                break
            replies += data
        long.close()
        after = self.served.rss_kib()
        self.figures = f"VmRSS before {before} KiB, during {middle} KiB, after {after} KiB"
        check(b"500 5.5.2 Line too long\r\n250 2.0.0" in replies, f"no 500 then 250: {replies[-300:]!r}")
        check(replies.endswith(b"221 2.0.0 mx.example.org closing connection\r\n"), "no 221")
        check(max(middle, after) - before < 20 * 1024, f"memory grew: {self.figures}")

    def check_other_connection_answers(self):
        with smtplib.SMTP(self.served.host, self.served.port, timeout=TIMEOUT) as client:
            code, _ = client.noop()
            check(code == 250, f"other connection got {code} to NOOP")

    # --- our send against aiosmtpd and smtp-server

    def our_send(self, server, *extra):
        result = run([self.binary, "send", "--server", server, "--from", "alice@example.net",
                      "--to", "peer-to@example.org", "--cc", "peer-cc@example.org",
                      "--bcc", "peer-bcc@example.org", "--subject", "interop: our client",
                      "--helo", "client.example.net", "--timeout", "10", *extra,
                      "--body", "Hello peer.\n.A dot line.\nLast line.\n"])
        transcript = result.stdout.decode("utf-8", errors="replace")
        check(result.returncode == 0,
              f"send exit {result.returncode}: {result.stderr!r}\n{transcript[-600:]}")
        return message_from_send_transcript(transcript), transcript

    def aiosmtpd_case(self, *auth):
        import aiosmtpd_peer
        controller, recorder = aiosmtpd_peer.start({USER: PASSWORD})
        try:
            sent, _ = self.our_send(f"127.0.0.1:{controller.port}", *auth)
        finally:
            controller.stop()
        check(len(recorder.envelopes) == 1, f"aiosmtpd got {len(recorder.envelopes)} messages")
        got = recorder.envelopes[0]
        check(got["from"] == "alice@example.net", f"MAIL FROM {got['from']!r}")
        check(got["to"] == ["peer-to@example.org", "peer-cc@example.org", "peer-bcc@example.org"],
              f"RCPT TO {got['to']!r}")
        check(got["raw"] == sent, f"aiosmtpd received other octets:\n{got['raw']!r}\n{sent!r}")
        check(b"peer-bcc" not in got["raw"], "Bcc leaked into the header")
        if auth:
            check(got["user"] == USER, f"aiosmtpd saw login {got['user']!r}")

    def smtp_server_case(self, *auth, peer_args=()):
        """Our send to nodemailer's smtp-server (`peer_args` go to smtp_server_peer.js,
        e.g. its TLS certificate); returns what it recorded and our transcript."""
        node = subprocess.Popen(["node", str(self.node_dir / "smtp_server_peer.js"),
                                 *peer_args, f"{USER}:{PASSWORD}"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            first = node.stdout.readline()
            check(first.startswith("listening "), f"smtp-server did not start: {first!r}")
            port = int(first.split()[1])
            sent, transcript = self.our_send(f"127.0.0.1:{port}", *auth)
        finally:
            node.terminate()
            rest, errors = node.communicate(timeout=TIMEOUT)
        records = [json.loads(line) for line in rest.splitlines() if line.strip()]
        check(len(records) == 1, f"smtp-server got {len(records)} messages; stderr {errors[-300:]!r}")
        got = records[0]
        raw = base64.b64decode(got["raw"])
        check(got["from"] == "alice@example.net", f"MAIL FROM {got['from']!r}")
        check(got["to"] == ["peer-to@example.org", "peer-cc@example.org", "peer-bcc@example.org"],
              f"RCPT TO {got['to']!r}")
        check(raw == sent, f"smtp-server received other octets:\n{raw!r}\n{sent!r}")
        if auth:
            check(got["user"] == USER, f"smtp-server saw user {got['user']!r}")
        return got, transcript

    def case_send_to_aiosmtpd(self):
        self.aiosmtpd_case()

    def case_send_to_smtp_server(self):
        self.smtp_server_case()

    # --- AUTH cases: written now, run once the server advertises AUTH / the client has it

    def need_server_mechanism(self, mechanism):
        if mechanism not in self.server_mechanisms:
            raise Skip(f"serve does not advertise AUTH {mechanism}")

    def need_client_auth(self):
        if not self.client_auth:
            raise Skip("our send has no --auth yet")

    def swaks_auth(self, mechanism):
        self.need_server_mechanism(mechanism)
        to = f"swaks-auth-{mechanism.lower()}@example.org"
        result, data = self.swaks("--auth", mechanism, "--auth-user", USER,
                                  "--auth-password", PASSWORD, to=to)
        check(result.returncode == 0, f"swaks exit {result.returncode}: {result.stdout[-400:]!r}")
        check(b"<-  235 2.7.0" in result.stdout, "no 235 after AUTH")
        stored = only_copy(self.served, to)
        check(b"with ESMTPA id" in stored, "Received does not say ESMTPA (RFC 3848)")
        wrong = run(["swaks", "--server", self.served.address(), "--from", "alice@example.net",
                     "--to", to, "--auth", mechanism, "--auth-user", USER,
                     "--auth-password", "wrong", "--quit-after", "AUTH", "--timeout", "10"])
        check(wrong.returncode != 0 and b"<** 535 5.7.8" in wrong.stdout,
              f"a wrong password was not refused with 535 5.7.8: {wrong.stdout[-300:]!r}")

    def curl_auth(self, mechanism):
        self.need_server_mechanism(mechanism)
        to = f"curl-auth-{mechanism.lower()}@example.org"
        body = crlf("Subject: curl AUTH\n\nBody.\n")
        path = write_temp(f"curl-{mechanism}.eml", body)
        base = ["curl", "-sS", "--max-time", "10", f"smtp://{self.served.address()}/curl.example.net",
                "--mail-from", "curl@example.net", "--mail-rcpt", to, "--upload-file", str(path),
                "--login-options", f"AUTH={mechanism}"]
        result = run(base + ["--user", f"{USER}:{PASSWORD}"])
        check(result.returncode == 0, f"curl exit {result.returncode}: {result.stderr!r}")
        check(without_received(only_copy(self.served, to), "curl.example.net", "ESMTPA") == body,
              "body differs")
        wrong = run(base + ["--user", f"{USER}:wrong"])
        check(wrong.returncode == 67, f"wrong password: curl exit {wrong.returncode} (67 = login denied)")

    def smtplib_auth(self, mechanism, initial_response_ok=True):
        self.need_server_mechanism(mechanism)
        method = {"PLAIN": "auth_plain", "LOGIN": "auth_login", "CRAM-MD5": "auth_cram_md5"}[mechanism]
        with smtplib.SMTP(self.served.host, self.served.port, timeout=TIMEOUT) as client:
            client.ehlo("py.example.net")
            client.user, client.password = USER, PASSWORD
            code, _ = client.auth(mechanism, getattr(client, method),
                                  initial_response_ok=initial_response_ok)
            check(code == 235, f"AUTH {mechanism}: {code}")
        with smtplib.SMTP(self.served.host, self.served.port, timeout=TIMEOUT) as client:
            client.ehlo("py.example.net")
            client.user, client.password = USER, "wrong"
            try:
                client.auth(mechanism, getattr(client, method), initial_response_ok=initial_response_ok)
                raise AssertionError("a wrong password was accepted")
            except smtplib.SMTPAuthenticationError as error:
                check(error.smtp_code == 535, f"wrong password answered {error.smtp_code}")

    def cases(self):
        """(name, function) in running order."""
        plain = [
            ("swaks plain send, byte-for-byte", self.case_swaks_plain),
            ("swaks --pipeline, 2 recipients", self.case_swaks_pipelined),
            ("swaks --quit-after RCPT", self.case_swaks_quit_after_rcpt),
            ("curl smtp:// 2 recipients --upload-file", self.case_curl_two_recipients),
            ("curl bare-LF upload refused, --crlf accepted", self.case_curl_bare_lf_refused),
            ("smtplib send_message To/Cc/Bcc 8-bit", self.case_smtplib_bcc_8bit),
            ("smtplib SMTPUTF8 UTF-8 addresses, byte-for-byte", self.case_smtplib_smtputf8),
            ("smtplib UTF-8 MAIL FROM: 553 5.6.7 / 501 / 250", self.case_smtplib_utf8_without_parameter),
            ("swaks UTF-8 --from without SMTPUTF8: 553 5.6.7", self.case_swaks_utf8_sender_refused),
            ("smtplib DSN parameters: 501s, stored, 555 without DSN", self.case_smtplib_dsn),
            ("our send -> aiosmtpd", self.case_send_to_aiosmtpd),
            ("our send -> smtp-server", self.case_send_to_smtp_server),
            ("garbage + 10 MB line: other connection served, RSS flat", self.case_garbage_and_10mb_line),
        ]
        auth = []
        for mechanism in ("PLAIN", "LOGIN", "CRAM-MD5", "DIGEST-MD5"):
            auth.append((f"swaks AUTH {mechanism}", lambda m=mechanism: self.swaks_auth(m)))
        for mechanism in ("PLAIN", "LOGIN", "CRAM-MD5", "DIGEST-MD5"):
            auth.append((f"curl AUTH={mechanism}", lambda m=mechanism: self.curl_auth(m)))
        for mechanism in ("PLAIN", "LOGIN", "CRAM-MD5"):
            auth.append((f"smtplib login {mechanism}", lambda m=mechanism: self.smtplib_auth(m)))
        for mechanism in ("PLAIN", "LOGIN"):
            auth.append((f"smtplib {mechanism} without initial response",
                         lambda m=mechanism: self.smtplib_auth(m, initial_response_ok=False)))
        for mechanism in ("PLAIN", "LOGIN"):
            auth.append((f"our send AUTH {mechanism} -> aiosmtpd",
                         lambda m=mechanism: (self.need_client_auth(), self.aiosmtpd_case(
                             "--auth", m, "--user", USER, "--password", PASSWORD))))
        for mechanism in ("PLAIN", "LOGIN", "CRAM-MD5"):
            auth.append((f"our send AUTH {mechanism} -> smtp-server",
                         lambda m=mechanism: (self.need_client_auth(), self.smtp_server_case(
                             "--auth", m, "--user", USER, "--password", PASSWORD))))
        return plain + auth

    def probe_client_auth(self):
        """Usage error (2) = no AUTH in our client; connect error (3) = flags accepted."""
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            closed = probe.getsockname()[1]
        result = run([self.binary, "send", "--server", f"127.0.0.1:{closed}", "--from",
                      "a@example.net", "--to", "b@example.org", "--auth", "PLAIN",
                      "--user", "u", "--password", "p", "--timeout", "2"])
        return result.returncode != 2

    def run(self):
        from scram_cases import ScramCases
        from tls_cases import TlsCases
        self.served = Served(self.binary, self.work / "serve.log")
        tls = TlsCases(self)
        scram = ScramCases(self)
        results = []
        try:
            self.server_mechanisms = self.served.advertised_auth()
            self.client_auth = self.probe_client_auth()
            print(f"serve on {self.served.address()}; AUTH advertised: "
                  f"{' '.join(sorted(self.server_mechanisms)) or 'none'}; "
                  f"send --auth: {'yes' if self.client_auth else 'not yet'}", flush=True)
            for name, function in self.cases() + tls.cases() + scram.cases():
                self.figures = None
                started = time.monotonic()
                try:
                    function()
                    outcome, detail = "PASS", ""
                except Skip as skip:
                    outcome, detail = "SKIP", str(skip)
                except Exception as error:  # noqa: BLE001 - any error fails the case
                    outcome, detail = "FAIL", f"{type(error).__name__}: {error}"
                elapsed = time.monotonic() - started
                line = f"{outcome}  {name}  ({elapsed:.2f} s)"
                if self.figures:
                    line += f"  [{self.figures}]"
                if detail:
                    line += f"\n      {detail}"
                print(line, flush=True)
                results.append(outcome)
        finally:
            self.served.stop()
            tls.stop()
            scram.stop()
        passed, failed, skipped = (results.count(k) for k in ("PASS", "FAIL", "SKIP"))
        if failed:
            print(f"server transcript: {self.work / 'serve.log'}")
        print(f"{skipped} skipped (not counted)")
        print(f"{passed} passed, {failed} failed")
        return 1 if failed else 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--node-dir", required=True, type=Path)
    parser.add_argument("--work", default="target/interop", type=Path)
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(Path(__file__).parent))
    return Suite(os.path.abspath(args.binary), args.node_dir.resolve(), args.work).run()


if __name__ == "__main__":
    sys.exit(main())
