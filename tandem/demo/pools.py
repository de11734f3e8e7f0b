"""Pools of realistic words made once with Faker (fixed seed), then combined at random.

Calling Faker for every field of two million rows would take most of the load time;
sampling from a few thousand pre-made names keeps the data believable and fast.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from faker import Faker

PRODUCTS = [
    "R5 Robotic Arm", "R9 Heavy Payload Arm", "Cobot C2", "Vision Module V3",
    "Fleet Controller", "AMR-200 Mobile Robot", "Gripper Kit", "Safety Scanner Pack",
    "Maintenance Plan", "Training Package", "Palletizing Cell", "Welding Cell W1",
]
TASK_SUBJECTS = [
    "Call", "Send proposal", "Follow up on demo", "Send pricing", "Schedule site visit",
    "Email product sheet", "Confirm budget", "Check in after trial", "Prepare quote",
    "Introduce solutions engineer", "Send contract", "Qualify requirements",
]
EVENT_SUBJECTS = [
    "Discovery call", "Product demo", "Site visit", "Quarterly business review",
    "Proof of concept kickoff", "Pricing review", "Executive briefing", "Technical deep dive",
]
NOTE_TITLES = [
    "Meeting notes", "Requirements", "Competitor mentioned", "Budget confirmed",
    "Decision process", "Integration questions", "Next steps",
]
DEPARTMENTS = ["Operations", "Engineering", "Procurement", "Manufacturing", "IT", "Finance", "Executive"]


@dataclass
class Pools:
    first_names: list[str]
    last_names: list[str]
    companies: list[str]
    titles: list[str]
    streets: list[str]
    places: list[tuple[str, str, str]]  # city, state, postal code
    phones: list[str]
    sentences: list[str]
    domains: dict[str, str]

    def domain(self, company: str) -> str:
        return self.domains[company]


def make_pools(seed: int, scale: int) -> Pools:
    """`scale` is roughly how many distinct values each pool holds."""
    fake = Faker("en_US")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    first = sorted({fake.first_name() for _ in range(scale)})
    last = sorted({fake.last_name() for _ in range(scale)})
    companies = sorted({fake.company() for _ in range(scale * 2)})
    titles = sorted({fake.job() for _ in range(max(50, scale // 4))})
    # Buyers of robots have titles like these more often than Faker's random jobs.
    titles += ["Operations Manager", "Plant Manager", "VP Manufacturing", "Automation Engineer",
               "Procurement Manager", "CTO", "Head of Logistics", "Production Engineer"] * 5
    streets = [fake.street_address() for _ in range(scale)]
    places = [(fake.city(), fake.state_abbr(), fake.postcode()) for _ in range(max(50, scale // 2))]
    phones = [f"({rng.randint(201, 989)}) 555-{rng.randint(0, 9999):04d}" for _ in range(scale)]
    sentences = [fake.sentence(nb_words=12) for _ in range(max(50, scale // 4))]
    domains = {}
    for name in companies:
        slug = "".join(ch for ch in name.lower().split(",")[0].split(" and ")[0] if ch.isalnum())
        domains[name] = f"{slug[:30] or 'example'}.example"
    return Pools(first, last, companies, titles, streets, places, phones, sentences, domains)
