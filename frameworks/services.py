"""Writes to outcome frameworks and rating scales, keeping what was recorded meaningful.

Versions. Outcomes and reviews point at framework outcome and scale point
rows, so those rows must mean forever what they meant when something was
recorded against them. A framework or scale version that nothing has been
recorded against is edited in place. Once anything refers to it, a change
makes a new version instead: new rows with the same ``lineage`` and the next
``version`` number, framework outcomes keeping their ``identity``; the old
version is marked ``superseded_at`` and never changes again. Retiring or
reinstating an outcome or framework changes what is offered for new
recording, not what anything means, so it is done in place on the current
version.

Every service checks its rules, writes in one transaction and adds an audit
event for the change. Nothing here deletes a recorded outcome or review:
deleting a framework, outcome or scale that anything refers to is refused,
and retiring is offered instead.
"""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.models import Organisation
from audit.services import audit_record, changes_between
from common.actor import Actor
from common.usage import describe_uses

from .defaults import DEFAULT_FRAMEWORKS, EXTENT_SCALE
from .models import (
    CategoryKind,
    Framework,
    FrameworkCategory,
    FrameworkOutcome,
    RatingScale,
    ScalePoint,
)
from .selectors import (
    framework_uses,
    framework_version_uses,
    frameworks_on_scale,
    outcome_identity_uses,
    scale_uses,
    scale_version_uses,
)
from .specs import (
    CategorySpec,
    FrameworkSpec,
    Problem,
    ScaleSpec,
    framework_problems,
    framework_spec_of,
    normalised_scale,
    scale_problems,
    scale_spec_of,
    without_retirement,
)

OLD_FRAMEWORK_VERSION = (
    "This is an old version of the framework, kept because outcomes were recorded with it. "
    "Open the current version to make changes."
)
OLD_SCALE_VERSION = (
    "This is an old version of the scale, kept because ratings were made with it. "
    "Open the current version to make changes."
)


@dataclass
class DefaultsLoaded:
    scales_created: list[str] = field(default_factory=list)
    frameworks_created: list[str] = field(default_factory=list)


@transaction.atomic
def defaults_load(*, organisation: Organisation | None = None) -> DefaultsLoaded:
    """Give ``organisation`` (or every organisation) the default scale and frameworks
    it does not have yet: its own copies, which only its admins change.

    A framework or scale that already exists (matched by its key, which only
    the current version carries) is left exactly as it is, so running this
    again changes nothing and never undoes an admin's edits, additions,
    retirements or new versions.
    """
    result = DefaultsLoaded()
    organisations = [organisation] if organisation else Organisation.objects.order_by("pk")
    for each in organisations:
        _defaults_into(each, result)
    return result


def _defaults_into(organisation: Organisation, result: DefaultsLoaded) -> None:
    scale = RatingScale.objects.filter(organisation=organisation, key=EXTENT_SCALE["key"]).first()
    if scale is None:
        scale = RatingScale.objects.create(
            organisation=organisation,
            key=EXTENT_SCALE["key"],
            name=EXTENT_SCALE["name"],
            kind=EXTENT_SCALE["kind"],
            description=EXTENT_SCALE["description"],
        )
        ScalePoint.objects.bulk_create(
            ScalePoint(scale=scale, score=score, label=label, band=band)
            for score, label, band in EXTENT_SCALE["points"]
        )
        result.scales_created.append(f"{scale.name} ({organisation})")

    existing = set(
        Framework.objects.filter(organisation=organisation).values_list("key", flat=True)
    )
    for spec in DEFAULT_FRAMEWORKS:
        if spec["key"] in existing:
            continue
        framework = Framework.objects.create(
            organisation=organisation,
            key=spec["key"],
            name=spec["name"],
            audience=spec["audience"],
            description=spec["description"],
            scale=scale,
        )
        for category_order, (name, kind, outcomes) in enumerate(spec["categories"], start=1):
            category = FrameworkCategory.objects.create(
                framework=framework, name=name, kind=kind, order=category_order
            )
            FrameworkOutcome.objects.bulk_create(
                FrameworkOutcome(
                    category=category, short_name=short_name, description=description, order=i
                )
                for i, (short_name, description) in enumerate(outcomes, start=1)
            )
        result.frameworks_created.append(f"{framework.name} ({organisation})")


