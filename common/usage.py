"""What refers to a row: the reason something cannot be deleted, in plain words.

The relations are found from the models themselves, so a reference added by
any app later (a conversation citing a framework outcome, say) is counted
without this module knowing about it.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Model, QuerySet


@dataclass(frozen=True)
class Use:
    """``count`` rows of one kind (``label``, singular or plural to suit) refer to the thing."""

    label: str
    count: int

    def __str__(self) -> str:
        return f"{self.count} {self.label}"


def uses_of(
    queryset: QuerySet,
    *,
    ignore_apps: Iterable[str] = (),
    ignore_models: Iterable[type[Model]] = (),
) -> list[Use]:
    """Every kind of row that refers to a row of ``queryset``, with how many.

    ``ignore_apps`` and ``ignore_models`` leave out references that are part of
    the thing itself (a framework's own categories) or that do not count as use.
    One query per kind of reference.
    """
    ignore_apps = set(ignore_apps)
    ignore_models = set(ignore_models)
    relations = [
        relation
        for relation in queryset.model._meta.get_fields(include_hidden=True)
        if relation.is_relation and relation.auto_created and not relation.concrete
    ]
    # A many-to-many field with its own "through" model (a person's teams, through
    # caseload entries) is counted once, by the field: "1 person", not also "1 entry".
    ignore_models |= {
        relation.field.remote_field.through for relation in relations if relation.many_to_many
    }
    uses = []
    for relation in relations:
        related = relation.related_model
        # The table behind a many-to-many field is counted through the field itself.
        if related._meta.auto_created or related in ignore_models:
            continue
        if related._meta.app_label in ignore_apps:
            continue
        count = (
            related._base_manager.filter(**{f"{relation.field.name}__in": queryset})
            .distinct()
            .count()
        )
        if count:
            name = related._meta.verbose_name if count == 1 else related._meta.verbose_name_plural
            uses.append(Use(label=str(name), count=count))
    return uses


def describe_uses(uses: Iterable[Use]) -> str:
    """``[Use("outcomes", 3), Use("review", 1)]`` as "3 outcomes and 1 review"."""
    parts = [str(use) for use in uses]
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]
