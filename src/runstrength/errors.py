"""The one exception type that the CLI turns into a one-line message and exit code 1."""


class InputError(Exception):
    """Bad input: the message names the file and the line or field at fault."""


class StrictError(InputError):
    """``--strict`` refused the plan (exit code 3, nothing written)."""