# Shared pieces ---------------------------------------------------------------


def _raise(problems: Iterable[Problem]) -> None:
    """Raise one ValidationError carrying every problem under its location."""
    errors: dict[str, list[str]] = {}
    for problem in problems:
        errors.setdefault(problem.location or NON_FIELD_ERRORS, []).append(problem.message)
    if errors:
        raise ValidationError(errors)


def _set_retired(actor: Actor, thing: Framework | RatingScale, *, retire: bool, noun: str) -> None:
    """Retire or reinstate a locked framework or scale, and audit it."""
    thing.retired_at = timezone.now() if retire else None
    thing.save(update_fields=["retired_at"])
    audit_record(
        actor=actor,
        action="retire" if retire else "reinstate",
        on=thing,
        summary=f"{noun} {'retired' if retire else 'reinstated'}",
        changes={"retired": [not retire, retire]},
    )


def _version_label(thing: Framework | RatingScale) -> str:
    return f"{thing.name} (version {thing.version})"


# Scales ---------------------------------------------------------------------


def _check_scale_name_free(
    name: str, *, organisation_id: int, lineage: uuid.UUID | None = None
) -> None:
    taken = RatingScale.objects.annotate(folded=Lower("name")).filter(
        organisation_id=organisation_id, folded=name.lower(), superseded_at__isnull=True
    )
    if lineage is not None:
        taken = taken.exclude(lineage=lineage)
    if taken.exists():
        raise ValidationError({"name": f"There is already a scale called “{name}”."})


def _point_lines(spec: ScaleSpec) -> list[str]:
    return [f"{p.score}: {p.label} [{p.band}]" for p in spec.points]


def _write_points(scale: RatingScale, spec: ScaleSpec) -> None:
    ScalePoint.objects.bulk_create(
        ScalePoint(
            scale=scale, score=p.score, label=p.label, band=p.band, description=p.description
        )
        for p in spec.points
    )


@transaction.atomic
def scale_create(
    *, actor: Actor, organisation: Organisation, spec: ScaleSpec, key: str = ""
) -> RatingScale:
    """Create one of ``organisation``'s rating scales (version 1) with its points."""
    # Checked as given, so each problem's location is where the admin put it.
    _raise(scale_problems(spec))
    spec = normalised_scale(spec)
    _check_scale_name_free(spec.name, organisation_id=organisation.pk)
    try:
        # A savepoint: a scale of the same name saved meanwhile (a double
        # submit, say) is refused by the database and reported like any other.
        with transaction.atomic():
            scale = RatingScale.objects.create(
                organisation=organisation,
                key=key,
                name=spec.name,
                kind=spec.kind,
                description=spec.description,
            )
    except IntegrityError:
        _check_scale_name_free(spec.name, organisation_id=organisation.pk)
        raise
    _write_points(scale, spec)
    audit_record(
        actor=actor,
        action="create",
        on=scale,
        summary="Rating scale created",
        changes={"name": [None, scale.name], "points": [None, _point_lines(spec)]},
    )
    return scale


def _scale_changes(before: ScaleSpec, after: ScaleSpec) -> dict:
    changes = changes_between(
        {"name": before.name, "kind": before.kind, "description": before.description},
        {"name": after.name, "kind": after.kind, "description": after.description},
    )
    old, new = _point_lines(before), _point_lines(after)
    old_descriptions = [p.description for p in before.points]
    new_descriptions = [p.description for p in after.points]
    if old != new or old_descriptions != new_descriptions:
        changes["points"] = [old, new]
    return changes


