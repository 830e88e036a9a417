"""A real SMTP server on 127.0.0.1 that receives the mail, and helpers to read it and follow its links."""

import asyncio
import email
import email.policy
import re
import socket
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller

from omvarld.demo.loader import load_demo

MINI = Path(__file__).resolve().parents[2] / "demo" / "tests" / "mini.yaml"


class Inbox:
    """aiosmtpd handler: keeps every accepted message; can refuse addresses or pause mid-run."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.raw: list[bytes] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.refuse: dict[str, str] = {}
        self.pause_at: int | None = None
        self.paused = threading.Event()
        self.release = threading.Event()
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refuse:
            return self.refuse[address.lower()]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.pause_at is not None and len(self.messages) >= self.pause_at:
            # Hold this message unanswered: the sender is killed while it waits, so the mail
            # was never accepted and must not count as delivered.
            self.paused.set()
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait)
            return "451 Try again later"
        with self.lock:
            raw = envelope.original_content or envelope.content
            self.raw.append(raw)
            self.messages.append(email.message_from_bytes(raw, policy=email.policy.default))
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"

    def wait_for(self, n: int, timeout: float = 10) -> list:
        deadline = time.monotonic() + timeout
        while len(self.messages) < n and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.messages

    def to(self, address: str) -> list:
        return [m for m in self.messages if address in str(m["To"])]

    def clear(self):
        with self.lock:
            self.messages.clear()
            self.envelopes.clear()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    inbox.port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port)
    controller.start()
    yield inbox
    inbox.release.set()
    controller.stop()


@pytest.fixture
def smtp(smtp_server, settings):
    """Mail goes to the local SMTP server; tasks run at once; links point at the test client."""
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": smtp_server.port, "timeout": 10},
        }
    }
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.SITE_URL = "http://testserver"
    return smtp_server


@pytest.fixture
def mini_map(db):
    return load_demo(MINI, with_users=False)


def text_part(msg) -> str:
    return msg.get_body(preferencelist=("plain",)).get_content()


def html_part(msg) -> str:
    return msg.get_body(preferencelist=("html",)).get_content()


def link(msg, kind: str) -> str:
    """The path of the first /subscriptions/<kind>/ link in the plain-text part."""
    found = re.search(rf"https?://\S+/subscriptions/{kind}/\S+/", text_part(msg))
    assert found, f"no {kind} link in:\n{text_part(msg)}"
    return urlsplit(found.group(0)).path


def subscribe(client, email_address, target="everything", rhythm="daily", page="/whats-new/", **extra):
    return client.post("/subscriptions/subscribe/", {"email": email_address, "target": target, "rhythm": rhythm, "page": page}, **extra)


def confirm_from_mail(client, msg):
    path = link(msg, "confirm")
    assert client.get(path).status_code == 200
    return client.post(path)
