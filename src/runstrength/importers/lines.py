"""iCalendar text as icalendar's content lines, split faster where a line is plain.

icalendar splits every content line into name, parameters and value one character at a
time (``Contentline.raw_parts``), which is about half of its parse of a training feed. Most
lines of a feed are plain: a name, perhaps a few ``KEY=VALUE`` parameters with nothing to
quote, escape or unescape, then a colon. :class:`Line` splits those with one regular
expression and gives every other line to icalendar as it is, so the parts are the same in
either case (tests/test_importers_lines.py compares them line by line and file by file).
The components, property types and errors stay icalendar's: the lines go into
``icalendar.Calendar.from_ical``, which takes content lines as well as text.
"""

from __future__ import annotations

import re

from icalendar.parser import Contentline, Contentlines, Parameters, unescape_backslash
from icalendar.parser.content_line import NEWLINE, UFOLD

__all__ = ["Line", "content_lines"]

# A name and unquoted parameters up to the first colon. A parameter value here holds none of
# the characters icalendar would treat specially before that colon: quotes, backslashes,
# blanks, list commas, RFC 6868 carets, percent signs (its escape markers), separators or
# control characters. Anything else is split by icalendar itself.
_TOKEN = r"[\w.-]+"
_PLAIN_VALUE = r"[^\x00-\x20\x7f\"\\,;:^%]+"
_PLAIN = re.compile(rf"({_TOKEN})((?:;{_TOKEN}={_PLAIN_VALUE})*):")
_PARAMETER = re.compile(rf";({_TOKEN})=({_PLAIN_VALUE})")


class Line(Contentline):
    """A content line whose parts are found by one match when the line is plain."""

    __slots__ = ()

    def raw_parts(self) -> tuple[str, Parameters, str]:
        plain = _PLAIN.match(self)
        if plain is None:
            return super().raw_parts()
        params = Parameters()
        if plain[2]:
            for key, value in _PARAMETER.findall(plain[2]):
                params[key] = value  # a later one of the same name wins, as in icalendar
        return plain[1], params, self[plain.end():]

    def parts(self) -> tuple[str, Parameters, str]:
        name, params, values = self.raw_parts()
        return name, params, unescape_backslash(values) if "\\" in values else values


def content_lines(text: str) -> Contentlines:
    """``text`` unfolded and split as ``Contentlines.from_ical`` does it, into :class:`Line`."""
    lines = Contentlines(Line(line) for line in NEWLINE.split(UFOLD.sub("", text)) if line)
    lines.append("")
    return lines
