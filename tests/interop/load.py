"""Load figures for `esmtp-playground serve`, printed, never asserted on speed (run by
scripts/load). Two runs:

  memory  4 clients at once, each one 10 MB message to 100 recipients; prints the
          server's peak RSS (VmHWM; target below 64 MB) and checks all 400 copies.
  load    50 clients at once x 200 messages each over one connection, against our
          server and against aiosmtpd storing into a Maildir; checks that 10,000
          messages were stored, none lost or duplicated, and prints each server's CPU
          time and the ratio.
"""

import argparse
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
from pathlib import Path

HOST = "127.0.0.1"
TIMEOUT = 120


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def cpu_seconds(pid):
    """User + system CPU time of a process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def peak_rss_mib(pid):
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024


def wait_for_port(port):
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port}")


class Ours:
    def __init__(self, binary, maildir, *extra):
        self.port = free_port()
        self.maildir = maildir
        self.process = subprocess.Popen(
            [binary, "serve", "--listen", f"{HOST}:{self.port}", "--maildir", str(maildir),
             "--local-domain", "example.org", *extra],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port)

    def stored_message_ids(self):
        ids = []
        for folder in self.maildir.iterdir():
            if folder.is_dir() and not folder.name.startswith("."):
                for path in folder.iterdir():
                    ids.append(message_id(path.read_bytes()))
        return ids

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


class Aiosmtpd:
    def __init__(self, python, maildir):
        self.port = free_port()
        self.maildir = maildir
        self.process = subprocess.Popen(
            [python, "-m", "aiosmtpd", "-n", "-l", f"{HOST}:{self.port}",
             "-c", "aiosmtpd.handlers.Mailbox", str(maildir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port)

    def stored_message_ids(self):
        return [message_id(path.read_bytes()) for path in (self.maildir / "new").iterdir()]

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


def message_id(octets):
    match = re.search(rb"Message-ID: <([^>]+)>", octets)
    return match.group(1).decode() if match else None


def run_clients(port, clients, send):
    errors = []

    def client(number):
        try:
            with smtplib.SMTP(HOST, port, timeout=TIMEOUT) as session:
                session.ehlo(f"client{number}.example.net")
                send(session, number)
                session.quit()
        except Exception as error:  # reported below, not raised in a thread
            errors.append(f"client {number}: {error!r}")

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.monotonic() - started, errors


def memory(args):
    work = Path(tempfile.mkdtemp(prefix="esmtp-memory-"))
    try:
        server = Ours(args.binary, work / "mail", "--max-connections", "16")
        recipients = [f"r{n}@example.org" for n in range(100)]
        line = b"x" * 98 + b"\r\n"
        body = line * (10_000_000 // len(line))

        def send(session, number):
            message = (f"From: a@example.net\r\nSubject: big {number}\r\n"
                       f"Message-ID: <big-{number}@load>\r\n\r\n").encode() + body
            session.sendmail("a@example.net", recipients, message)

        seconds, errors = run_clients(server.port, 4, send)
        peak = peak_rss_mib(server.process.pid)
        ids = server.stored_message_ids()
        server.stop()
        print(f"memory: 4 clients x 10 MB x 100 recipients in {seconds:.1f} s; "
              f"peak RSS of serve {peak:.1f} MiB (target < 64 MiB)")
        print(f"memory: {len(ids)} copies stored (expected 400), {len(errors)} client errors")
        for error in errors[:5]:
            print(f"  {error}")
        return len(ids) == 400 and not errors
    finally:
        shutil.rmtree(work, ignore_errors=True)


def load_against(server, clients, messages):
    def send(session, number):
        for index in range(messages):
            message = (f"From: a@example.net\r\nTo: b@example.org\r\n"
                       f"Subject: load {number}/{index}\r\n"
                       f"Message-ID: <c{number}-m{index}@load>\r\n\r\n"
                       f"Message {index} of client {number}.\r\n").encode()
            session.sendmail("a@example.net", ["b@example.org"], message)

    before = cpu_seconds(server.process.pid)
    seconds, errors = run_clients(server.port, clients, send)
    cpu = cpu_seconds(server.process.pid) - before
    ids = server.stored_message_ids()
    server.stop()
    expected = {f"c{c}-m{m}@load" for c in range(clients) for m in range(messages)}
    lost = len(expected - set(ids))
    duplicated = len(ids) - len(set(ids))
    return seconds, cpu, len(ids), lost, duplicated, errors


def load(args):
    clients, messages = args.clients, args.messages
    work = Path(tempfile.mkdtemp(prefix="esmtp-load-"))
    try:
        ok = True
        results = {}
        servers = [
            ("esmtp-playground", lambda: Ours(args.binary, work / "ours",
                                              "--max-connections", str(clients + 14),
                                              "--max-per-client", str(clients + 14))),
            ("aiosmtpd", lambda: Aiosmtpd(args.python, work / "aiosmtpd")),
        ]
        for name, start in servers:
            seconds, cpu, stored, lost, duplicated, errors = load_against(start(), clients, messages)
            results[name] = cpu
            print(f"load: {name}: {clients} clients x {messages} messages in {seconds:.1f} s, "
                  f"server CPU {cpu:.2f} s; {stored} stored, {lost} lost, "
                  f"{duplicated} duplicated, {len(errors)} client errors")
            for error in errors[:5]:
                print(f"  {error}")
            ok &= stored == clients * messages and lost == 0 and duplicated == 0 and not errors
        ratio = results["esmtp-playground"] / max(results["aiosmtpd"], 1e-9)
        print(f"load: CPU ours / aiosmtpd = {ratio:.2f}")
        return ok
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("run", choices=["memory", "load", "all"])
    parser.add_argument("--binary", required=True)
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--messages", type=int, default=200)
    args = parser.parse_args()
    ok = True
    if args.run in ("memory", "all"):
        ok &= memory(args)
    if args.run in ("load", "all"):
        ok &= load(args)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