@transaction.atomic
def scale_update(*, actor: Actor, scale: RatingScale, spec: ScaleSpec) -> RatingScale:
    """Change a scale; returns the scale version to use from now on.

    If nothing has been rated on this version yet, it is changed in place.
    Otherwise a new version is made, and every current framework on the old
    version moves to the new one (itself getting a new version if outcomes
    were recorded against it). A scale's kind cannot change once it has been
    used: a GAS score and an extent score do not mean the same thing.
    """
    current = RatingScale.objects.select_for_update().get(pk=scale.pk)
    if current.superseded_at is not None:
        raise ValidationError(OLD_SCALE_VERSION)
    _raise(scale_problems(spec))
    spec = normalised_scale(spec)
    _check_scale_name_free(
        spec.name, organisation_id=current.organisation_id, lineage=current.lineage
    )
    # Locked, so no rating can be made on a point while this decides.
    list(ScalePoint.objects.select_for_update().filter(scale=current))
    before = scale_spec_of(current)
    changes = _scale_changes(before, spec)
    if not changes:
        return current
    uses = scale_version_uses(current)
    if not uses:
        current.name, current.kind, current.description = spec.name, spec.kind, spec.description
        current.save(update_fields=["name", "kind", "description"])
        ScalePoint.objects.filter(scale=current).delete()
        _write_points(current, spec)
        audit_record(
            actor=actor,
            action="update",
            on=current,
            summary="Rating scale changed",
            changes=changes,
        )
        return current
    if spec.kind != current.kind:
        raise ValidationError(
            {
                "kind": "Ratings have been made on this scale, so its kind cannot change. "
                "Create a new scale instead."
            }
        )
    key = current.key
    RatingScale.objects.filter(pk=current.pk).update(superseded_at=timezone.now(), key="")
    new = RatingScale.objects.create(
        organisation_id=current.organisation_id,
        key=key,
        lineage=current.lineage,
        version=current.version + 1,
        name=spec.name,
        kind=spec.kind,
        description=spec.description,
        retired_at=current.retired_at,
    )
    _write_points(new, spec)
    audit_record(
        actor=actor,
        action="new_version",
        on=new,
        summary=f"Version {new.version} made, because version {current.version} had been used",
        changes={"version": [current.version, new.version], **changes},
    )
    on_old_version = Framework.objects.select_for_update().filter(
        scale=current, superseded_at__isnull=True
    )
    for framework in on_old_version:
        _framework_apply(
            actor=actor,
            current=framework,
            spec=framework_spec_of(framework),
            scale=new,
            following_scale=True,
        )
    return new


@transaction.atomic
def scale_retire(*, actor: Actor, scale: RatingScale) -> RatingScale:
    """Stop offering a scale for frameworks; everything rated on it keeps it."""
    current = RatingScale.objects.select_for_update().get(pk=scale.pk)
    if current.superseded_at is not None:
        raise ValidationError(OLD_SCALE_VERSION)
    if current.retired_at is not None:
        raise ValidationError("This scale is already retired.")
    users = list(
        Framework.objects.filter(
            scale=current, superseded_at__isnull=True, retired_at__isnull=True
        ).values_list("name", flat=True)
    )
    if users:
        raise ValidationError(
            f"Frameworks in use are rated on this scale: {', '.join(users)}. "
            "Move them to another scale, or retire them, first."
        )
    _set_retired(actor, current, retire=True, noun="Rating scale")
    return current


@transaction.atomic
def scale_reinstate(*, actor: Actor, scale: RatingScale) -> RatingScale:
    """Offer a retired scale for frameworks again."""
    current = RatingScale.objects.select_for_update().get(pk=scale.pk)
    if current.superseded_at is not None:
        raise ValidationError(OLD_SCALE_VERSION)
    if current.retired_at is None:
        raise ValidationError("This scale is not retired.")
    _set_retired(actor, current, retire=False, noun="Rating scale")
    return current


