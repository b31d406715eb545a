"""``runstrength`` and ``python -m runstrength``: the CLI, with Ctrl-C or SIGTERM at any moment
(the imports, click's parsing, the work) one line and exit 130 / 143 instead of a traceback or
click's "Aborted!", and no interpreter teardown once the work is done (a signal there would
kill the process by the signal)."""

import os
import signal
import sys


def _signum(exc: BaseException) -> int:
    while exc is not None and not hasattr(exc, "signum"):
        exc = exc.__cause__ or exc.__context__
    return getattr(exc, "signum", signal.SIGINT)


def _interrupted(signum: int) -> int:
    from runstrength.stopping import report

    return report(signum)


def _main() -> int:
    import gc

    # One process, one command: the cyclic collector stays off. A season makes few reference
    # cycles (about 2,000 objects on 52 weeks) while the imports of the solver, pandas and
    # icalendar would set off collections that scan every module they load (about 0.15 s of
    # a 52-week plan). Commands that plan many seasons here turn it back on (executor.run).
    gc.disable()
    try:
        from runstrength import prefetch, stopping

        prefetch.allow()  # this process is the CLI's own: it may read ahead in a child
        stopping.install()  # from here a signal is an Interrupted (a KeyboardInterrupt)
        import click

        from runstrength.cli import main

        gc.freeze()  # what the imports made lives to the end: the collector need not scan it
    except KeyboardInterrupt as exc:
        return _interrupted(_signum(exc))
    try:
        main(standalone_mode=False)
        return 0
    except SystemExit as exc:
        code = exc.code
        if code is None or isinstance(code, int):
            return code or 0
        sys.stderr.write(f"{code}\n")
        return 1
    except click.exceptions.Abort as exc:  # click's name for a KeyboardInterrupt
        return _interrupted(_signum(exc))
    except KeyboardInterrupt as exc:
        return _interrupted(_signum(exc))
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:  # usage errors: click's own message, exit 2
        exc.show()
        return exc.exit_code


def run() -> None:
    code = _main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (KeyboardInterrupt, OSError):
        pass
    os._exit(code)  # outputs are written and flushed: skip the teardown


if __name__ == "__main__":
    run()
