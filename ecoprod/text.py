"""What a line of text may hold, in one place for forms, columns and exported files.

A single-line value (a name, a reference, an address line, a title, a label) holds no line
break and no control character: either would split a row of an export, start a formula
after the break, or add lines to an e-mail. A multi-line text keeps its line breaks and
tabs, and nothing else invisible.
"""

from __future__ import annotations

import re

# C0 and C1 controls (NUL, CR, LF, tab, NEL…) and the Unicode line and paragraph separators.
NOT_IN_A_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# The same, less the line breaks and tab a text area may hold.
NOT_IN_A_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# A run of them, with the spaces around it: one space in its place.
_RUNS = re.compile(
    "[ \x00-\x1f\x7f-\x9f\u2028\u2029]*[\x00-\x1f\x7f-\x9f\u2028\u2029][ \x00-\x1f\x7f-\x9f\u2028\u2029]*"
)


def one_line(value: object) -> str:
    """The text on one line: each run of line breaks or control characters is one space."""
    text = "" if value is None else str(value)
    if NOT_IN_A_LINE.search(text) is None:
        return text.strip()
    return _RUNS.sub(" ", text).strip()
