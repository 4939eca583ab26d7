"""Valid-looking French identifiers for demo data (they pass python-stdnum's checks)."""

from __future__ import annotations


def luhn_digit(digits: str) -> str:
    total = 0
    for i, char in enumerate(reversed(digits)):
        n = int(char)
        if i % 2 == 0:  # the check digit will sit to the right, so these are doubled
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return str((10 - total % 10) % 10)


def siren(seed: int) -> str:
    body = f"{seed % 10**8:08d}"
    return body + luhn_digit(body)


def siret(seed: int, establishment: int = 1) -> str:
    body = siren(seed) + f"{establishment:04d}"
    return body + luhn_digit(body)


def vat_fr(siren_number: str) -> str:
    key = (12 + 3 * (int(siren_number) % 97)) % 97
    return f"FR{key:02d}{siren_number}"
