"""A real SMTP server on loopback for the mail tests (aiosmtpd), and its pytest fixture.

    from tests.smtp import smtp_server  # noqa: F401  (the fixture)

    def test_x(smtp_server):
        ...                                    # Django's SMTP backend now points at it
        smtp_server.fail_next(2)               # the next two DATA commands get "451"
        [received] = smtp_server.messages      # envelope + parsed message

The server runs in a thread of the test process; processes forked by a test reach it too
(they inherit the settings and connect over TCP).
"""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    message: EmailMessage
    raw: bytes = b""  # as received, for a stricter parse

    @property
    def key(self) -> str:
        """The outbox key the message was sent under (X-ESP-Outbox-Key)."""
        return str(self.message["X-ESP-Outbox-Key"])


class RecordingHandler:
    """Stores every accepted message; answers 451 to the first N DATA commands when told."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._messages: list[Received] = []
        self._failures_left = 0
        self.refused = 0

    def fail_next(self, count: int) -> None:
        with self._lock:
            self._failures_left = count

    @property
    def messages(self) -> list[Received]:
        with self._lock:
            return list(self._messages)

    def clear(self) -> None:
        with self._lock:
            self._messages.clear()

    async def handle_DATA(self, server, session, envelope) -> str:
        with self._lock:
            if self._failures_left > 0:
                self._failures_left -= 1
                self.refused += 1
                return "451 try again later"
            content = envelope.original_content or envelope.content
            if isinstance(content, str):
                content = content.encode("utf-8")
            self._messages.append(
                Received(
                    mail_from=envelope.mail_from,
                    rcpt_tos=tuple(envelope.rcpt_tos),
                    message=email.message_from_bytes(content, policy=email.policy.default),
                    raw=content,
                )
            )
        return "250 Message accepted for delivery"


def free_port() -> int:
    """A port nobody listens on right now (bound once with port 0, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpServer:
    """An aiosmtpd controller on 127.0.0.1 with a recording handler."""

    def __init__(self) -> None:
        self.handler = RecordingHandler()
        self.host = "127.0.0.1"
        self.port = 0
        self._controller: Controller | None = None

    def start(self) -> SmtpServer:
        last_error: Exception | None = None
        for _ in range(5):  # another process may take the port between probe and bind
            port = free_port()
            controller = Controller(self.handler, hostname=self.host, port=port, ready_timeout=5)
            try:
                controller.start()
            except Exception as exc:  # noqa: BLE001 - retried on another port
                last_error = exc
                continue
            self._controller, self.port = controller, port
            return self
        raise RuntimeError(f"could not start the SMTP server: {last_error}")

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def messages(self) -> list[Received]:
        return self.handler.messages

    def fail_next(self, count: int) -> None:
        self.handler.fail_next(count)

    def clear(self) -> None:
        self.handler.clear()


@contextmanager
def running_smtp_server():
    server = SmtpServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def smtp_server(settings):
    """A loopback SMTP server; Django's SMTP backend points at it for the test."""
    with running_smtp_server() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = server.host
        settings.EMAIL_PORT = server.port
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_USE_SSL = False
        settings.EMAIL_TIMEOUT = 10
        yield server
