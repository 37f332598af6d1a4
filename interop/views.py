import json
from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET

from accounts.roles import is_admin, organisations_administered_by
from common.errors import Refused

from . import exports
from .forms import IMPORT, PeopleImportForm
from .selectors import organisation_export_counts, organisation_for_admin, person_for_export
from .services import ImportRefused, people_import, people_import_check
from .uploads import SizeLimitedUpload


def admin_only(view: Callable) -> Callable:
    """Anyone but an admin gets "Page not found", and the attempt is audited: these
    pages bring people's records into an organisation or send them out of it."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not is_admin(request.user):
            raise Refused("accounts.organisation", kwargs.get("organisation_id", ""))
        return view(request, *args, **kwargs)

    return wrapper


# About 200,000 people as CSV; larger files go through `manage.py import_people`.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
PROBLEMS_SHOWN = 500
ROWS_SHOWN = 200


@csrf_exempt
@admin_only
def people_import_page(request: HttpRequest) -> HttpResponse:
    """The upload page. CSRF is checked by ``_people_import`` once the size limit is
    in place: checking it first would read the whole upload before any limit. Anyone
    but an admin is refused before any of the upload is read."""
    limit = SizeLimitedUpload(request, MAX_UPLOAD_BYTES)
    request.upload_handlers.insert(0, limit)
    return _people_import(request, limit)


@csrf_protect
def _people_import(request: HttpRequest, limit: SizeLimitedUpload) -> HttpResponse:
    organisations = organisations_administered_by(request.user).order_by("name")
    form = PeopleImportForm(
        request.POST or None, request.FILES or None, organisations=organisations
    )
    plan = None
    imported = False
    if request.method == "POST" and limit.too_large:
        form.is_valid()
        form.errors["file"] = form.error_class(
            [
                f"The file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB. Split it into "
                "smaller files, or ask for it to be imported with the import_people command."
            ]
        )
    elif request.method == "POST" and form.is_valid():
        organisation = form.chosen_organisation()
        content = form.cleaned_data["file"].read()
        if form.cleaned_data["action"] == IMPORT:
            try:
                plan = people_import(
                    actor=request.actor, organisation=organisation, content=content
                )
            except ImportRefused as refused:
                plan = refused.plan
            else:
                imported = True
                messages.success(
                    request,
                    f"Imported: {plan.added} added, {plan.updated} changed, "
                    f"{plan.unchanged} already up to date.",
                )
                return redirect("people_import")
        else:
            plan = people_import_check(
                actor=request.actor, organisation=organisation, content=content
            )
    return render(
        request,
        "interop/people_import.html",
        {
            "form": form,
            "plan": plan,
            "imported": imported,
            "problems": plan.problems[:PROBLEMS_SHOWN] if plan else [],
            "rows": plan.rows[:ROWS_SHOWN] if plan else [],
            "max_mb": MAX_UPLOAD_BYTES // (1024 * 1024),
        },
    )


def person_fhir(request: HttpRequest, person_id: int) -> HttpResponse:
    """The person's record as a FHIR R4 Bundle (JSON), for a practitioner or manager
    of one of their teams."""
    person = person_for_export(request.user, person_id)
    bundle = exports.person_bundle_export(actor=request.actor, person=person)
    response = HttpResponse(
        json.dumps(bundle, ensure_ascii=False, indent=2),
        content_type="application/fhir+json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="person-{person.pk}-fhir.json"'
    return response


def organisation_fhir(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """What the organisation's export holds, with a download for each resource type."""
    organisation = organisation_for_admin(request.user, organisation_id)
    counts = organisation_export_counts(organisation)
    return render(
        request,
        "interop/organisation_export.html",
        {
            "organisation": organisation,
            "files": [(t, counts[t]) for t in exports.RESOURCE_TYPES],
        },
    )


@require_GET
def organisation_ndjson(
    request: HttpRequest, organisation_id: int, resource_type: str
) -> StreamingHttpResponse:
    organisation = organisation_for_admin(request.user, organisation_id)
    response = StreamingHttpResponse(
        exports.organisation_ndjson(
            actor=request.actor, organisation=organisation, resource_type=resource_type
        ),
        content_type=f"{exports.NDJSON_TYPE}; charset=utf-8",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="organisation-{organisation.pk}-{resource_type}.ndjson"'
    )
    return response


def organisations_for_export(request: HttpRequest) -> HttpResponse:
    """The admin's organisations, each leading to its export page."""
    organisations = list(organisations_administered_by(request.user).order_by("name"))
    if len(organisations) == 1:
        return redirect("organisation_fhir", organisation_id=organisations[0].pk)
    return render(request, "interop/organisations.html", {"organisations": organisations})
