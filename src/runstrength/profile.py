"""Read an athlete profile (TOML) into an ``Athlete``, with errors that name file and field."""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import ValidationError

from runstrength.domain import Athlete
from runstrength.errors import InputError
from runstrength.knowledge import field_path
from runstrength.text import one_line as _one_line_text
from runstrength.text import toml_message


def parse_athlete(data: bytes, source: str, default_id: str = "athlete", *,
                  overrides: dict | None = None, overrides_source: str = "") -> Athlete:
    """Validate profile TOML ``data``; ``source`` names the file in error messages.

    ``overrides`` (a roster entry's ``level``, ``id``, ...) replace the profile's fields
    before validation; a bad one is blamed on ``overrides_source``."""
    try:
        raw = tomllib.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(f"{source}: line {line}: not UTF-8 text (byte {exc.start}); "
                         "save the profile as UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{source}: {toml_message(exc)}") from None
    except RecursionError:  # [[[[...]]]] thousands deep
        raise InputError(f"{source}: values nested too deeply") from None
    except ValueError as exc:  # a number of thousands of digits, say
        raise InputError(f"{source}: {_one_line_text(str(exc)).split(';')[0]}") from None
    if raw.get("id") in (None, ""):  # a blank id would give every athlete the same UIDs
        raw["id"] = default_id
    raw.update(overrides or {})
    try:
        athlete = Athlete.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown field (misspelt?)"
        value = err.get("input")
        shown = (f" (got {value!r})" if isinstance(value, str | int | float)
                 and repr(value) not in msg else "")
        where = (overrides_source or source) if err["loc"] and err["loc"][0] in (
            overrides or {}) else source
        raise InputError(f"{where}: field {field_path(err)}: {msg}{shown}") from None
    athlete._source = source
    return athlete


def load_athlete(path: str | Path) -> Athlete:
    from runstrength.fileio import read_input

    path = Path(path)
    return parse_athlete(read_input(path), str(path), default_id=path.stem)
