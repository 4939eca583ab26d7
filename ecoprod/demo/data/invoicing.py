"""Five orders of the first school, told from request to payment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from ecoprod.orders.models import Unit
from ecoprod.pricing.models import LineKind
from ecoprod.workshops.models import Trade

# Long enough for the oldest quote to be still open today, when its customer accepts it.


# Long enough for the oldest quote to be still open today, when its customer accepts it.
QUOTE_VALIDITY = timedelta(days=60)


@dataclass(frozen=True)
class Story:
    """A firm order of the recent past. Days are counted back from today."""

    login: str  # the customer user who asks, accepts and receives
    trade: Trade
    title: str
    description: str
    material: str
    quantity: str
    reference: str | None
    # Quote lines: kind, description, unit, quantity, unit price (excl. VAT)
    lines: tuple[tuple[LineKind, str, Unit, str, str], ...]
    asked: int
    quoted: int
    accepted: int
    work_from: int
    promised: int  # the promised delivery, kept: the (first) delivery note's day


# Oldest first: request, quote and delivery numbers follow the dates.
OVERDUE = Story(
    login="achats@mecarhone.example.com",
    trade=Trade.MACHINING,
    title="Axes de convoyeur, ligne d'emballage",
    description="Axe Ø20 mm, longueur 250 mm, avec gorge pour circlip",
    material="Acier C45",
    quantity="40",
    reference="CDE 45-0178",
    lines=(
        (
            LineKind.LABOUR,
            "Débit, tournage et gorge de circlip : 40 axes Ø20 mm, longueur 250 mm",
            Unit.HOUR,
            "9",
            "48.00",
        ),
        (LineKind.MATERIAL, "Barre rectifiée en acier C45, Ø20 mm", Unit.METRE, "10.5", "14.20"),
        (LineKind.OTHER, "Contrôle dimensionnel et rapport de mesures", Unit.FLAT, "1", "60.00"),
    ),
    asked=55,
    quoted=53,
    accepted=51,
    work_from=49,
    promised=38,
)


PAID = Story(
    login="contact@robconfluent.example.com",
    trade=Trade.METALWORK,
    title="Garde-corps de l'atelier de montage",
    description="Garde-corps droit, lisses horizontales, 3 m",
    material="Acier galvanisé",
    quantity="4",
    reference="RC-2291",
    lines=(
        (
            LineKind.LABOUR,
            "Fabrication et soudure de 4 garde-corps droits de 3 m à lisses horizontales",
            Unit.HOUR,
            "14",
            "45.00",
        ),
        (LineKind.MATERIAL, "Tubes et plats en acier galvanisé", Unit.KILOGRAM, "96", "3.40"),
        (LineKind.OTHER, "Livraison et déchargement sur site", Unit.FLAT, "1", "85.00"),
    ),
    asked=47,
    quoted=45,
    accepted=43,
    work_from=42,
    promised=32,
)


DEPOSIT = Story(
    login="bureau.etudes@alpinox.example.com",
    trade=Trade.BOILERMAKING,
    title="Carters de protection de convoyeur",
    description="Carter plié 2 mm selon plan, 2 perçages Ø8",
    material="Tôle inox 304L",
    quantity="12",
    reference="ALP-BE-0412",
    lines=(
        (
            LineKind.LABOUR,
            "Découpe, pliage et perçage de 12 carters de protection selon plan",
            Unit.HOUR,
            "10",
            "45.00",
        ),
        (LineKind.MATERIAL, "Tôle inox 304L, épaisseur 2 mm", Unit.KILOGRAM, "38", "7.90"),
    ),
    asked=35,
    quoted=33,
    accepted=30,
    work_from=27,
    promised=16,
)


TWO_DELIVERIES = Story(
    login="contact@robconfluent.example.com",
    trade=Trade.METALWORK,
    title="Supports d'étagère pour le magasin",
    description="Équerre renforcée 300 × 200",
    material="Acier S235",
    quantity="60",
    reference=None,
    lines=(
        (
            LineKind.LABOUR,
            "Découpe, soudure et ébavurage de 60 équerres renforcées 300 × 200",
            Unit.HOUR,
            "12",
            "45.00",
        ),
        (LineKind.MATERIAL, "Cornières et plats en acier S235", Unit.KILOGRAM, "84", "2.60"),
        (LineKind.OTHER, "Thermolaquage noir (sous-traité)", Unit.FLAT, "1", "180.00"),
    ),
    asked=28,
    quoted=26,
    accepted=23,
    work_from=22,
    promised=12,
)


PARTIAL = Story(
    login="achats@mecarhone.example.com",
    trade=Trade.MACHINING,
    title="Bagues d'usure de paliers",
    description="Bague Ø40/Ø30, épaisseur 12 mm",
    material="Bronze CuSn12",
    quantity="120",
    reference="CDE 45-0203",
    lines=(
        (LineKind.LABOUR, "Tournage de 120 bagues Ø40/Ø30, épaisseur 12 mm", Unit.HOUR, "12", "48.00"),
        (LineKind.MATERIAL, "Tube en bronze CuSn12, Ø42/Ø28", Unit.METRE, "1.8", "95.00"),
    ),
    asked=24,
    quoted=22,
    accepted=19,
    work_from=16,
    promised=4,
)


STORIES = (OVERDUE, PAID, DEPOSIT, TWO_DELIVERIES, PARTIAL)
