"""The requests the demo's customers send, and what becomes of their quotes."""

from __future__ import annotations

from ecoprod.quotes.models import QuoteState
from ecoprod.workshops.models import Trade

REQUESTS = {
    Trade.MACHINING: [
        ("Axes de convoyeur", "Axe Ø20 mm, longueur 250 mm, avec gorge pour circlip", "Acier C45", "40"),
        ("Bagues d'usure", "Bague Ø40/Ø30, épaisseur 12 mm", "Bronze CuSn12", "120"),
    ],
    Trade.BOILERMAKING: [
        ("Carters de protection", "Carter plié 2 mm selon plan, 2 perçages Ø8", "Tôle inox 304L", "12"),
        ("Trémie d'alimentation", "Trémie soudée 600 × 400, sortie Ø150", "Acier S235", "2"),
    ],
    Trade.METALWORK: [
        ("Garde-corps de mezzanine", "Garde-corps droit, lisses horizontales, 3 m", "Acier galvanisé", "4"),
        ("Supports d'étagère", "Équerre renforcée 300 × 200", "Acier S235", "60"),
    ],
    Trade.INDUSTRIAL_ELECTRICITY: [
        ("Armoire de commande", "Câblage d'une armoire selon schéma, 24 V", "Fournie par le client", "1")
    ],
    Trade.WOODWORK: [
        ("Présentoirs de salon", "Présentoir en chêne massif, 1,80 m, 4 tablettes", "Chêne", "6"),
        ("Tables de réunion", "Table 2,40 × 1,10 m, piètement métal", "Hêtre lamellé-collé", "3"),
    ],
    Trade.TEXTILE: [
        ("Tabliers brodés", "Tablier de service brodé au logo, taille unique", "Coton sergé", "50")
    ],
}


# Which of the planned requests get a quote, and what the customer did with it.
QUOTE_PLAN = {
    0: QuoteState.ACCEPTED,
    3: QuoteState.SENT,
    5: QuoteState.ACCEPTED,
    7: QuoteState.DECLINED,
    8: QuoteState.ACCEPTED,
}


# Conversations on the first school's requests still being quoted: the customer asks,
# a master notes something for the staff, then answers; on another request the customer's
# question is still unanswered (the inbox shows it as new).
CONVERSATION = [
    ("customer", False, "Bonjour, la cote de 250 mm peut-elle avoir une tolérance de ±0,1 ? Merci."),
    ("master", True, "Vérifier avec le contrôle que la rectifieuse tient ±0,1 sur 250 mm avant de répondre."),
    ("master", False, "Bonjour, oui : ±0,1 mm est tenu, le devis suivra dans la semaine."),
]
UNANSWERED = "Pouvons-nous passer voir l'atelier avant de confirmer la commande ?"
