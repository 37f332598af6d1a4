"""Admin pages for outcome frameworks and rating scales.

Every page here is for admins only. Changes go through the services, which
decide between changing a version in place and making a new one.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from accounts.models import Organisation, Role
from accounts.roles import organisations_administered_by, role_required
from common.usage import describe_uses

from . import services
from .exchange import MAX_FILE_BYTES, ImportRefused, framework_export, framework_import
from .forms import (
    CopyForm,
    FrameworkTreeForm,
    ImportForm,
    ScaleForm,
    ScaleStartForm,
    chosen_organisation,
)
from .models import Framework, FrameworkOutcome, RatingScale
from .selectors import (
    framework_for_page,
    framework_history,
    framework_uses,
    framework_version_uses,
    framework_versions,
    frameworks_of,
    frameworks_on_scale,
    frameworks_with_outcomes,
    scale_for_page,
    scale_history,
    scale_uses,
    scale_version_uses,
    scale_versions,
    scales_of,
    scales_with_points,
)

HISTORY_LENGTH = 50
admin_only = role_required(Role.ADMIN)


def _mine(request: HttpRequest) -> QuerySet[Organisation]:
    """The organisations whose frameworks and scales the admin looks after (read as a
    subquery of each page's own query)."""
    return organisations_administered_by(request.user).order_by("name")


def _several_organisations(rows) -> bool:
    """Whether a list holds more than one organisation's rows, so each must say whose."""
    return len({row.organisation_id for row in rows}) > 1


def _message_for(error: ValidationError) -> str:
    return " ".join(error.messages)


def _saved(request, before: Framework | RatingScale, saved, kept: str) -> HttpResponse:
    """Say whether a change was made in place or as a new version, and show the result."""
    if saved.pk != before.pk:
        messages.success(request, f"Saved as version {saved.version}. {kept}")
    else:
        noun = "framework" if isinstance(saved, Framework) else "scale"
        messages.success(request, f"The {noun} has been saved.")
    return redirect(saved)


@admin_only
def framework_list(request: HttpRequest) -> HttpResponse:
    frameworks = list(frameworks_with_outcomes(_mine(request)))
    return render(
        request,
        "frameworks/framework_list.html",
        {"frameworks": frameworks, "name_organisations": _several_organisations(frameworks)},
    )


@admin_only
def framework_detail(request: HttpRequest, framework_id: int) -> HttpResponse:
    framework = framework_for_page(framework_id, _mine(request))
    uses = framework_version_uses(framework)
    return render(
        request,
        "frameworks/framework_detail.html",
        {
            "framework": framework,
            "uses": describe_uses(uses),
            "versions": framework_versions(framework),
            "history": framework_history(framework)[:HISTORY_LENGTH],
        },
    )


def _tree_page(request, form: FrameworkTreeForm, *, framework=None, title: str) -> HttpResponse:
    return render(
        request,
        "frameworks/framework_form.html",
        {
            "form": form,
            "framework": framework,
            "title": title,
            "in_use": framework is not None and bool(framework_version_uses(framework)),
        },
    )


@admin_only
def framework_add(request: HttpRequest) -> HttpResponse:
    form = FrameworkTreeForm(request.POST or None, organisations=_mine(request))
    if request.method == "POST" and form.is_valid():
        spec = form.spec()
        try:
            framework = services.framework_create(
                actor=request.actor, spec=spec, scale=form.details.cleaned_data["scale"]
            )
        except ValidationError as error:
            form.show_errors(error)
        else:
            messages.success(request, f"The framework “{framework.name}” has been created.")
            return redirect("framework_detail", framework_id=framework.pk)
    return _tree_page(request, form, title="Add a framework")


@admin_only
def framework_edit(request: HttpRequest, framework_id: int) -> HttpResponse:
    mine = _mine(request)
    framework = framework_for_page(framework_id, mine)
    if not framework.is_current:
        messages.info(request, services.OLD_FRAMEWORK_VERSION)
        return redirect("framework_detail", framework_id=framework.pk)
    form = FrameworkTreeForm(request.POST or None, organisations=mine, framework=framework)
    if request.method == "POST" and form.is_valid():
        spec = form.spec()
        try:
            saved = services.framework_update(
                actor=request.actor,
                framework=framework,
                spec=spec,
                scale=form.details.cleaned_data["scale"],
            )
        except ValidationError as error:
            form.show_errors(error)
        else:
            return _saved(
                request,
                framework,
                saved,
                f"Outcomes recorded under version {framework.version} keep the wording "
                "they were recorded with.",
            )
    return _tree_page(
        request, form, framework=framework, title=f"Change the framework: {framework.name}"
    )


@admin_only
def framework_copy(request: HttpRequest, framework_id: int) -> HttpResponse:
    framework = get_object_or_404(frameworks_of(_mine(request)), pk=framework_id)
    form = CopyForm(request.POST or None, initial={"name": f"Copy of {framework.name}"})
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.framework_copy(
                actor=request.actor, framework=framework, name=form.cleaned_data["name"]
            )
        except ValidationError as error:
            if hasattr(error, "error_dict") and "name" in error.error_dict:
                form.add_error("name", error.error_dict["name"])
            else:
                form.add_error(None, _message_for(error))
        else:
            messages.success(request, "The copy has been made. Change it as you need.")
            return redirect("framework_edit", framework_id=copy.pk)
    return render(request, "frameworks/framework_copy.html", {"form": form, "framework": framework})


@admin_only
def framework_delete(request: HttpRequest, framework_id: int) -> HttpResponse:
    framework = get_object_or_404(frameworks_of(_mine(request)), pk=framework_id)
    uses = framework_uses(framework)
    if request.method == "POST" and not uses:
        try:
            services.framework_delete(actor=request.actor, framework=framework)
        except ValidationError as error:
            messages.error(request, _message_for(error))
            return redirect("framework_detail", framework_id=framework.pk)
        messages.success(request, f"The framework “{framework.name}” has been deleted.")
        return redirect("framework_list")
    if request.method == "POST":
        messages.error(request, "This framework is in use, so it has not been deleted.")
    return render(
        request,
        "frameworks/framework_delete.html",
        {"framework": framework, "uses": describe_uses(uses)},
    )


@admin_only
def framework_export_file(request: HttpRequest, framework_id: int) -> HttpResponse:
    framework = framework_for_page(framework_id, _mine(request))
    document = framework_export(framework)
    response = HttpResponse(
        json.dumps(document, indent=2, ensure_ascii=False) + "\n",
        content_type="application/json; charset=utf-8",
    )
    filename = f"{slugify(framework.name) or 'framework'}-v{framework.version}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@admin_only
def framework_import_file(request: HttpRequest) -> HttpResponse:
    mine = _mine(request)
    form = ImportForm(request.POST or None, request.FILES or None, organisations=mine)
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            form.add_error("file", f"The file is larger than {MAX_FILE_BYTES // 1000} kB.")
        else:
            try:
                framework = framework_import(
                    actor=request.actor,
                    organisation=chosen_organisation(form, mine),
                    content=upload.read(),
                )
            except ImportRefused as refused:
                problems = refused.problems
            else:
                messages.success(request, f"The framework “{framework.name}” has been imported.")
                return redirect("framework_detail", framework_id=framework.pk)
    return render(request, "frameworks/framework_import.html", {"form": form, "problems": problems})


# Rating scales -----------------------------------------------------------------


@admin_only
def scale_list(request: HttpRequest) -> HttpResponse:
    scales = list(scales_with_points(_mine(request)))
    return render(
        request,
        "frameworks/scale_list.html",
        {"scales": scales, "name_organisations": _several_organisations(scales)},
    )


@admin_only
def scale_detail(request: HttpRequest, scale_id: int) -> HttpResponse:
    scale = scale_for_page(scale_id, _mine(request))
    return render(
        request,
        "frameworks/scale_detail.html",
        {
            "scale": scale,
            "uses": describe_uses(scale_version_uses(scale)),
            "frameworks": frameworks_on_scale(scale).filter(superseded_at__isnull=True),
            "versions": scale_versions(scale),
            "history": scale_history(scale)[:HISTORY_LENGTH],
        },
    )


def _scale_page(request, form: ScaleForm, *, scale=None, title: str) -> HttpResponse:
    return render(
        request,
        "frameworks/scale_form.html",
        {
            "form": form,
            "scale": scale,
            "title": title,
            "in_use": scale is not None and bool(scale_version_uses(scale)),
        },
    )


@admin_only
def scale_add(request: HttpRequest) -> HttpResponse:
    mine = _mine(request)
    kind = ScaleStartForm(request.GET).chosen()
    form = ScaleForm(request.POST or None, organisations=mine, kind=kind)
    if request.method == "POST" and form.is_valid():
        try:
            scale = services.scale_create(
                actor=request.actor,
                organisation=chosen_organisation(form.details, mine),
                spec=form.spec(),
            )
        except ValidationError as error:
            form.show_errors(error)
        else:
            messages.success(request, f"The scale “{scale.name}” has been created.")
            return redirect("scale_detail", scale_id=scale.pk)
    return _scale_page(request, form, title="Add a rating scale")


@admin_only
def scale_edit(request: HttpRequest, scale_id: int) -> HttpResponse:
    scale = scale_for_page(scale_id, _mine(request))
    if not scale.is_current:
        messages.info(request, services.OLD_SCALE_VERSION)
        return redirect("scale_detail", scale_id=scale.pk)
    form = ScaleForm(request.POST or None, scale=scale)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.scale_update(actor=request.actor, scale=scale, spec=form.spec())
        except ValidationError as error:
            form.show_errors(error)
        else:
            return _saved(
                request,
                scale,
                saved,
                f"Ratings made on version {scale.version} keep the meaning they were made "
                "with; frameworks on this scale now use the new version.",
            )
    return _scale_page(request, form, scale=scale, title=f"Change the scale: {scale.name}")


@admin_only
def scale_delete(request: HttpRequest, scale_id: int) -> HttpResponse:
    scale = get_object_or_404(scales_of(_mine(request)), pk=scale_id)
    uses = describe_uses(scale_uses(scale))
    frameworks = list(frameworks_on_scale(scale))
    if request.method == "POST" and not uses and not frameworks:
        try:
            services.scale_delete(actor=request.actor, scale=scale)
        except ValidationError as error:
            messages.error(request, _message_for(error))
            return redirect("scale_detail", scale_id=scale.pk)
        messages.success(request, f"The scale “{scale.name}” has been deleted.")
        return redirect("scale_list")
    if request.method == "POST":
        messages.error(request, "This scale is in use, so it has not been deleted.")
    return render(
        request,
        "frameworks/scale_delete.html",
        {"scale": scale, "uses": uses, "frameworks": frameworks},
    )


# Retiring and reinstating ------------------------------------------------------


@dataclass(frozen=True)
class Retirement:
    """How one kind of thing is retired and reinstated from its admin page."""

    load: Callable[[HttpRequest, int], object]
    retire: Callable
    reinstate: Callable
    keyword: str  # the services' name for the thing
    retired: str  # what retiring means, with {name}
    reinstated: str
    back: Callable[[object], str]  # the page to go back to


def _retirement_view(kind: Retirement, *, retire: bool) -> Callable:
    @admin_only
    @require_POST
    def view(request: HttpRequest, **ids) -> HttpResponse:
        thing = kind.load(request, *ids.values())
        service = kind.retire if retire else kind.reinstate
        try:
            service(actor=request.actor, **{kind.keyword: thing})
        except ValidationError as error:
            messages.error(request, _message_for(error))
        else:
            done = kind.retired if retire else kind.reinstated
            messages.success(request, done.format(name=getattr(thing, "short_name", "")))
        return redirect(kind.back(thing))

    return view


FRAMEWORK = Retirement(
    load=lambda request, pk: get_object_or_404(frameworks_of(_mine(request)), pk=pk),
    retire=services.framework_retire,
    reinstate=services.framework_reinstate,
    keyword="framework",
    retired="The framework is retired: it is no longer offered for new outcomes. "
    "Outcomes already recorded keep it, and it stays in reports.",
    reinstated="The framework is offered for new outcomes again.",
    back=lambda framework: framework.get_absolute_url(),
)
FRAMEWORK_OUTCOME = Retirement(
    load=lambda request, pk: get_object_or_404(
        FrameworkOutcome.objects.filter(
            category__framework__organisation__in=_mine(request)
        ).select_related("category__framework"),
        pk=pk,
    ),
    retire=services.framework_outcome_retire,
    reinstate=services.framework_outcome_reinstate,
    keyword="outcome",
    retired="“{name}” is retired: it is no longer offered for new outcomes, "
    "and stays on the records and in the reports that have it.",
    reinstated="“{name}” is offered for new outcomes again.",
    back=lambda outcome: outcome.category.framework.get_absolute_url(),
)
SCALE = Retirement(
    load=lambda request, pk: get_object_or_404(scales_of(_mine(request)), pk=pk),
    retire=services.scale_retire,
    reinstate=services.scale_reinstate,
    keyword="scale",
    retired="The scale is retired: it is no longer offered for frameworks. "
    "Ratings already made on it keep their meaning.",
    reinstated="The scale is offered for frameworks again.",
    back=lambda scale: scale.get_absolute_url(),
)
framework_retire = _retirement_view(FRAMEWORK, retire=True)
framework_reinstate = _retirement_view(FRAMEWORK, retire=False)
framework_outcome_retire = _retirement_view(FRAMEWORK_OUTCOME, retire=True)
framework_outcome_reinstate = _retirement_view(FRAMEWORK_OUTCOME, retire=False)
scale_retire = _retirement_view(SCALE, retire=True)
scale_reinstate = _retirement_view(SCALE, retire=False)