@transaction.atomic
def scale_delete(*, actor: Actor, scale: RatingScale) -> None:
    """Delete a scale and all its versions, only if nothing was ever rated on it.

    Refused, saying what uses it, if any rating, outcome or framework refers
    to any version of it.
    """
    current = RatingScale.objects.select_for_update().get(pk=scale.pk)
    list(ScalePoint.objects.select_for_update().filter(scale__lineage=current.lineage))
    uses = scale_uses(current)
    if uses:
        raise ValidationError(
            f"This scale cannot be deleted: it is used by {describe_uses(uses)}. "
            "Retire it instead, so it is no longer offered; those ratings keep their meaning."
        )
    frameworks = [_version_label(f) for f in frameworks_on_scale(current)]
    if frameworks:
        raise ValidationError(
            f"This scale cannot be deleted: it is used by {', '.join(frameworks)}. "
            "Move those frameworks to another scale, or retire the scale instead."
        )
    RatingScale.objects.filter(lineage=current.lineage).delete()
    audit_record(
        actor=actor,
        action="delete",
        on=scale,
        summary="Rating scale deleted",
        changes={"name": [current.name, None]},
    )


# Frameworks -------------------------------------------------------------------


def _trimmed(spec: FrameworkSpec) -> FrameworkSpec:
    return replace(
        spec,
        name=spec.name.strip(),
        audience=spec.audience.strip(),
        description=spec.description.strip(),
        categories=tuple(
            replace(
                c,
                name=c.name.strip(),
                outcomes=tuple(
                    replace(o, short_name=o.short_name.strip(), description=o.description.strip())
                    for o in c.outcomes
                ),
            )
            for c in spec.categories
        ),
    )


def _check_framework_name_free(
    name: str, *, organisation_id: int, lineage: uuid.UUID | None = None
) -> None:
    taken = Framework.objects.annotate(folded=Lower("name")).filter(
        organisation_id=organisation_id,
        folded=name.lower(),
        superseded_at__isnull=True,
        retired_at__isnull=True,
    )
    if lineage is not None:
        taken = taken.exclude(lineage=lineage)
    if taken.exists():
        raise ValidationError(
            {
                "name": f"A framework called “{name}” is already in use. "
                "Choose another name, or retire that framework first."
            }
        )


def _check_scale_choosable(scale: RatingScale, *, organisation_id: int) -> None:
    # Read afresh and locked: the scale may have been retired since the page was shown.
    scale = RatingScale.objects.select_for_update().get(pk=scale.pk)
    if scale.organisation_id != organisation_id:
        raise ValidationError({"scale": "Choose one of your organisation's scales."})
    if scale.superseded_at is not None:
        raise ValidationError({"scale": "Choose the current version of the scale."})
    if scale.retired_at is not None:
        raise ValidationError({"scale": f"The scale “{scale.name}” is retired; choose another."})


def _write_tree(
    framework: Framework,
    spec: FrameworkSpec,
    retired_since: dict[uuid.UUID, object] | None = None,
) -> None:
    """Create the categories and outcomes of ``spec`` under ``framework``.

    A retired outcome keeps the moment it was retired, if ``retired_since``
    knows it; outcomes without an identity get a new one.
    """
    retired_since = retired_since or {}
    now = timezone.now()
    for i, category_spec in enumerate(spec.categories, start=1):
        category = FrameworkCategory.objects.create(
            framework=framework, name=category_spec.name, kind=category_spec.kind, order=i
        )
        FrameworkOutcome.objects.bulk_create(
            FrameworkOutcome(
                category=category,
                identity=o.identity or uuid.uuid4(),
                short_name=o.short_name,
                description=o.description,
                order=j,
                retired_at=(retired_since.get(o.identity) or now) if o.retired else None,
            )
            for j, o in enumerate(category_spec.outcomes, start=1)
        )


def _framework_with_tree(pk: int) -> Framework:
    return Framework.objects.prefetch_related(
        Prefetch(
            "categories",
            queryset=FrameworkCategory.objects.prefetch_related("outcomes"),
        )
    ).get(pk=pk)


