"""The registry of a Plan's writers (``Plan.to_ics()`` and friends): filled by
``runstrength.exporters`` when the package loads, so the domain layer imports no exporter and
loading the package loads neither pydantic nor icalendar."""

from __future__ import annotations

from typing import Any

#: format name -> function(plan, **options) returning the written bytes or a DataFrame
WRITERS: dict[str, Any] = {}
