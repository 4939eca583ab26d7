"""The demo's competences and the routing every workshop starts from."""

from __future__ import annotations

from ecoprod.planning.models import (
    OperationKind,
)

COMPETENCES = [
    ("C1.1", "Analyser un plan et une gamme", "CAP"),
    ("C2.1", "Préparer le poste et régler la machine", "CAP"),
    ("C3.2", "Réaliser une pièce par usinage ou formage", "CAP"),
    ("C3.4", "Assembler par soudage ou par vissage", "Bac Pro"),
    ("C4.1", "Contrôler la conformité d'une pièce", "Bac Pro"),
]


# Per workshop: (kind, name, hours, difficulty, uses the first regulated machine, competences)
ROUTING = [
    (OperationKind.CUT, "Débit et préparation", "3.5", 1, False, ("C1.1",)),
    (OperationKind.MACHINE, "Fabrication", "10.5", 2, True, ("C2.1", "C3.2")),
    (OperationKind.FINISH, "Finition", "3.5", 1, False, ("C3.4",)),
    (OperationKind.INSPECT, "Contrôle final", "3.5", 3, False, ("C4.1",)),
]