def _framework_changes(
    before: FrameworkSpec, after: FrameworkSpec, old_scale: RatingScale, new_scale: RatingScale
) -> dict:
    """``{what: [old, new]}`` in words an admin reads in the version history."""
    changes = changes_between(
        {"name": before.name, "audience": before.audience, "description": before.description},
        {"name": after.name, "audience": after.audience, "description": after.description},
    )
    if old_scale.pk != new_scale.pk:
        changes["rating scale"] = [_version_label(old_scale), _version_label(new_scale)]
    kinds = dict(CategoryKind.choices)

    def categories(spec: FrameworkSpec) -> list[str]:
        return [f"{c.name} ({kinds.get(c.kind, c.kind)})" for c in spec.categories]

    if categories(before) != categories(after):
        changes["categories"] = [categories(before), categories(after)]
    old = {o.identity: (c, o) for c, o in before.outcomes()}
    seen = set()
    for category, outcome in after.outcomes():
        if outcome.identity not in old:
            changes[f"outcome “{outcome.short_name}”"] = [None, "added"]
            continue
        seen.add(outcome.identity)
        old_category, previous = old[outcome.identity]
        label = f"outcome “{previous.short_name}”"
        for what, was, now in (
            ("short name", previous.short_name, outcome.short_name),
            ("description", previous.description, outcome.description),
            ("category", old_category.name, category.name),
            ("retired", previous.retired, outcome.retired),
        ):
            if was != now:
                changes[f"{label}: {what}"] = [was, now]
    for identity, (_, previous) in old.items():
        if identity not in seen:
            changes[f"outcome “{previous.short_name}”"] = ["present", "removed"]
    kept = [o.identity for _, o in after.outcomes() if o.identity in old]
    was_order = [o.identity for _, o in before.outcomes() if o.identity in set(kept)]
    if kept != was_order:
        names = {o.identity: o.short_name for _, o in after.outcomes()}
        changes["order of outcomes"] = [
            [names[i] for i in was_order],
            [names[i] for i in kept],
        ]
    return changes


def _framework_apply(
    *,
    actor: Actor,
    current: Framework,
    spec: FrameworkSpec,
    scale: RatingScale,
    following_scale: bool = False,
) -> Framework:
    """Make ``current`` (a locked, current version) match ``spec``; see framework_update.

    ``following_scale`` is for moving a framework to the new version of its
    own scale, which it may do even if that scale is retired.
    """
    spec = _trimmed(spec)
    _raise(framework_problems(spec))
    if current.retired_at is None:
        _check_framework_name_free(
            spec.name, organisation_id=current.organisation_id, lineage=current.lineage
        )
    if scale.pk != current.scale_id and not following_scale:
        _check_scale_choosable(scale, organisation_id=current.organisation_id)
    # Locked, so nothing can be recorded against these outcomes while this decides.
    existing = list(
        FrameworkOutcome.objects.select_for_update().filter(
            category__in=FrameworkCategory.objects.filter(framework=current).values("pk")
        )
    )
    retired_since = {o.identity: o.retired_at for o in existing if o.retired_at}
    before = framework_spec_of(_framework_with_tree(current.pk))
    known = {o.identity for _, o in before.outcomes()}
    problems = [
        Problem(f"categories[{i}].outcomes[{j}]", "this outcome is not part of the framework")
        for i, c in enumerate(spec.categories)
        for j, o in enumerate(c.outcomes)
        if o.identity is not None and o.identity not in known
    ]
    _raise(problems)
    kept = {o.identity for _, o in spec.outcomes()}
    for _, removed in before.outcomes():
        if removed.identity in kept:
            continue
        uses = outcome_identity_uses(removed.identity)
        if uses:
            problems.append(
                Problem(
                    "",
                    f"“{removed.short_name}” cannot be removed: it is used by "
                    f"{describe_uses(uses)}. Mark it retired instead: it will no longer be "
                    "offered, and what was recorded keeps it.",
                )
            )
    _raise(problems)

    old_scale = current.scale
    changes = _framework_changes(before, spec, old_scale, scale)
    if not changes:
        return current
    content_changed = (
        without_retirement(before) != without_retirement(spec) or scale.pk != current.scale_id
    )
    if content_changed and framework_version_uses(current):
        key = current.key
        Framework.objects.filter(pk=current.pk).update(superseded_at=timezone.now(), key="")
        new = Framework.objects.create(
            organisation_id=current.organisation_id,
            key=key,
            lineage=current.lineage,
            version=current.version + 1,
            name=spec.name,
            audience=spec.audience,
            description=spec.description,
            scale=scale,
            retired_at=current.retired_at,
        )
        _write_tree(new, spec, retired_since)
        audit_record(
            actor=actor,
            action="new_version",
            on=new,
            summary=f"Version {new.version} made, because version {current.version} had been used",
            changes={"version": [current.version, new.version], **changes},
        )
        return new
    if content_changed:
        # Nothing refers to this version's rows, so they can be rewritten.
        current.name, current.audience = spec.name, spec.audience
        current.description, current.scale = spec.description, scale
        current.save(update_fields=["name", "audience", "description", "scale"])
        FrameworkCategory.objects.filter(framework=current).delete()
        _write_tree(current, spec, retired_since)
    else:
        retired = {o.identity for _, o in spec.outcomes() if o.retired}
        now = timezone.now()
        for row in existing:
            if (row.identity in retired) != (row.retired_at is not None):
                row.retired_at = now if row.identity in retired else None
                row.save(update_fields=["retired_at"])
    audit_record(
        actor=actor,
        action="update",
        on=current,
        summary="Framework changed",
        changes=changes,
    )
    return current


