"""Compound plans and building shapes: how a compound's households fill its buildings."""

import math
import random
from dataclasses import dataclass, field


@dataclass
class CompoundPlan:
    budget: int  # households, exactly
    grids: list[int]  # grid indexes in the community; two: the grids split its buildings
    kind: str = "new"  # old (家属院, 5–7 floors, no lift), mid, new
    special: str | None = None  # a name of SPECIAL_COMPOUNDS
    grid_shares: list[int] = field(default_factory=list)  # target households per grid


def shape(rng: random.Random, kind: str) -> tuple[int, int, int]:
    """(units, floors, flats per floor of a unit) of a new building of this kind."""
    if kind == "old":
        return rng.randint(1, 3), rng.randint(5, 7), 2
    if kind == "mid":
        return rng.randint(2, 3), rng.choice((6, 6, 7, 9, 11, 12, 15, 18)), 2
    units = rng.randint(1, 4)
    return units, rng.randint(11, 33), 4 if units == 1 else 2


def building_shapes(rng: random.Random, plan: CompoundPlan, kind: str) -> list[tuple[int, int, int, int]]:
    """Buildings until the compound's households are placed.

    Each is (units, floors, flats per floor of a unit, households registered)."""
    min_floors = 5 if kind == "old" else 6
    # A compound split between grids has three buildings at least; 帝豪花园: 2 units of 2 flats.
    cap_limit = plan.budget // 3 if len(plan.grids) > 1 else plan.budget
    shapes = []
    remaining = plan.budget
    while remaining > 0:
        if plan.special == "帝豪花园":
            units, floors, per_floor = 2, rng.randint(11, 26), 2
        else:
            units, floors, per_floor = shape(rng, kind)
        limit = min(remaining, cap_limit) if cap_limit >= 8 else remaining
        if units * floors * per_floor > limit:
            floors = max(min_floors, math.ceil(limit / (units * per_floor)))
            if units * floors * per_floor > limit and units > 1:
                units = max(1, math.ceil(limit / (floors * per_floor)))
        count = min(units * floors * per_floor, limit)
        shapes.append((units, floors, per_floor, count))
        remaining -= count
    return shapes


def building_grids(plan: CompoundPlan, shapes) -> list[int | None]:
    """For a compound split between two grids: which grid covers each building (else None)."""
    if len(plan.grids) == 1:
        return [None] * len(shapes)
    first, second = plan.grids
    owners, covered = [], 0
    for position, (*_, count) in enumerate(shapes):
        take_first = position == 0 or (
            owners[-1] == first
            and covered + count / 2 <= plan.grid_shares[0]
            and position < len(shapes) - 1  # the second grid gets one building at least
        )
        owners.append(first if take_first else second)
        covered += count if take_first else 0
    return owners
