"""Fictional names for the demo school, as diverse as a Canadian school's.

Given and family names are drawn independently, so any person in the demo is an
invention; no list here describes a real person.
"""

from __future__ import annotations

import random
import unicodedata

GIVEN_NAMES = (
    "Aaliyah", "Aarav", "Abdi", "Adam", "Adebayo", "Aiden", "Aisha", "Alexandre",
    "Amara", "Amelia", "Ananya", "Andrei", "Anika", "Arjun", "Ava", "Ayaan",
    "Benjamin", "Bianca", "Camille", "Carlos", "Chloé", "Daniel", "Daniela", "Dev",
    "Diego", "Élodie", "Elijah", "Emily", "Emma", "Ethan", "Fatima", "Felix",
    "Gabriel", "Grace", "Hana", "Hannah", "Hassan", "Ibrahim", "Imani", "Isabella",
    "Isaiah", "Jacob", "Jasmine", "Jaylen", "Ji-woo", "Jonah", "Julien", "Kai",
    "Kiara", "Layla", "Leah", "Liam", "Lily", "Lucas", "Luca", "Maëlle",
    "Malik", "Maria", "Mateo", "Maya", "Mei", "Mia", "Mohammed", "Nadia",
    "Naomi", "Nathan", "Noah", "Nora", "Olivia", "Omar", "Priya", "Rafael",
    "Rohan", "Rosalie", "Ryan", "Samuel", "Sara", "Simran", "Sofia", "Tariq",
    "Thomas", "Tiago", "Valentina", "Vikram", "William", "Xavier", "Yara", "Yusuf",
    "Zainab", "Zoe", "Anh", "Chen", "Dylan", "Eden", "Farah", "Gurpreet",
    "Jun", "Kateryna", "Mariam", "Paolo", "Quinn", "Riya", "Sienna", "Wei",
)  # fmt: skip

FAMILY_NAMES = (
    "Abdullah", "Adeyemi", "Ahmed", "Ali", "Anderson", "Baptiste", "Bélanger", "Bhatt",
    "Boateng", "Bouchard", "Brown", "Campbell", "Chan", "Chen", "Clarke", "Côté",
    "Da Silva", "Delgado", "Desjardins", "Dhillon", "Diallo", "Dubois", "Fernandes", "Fraser",
    "Gagnon", "Garcia", "Ghosh", "Gill", "Gonzalez", "Grewal", "Hamilton", "Hassan",
    "Hoang", "Hussein", "Ibrahim", "Iyer", "Jackson", "Kaur", "Khan", "Kim",
    "Kowalski", "Kumar", "Lam", "Lapointe", "Leblanc", "Lee", "Li", "Liu",
    "MacDonald", "Martin", "Mendes", "Mohamed", "Morrison", "Nguyen", "Noor", "Nowak",
    "Okafor", "Osei", "Papadopoulos", "Park", "Patel", "Pelletier", "Pereira", "Petrenko",
    "Ramos", "Reid", "Rossi", "Roy", "Santos", "Scott", "Shah", "Sharma",
    "Singh", "Smith", "Sousa", "Stewart", "Suleiman", "Tan", "Taylor", "Thompson",
    "Tran", "Tremblay", "Varga", "Walker", "Wang", "Warsame", "White", "Williams",
    "Wilson", "Wong", "Yang", "Yilmaz", "Young", "Zhang", "Ferreira", "Bianchi",
    "Okonkwo", "Sato", "Mensah", "Castillo", "Moreau", "Kovalenko", "Francis", "Hill",
)  # fmt: skip


def pick_name(rng: random.Random) -> tuple[str, str]:
    """A (given name, family name) pair drawn from ``rng``."""
    return rng.choice(GIVEN_NAMES), rng.choice(FAMILY_NAMES)


def ascii_slug(text: str) -> str:
    """``"Chloé Côté"`` -> ``"chloecote"``: usernames stay plain ASCII."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed.lower() if c.isascii() and c.isalnum())
