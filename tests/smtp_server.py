"""A real SMTP server on loopback that records what it accepts (aiosmtpd).

Used by the outbox's failure tests and by the email benchmark; also handy by
hand, to watch what the portal sends without a mail server:

    python -m tests.smtp_server 2525     # then EMAIL_URL=smtp://127.0.0.1:2525

The handler can be told to refuse: a script of replies for the next DATA
commands (``"421 4.3.0 Try again later"`` twice, then accept), a permanent
reply for every recipient (``"550 5.1.1 No such user"``) or for some
(``refuse``), a gate that holds every DATA command after the N-th accepted
message until it is opened again, or a delay before every DATA reply.
aiosmtpd is a test dependency: import this module only from tests and bench.
"""

import asyncio
import collections
import email
import email.parser
import email.policy
import errno
import logging
import socket
import sys
import threading
import time

from aiosmtpd.controller import Controller

# aiosmtpd logs every SMTP command at INFO; that is noise (and slow) here.
logging.getLogger("mail.log").setLevel(logging.WARNING)


def worker_command(*, hostname, concurrency, loglevel="INFO", beat_schedule=None):
    """The command line of a real ``celery worker`` for tests and the benchmark.

    Gossip, mingle and heartbeats are off: they only slow the start of a worker
    that lives for one test.
    """
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "cnca",
        "worker",
        "--loglevel",
        loglevel,
        "--pool",
        "prefork",
        "--concurrency",
        str(concurrency),
        "--hostname",
        hostname,
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
    if beat_schedule:
        command += ["--beat", "--schedule", str(beat_schedule)]
    return command


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


_HEADERS = email.parser.BytesHeaderParser()


class RecordingHandler:
    def __init__(self):
        self._lock = threading.Lock()
        self.accepted = []  # one dict per accepted message: message_id, subject, to
        self.refused = 0
        self.data_replies = collections.deque()  # replies for the next DATA commands
        self.rcpt_reply = None  # a reply for every RCPT TO instead of accepting it
        self.refuse = {}  # address -> reply for its RCPT TO; the others are accepted
        self.data_delay = 0.0  # seconds each DATA command takes before its reply
        self.gate = threading.Event()
        self.gate.set()
        self.hold_after = None  # close the gate once this many messages are accepted
        self.held = 0  # DATA commands waiting at the closed gate

    # --- aiosmtpd hooks ---------------------------------------------------------------

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            with self._lock:
                self.refused += 1
            return self.refuse[address]
        if self.rcpt_reply:
            with self._lock:
                self.refused += 1
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.data_delay:
            await asyncio.sleep(self.data_delay)
        with self._lock:
            reply = self.data_replies.popleft() if self.data_replies else None
            if reply:
                self.refused += 1
                return reply
        if not self.gate.is_set():
            with self._lock:
                self.held += 1
            try:
                while not self.gate.is_set():
                    # A client that dies meanwhile cancels this coroutine: its
                    # message is never accepted, as with a real mail server.
                    await asyncio.sleep(0.01)
            finally:
                with self._lock:
                    self.held -= 1
            if server.transport is None or server.transport.is_closing():
                return "421 4.4.2 Connection lost"
        headers = _HEADERS.parsebytes(envelope.content)  # cheap: the body stays bytes
        with self._lock:
            self.accepted.append(
                {
                    "message_id": str(headers.get("Message-ID", "")).strip(),
                    "subject": str(headers.get("Subject", "")),
                    "to": list(envelope.rcpt_tos),
                    "content": envelope.content,
                }
            )
            if self.hold_after is not None and len(self.accepted) >= self.hold_after:
                self.gate.clear()
                self.hold_after = None
        return "250 2.0.0 Message accepted for delivery"

    # --- For the tests ------------------------------------------------------------------

    def message(self, index):
        """The accepted message number ``index``, parsed."""
        with self._lock:
            content = self.accepted[index]["content"]
        return email.message_from_bytes(content, policy=email.policy.default)

    @property
    def count(self):
        with self._lock:
            return len(self.accepted)

    def message_ids(self):
        with self._lock:
            return collections.Counter(item["message_id"] for item in self.accepted)

    def duplicates(self):
        """How many accepted messages repeat a Message-ID accepted before."""
        return sum(n - 1 for n in self.message_ids().values() if n > 1)

    def wait_for(self, count, timeout=30.0):
        """Wait until at least ``count`` messages were accepted; True if they were."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.count >= count:
                return True
            time.sleep(0.02)
        return self.count >= count


class SMTPServer:
    """A started aiosmtpd server on 127.0.0.1 with a :class:`RecordingHandler`."""

    def __init__(self, port=None):
        self.handler = RecordingHandler()
        for _ in range(20):
            self.port = port or free_port()
            self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
            try:
                self.controller.start()
                break
            except OSError as exc:  # the port was taken between picking and binding
                if port or exc.errno != errno.EADDRINUSE:
                    raise
        else:
            raise RuntimeError("No free port for the test SMTP server.")

    @property
    def url(self):
        return f"smtp://127.0.0.1:{self.port}"

    def stop(self):
        self.handler.gate.set()
        self.controller.stop()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


if __name__ == "__main__":
    server = SMTPServer(int(sys.argv[1]) if len(sys.argv) > 1 else 2525)
    print(f"Recording SMTP server on {server.url}; Ctrl-C stops it.")
    try:
        while True:
            time.sleep(1)
            print(f"{server.handler.count} accepted", end="\r")
    except KeyboardInterrupt:
        server.stop()