def _current_for_change(framework: Framework) -> Framework:
    current = Framework.objects.select_for_update().select_related("scale").get(pk=framework.pk)
    if current.superseded_at is not None:
        raise ValidationError(OLD_FRAMEWORK_VERSION)
    return current


@transaction.atomic
def framework_create(
    *,
    actor: Actor,
    spec: FrameworkSpec,
    scale: RatingScale,
    key: str = "",
    summary: str = "Framework created",
) -> Framework:
    """Create a framework (version 1) with its categories and outcomes, in the
    organisation whose scale it is rated on.

    Every outcome gets a new identity, even if ``spec`` carries one: a new
    framework is never counted together with another in reports.
    """
    spec = _trimmed(spec)
    spec = replace(
        spec,
        categories=tuple(
            replace(c, outcomes=tuple(replace(o, identity=None) for o in c.outcomes))
            for c in spec.categories
        ),
    )
    _raise(framework_problems(spec))
    _check_framework_name_free(spec.name, organisation_id=scale.organisation_id)
    _check_scale_choosable(scale, organisation_id=scale.organisation_id)
    try:
        # A savepoint: a framework of the same name saved meanwhile (a double
        # submit, say) is refused by the database and reported like any other.
        with transaction.atomic():
            framework = Framework.objects.create(
                organisation_id=scale.organisation_id,
                key=key,
                name=spec.name,
                audience=spec.audience,
                description=spec.description,
                scale=scale,
            )
    except IntegrityError:
        _check_framework_name_free(spec.name, organisation_id=scale.organisation_id)
        raise
    _write_tree(framework, spec)
    audit_record(
        actor=actor,
        action="create",
        on=framework,
        summary=summary,
        changes={
            "name": [None, spec.name],
            "rating scale": [None, _version_label(scale)],
            "outcomes": [None, [o.short_name for _, o in spec.outcomes()]],
        },
    )
    return framework


@transaction.atomic
def framework_update(
    *, actor: Actor, framework: Framework, spec: FrameworkSpec, scale: RatingScale
) -> Framework:
    """Change a framework; returns the version to use from now on.

    ``spec`` is the whole framework as it should be; outcomes that stay carry
    their ``identity``. If nothing has been recorded against this version it
    is changed in place; otherwise a new version is made and this one is left
    exactly as it was. Only retiring or reinstating outcomes is always done in
    place. An outcome that anything refers to cannot be removed (retire it).
    """
    current = _current_for_change(framework)
    return _framework_apply(actor=actor, current=current, spec=spec, scale=scale)


