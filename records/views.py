"""Person records: caseload, person page, and the forms that change a record."""

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import Truncator
from django.views.decorators.http import require_POST

from accounts.roles import EDIT_ROLES, teams_for_user
from audit.selectors import access_log_for_person
from common.forms import apply_service_errors, initial_from, save_versioned
from common.pdf import pdf_response
from common.rating_chart import rating_chart
from frameworks.models import ScaleKind

from . import hooks, services, subject_access
from .forms import (
    ActionForm,
    ActionFormSet,
    AmendReviewForm,
    CaseloadFilterForm,
    CloseForm,
    KeyPersonForm,
    KeyPersonFormSet,
    NewReviewForm,
    OutcomeForm,
    PersonForm,
    TeamsForm,
    actions_from_formset,
    key_people_from_formset,
    uses_gas,
)
from .models import OutcomeStatus
from .progress import current_reviews, gas_rounds
from .quality import outcome_prompts, prompt_messages, review_prompts, views_prompts
from .selectors import (
    caseload_for_user,
    manages_person,
    may_edit,
    outcome_for_user,
    person_for_user,
    person_page,
    review_for_user,
    reviews_by_id,
    themes_for_person,
)
from .submissions import AlreadySaved, saved_once, submission_key

PAGE_SIZE = 25
ALREADY_SAVED = "This was saved when it was first sent; it has not been saved twice."


def caseload(request: HttpRequest) -> HttpResponse:
    teams = teams_for_user(request.user).order_by("name")
    form = CaseloadFilterForm(request.GET or None, teams=teams)
    filters = form.cleaned_data if form.is_valid() else {}
    team = filters.get("team")
    people = caseload_for_user(
        request.user,
        query=filters.get("q", ""),
        team_id=team.pk if team else None,
        closed=filters.get("closed") == "1",
        sort=filters.get("sort") or "name",
    )
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "records/caseload.html",
        {
            "form": form,
            "page": page,
            "today": people.today,
            "query": query.urlencode(),
            "can_add": teams_for_user(request.user, roles=EDIT_ROLES).exists(),
        },
    )


def person_add(request: HttpRequest) -> HttpResponse:
    teams = teams_for_user(request.user, roles=EDIT_ROLES).order_by("name")
    if not teams.exists():
        raise PermissionDenied
    form = PersonForm(request.POST or None, teams=teams)
    key_people = KeyPersonFormSet(request.POST or None, prefix="key")
    if request.method == "POST" and form.is_valid() and key_people.is_valid():
        key = submission_key(form)
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            with saved_once(key):
                person = services.person_create(
                    actor=request.actor, key_people=key_people_from_formset(key_people), **data
                )
        except ValidationError as error:
            apply_service_errors(form, error)
        except AlreadySaved:
            messages.info(request, ALREADY_SAVED)
            return redirect("caseload")
        else:
            messages.success(request, f"{person.full_name} has been added to the caseload.")
            return redirect("person_detail", person_id=person.pk)
    return render(
        request,
        "records/person_form.html",
        {
            "form": form,
            "key_people": key_people,
            "title": "Add a person",
            "duplicate_of": _duplicate_of(form),
        },
    )


def _duplicate_of(form) -> int | None:
    """The record that already has the CHI number typed, if the user may see it."""
    for error in form.errors.as_data().get("chi_number", []):
        if error.code == services.CHI_DUPLICATE and error.params:
            return error.params["person_id"]
    return None


def person_edit(request: HttpRequest, person_id: int) -> HttpResponse:
    person = person_for_user(request.user, person_id, edit=True)
    initial = initial_from(person, services.PERSON_FIELDS, version=person.version)
    form = PersonForm(request.POST or None, initial=initial)
    key_people = KeyPersonFormSet(
        request.POST or None,
        prefix="key",
        initial=[initial_from(kp, KeyPersonForm.base_fields) for kp in person.key_people.all()],
    )
    page = {"form": form, "key_people": key_people, "person": person}
    if request.method == "POST" and form.is_valid() and key_people.is_valid():
        saved, shown = _save_versioned_record(
            request,
            form,
            lambda: services.person_update(
                actor=request.actor,
                person=person,
                key_people=key_people_from_formset(key_people),
                **form.cleaned_data,
            ),
            done="The details have been saved.",
            fields=services.PERSON_FIELDS,
        )
        if saved:
            return redirect("person_detail", person_id=person.pk)
        page |= shown
    services.person_viewed(actor=request.actor, person=person, what="details form")
    return render(
        request,
        "records/person_form.html",
        {
            **page,
            "title": f"Change details: {person.full_name}",
            "duplicate_of": _duplicate_of(page["form"]),
        },
    )


