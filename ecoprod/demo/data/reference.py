"""Schools, their workshops and people, and the customer companies of the demo."""

from __future__ import annotations

from ecoprod.database import Address
from ecoprod.workshops.models import Trade

DEMO_PASSWORD = "ecoprod-demo"  # noqa: S105 - printed for everyone on purpose


FIRST_NAMES = [
    "Lucas",
    "Emma",
    "Nathan",
    "Léa",
    "Hugo",
    "Chloé",
    "Enzo",
    "Manon",
    "Louis",
    "Camille",
    "Yanis",
    "Inès",
    "Théo",
    "Sarah",
    "Mathis",
    "Jade",
    "Adam",
    "Lina",
    "Tom",
    "Zoé",
    "Rayan",
    "Clara",
    "Noah",
    "Maëlys",
    "Gabriel",
    "Lou",
    "Ethan",
    "Anaïs",
    "Sacha",
    "Eva",
]


LAST_NAMES = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefebvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Legrand",
]


SCHOOLS = [
    {
        "slug": "lumiere",
        "name": "École de Production Lumière",
        "legal_form": "Association loi 1901",
        "address": Address("12 rue des Tanneurs", None, "69007", "Lyon", "FR"),
        "seed": 4217311,
        "rna": "W691012345",
        "iban": "FR7630006000011234567890189",
        "bic": "AGRIFRPP",
        "email": "contact@lumiere.example.com",
        "phone": "04 78 00 00 00",
        "admin": ("admin@lumiere.example.com", "Claire Moreau"),
        "workshops": [
            (
                "Usinage",
                Trade.MACHINING,
                "48.00",
                ("usinage@lumiere.example.com", "Marc Dubois"),
                [("Tour CN Haas ST-10", True), ("Fraiseuse 3 axes DMG", True), ("Scie à ruban", True)],
            ),
            (
                "Chaudronnerie",
                Trade.BOILERMAKING,
                "45.00",
                ("chaudronnerie@lumiere.example.com", "Jean-Pierre Lefèvre"),
                [("Plieuse Amada 100 t", True), ("Cisaille guillotine", True), ("Poste TIG", False)],
            ),
            (
                "Métallerie",
                Trade.METALWORK,
                "45.00",
                ("metallerie@lumiere.example.com", "Sophie Garnier"),
                [("Poste MIG", False), ("Meuleuse d'établi", True)],
            ),
            (
                "Électricité industrielle",
                Trade.INDUSTRIAL_ELECTRICITY,
                "42.00",
                ("electricite@lumiere.example.com", "Karim Benali"),
                [("Banc de câblage", False)],
            ),
        ],
        "students": 20,
    },
    {
        "slug": "nord",
        "name": "École de Production Compagnons du Nord",
        "legal_form": "Association loi 1901",
        "address": Address("5 quai de la Deûle", None, "59000", "Lille", "FR"),
        "seed": 7730042,
        "rna": "W595006789",
        "iban": "FR1420041010050500013M02606",
        "bic": "PSSTFRPPLIL",
        "email": "contact@nord.example.com",
        "phone": "03 20 00 00 00",
        "admin": ("admin@nord.example.com", "Hélène Petit"),
        "workshops": [
            (
                "Menuiserie",
                Trade.WOODWORK,
                "40.00",
                ("bois@nord.example.com", "Thomas Leroy"),
                [("Scie circulaire à format", True), ("Dégauchisseuse", True)],
            ),
            (
                "Textile",
                Trade.TEXTILE,
                "38.00",
                ("textile@nord.example.com", "Nadia Haddad"),
                [("Surjeteuse industrielle", False)],
            ),
        ],
        "students": 10,
    },
]


CUSTOMERS = {
    "lumiere": [
        ("Mécarhône SAS", "SAS", "Villeurbanne", "69100", ("achats@mecarhone.example.com", "Julie Martin")),
        (
            "Alpinox Industrie",
            "SARL",
            "Vénissieux",
            "69200",
            ("bureau.etudes@alpinox.example.com", "Paul Girard"),
        ),
        (
            "Robotique du Confluent",
            "SAS",
            "Lyon",
            "69002",
            ("contact@robconfluent.example.com", "Amélie Roche"),
        ),
        ("Tôlerie Saint-Fons", "SARL", "Saint-Fons", "69190", None),
        ("Ateliers Bellecour", "SA", "Lyon", "69002", None),
        ("Hydrauliques du Rhône", "SAS", "Givors", "69700", None),
        ("Brasserie des Canuts", "SARL", "Lyon", "69004", None),
    ],
    "nord": [
        (
            "Bois & Design du Nord",
            "SARL",
            "Roubaix",
            "59100",
            ("contact@boisdunord.example.com", "Olivier Caron"),
        ),
        ("Filature de Tourcoing", "SA", "Tourcoing", "59200", None),
        ("Agence Vauban Événements", "SAS", "Lille", "59000", None),
    ],
}
