"""``runstrength`` and ``python -m runstrength``: the CLI, with Ctrl-C during start-up (the
imports take a moment) one line and exit 130 instead of a traceback, and no interpreter
teardown after the work is done (a Ctrl-C there would kill the process by the signal)."""

import os
import sys


def run() -> None:
    try:
        from runstrength.cli import main
    except KeyboardInterrupt:
        sys.stderr.write("runstrength: interrupted (Ctrl-C)\n")
        sys.exit(130)
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code
    if not isinstance(code, int):  # sys.exit("message") or sys.exit(None)
        if code is not None:
            sys.stderr.write(f"{code}\n")
        code = 0 if code is None else 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)  # outputs are written and flushed: skip the teardown


if __name__ == "__main__":
    run()
