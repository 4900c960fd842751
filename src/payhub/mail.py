"""Email: PayHub sends through SMTP (`PAYHUB_SMTP_URL`), and `payhub mail-sink` is a local SMTP server that keeps
every message it receives as a file, for `make run` and the tests.

- `PAYHUB_SMTP_URL`: `smtp://[user:password@]host[:port]` (plain, or STARTTLS with `?starttls=true`) or
  `smtps://…` (TLS from the start). `PAYHUB_MAIL_FROM` is the sender (default `PayHub <no-reply@localhost>`).
  Unset: nothing is sent and a warning is logged (without the message, which may hold a sign-in link).
- `Mailer.send(to, subject, text)` hands the message to a background thread and returns at once: a request that
  sends mail takes as long as one that does not (the portal answers a known and an unknown email alike).
- `MailSink(directory, port)`: an aiosmtpd server on 127.0.0.1 that writes each message to
  `<directory>/<n>.eml` (written whole, then renamed into place); `messages(directory)` reads them back as
  `email.message.EmailMessage` in arrival order."""

from __future__ import annotations

import smtplib
import ssl
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default as default_policy
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import structlog

log = structlog.get_logger(__name__)

DEFAULT_FROM = "PayHub <no-reply@localhost>"
TIMEOUT_S = 15.0


def build_message(sender: str, to: str, subject: str, text: str) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, subject
    message.set_content(text)
    return message


def deliver(smtp_url: str, message: EmailMessage) -> None:
    """Send one message now through the SMTP server of `smtp_url` (raises on failure)."""
    url = urlsplit(smtp_url)
    if url.scheme not in ("smtp", "smtps"):
        raise ValueError("PAYHUB_SMTP_URL must be smtp://… or smtps://…")
    host = url.hostname or "localhost"
    starttls = parse_qs(url.query).get("starttls", ["false"])[0].lower() in ("1", "true", "yes")
    smtp: smtplib.SMTP
    if url.scheme == "smtps":
        smtp = smtplib.SMTP_SSL(host, url.port or 465, timeout=TIMEOUT_S, context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(host, url.port or 25, timeout=TIMEOUT_S)
    with smtp:
        if starttls:
            smtp.starttls(context=ssl.create_default_context())
        if url.username:
            smtp.login(unquote(url.username), unquote(url.password or ""))
        smtp.send_message(message)


class Mailer:
    """Sends in the background (one worker thread); `sent` counts deliveries, `failed` failures."""

    def __init__(self, smtp_url: str | None, sender: str = DEFAULT_FROM,
                 deliver_with: Callable[[str, EmailMessage], None] = deliver) -> None:
        self.smtp_url = (smtp_url or "").strip() or None
        self.sender = sender
        self._deliver = deliver_with
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="payhub-mail")
        self.sent = 0
        self.failed = 0

    def send(self, to: str, subject: str, text: str) -> Future[None] | None:
        if self.smtp_url is None:
            log.warning("mail.not_configured", subject=subject,
                        message="PAYHUB_SMTP_URL is not set: the email was not sent")
            return None
        return self._pool.submit(self._send, build_message(self.sender, to, subject, text))

    def _send(self, message: EmailMessage) -> None:
        assert self.smtp_url is not None
        try:
            self._deliver(self.smtp_url, message)
            self.sent += 1
        except Exception as error:  # a mail failure never fails the request that sent it
            self.failed += 1
            log.warning("mail.failed", subject=str(message["Subject"]), error=f"{type(error).__name__}: {error}")

    def flush(self) -> None:
        """Wait until every message handed over so far is sent (or failed): one worker, first in first out."""
        self._pool.submit(lambda: None).result()

    def close(self) -> None:
        self._pool.shutdown(wait=True)


# --- the sink ---
class _Store:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        data = envelope.original_content or envelope.content
        with self.lock:
            number = len(list(self.directory.glob("*.eml"))) + 1
            part = self.directory / f".{number:06d}.part"
            part.write_bytes(data if isinstance(data, bytes) else str(data).encode())
            part.rename(self.directory / f"{number:06d}.eml")
        return "250 Message accepted"


class MailSink:
    """A local SMTP server keeping messages as files. `port=0` picks a free port (see `.port` after start)."""

    def __init__(self, directory: Path, port: int = 0, host: str = "127.0.0.1") -> None:
        self.directory = directory
        self.host = host
        self.port = port
        self._controller: Any = None

    @property
    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}"

    def start(self) -> MailSink:
        from aiosmtpd.controller import Controller  # here: `payhub --help` never imports it

        self.directory.mkdir(parents=True, exist_ok=True)
        if self.port == 0:
            import socket

            with socket.socket() as probe:
                probe.bind((self.host, 0))
                self.port = int(probe.getsockname()[1])
        self._controller = Controller(_Store(self.directory), hostname=self.host, port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def messages(self) -> list[EmailMessage]:
        return messages(self.directory)


def messages(directory: Path) -> list[EmailMessage]:
    parser = BytesParser(policy=default_policy)
    found = []
    for path in sorted(directory.glob("*.eml")):
        parsed = parser.parsebytes(path.read_bytes())
        assert isinstance(parsed, EmailMessage)
        found.append(parsed)
    return found
