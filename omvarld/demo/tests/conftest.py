import pytest

from omvarld.demo.loader import DEMO_FILE, load_demo
from omvarld.demo.snapshot import load_desk, load_snapshot


def load_full_demo():
    """What `omvarld loaddemo` loads: the map, the sign-ins, the replayed snapshot and the desk."""
    report = load_demo(DEMO_FILE, with_users=True)
    news = load_snapshot()
    desk = load_desk()
    return report, news, desk


@pytest.fixture
def full_demo(db):
    return load_full_demo()
