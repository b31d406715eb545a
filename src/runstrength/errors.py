"""The one exception type that the CLI turns into a one-line message and exit code 1."""


class InputError(Exception):
    """Bad input: the message names the file and the line or field at fault."""


class StrictError(Exception):
    """``--strict`` was asked for and a weekly minimum was not met (exit code 3)."""
