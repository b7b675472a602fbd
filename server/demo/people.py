"""Synthetic residents: families with plausible names, ages, relations and phone numbers."""

from itertools import accumulate

from server.demo.names import GIVEN_NAMES, SURNAMES
from server.org.models import CARE_FLAGS

ELDERLY_AGE = 60  # 老年人: 60 and over

REFERENCE_YEAR = 2026  # ages are computed against this fixed year, never the clock
HOUSEHOLD_SIZES = (1, 2, 3, 4, 5)
HOUSEHOLD_SIZE_WEIGHTS = tuple(accumulate((14, 27, 29, 19, 11)))  # mean ≈ 2.9 persons


def resident_phone(resident_id: int) -> str:
    """139 + 8 digits, a bijection of the id (the odd multiplier, not a multiple of 5, is prime to
    10**8): unique, deterministic, and never one of the demo accounts' numbers (138…)."""
    return f"139{(resident_id * 61_803_397 + 40_213) % 100_000_000:08d}"


class People:
    """Draws people from the name lists with the given random.Random; care flags come from a
    random.Random of their own (care_rng), so adding them changed no name, age or phone."""

    def __init__(self, rng, care_rng=None):
        self.rng = rng
        self.care_rng = care_rng
        self._surnames = [name for name, _ in SURNAMES]
        self._surname_weights = list(accumulate(weight for _, weight in SURNAMES))

    def surname(self) -> str:
        return self.rng.choices(self._surnames, cum_weights=self._surname_weights)[0]

    def given_name(self, gender: str, birth_year: int) -> str:
        era = "old" if birth_year < 1966 else "mid" if birth_year < 1990 else "young"
        return self.rng.choice(GIVEN_NAMES[(gender, era)])

    def full_name(self, gender: str | None = None, birth_year: int | None = None) -> str:
        gender = gender or self.rng.choice("MF")
        birth_year = birth_year or self.rng.randint(1955, 1990)
        return self.surname() + self.given_name(gender, birth_year)

    def household(self, household_id: int, first_id: int) -> list[dict]:
        """The members of one household as `residents` rows, ids first_id, first_id + 1, …"""
        rng = self.rng
        size = rng.choices(HOUSEHOLD_SIZES, cum_weights=HOUSEHOLD_SIZE_WEIGHTS)[0]
        if size == 1:
            head_year = rng.randint(1938, 1962) if rng.random() < 0.55 else rng.randint(1985, 2003)
            head_gender = rng.choice("MF")
            relations = []
        else:
            head_year = rng.randint(1948, 1996)
            head_gender = "M" if rng.random() < 0.7 else "F"
            relations = self._relations(size, head_year)
        head_surname = self.surname()
        members = [("head", head_surname, head_gender, head_year)]
        family_surname = head_surname
        mother_year = head_year
        parents = 0
        for relation in relations:
            if relation == "spouse":
                gender = "F" if head_gender == "M" else "M"
                year = head_year + rng.randint(-2, 4) * (1 if gender == "F" else -1)
                surname = self.surname()
                if gender == "M":
                    family_surname = surname
                else:
                    mother_year = year
                members.append(("spouse", surname, gender, year))
            elif relation == "child":
                year = min(mother_year + rng.randint(22, 34), REFERENCE_YEAR - 1)
                members.append(("child", family_surname, rng.choice("MF"), year))
            elif relation == "parent":
                gender = "M" if parents == 0 else "F"
                surname = head_surname if gender == "M" else self.surname()
                parents += 1
                members.append(("parent", surname, gender, head_year - rng.randint(22, 34)))
            else:  # other: a brother or sister of the head
                gender = rng.choice("MF")
                members.append(("other", head_surname, gender, head_year + rng.randint(-6, 6)))
        rows = []
        for offset, (relation, surname, gender, year) in enumerate(members):
            resident_id = first_id + offset
            age = REFERENCE_YEAR - year
            has_phone = age >= 16 and rng.random() < (0.6 if age > 75 else 0.9)
            rows.append(
                {
                    "id": resident_id,
                    "household_id": household_id,
                    "name": surname + self.given_name(gender, year),
                    "phone": resident_phone(resident_id) if has_phone else None,
                    "gender": gender,
                    "birth_year": year,
                    "relation": relation,
                    "care_flags": None,
                }
            )
        if self.care_rng is not None:
            self._care_flags(rows)
        return rows

    def _care_flags(self, rows: list[dict]) -> None:
        """Special care, at a few percent as a community's register has it: most people over 60
        who live alone are 独居老人; 残疾 (disability) grows with age; 低保 (low income) is granted
        to a household, more often to an old person alone or a family with a disabled member."""
        rng = self.care_rng
        flags = [set() for _ in rows]
        for member, row in zip(flags, rows):
            age = REFERENCE_YEAR - row["birth_year"]
            if rng.random() < (0.015 if age < ELDERLY_AGE else 0.04 if age < 80 else 0.08):
                member.add("disability")
        alone = len(rows) == 1 and REFERENCE_YEAR - rows[0]["birth_year"] >= ELDERLY_AGE
        if alone and rng.random() < 0.9:
            flags[0].add("elderly_alone")
        low_income = 0.08 if alone else 0.06 if any(flags) else 0.02
        if rng.random() < low_income:
            for member in flags:
                member.add("low_income")
        for member, row in zip(flags, rows):
            if member:
                row["care_flags"] = [flag for flag in CARE_FLAGS if flag in member]

    def _relations(self, size: int, head_year: int) -> list[str]:
        """Relations of the members besides the head; parents only if the head is young enough."""
        rng = self.rng
        if size == 2:
            roll = rng.random()
            relations = ["spouse"] if roll < 0.7 else ["child"] if roll < 0.85 else ["parent"]
        elif size == 3:
            relations = ["spouse", "child"]
        elif size == 4:
            relations = ["spouse", "child", "child" if rng.random() < 0.4 else "parent"]
        else:
            roll = rng.random()
            tail = ["parent", "parent"] if roll < 0.4 else ["child", "parent"] if roll < 0.7 else ["child", "other"]
            relations = ["spouse", "child", *tail]
        if head_year < 1962:  # the head's parents would be over 90: a grandchild or sibling instead
            relations = [r if r != "parent" else rng.choice(("child", "other")) for r in relations]
        return relations
