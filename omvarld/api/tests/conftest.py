import pytest
from django.core.cache import cache

from omvarld.api.models import APIToken
from omvarld.newsdesk.tests.conftest import editor, member, mini_map, notice  # noqa: F401 (shared personas)


@pytest.fixture(autouse=True)
def _empty_cache():
    # The content version lives in the database, which each test rolls back; the cache does not.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def token(member):
    return APIToken.issue(name="Partner site", user=member)[1]
