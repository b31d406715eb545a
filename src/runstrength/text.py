"""User text made safe to show (one printable line) and TOML parse errors in plain words; only
the standard library, because the CLI loads this at start."""

import re
import unicodedata

#: Direction overrides and isolates: invisible, and they reorder what a reader sees.
_BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def one_line(text: str) -> str:
    """User text as one printable line: control characters (NUL, BEL, ESC, DEL, C1, line and
    paragraph separators, direction overrides) and line breaks become spaces, runs of
    whitespace one space. Every output (iCalendar, CSV, HTML, the terminal) then holds only
    what a reader can see."""
    if text.isprintable() and " " * 2 not in text and text == text.strip():
        return text
    kept = "".join(" " if c in _BIDI or unicodedata.category(c) in ("Cc", "Zl", "Zp") else c
                   for c in text)
    return " ".join(kept.split())


def toml_message(exc: Exception) -> str:
    """tomllib's message with the line first and its jargon in plain words."""
    text = str(exc)
    found = re.search(r"\(at line (\d+), column \d+\)", text)
    what = re.sub(r"\s*\(at line \d+, column \d+\)", "", text)
    if what == "Cannot overwrite a value":
        what = "a key given twice (each key once per table)"
    return f"line {found[1]}: {what}" if found else what