@transaction.atomic
def framework_copy(*, actor: Actor, framework: Framework, name: str) -> Framework:
    """A new framework called ``name``, starting from ``framework``'s current outcomes.

    The copy leaves out retired outcomes, gets new identities (it is a
    different framework in reports) and uses the current version of the
    original's scale.
    """
    source = _framework_with_tree(framework.pk)
    spec = framework_spec_of(source)
    categories = []
    for category in spec.categories:
        outcomes = tuple(replace(o, identity=None) for o in category.outcomes if not o.retired)
        if outcomes:
            categories.append(
                CategorySpec(name=category.name, kind=category.kind, outcomes=outcomes)
            )
    spec = replace(spec, name=name, categories=tuple(categories))
    scale = RatingScale.objects.get(lineage=source.scale.lineage, superseded_at__isnull=True)
    return framework_create(
        actor=actor,
        spec=spec,
        scale=scale,
        summary=f"Framework created as a copy of {source.pk}",
    )


@transaction.atomic
def framework_retire(*, actor: Actor, framework: Framework) -> Framework:
    """Stop offering a framework for new outcomes; what was recorded keeps it."""
    current = _current_for_change(framework)
    if current.retired_at is not None:
        raise ValidationError("This framework is already retired.")
    _set_retired(actor, current, retire=True, noun="Framework")
    return current


@transaction.atomic
def framework_reinstate(*, actor: Actor, framework: Framework) -> Framework:
    """Offer a retired framework for new outcomes again."""
    current = _current_for_change(framework)
    if current.retired_at is None:
        raise ValidationError("This framework is not retired.")
    _check_framework_name_free(
        current.name, organisation_id=current.organisation_id, lineage=current.lineage
    )
    _set_retired(actor, current, retire=False, noun="Framework")
    return current


def _outcome_retirement(
    actor: Actor, outcome: FrameworkOutcome, *, retire: bool
) -> FrameworkOutcome:
    current = _current_for_change(outcome.category.framework)
    row = FrameworkOutcome.objects.select_for_update().get(pk=outcome.pk)
    if row.category.framework_id != current.pk:
        raise ValidationError(OLD_FRAMEWORK_VERSION)
    if (row.retired_at is not None) == retire:
        raise ValidationError(
            "This outcome is already retired." if retire else "This outcome is not retired."
        )
    row.retired_at = timezone.now() if retire else None
    row.save(update_fields=["retired_at"])
    audit_record(
        actor=actor,
        action="update",
        on=current,
        summary="Framework outcome retired" if retire else "Framework outcome reinstated",
        changes={f"outcome “{row.short_name}”: retired": [not retire, retire]},
    )
    return row


@transaction.atomic
def framework_outcome_retire(*, actor: Actor, outcome: FrameworkOutcome) -> FrameworkOutcome:
    """Stop offering one outcome of the current version; old records keep it."""
    return _outcome_retirement(actor, outcome, retire=True)


@transaction.atomic
def framework_outcome_reinstate(*, actor: Actor, outcome: FrameworkOutcome) -> FrameworkOutcome:
    """Offer a retired outcome of the current version again."""
    return _outcome_retirement(actor, outcome, retire=False)


@transaction.atomic
def framework_delete(*, actor: Actor, framework: Framework) -> None:
    """Delete a framework with all its versions, only if nothing was ever recorded against it.

    Refused, saying what refers to it, otherwise: retire it instead.
    """
    current = Framework.objects.select_for_update().get(pk=framework.pk)
    list(
        FrameworkOutcome.objects.select_for_update().filter(
            category__in=FrameworkCategory.objects.filter(
                framework__lineage=current.lineage
            ).values("pk")
        )
    )
    uses = framework_uses(current)
    if uses:
        raise ValidationError(
            f"This framework cannot be deleted: it is used by {describe_uses(uses)}. "
            "Retire it instead: it will no longer be offered for new outcomes, "
            "and what was recorded keeps it."
        )
    Framework.objects.filter(lineage=current.lineage).delete()
    audit_record(
        actor=actor,
        action="delete",
        on=framework,
        summary="Framework deleted",
        changes={"name": [current.name, None]},
    )
