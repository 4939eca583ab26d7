"""Pure decisions on a message: which students' names its text holds.

A customer never reads a student's name (PRODUCT.md). Staff write freely, but a message a
customer will read is refused while it names one of the school's students: the writer
removes the name, or keeps the message among the staff as an internal note.

Names are compared as people type them: whole words, whatever the case and the accents
("theo" finds Théo; "Théodore" does not). A first name that is also a common word
("Rose", "Pierre") is refused too: the refusal says which word, and the writer rephrases.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

MIN_LENGTH = 2  # a one-letter "name" (an initial) would match half the words


def fold(text: str) -> str:
    """Lower case, without accents, typographic apostrophes as plain ones."""
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _pattern(name: str) -> re.Pattern[str]:
    words = (re.escape(word) for word in fold(name).split())
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)")


def names_in(text: str, names: Iterable[str]) -> list[str]:
    """The ``names`` (as given) that ``text`` contains as whole words, in their order."""
    folded = fold(text)
    found: list[str] = []
    for name in names:
        name = name.strip()
        if len(name) < MIN_LENGTH or name in found:
            continue
        if _pattern(name).search(folded):
            found.append(name)
    return found


def student_names_in(text: str, students: Iterable[tuple[str, str]]) -> list[str]:
    """Which students' first or last names (``(first, last)`` pairs) ``text`` contains."""
    names = [part for first, last in students for part in (first, last)]
    return names_in(text, names)
