"""The ``omvarld`` command: Django's management commands under the product's name.

``omvarld serve``, ``omvarld loaddemo``, ``omvarld worker`` and the rest are management
commands of the apps; ``omvarld --help`` lists them.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "omvarld.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "omvarld"
    if len(argv) == 1 or argv[1] in {"-h", "--help"}:
        argv[1:] = ["help"]
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
