#!/usr/bin/python3
"""A real SMTP server for the pack tests (Debian's python3-aiosmtpd).

    smtpd.py SPOOL [--user NAME] [--reject-rcpt ADDR] [--lifetime SECONDS]
               [--cert PEM --key PEM (--starttls | --smtps)] [--blackhole]

Listens on 127.0.0.1 on a free port chosen by the kernel (bound before the
port is published, so there is no race), writes the port to SPOOL/port when
ready, and stores each message it accepts as SPOOL/msg-N.eml (the exact
bytes received after SMTP dot-unstuffing) with SPOOL/msg-N.json holding the
envelope (mail_from, rcpt_tos, the AUTH login). With --user, AUTH is required
(without TLS: auth_require_tls=False, loopback only) and the password is read
from the environment variable ALLOT_TEST_SMTP_PASSWORD. --reject-rcpt makes
RCPT TO for that address fail with 550. --starttls offers and requires
STARTTLS (and AUTH only after it); --smtps speaks TLS from the first byte;
both use --cert/--key. --blackhole accepts connections and never says a
word (for timeouts). The envelope file records whether the session was TLS.
The server stops on SIGTERM/SIGINT or after --lifetime seconds (default
60), whichever comes first.
"""
import argparse
import asyncio
import json
import os
import signal
import socket
import ssl

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Handler:
    def __init__(self, spool, reject):
        self.spool = spool
        self.reject = reject
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.reject and address.lower() == self.reject.lower():
            return "550 5.1.1 <%s>: Recipient address rejected: no such user" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.spool, "msg-%d" % self.count)
        with open(base + ".eml", "wb") as f:
            f.write(envelope.original_content)
        login = session.auth_data.login if isinstance(session.auth_data, LoginPassword) else None
        tls = server.transport.get_extra_info("ssl_object")
        with open(base + ".json", "w") as f:
            json.dump({"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
                       "auth_login": login.decode() if login else None,
                       "tls": tls.version() if tls else None}, f)
        return "250 2.0.0 Ok: queued as allot-test-%d" % self.count


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("spool")
    ap.add_argument("--user")
    ap.add_argument("--reject-rcpt")
    ap.add_argument("--lifetime", type=float, default=60)
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--starttls", action="store_true")
    ap.add_argument("--smtps", action="store_true")
    ap.add_argument("--blackhole", action="store_true")
    args = ap.parse_args()
    password = os.environ.get("ALLOT_TEST_SMTP_PASSWORD", "")

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and args.user is not None
              and auth_data.login.decode() == args.user
              and auth_data.password.decode() == password)
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

    handler = Handler(args.spool, args.reject_rcpt)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)

    context = None
    if args.starttls or args.smtps:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.cert, args.key)
    tls = bool(context)

    def factory():
        options = {"hostname": "allot-test"}
        if args.starttls:
            options.update(tls_context=context, require_starttls=True)
        if args.user:
            options.update(authenticator=authenticate, auth_required=True,
                           auth_require_tls=tls)
        return SMTP(handler, **options)

    async def blackhole(reader, writer):
        await asyncio.sleep(args.lifetime)
        writer.close()

    async def serve():
        loop = asyncio.get_running_loop()
        stop = loop.create_future()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, lambda: stop.done() or stop.set_result(None))
        if args.blackhole:
            server = await asyncio.start_server(blackhole, sock=sock)
        else:
            server = await loop.create_server(factory, sock=sock,
                                              ssl=context if args.smtps else None)
        tmp = os.path.join(args.spool, "port.tmp")
        with open(tmp, "w") as f:
            f.write("%d\n" % sock.getsockname()[1])
        os.rename(tmp, os.path.join(args.spool, "port"))
        try:
            await asyncio.wait_for(stop, args.lifetime)
        except asyncio.TimeoutError:
            pass
        server.close()
        await server.wait_closed()

    asyncio.run(serve())


if __name__ == "__main__":
    main()
