"""The ``omvarld`` command: Django's management commands under the product's name.

``omvarld serve``, ``omvarld loaddemo``, ``omvarld worker`` and the rest are management
commands of the apps; ``omvarld --help`` lists them. The list is made from the command files
alone, without starting Django (which imports every app), so that it appears at once.
"""

import os
import sys


def _command_list() -> str:
    import importlib
    import importlib.util

    from django.core.management import find_commands

    settings = importlib.import_module(os.environ["DJANGO_SETTINGS_MODULE"])
    groups: dict[str, list[str]] = {"django": []}
    django_spec = importlib.util.find_spec("django.core")
    groups["django"] = find_commands(os.path.join(django_spec.submodule_search_locations[0], "management"))
    for app in settings.INSTALLED_APPS:
        spec = importlib.util.find_spec(app)
        if spec is None or not spec.submodule_search_locations:
            continue
        found = find_commands(os.path.join(spec.submodule_search_locations[0], "management"))
        if found:
            groups.setdefault(app.rpartition(".")[2], []).extend(found)
    lines = ["", "Type 'omvarld help <subcommand>' for help on a specific subcommand.", "", "Available subcommands:"]
    for group in sorted(groups):
        lines += ["", f"[{group}]"] + [f"    {name}" for name in sorted(set(groups[group]))]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "omvarld.settings")
    argv = list(sys.argv if argv is None else argv)
    argv[0] = "omvarld"
    if len(argv) == 1 or argv[1] in {"-h", "--help"} or argv[1:] == ["help"]:
        sys.stdout.write(_command_list())
        return
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