def _save_versioned_record(request, form, save, *, done: str, fields) -> tuple[bool, dict]:
    """Save a record changed on ``form``: whether it was saved, and if not, what the
    page shows again (the form as typed, and the version someone else saved meanwhile)."""
    result = save_versioned(form, save)
    if result.saved:
        messages.success(request, done)
        return True, {}
    conflict = result.conflict
    return False, {
        "form": result.form,
        "conflict": conflict,
        "conflict_values": conflict and _conflict_values(result.form, conflict, fields),
    }


def _conflict_values(form, current, fields) -> list[tuple[str, str]]:
    """What is saved now, labelled as in the form, for the conflict notice."""
    values = []
    for name in fields:
        if name not in form.fields:
            continue
        value = getattr(current, name)
        if isinstance(value, list):
            choices = dict(getattr(form.fields[name], "choices", []))
            value = ", ".join(str(choices.get(v, v)) for v in value)
        elif hasattr(current, f"get_{name}_display"):
            value = getattr(current, f"get_{name}_display")()
        elif isinstance(value, bool):
            value = "Yes" if value else "No"
        label = form.fields[name].label or name.replace("_", " ").capitalize()
        values.append((str(label), "" if value is None else str(value)))
    return values


def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    person = person_page(person_for_user(request.user, person_id), reviews_in_full=False)
    services.person_viewed(actor=request.actor, person=person)
    outcomes = []
    timeline = []
    for outcome in person.outcome_list:
        all_reviews = outcome.review_lines
        reviews = current_reviews(all_reviews)
        # The outcome's first words, to name it beside each of its reviews.
        short = Truncator(outcome.what_matters).words(8)
        outcomes.append(
            {
                "outcome": outcome,
                "short": short,
                "reviews": reviews,
                "all_reviews": all_reviews,
                # The latest first; older ones on the outcome's own reviews page.
                "latest_review": reviews[-1] if reviews else None,
            }
        )
        timeline.extend((review, short) for review in all_reviews)
    # Only the latest review of each outcome is shown in full.
    in_full = reviews_by_id(
        (item["latest_review"].pk for item in outcomes if item["latest_review"]),
        person.scale_points,
    )
    for item in outcomes:
        if item["latest_review"]:
            review = item["latest_review"] = in_full[item["latest_review"].pk]
            # A current review: nothing corrects it (review_entry.html asks); what it
            # corrects is another review of the same outcome.
            review.is_superseded = False
            review.amends_on = next(
                (line.reviewed_on for line in item["all_reviews"] if line.pk == review.amends_id),
                None,
            )
    timeline.sort(key=lambda pair: (pair[0].reviewed_on, pair[0].pk), reverse=True)
    return render(
        request,
        "records/person_detail.html",
        {
            "person": person,
            "outcomes": outcomes,
            "active": [o for o in outcomes if o["outcome"].status == OutcomeStatus.ACTIVE],
            "timeline": timeline[:20],
            "timeline_total": len(timeline),
            "today": timezone.localdate(),
            "can_edit": person.user_may_edit,
            "can_see_access_log": person.user_manages,
            # From the outcomes already loaded above: no further queries.
            "gas_rounds": gas_rounds(person.outcome_list, reviews_of=lambda o: o.review_lines),
            **hooks.person_page_sections(person),
        },
    )


def outcome_reviews(request: HttpRequest, outcome_id: int) -> HttpResponse:
    """Every rating and review of one outcome, newest first, with corrections beside them."""
    outcome = outcome_for_user(request.user, outcome_id)
    all_reviews = list(
        outcome.reviews.select_related("point", "created_by").prefetch_related(
            "helped_themes", "hindered_themes"
        )
    )
    amended = {r.amends_id for r in all_reviews if r.amends_id}
    # A correction names the date of the review it corrects: one of these.
    dates = {r.pk: r.reviewed_on for r in all_reviews}
    for review in all_reviews:
        review.amends_on = dates.get(review.amends_id)
        review.is_superseded = review.pk in amended
    services.person_viewed(actor=request.actor, person=outcome.person, what="outcome reviews")
    return render(
        request,
        "records/outcome_reviews.html",
        {
            "outcome": outcome,
            "person": outcome.person,
            "reviews": current_reviews(all_reviews),
            "chart": rating_chart(outcome, current_reviews(all_reviews)),
            "all_reviews": list(reversed(all_reviews)),
            "can_edit": may_edit(request.user, outcome.person),
            "can_see_access_log": manages_person(request.user, outcome.person),
            "today": timezone.localdate(),
        },
    )


