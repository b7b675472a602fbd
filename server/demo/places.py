"""Unique place and company names, credit codes, and exact integer splits."""

import random

from server.demo import names as words

CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100-2015 (no I, O, S, V, Z)
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def split(total: int, weights: list[float], minimum: int = 0) -> list[int]:
    """Integers ≥ minimum, proportional to weights, summing to exactly `total`."""
    count = len(weights)
    free = total - minimum * count
    if free < 0:
        raise ValueError(f"cannot split {total} into {count} parts of at least {minimum}")
    scale = free / sum(weights)
    raw = [weight * scale for weight in weights]
    parts = [int(value) for value in raw]
    by_remainder = sorted(range(count), key=lambda i: (parts[i] - raw[i], i))
    for i in by_remainder[: free - sum(parts)]:
        parts[i] += 1
    return [part + minimum for part in parts]


def credit_code(rng: random.Random, region: str) -> str:
    """A well-formed (check digit and all) but made-up 统一社会信用代码 of a company (91…)."""
    body = "91" + region + "".join(rng.choice(CREDIT_CODE_CHARS[:10]) for _ in range(8))
    body += rng.choice(CREDIT_CODE_CHARS)
    total = sum(CREDIT_CODE_CHARS.index(char) * weight for char, weight in zip(body, CREDIT_CODE_WEIGHTS))
    return body + CREDIT_CODE_CHARS[(31 - total % 31) % 31]


def trade_word(company: str) -> str:
    """许昌万家物业服务有限公司 → 万家."""
    return company.removeprefix("许昌市").removeprefix("许昌").removeprefix("河南")[: -len("物业服务有限公司")]


class Places:
    """Draws names from shuffled word lists; never returns the same name twice."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()
        self._streets = self._cycle(words.STREET_WORDS, ("", "东", "西", "南", "北"), "街道")
        self._communities = self._cycle(words.COMMUNITY_WORDS, words.COMMUNITY_SUFFIXES, "社区")
        self._factories = self._cycle(words.FACTORIES, ("", "第二", "第三", "东", "西"), "家属院")

    def reserve(self, *names: str) -> None:
        self.used.update(names)

    def _cycle(self, pool, suffixes, ending):
        """Names word+suffix+ending: every word once with the first suffix, then the next …"""
        for suffix in suffixes:
            shuffled = list(pool)
            self.rng.shuffle(shuffled)
            for word in shuffled:
                yield f"{word}{suffix}{ending}"
        number = 1
        while True:  # only for enormous cities
            number += 1
            for word in pool:
                yield f"{word}{number}{ending}"

    def _unique(self, candidates) -> str:
        for name in candidates:
            if name not in self.used:
                self.used.add(name)
                return name
        raise AssertionError("unreachable: the name generators are endless")

    def street_name(self, preferred: str | None) -> str:
        if preferred and preferred not in self.used:
            self.used.add(preferred)
            return preferred
        return self._unique(self._streets)

    def community_name(self) -> str:
        return self._unique(self._communities)

    def compound_name(self, kind: str, roads, local: str = "许昌") -> str:
        """A new compound's name; old ones are 家属院 of a local (许昌 or 禹州 …) work unit."""
        rng = self.rng
        if kind == "old":
            return self._unique(name.replace("许昌", local, 1) for name in self._factories)
        for _ in range(30):
            if kind == "mid":
                if rng.random() < 0.25:
                    name = f"{rng.choice(roads)}小区"
                else:
                    name = rng.choice(words.COMPOUND_WORDS) + rng.choice(words.MID_SUFFIXES)
            else:
                name = rng.choice(words.COMPOUND_WORDS) + rng.choice(words.NEW_SUFFIXES)
            if name not in self.used:
                self.used.add(name)
                return name
        base = name
        number = 1
        while name in self.used:  # 二期, 三期 …
            number += 1
            name = f"{base}{words.chinese_ordinal(number) if number < 100 else number}期"
        self.used.add(name)
        return name

    def company_names(self, count: int, exclude: str) -> list[str]:
        """`count` company names, no two (nor `exclude`) sharing the same trade name word."""
        pool = [pattern.format(word) for word in words.PROPERTY_COMPANY_WORDS for pattern in words.COMPANY_PATTERNS]
        self.rng.shuffle(pool)
        chosen, seen = [], {trade_word(exclude)}
        for name in pool:
            if trade_word(name) not in seen and len(chosen) < count:
                chosen.append(name)
                seen.add(trade_word(name))
        return chosen

    def credit_code(self, region: str) -> str:
        return credit_code(self.rng, region)
