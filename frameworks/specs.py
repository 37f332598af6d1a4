"""What a framework or scale should look like, and the rules it must keep.

A spec is plain data: the edit pages, the import file and the copy service all
turn what they have into a spec, and the services check it with the rules here
before writing anything. Problems come back with their location in the spec,
written as in the import file: ``categories[2].outcomes[0].short_name``.
"""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

from .models import GAS_SCORES, Band, CategoryKind, Framework, RatingScale, ScaleKind

NAME_LENGTH = 200
TEXT_LENGTH = 5_000
MAX_POINTS = 20
MAX_CATEGORIES = 50
MAX_OUTCOMES = 300

# Worst band first: the bands must rise with the scores.
BAND_ORDER = {band: i for i, band in enumerate(Band.values)}


@dataclass(frozen=True)
class PointSpec:
    score: int
    label: str
    band: str
    description: str = ""


@dataclass(frozen=True)
class ScaleSpec:
    name: str
    kind: str
    points: tuple[PointSpec, ...]
    description: str = ""


@dataclass(frozen=True)
class OutcomeSpec:
    short_name: str
    description: str = ""
    retired: bool = False
    # The outcome's identity across versions; None for an outcome being added.
    identity: uuid.UUID | None = None


@dataclass(frozen=True)
class CategorySpec:
    name: str
    kind: str
    outcomes: tuple[OutcomeSpec, ...]