def _summary_context(request: HttpRequest, person_id: int) -> dict:
    person = person_page(person_for_user(request.user, person_id))
    outcomes = [o for o in person.outcome_list if o.status == OutcomeStatus.ACTIVE] + [
        o for o in person.outcome_list if o.status != OutcomeStatus.ACTIVE
    ]
    for outcome in outcomes:
        outcome.parts = contribution_parts(outcome.contribution, person.display_name)
    return {"person": person, "outcomes": outcomes, **hooks.person_page_sections(person)}


def contribution_parts(contribution: str, name: str) -> list[tuple[str, str]]:
    """Who will do what, in plain words: "The person: ..." reads as the person's name."""
    parts = []
    for line in contribution.splitlines():
        who, sep, what = line.partition(": ")
        if not sep:
            parts.append(("", line.strip()))
        elif who == "The person":
            parts.append((name, what.strip()))
        else:
            parts.append((who, what.strip()))
    return [(who, what) for who, what in parts if what]


def person_summary(request: HttpRequest, person_id: int) -> HttpResponse:
    context = _summary_context(request, person_id)
    services.person_viewed(actor=request.actor, person=context["person"], what="summary")
    return render(request, "records/person_summary.html", context)


def person_summary_pdf(request: HttpRequest, person_id: int) -> HttpResponse:
    context = _summary_context(request, person_id)
    services.person_viewed(actor=request.actor, person=context["person"], what="summary PDF")
    html = render_to_string("records/person_summary_pdf.html", context, request=request)
    return pdf_response(html, f"what-matters-{person_id}.pdf")


def person_access_log(request: HttpRequest, person_id: int) -> HttpResponse:
    person = person_for_user(request.user, person_id)
    if not manages_person(request.user, person):
        raise PermissionDenied
    services.person_viewed(actor=request.actor, person=person, what="access log")
    events = Paginator(access_log_for_person(person.pk), 50).get_page(request.GET.get("page"))
    return render(request, "records/access_log.html", {"person": person, "page": events})


def person_teams(request: HttpRequest, person_id: int) -> HttpResponse:
    """Move a person between the user's teams' caseloads. Caseloads of teams the
    user is not on are kept as they are, and a person stays within the
    organisations that already support them."""
    person = person_for_user(request.user, person_id, edit=True)
    on = list(person.teams.order_by("name"))
    mine = (
        teams_for_user(request.user, roles=EDIT_ROLES)
        .filter(organisation_id__in={team.organisation_id for team in on})
        .order_by("name")
    )
    elsewhere = [team for team in on if team not in mine]
    conflict = None
    form = TeamsForm(
        request.POST or None,
        teams=mine,
        initial={"version": person.version, "teams": [t for t in on if t in mine]},
    )
    if request.method == "POST" and form.is_valid():
        chosen = list(form.cleaned_data["teams"])
        result = save_versioned(
            form,
            lambda: services.person_teams_change(
                actor=request.actor,
                person=person,
                teams=[*chosen, *elsewhere],
                version=form.cleaned_data["version"],
            ),
        )
        if result.saved:
            if chosen:
                messages.success(request, "The teams have been saved.")
                return redirect("person_detail", person_id=person.pk)
            # No longer on any of the user's teams: the record is no longer theirs to see.
            messages.success(
                request,
                f"{person.display_name} is now on the caseload of "
                f"{', '.join(t.name for t in elsewhere)} only.",
            )
            return redirect("caseload")
        form, conflict = result.form, result.conflict
    services.person_viewed(actor=request.actor, person=person, what="teams")
    return render(
        request,
        "records/person_teams.html",
        {
            "form": form,
            "person": person,
            "elsewhere": elsewhere,
            "conflict": conflict,
            "conflict_values": conflict
            and [("Teams", ", ".join(t.name for t in conflict.teams.order_by("name")))],
        },
    )


