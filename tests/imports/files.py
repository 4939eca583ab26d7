"""Spreadsheets as a school would send them, written by the tests with openpyxl and csv."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from openpyxl import Workbook


def xlsx(rows: Sequence[Sequence[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(rows: Sequence[Sequence[object]], delimiter: str = ";", encoding: str = "utf-8-sig") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    for row in rows:
        writer.writerow(["" if cell is None else cell for cell in row])
    return out.getvalue().encode(encoding)


CUSTOMER_HEADERS = ["Raison sociale", "SIRET ou SIREN", "E-mail de facturation", "Adresse", "Code postal", "Ville",
                    "Contact : nom", "Contact : e-mail"]  # fmt: skip

# SIRETs that pass the Luhn check (python-stdnum): 732 829 320 00074 and its siblings.
SIRETS = ["73282932000074", "40483304800022", "35600000000048"]


def customer_rows(count: int, start: int = 0) -> list[list[object]]:
    return [
        [f"Entreprise {i}", None, f"compta{i}@client{i}.fr", f"{i} rue des Forges", "69007", "Lyon", f"Contact {i}",
         f"contact{i}@client{i}.fr"]
        for i in range(start, start + count)
    ]  # fmt: skip
