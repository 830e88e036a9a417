from pathlib import Path

import pytest

from omvarld.demo.loader import load_demo

MINI = Path(__file__).resolve().parents[2] / "demo" / "tests" / "mini.yaml"


@pytest.fixture
def mini_map(db):
    return load_demo(MINI, with_users=False)