def person_close(request: HttpRequest, person_id: int) -> HttpResponse:
    person = person_for_user(request.user, person_id, edit=True)
    form = CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_close(
                actor=request.actor,
                person=person,
                closed_on=form.cleaned_data["closed_on"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "The record has been closed. It can be reopened.")
            return redirect("person_detail", person_id=person.pk)
    services.person_viewed(actor=request.actor, person=person, what="close form")
    return render(request, "records/person_close.html", {"form": form, "person": person})


@require_POST
def person_reopen(request: HttpRequest, person_id: int) -> HttpResponse:
    person = person_for_user(request.user, person_id, edit=True)
    try:
        services.person_reopen(actor=request.actor, person=person)
    except ValidationError as error:
        messages.info(request, " ".join(error.messages))
    else:
        messages.success(request, "The record has been reopened.")
    return redirect("person_detail", person_id=person.pk)


def outcome_add(request: HttpRequest, person_id: int) -> HttpResponse:
    person = person_for_user(request.user, person_id, edit=True)
    organisation_ids = services.organisation_ids_of(person)
    form = OutcomeForm(
        request.POST or None,
        organisation_ids=organisation_ids,
        creating=True,
        lineage=person.framework_lineage,
        gas=uses_gas(organisation_ids, person.framework_lineage),
    )
    actions = ActionFormSet(request.POST or None, prefix="actions")
    if request.method == "POST" and form.is_valid() and actions.is_valid():
        key = submission_key(form)
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            with saved_once(key):
                outcome = services.outcome_record(
                    actor=request.actor,
                    person=person,
                    actions=actions_from_formset(actions),
                    **data,
                )
        except ValidationError as error:
            apply_service_errors(form, error)
        except AlreadySaved:
            messages.info(request, ALREADY_SAVED)
            return redirect("person_detail", person_id=person.pk)
        else:
            _saved_with_prompts(request, "The outcome has been recorded.", _prompts_for(outcome))
            return redirect("person_detail", person_id=person.pk)
    services.person_viewed(actor=request.actor, person=person, what="new outcome form")
    return render(
        request,
        "records/outcome_form.html",
        {"form": form, "actions": actions, "person": person, "title": "Record an outcome"},
    )


def outcome_edit(request: HttpRequest, outcome_id: int) -> HttpResponse:
    outcome = outcome_for_user(request.user, outcome_id, edit=True)
    person = outcome.person
    initial = initial_from(
        outcome,
        services.OUTCOME_FIELDS,
        version=outcome.version,
        framework_outcomes=list(outcome.framework_outcomes.all()),
    )
    form_kwargs = {
        "organisation_ids": services.organisation_ids_of(person),
        "linked": initial["framework_outcomes"],
        "lineage": person.framework_lineage,
        "gas": outcome.scale.kind == ScaleKind.GAS,
    }
    form = OutcomeForm(request.POST or None, initial=initial, **form_kwargs)
    form.rebind_kwargs = form_kwargs
    actions = ActionFormSet(
        request.POST or None,
        prefix="actions",
        initial=[initial_from(a, ActionForm.base_fields) for a in outcome.actions.all()],
    )
    page = {"form": form, "actions": actions, "person": person, "outcome": outcome}
    if request.method == "POST" and form.is_valid() and actions.is_valid():
        saved, shown = _save_versioned_record(
            request,
            form,
            lambda: services.outcome_update(
                actor=request.actor,
                outcome=outcome,
                actions=actions_from_formset(actions),
                **form.cleaned_data,
            ),
            done="The outcome has been saved.",
            fields=services.OUTCOME_FIELDS,
        )
        if saved:
            prompts = _prompts_for(outcome_for_user(request.user, outcome.pk))
            if prompts:
                messages.info(request, f"Suggestions: {prompt_messages(prompts)}")
            return redirect("person_detail", person_id=person.pk)
        page |= shown
    services.person_viewed(actor=request.actor, person=person, what="outcome form")
    return render(
        request,
        "records/outcome_form.html",
        {
            **page,
            "title": "Change an outcome",
        },
    )


def review_add(request: HttpRequest, outcome_id: int) -> HttpResponse:
    outcome = outcome_for_user(request.user, outcome_id, edit=True)
    form = NewReviewForm(
        request.POST or None, outcome=outcome, themes=themes_for_person(outcome.person)
    )
    # The outcome's steps, to change there and then when the plan needs to change.
    steps = ActionFormSet(
        # A post without the steps (an older page, a script) leaves them as they are.
        request.POST if "actions-TOTAL_FORMS" in request.POST else None,
        prefix="actions",
        initial=[initial_from(a, ActionForm.base_fields) for a in outcome.actions.all()],
    )
    steps_ok = not steps.is_bound or steps.is_valid()
    if request.method == "POST" and form.is_valid() and steps_ok:
        key = submission_key(form)
        try:
            with saved_once(key):
                review = services.review_add(
                    actor=request.actor,
                    outcome=outcome,
                    # Steps changed on the page are the new plan; untouched, they stay.
                    actions=actions_from_formset(steps) if _changed(steps) else None,
                    **form.cleaned_data,
                )
        except ValidationError as error:
            apply_service_errors(form, error)
        except AlreadySaved:
            messages.info(request, ALREADY_SAVED)
            return redirect("person_detail", person_id=outcome.person_id)
        else:
            next_on = review.outcome.next_review_on
            _saved_with_prompts(
                request,
                f"The review has been added. Next review: {next_on.day} {next_on:%B %Y}.",
                review_prompts(
                    narrative=review.narrative,
                    what_helped=review.what_helped,
                    what_hindered=review.what_hindered,
                )
                + views_prompts(person_took_part=False, channels=review.channels),
            )
            return redirect("person_detail", person_id=outcome.person_id)
    services.person_viewed(actor=request.actor, person=outcome.person, what="new review form")
    return render(
        request,
        "records/review_form.html",
        {
            "form": form,
            "steps": steps,
            "outcome": outcome,
            "person": outcome.person,
            "title": "Add a review",
        },
    )


def _prompts_for(outcome) -> list:
    return outcome_prompts(
        what_matters=outcome.what_matters,
        in_own_words=outcome.in_own_words,
        why_it_matters=outcome.why_it_matters,
        contribution=outcome.contribution,
        framework_names=tuple(fo.short_name for fo in outcome.framework_outcomes.all()),
    )


def _saved_with_prompts(request: HttpRequest, done: str, prompts: list) -> None:
    """Say it is saved; with the recording-quality suggestions, if any, which never block."""
    if prompts:
        messages.info(request, f"{done} Suggestions: {prompt_messages(prompts)}")
    else:
        messages.success(request, done)


def _changed(formset) -> bool:
    return formset.is_bound and formset.has_changed()


def review_amend(request: HttpRequest, review_id: int) -> HttpResponse:
    review = review_for_user(request.user, review_id, edit=True)
    outcome = review.outcome
    initial = initial_from(
        review,
        (*services.REVIEW_TEXT_FIELDS, "reviewed_on", "plan_needs_change", "point"),
        helped_themes=list(review.helped_themes.all()),
        hindered_themes=list(review.hindered_themes.all()),
    )
    form = AmendReviewForm(
        request.POST or None,
        scale=outcome.scale,
        themes=themes_for_person(outcome.person),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        key = submission_key(form)
        data = dict(form.cleaned_data)
        try:
            with saved_once(key):
                services.review_amend(
                    actor=request.actor,
                    review=review,
                    reason=data.pop("reason"),
                    reviewed_on=data.pop("reviewed_on"),
                    point=data.pop("point"),
                    **data,
                )
        except ValidationError as error:
            apply_service_errors(form, error)
        except AlreadySaved:
            messages.info(request, ALREADY_SAVED)
            return redirect("person_detail", person_id=outcome.person_id)
        else:
            messages.success(request, "The correction has been added; the original stays visible.")
            return redirect("person_detail", person_id=outcome.person_id)
    services.person_viewed(
        actor=request.actor, person=outcome.person, what="review correction form"
    )
    return render(
        request,
        "records/review_form.html",
        {
            "form": form,
            "outcome": outcome,
            "person": outcome.person,
            "review": review,
            "title": "Correct a review",
        },
    )


def person_subject_access(request: HttpRequest, person_id: int) -> HttpResponse:
    """What a subject access export holds, with a button for each format. Managers only."""
    person = subject_access.person_for_subject_access(request.user, person_id)
    services.person_viewed(actor=request.actor, person=person, what="subject access page")
    return render(request, "records/subject_access.html", {"person": person})


@require_POST
def person_subject_access_pdf(request: HttpRequest, person_id: int) -> HttpResponse:
    person = subject_access.person_for_subject_access(request.user, person_id)
    export = subject_access.subject_access_export(actor=request.actor, person=person, fmt="pdf")
    html = render_to_string("records/subject_access_pdf.html", {"export": export})
    return pdf_response(html, f"subject-access-{person.pk}.pdf")


@require_POST
def person_subject_access_json(request: HttpRequest, person_id: int) -> HttpResponse:
    person = subject_access.person_for_subject_access(request.user, person_id)
    export = subject_access.subject_access_export(actor=request.actor, person=person, fmt="json")
    response = HttpResponse(
        json.dumps(export, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="subject-access-{person.pk}.json"'
    response["Cache-Control"] = "no-store"
    return response
