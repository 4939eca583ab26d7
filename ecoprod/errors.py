"""The one shape of a refused action, whatever the domain.

A service refuses with ``ActionRefused`` (or a domain's subclass): ``reasons`` for the user,
one per line, in their language; ``field`` when one form field is at fault; ``lines`` when
rows of a table are (position → message). Views show it with ``ecoprod.web.feedback``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence


class ActionRefused(ValueError):
    def __init__(
        self,
        reasons: object | Sequence[object],
        *,
        field: str | None = None,
        lines: Mapping[int, str] | None = None,
    ) -> None:
        # One message (a string, or a lazy translation) or a list of them.
        many = isinstance(reasons, list | tuple)
        self.reasons = [str(r) for r in reasons] if many else [str(reasons)]  # type: ignore[union-attr]
        super().__init__(" ".join(self.reasons))
        self.field = field
        self.lines = dict(lines or {})
