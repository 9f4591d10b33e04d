#!/usr/bin/env python3
"""A real SMTP server for the tests (aiosmtpd): writes each accepted message to DIR/NNNNNN.eml.

    python3 tests/smtp/server.py --port 2525 --dir /tmp/mail [--tls CERT KEY] [--user U --password P]

With --port 0 it takes a free loopback port itself (trying again if another process takes it first).

Recipients decide what happens, so tests can ask for each case:
  *tempfail*@…  refused once with 451 (a temporary failure), accepted the next time;
  *bounce*@…    refused with 550 (the address does not exist).
Prints "ready PORT" on standard output once it listens.
"""
import argparse
import asyncio
import os
import socket
import ssl
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, SMTP


class Handler:
    def __init__(self, directory):
        self.directory, self.count, self.tempfailed = directory, 0, set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if "bounce" in address:
            return "550 5.1.1 No such user here"
        if "tempfail" in address and address not in self.tempfailed:
            self.tempfailed.add(address)
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        path = os.path.join(self.directory, "%06d.eml" % self.count)
        with open(path + ".tmp", "wb") as f:
            f.write(("X-Envelope-From: %s\r\nX-Envelope-To: %s\r\nX-TLS: %s\r\n" % (
                envelope.mail_from, ",".join(envelope.rcpt_tos), "yes" if session.ssl else "no")).encode())
            f.write(envelope.original_content)
        os.rename(path + ".tmp", path)
        return "250 Message accepted for delivery"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(handler, port, kwargs):
    """Starts the server on `port`, or on a free port when it is 0: a port found free can be taken by another
    process before we bind it, so that case tries again."""
    for attempt in range(20):
        controller = Controller(handler, hostname="127.0.0.1", port=port or free_port(), **kwargs)
        try:
            controller.start()
            return controller
        except OSError:
            if port or attempt == 19:
                raise


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    parser.add_argument("--user")
    parser.add_argument("--password")
    args = parser.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    kwargs = {}
    if args.tls:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*args.tls)
        kwargs.update(tls_context=context, require_starttls=True)
    if args.user:
        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = auth_data.login.decode() == args.user and auth_data.password.decode() == args.password
            return AuthResult(success=ok, handled=False)
        kwargs.update(authenticator=authenticator, auth_required=True, auth_require_tls=bool(args.tls))
    controller = start(Handler(args.dir), args.port, kwargs)
    print("ready %d" % controller.port, flush=True)
    try:
        sys.stdin.read()          # runs until the test closes our standard input (or kills us)
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
