from omvarld.personal.tests.conftest import mini_map  # noqa: F401