@dataclass(frozen=True)
class FrameworkSpec:
    """A framework's content; order is the order of ``categories`` and their ``outcomes``."""

    name: str
    audience: str
    categories: tuple[CategorySpec, ...]
    description: str = ""

    def outcomes(self) -> Iterable[tuple[CategorySpec, OutcomeSpec]]:
        for category in self.categories:
            for outcome in category.outcomes:
                yield category, outcome


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a spec: where it is, and what to do about it."""

    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


def _text(value: str, location: str, *, required: bool, limit: int) -> list[Problem]:
    if required and not value.strip():
        return [Problem(location, "this field is required")]
    if len(value) > limit:
        return [Problem(location, f"must be at most {limit} characters (it has {len(value)})")]
    return []


def scale_problems(spec: ScaleSpec, prefix: str = "") -> list[Problem]:
    """Everything that stops ``spec`` being a usable rating scale.

    A scale has at least two points, no score twice, a label on every point,
    and report bands that never fall as the score rises (so "achieved" is never
    below "not achieved"). A Goal Attainment Scaling scale has exactly the
    scores -2 to +2.
    """
    problems = _text(spec.name, f"{prefix}name", required=True, limit=NAME_LENGTH)
    problems += _text(spec.description, f"{prefix}description", required=False, limit=TEXT_LENGTH)
    if spec.kind not in ScaleKind.values:
        problems.append(Problem(f"{prefix}kind", f"must be one of {', '.join(ScaleKind.values)}"))
    if len(spec.points) < 2:
        problems.append(Problem(f"{prefix}points", "a scale needs at least two points"))
    if len(spec.points) > MAX_POINTS:
        problems.append(Problem(f"{prefix}points", f"a scale has at most {MAX_POINTS} points"))
    seen: dict[int, int] = {}
    for i, point in enumerate(spec.points):
        where = f"{prefix}points[{i}]"
        problems += _text(point.label, f"{where}.label", required=True, limit=NAME_LENGTH)
        problems += _text(
            point.description, f"{where}.description", required=False, limit=TEXT_LENGTH
        )
        if point.band not in Band.values:
            problems.append(Problem(f"{where}.band", f"must be one of {', '.join(Band.values)}"))
        if point.score in seen:
            problems.append(
                Problem(
                    f"{where}.score",
                    f"score {point.score} is already used by points[{seen[point.score]}]; "
                    "each score may appear once",
                )
            )
        seen.setdefault(point.score, i)
    ranked = sorted(
        (p.score, BAND_ORDER[p.band], i) for i, p in enumerate(spec.points) if p.band in BAND_ORDER
    )
    for (low_score, low_band, _), (high_score, high_band, i) in pairwise(ranked):
        if high_band < low_band:
            problems.append(
                Problem(
                    f"{prefix}points[{i}].band",
                    f"score {high_score} has a lower report band than score {low_score}; "
                    "bands must rise with the scores",
                )
            )
    if spec.kind == ScaleKind.GAS and sorted(seen) != list(GAS_SCORES):
        problems.append(
            Problem(
                f"{prefix}points",
                "a Goal Attainment Scaling scale has exactly the scores -2, -1, 0, +1 and +2",
            )
        )
    return problems


def framework_problems(spec: FrameworkSpec, prefix: str = "") -> list[Problem]:
    """Everything that stops ``spec`` being a usable framework.

    A framework has a name and says who it is for; it has at least one
    category, every category has a name, a kind and at least one outcome, and
    no two categories or outcomes share a name (ignoring case).
    """
    problems = _text(spec.name, f"{prefix}name", required=True, limit=NAME_LENGTH)
    problems += _text(spec.audience, f"{prefix}audience", required=True, limit=NAME_LENGTH)
    problems += _text(spec.description, f"{prefix}description", required=False, limit=TEXT_LENGTH)
    if not spec.categories:
        problems.append(Problem(f"{prefix}categories", "a framework needs at least one category"))
    if len(spec.categories) > MAX_CATEGORIES:
        problems.append(
            Problem(f"{prefix}categories", f"a framework has at most {MAX_CATEGORIES} categories")
        )
    category_names: dict[str, int] = {}
    outcome_names: dict[str, str] = {}
    identities: set[uuid.UUID] = set()
    total = 0
    for i, category in enumerate(spec.categories):
        where = f"{prefix}categories[{i}]"
        problems += _text(category.name, f"{where}.name", required=True, limit=NAME_LENGTH)
        if category.kind not in CategoryKind.values:
            problems.append(
                Problem(f"{where}.kind", f"must be one of {', '.join(CategoryKind.values)}")
            )
        folded = category.name.strip().casefold()
        if folded and folded in category_names:
            problems.append(
                Problem(
                    f"{where}.name",
                    f"categories[{category_names[folded]}] already has the name "
                    f"“{category.name.strip()}”",
                )
            )
        category_names.setdefault(folded, i)
        if not category.outcomes:
            problems.append(Problem(f"{where}.outcomes", "a category needs at least one outcome"))
        for j, outcome in enumerate(category.outcomes):
            total += 1
            at = f"{where}.outcomes[{j}]"
            problems += _text(
                outcome.short_name, f"{at}.short_name", required=True, limit=NAME_LENGTH
            )
            problems += _text(
                outcome.description, f"{at}.description", required=False, limit=TEXT_LENGTH
            )
            folded = outcome.short_name.strip().casefold()
            if folded and folded in outcome_names:
                problems.append(
                    Problem(
                        f"{at}.short_name",
                        f"{outcome_names[folded]} already has the short name "
                        f"“{outcome.short_name.strip()}”",
                    )
                )
            outcome_names.setdefault(folded, at)
            if outcome.identity is not None:
                if outcome.identity in identities:
                    problems.append(Problem(at, "the same outcome appears twice"))
                identities.add(outcome.identity)
    if total > MAX_OUTCOMES:
        problems.append(
            Problem(f"{prefix}categories", f"a framework has at most {MAX_OUTCOMES} outcomes")
        )
    return problems


def scale_spec_of(scale: RatingScale) -> ScaleSpec:
    """The spec of a saved scale version (its points read in score order)."""
    return ScaleSpec(
        name=scale.name,
        kind=scale.kind,
        description=scale.description,
        points=tuple(
            PointSpec(score=p.score, label=p.label, band=p.band, description=p.description)
            for p in sorted(scale.points.all(), key=lambda p: p.score)
        ),
    )


def framework_spec_of(framework: Framework) -> FrameworkSpec:
    """The spec of a saved framework version, categories and outcomes in their order."""
    categories = sorted(framework.categories.all(), key=lambda c: (c.order, c.pk))
    return FrameworkSpec(
        name=framework.name,
        audience=framework.audience,
        description=framework.description,
        categories=tuple(
            CategorySpec(
                name=category.name,
                kind=category.kind,
                outcomes=tuple(
                    OutcomeSpec(
                        short_name=o.short_name,
                        description=o.description,
                        retired=o.retired_at is not None,
                        identity=o.identity,
                    )
                    for o in sorted(category.outcomes.all(), key=lambda o: (o.order, o.pk))
                ),
            )
            for category in categories
        ),
    )


def without_retirement(spec: FrameworkSpec) -> FrameworkSpec:
    """``spec`` with every outcome current: what is compared to decide on a new version.

    Retiring an outcome changes what is offered for new recording, not what
    anything recorded means, so on its own it never needs a new version.
    """
    return FrameworkSpec(
        name=spec.name.strip(),
        audience=spec.audience.strip(),
        description=spec.description.strip(),
        categories=tuple(
            CategorySpec(
                name=c.name.strip(),
                kind=c.kind,
                outcomes=tuple(
                    OutcomeSpec(
                        short_name=o.short_name.strip(),
                        description=o.description.strip(),
                        identity=o.identity,
                    )
                    for o in c.outcomes
                ),
            )
            for c in spec.categories
        ),
    )


def normalised_scale(spec: ScaleSpec) -> ScaleSpec:
    """``spec`` with text trimmed and points in score order, for comparing two scales."""
    return ScaleSpec(
        name=spec.name.strip(),
        kind=spec.kind,
        description=spec.description.strip(),
        points=tuple(
            PointSpec(
                score=p.score,
                label=p.label.strip(),
                band=p.band,
                description=p.description.strip(),
            )
            for p in sorted(spec.points, key=lambda p: p.score)
        ),
    )
