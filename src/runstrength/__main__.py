"""``runstrength`` and ``python -m runstrength``: the CLI, with Ctrl-C during start-up (the
imports take a moment) one line and exit 130 instead of a traceback."""

import sys


def run() -> None:
    try:
        from runstrength.cli import main
    except KeyboardInterrupt:
        sys.stderr.write("runstrength: interrupted (Ctrl-C)\n")
        sys.exit(130)
    main()


if __name__ == "__main__":
    run()
