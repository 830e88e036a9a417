"""Seeds a separate database for the crash test; run in a subprocess with DATABASE_URL set."""

import sys


def seed(n: int) -> None:
    from omvarld.demo.loader import load_demo
    from omvarld.subscriptions.tests.conftest import MINI
    from omvarld.subscriptions.tests.factories import age_items, follower

    load_demo(MINI, with_users=False)
    age_items(hours=3)
    for i in range(n):
        follower(f"reader{i:03d}@d{i % 4}.example.org", ("everything", None, "daily"))


if __name__ == "__main__":
    import django

    django.setup()
    seed(int(sys.argv[1]))
