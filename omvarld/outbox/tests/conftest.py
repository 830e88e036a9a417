"""A real SMTP server on 127.0.0.1 that can be stopped and started again on the same port."""

import pytest
from aiosmtpd.controller import Controller
from django.contrib.auth import get_user_model

from omvarld.accounts.roles import ADMIN, PARTNER, assign_role
from omvarld.subscriptions.tests.conftest import Inbox, free_port

PASSWORD = "a-long-test-password-1"


class Server:
    def __init__(self):
        self.inbox = Inbox()
        self.port = free_port()
        self.controller = None

    def start(self):
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self):
        return self.inbox.messages


@pytest.fixture
def smtp_server():
    server = Server()
    server.start()
    yield server
    server.inbox.release.set()
    server.stop()


@pytest.fixture
def mail_to(settings, smtp_server):
    """Mail goes to the local server; tasks run at once (as a worker would, right after commit)."""
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                                    "OPTIONS": {"host": "127.0.0.1", "port": smtp_server.port, "timeout": 5}}}
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return smtp_server


@pytest.fixture
def no_mail_server(settings):
    """EMAIL_HOST unset, as on a fresh laptop."""
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": {"host": "", "port": 25}}}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_user(username, role, email=None):
    user = get_user_model().objects.create_user(username, email or f"{username}@example.org", PASSWORD)
    assign_role(user, role)
    return user


@pytest.fixture
def admin_user(db):
    return make_user("ann", ADMIN)


@pytest.fixture
def partner(db):
    return make_user("per", PARTNER)
