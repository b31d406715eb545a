"""User text made safe to show: one printable line (no imports: the CLI uses it at start)."""

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
