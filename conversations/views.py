"""Conversation screens: start, the four stages (or a review), record, addenda."""

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from common.forms import (
    SaveResult,
    VersionedForm,
    apply_service_errors,
    initial_from,
    rows_of,
    save_versioned,
)
from frameworks.suggestions import outcomes_suggested
from records.forms import ActionForm, ActionFormSet, actions_from_formset
from records.quality import outcome_prompts, review_prompts, views_prompts
from records.selectors import person_for_user, themes_for_person
from records.services import next_review_suggested, organisation_ids_of, person_viewed
from records.submissions import AlreadySaved, saved_once, submission_key

from . import services
from .forms import (
    AddendumForm,
    AgreedOutcomeForm,
    AgreeForm,
    CandidateChoiceForm,
    CandidateForm,
    CandidateFormSet,
    ExchangeForm,
    NegotiateForm,
    OtherParticipantFormSet,
    PerspectiveForm,
    PerspectiveFormSet,
    ReviewEntryForm,
    RiskForm,
    RiskFormSet,
    StartForm,
    StrengthsForm,
    ViewForm,
    suggestion_choices,
)
from .models import FIRST_STAGES, Conversation, ConversationKind, ParticipantKind, Stage
from .selectors import (
    agreed_outcome_for_user,
    conversation_for_user,
    conversation_full,
    drafts_for_person,
)

ALREADY_SAVED = "This was saved when it was first sent; it has not been saved twice."
ALREADY_STARTED = (
    "That conversation was started when the page was first sent; it has not been started "
    "twice. Pick it up below."
)

PLAN_CHANGE_MISSING = "Say how the plan should change, or change the steps below."

STAGE_URLS = {
    Stage.EXCHANGE: "conversation_exchange",
    Stage.NEGOTIATE: "conversation_negotiate",
    Stage.AGREE: "conversation_agree",
    Stage.REVIEW: "conversation_review",
    Stage.RECORD: "conversation_record",
}


def _stage_context(conversation: Conversation, here: str) -> dict:
    """The progress indicator: every stage, which are reachable, and where we are."""
    reached = conversation.stages.index(conversation.stage)
    steps = [
        {
            "label": Stage(stage).label,
            "url_name": STAGE_URLS[stage],
            "reachable": i <= reached,
            "current": stage == here,
            "number": i + 1,
        }
        for i, stage in enumerate(conversation.stages)
    ]
    return {"conversation": conversation, "person": conversation.person, "steps": steps}


def _stage_viewed(request: HttpRequest, conversation: Conversation, what: str) -> None:
    """A draft's page shows the person's words: noted in the audit trail each time it is shown."""
    person_viewed(actor=request.actor, person=conversation.person, what=f"conversation: {what}")


def _after_save(request: HttpRequest, conversation: Conversation, next_stage: str):
    if "leave" in request.POST:
        messages.success(request, "Your draft is saved. Pick it up from your home page.")
        return redirect("home")
    if next_stage == Stage.AGREE and not conversation.agreed_outcomes.exists():
        # Straight to agreeing the first possible outcome, if one was noted.
        first = conversation.candidates.first()
        if first is not None:
            url = reverse("agreed_outcome_add", args=[conversation.pk])
            return redirect(f"{url}?candidate={first.pk}")
    return redirect(STAGE_URLS[next_stage], conversation_id=conversation.pk)


def _editable(request: HttpRequest, conversation_id: int) -> Conversation | None:
    conversation = conversation_for_user(request.user, conversation_id, edit=True)
    return conversation if conversation.is_draft else None


def _shown_again(request: HttpRequest, result: SaveResult) -> VersionedForm:
    """The stage's form with what was typed, warning if someone else saved meanwhile."""
    if result.conflict is not None:
        messages.warning(
            request,
            "Someone else saved this conversation while you were working on it. What you "
            "typed is still here and has not been saved; check the saved version in another "
            "tab before saving again.",
        )
    return result.form


@dataclass
class _PageErrors:
    """The error summary of a page built of several forms (includes/form_errors.html)."""

    has_errors: bool
    page_errors: list[str]


def _sent(data, prefix: str):
    """``data`` for a formset, or no rows if the page sent none (a review started
    from an older page or a script): the formset is bound either way."""
    if data is None or f"{prefix}-TOTAL_FORMS" in data:
        return data
    return {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}


def _first_stages() -> list[dict]:
    """The progress indicator before the conversation exists: stage 1 of four."""
    return [
        {
            "label": Stage(stage).label,
            "url_name": STAGE_URLS[stage],
            "reachable": False,
            "current": stage == Stage.EXCHANGE,
            "number": i + 1,
        }
        for i, stage in enumerate(FIRST_STAGES)
    ]


def conversation_start(request: HttpRequest, person_id: int) -> HttpResponse:
    """The first screen of a conversation. For a first conversation it holds the
    exchange of information too, so the conversation is started and its first stage
    saved with one send; a review starts here and goes on to rating each outcome."""
    person = person_for_user(request.user, person_id, edit=True)
    data = request.POST or None
    organisation_ids = organisation_ids_of(person)
    form = StartForm(data, person=person, organisation_ids=organisation_ids)
    others = OtherParticipantFormSet(data, prefix="others")
    person_view = ViewForm(data, prefix="person", initial={"in_own_words": True})
    # Each key person's tick, beside what matters to them.
    key_rows = [
        (tick, tick.data["value"].instance)
        for tick in (form["key_people"] if "key_people" in form.fields else [])
    ]
    key_views = [ViewForm(data, prefix=f"kp{kp.pk}") for _, kp in key_rows]
    strengths = StrengthsForm(data)
    candidates = CandidateFormSet(
        _sent(data, "candidates"),
        prefix="candidates",
        form_kwargs={
            "organisation_ids": organisation_ids,
            "suggestions": suggestion_choices(organisation_ids),
        },
    )
    parts = (form, others, person_view, *key_views, strengths, candidates)
    if request.method == "POST" and all(part.is_valid() for part in parts):
        key = submission_key(form)
        try:
            with saved_once(key):
                conversation = services.conversation_begin(
                    actor=request.actor,
                    person=person,
                    others=rows_of(others, services.ParticipantData, keep=lambda row: row["name"]),
                    person_view=services.ViewData(**person_view.cleaned_data),
                    key_people_views={
                        kp: services.ViewData(**view.cleaned_data)
                        for (_, kp), view in zip(key_rows, key_views, strict=True)
                    },
                    candidates=rows_of(
                        candidates, services.CandidateData, keep=lambda row: row["statement"]
                    ),
                    leaving="leave" in request.POST,
                    **strengths.cleaned_data,
                    **form.cleaned_data,
                )
        except ValidationError as error:
            apply_service_errors(form, error)
        except AlreadySaved:
            messages.info(request, ALREADY_STARTED)
            return redirect("conversation_start", person_id=person.pk)
        else:
            return _after_save(request, conversation, conversation.stage)
    person_viewed(actor=request.actor, person=person, what="conversation start form")
    errors = _PageErrors(
        # A send that was saved has gone on to the next page.
        has_errors=request.method == "POST",
        page_errors=[
            *form.non_field_errors(),
            *others.non_form_errors(),
            *candidates.non_form_errors(),
        ],
    )
    return render(
        request,
        "conversations/start.html",
        {
            "form": form,
            "errors": errors,
            "others": others,
            "person_view": person_view,
            "key_people": [
                (tick, kp, view) for (tick, kp), view in zip(key_rows, key_views, strict=True)
            ],
            "strengths": strengths,
            "candidates": candidates,
            "person": person,
            "steps": _first_stages(),
            # A draft already under way is offered first, so it is picked up, not started twice.
            "drafts": drafts_for_person(person),
        },
    )


def conversation_discard(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """Ask, then throw away a draft that will not be finished."""
    conversation = _editable(request, conversation_id)
    if conversation is None:
        return redirect("conversation_detail", conversation_id=conversation_id)
    if request.method == "POST":
        try:
            services.conversation_discard(actor=request.actor, conversation=conversation)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("conversation_detail", conversation_id=conversation_id)
        messages.success(request, "The draft has been discarded. Nothing of it was recorded.")
        return redirect("person_detail", person_id=conversation.person_id)
    full = conversation_full(conversation)
    _stage_viewed(request, conversation, "discard a draft")
    return render(
        request,
        "conversations/discard.html",
        {"conversation": full, "person": full.person, "resume_url": STAGE_URLS[full.resume_at]},
    )


def conversation_detail(request: HttpRequest, conversation_id: int) -> HttpResponse:
    conversation = conversation_for_user(request.user, conversation_id)
    if conversation.is_draft:
        return redirect(STAGE_URLS[conversation.resume_at], conversation_id=conversation.pk)
    full = conversation_full(conversation)
    person_viewed(actor=request.actor, person=conversation.person, what="conversation")
    return render(
        request,
        "conversations/detail.html",
        {"conversation": full, "person": full.person, **_summary(full)},
    )


def conversation_exchange(request: HttpRequest, conversation_id: int) -> HttpResponse:
    conversation = _editable(request, conversation_id)
    if conversation is None:
        return redirect("conversation_detail", conversation_id=conversation_id)
    participants = list(conversation.participants.all())
    data = request.POST or None
    form = ExchangeForm(data, initial=initial_from(conversation, ExchangeForm.base_fields))
    perspectives = PerspectiveFormSet(
        data,
        prefix="views",
        initial=[
            initial_from(p, PerspectiveForm.base_fields, participant_id=p.pk) for p in participants
        ],
    )
    organisation_ids = organisation_ids_of(conversation.person)
    candidates = CandidateFormSet(
        data,
        prefix="candidates",
        form_kwargs={
            "organisation_ids": organisation_ids,
            "suggestions": suggestion_choices(organisation_ids),
        },
        initial=[
            initial_from(c, CandidateForm.base_fields, suggested=c.suggested_id)
            for c in conversation.candidates.all()
        ],
    )
    if request.method == "POST" and all(f.is_valid() for f in (form, perspectives, candidates)):
        result = save_versioned(
            form,
            lambda: services.exchange_save(
                actor=request.actor,
                leaving="leave" in request.POST,
                conversation=conversation,
                perspectives=rows_of(perspectives, services.PerspectiveData),
                candidates=rows_of(
                    candidates, services.CandidateData, keep=lambda row: row["statement"]
                ),
                **form.cleaned_data,
            ),
        )
        if result.saved:
            return _after_save(request, conversation, Stage.NEGOTIATE)
        form = _shown_again(request, result)
    labelled = list(zip(participants, perspectives.forms, strict=False))
    _stage_viewed(request, conversation, "exchange stage")
    return render(
        request,
        "conversations/exchange.html",
        {
            **_stage_context(conversation, Stage.EXCHANGE),
            "form": form,
            "perspectives": perspectives,
            "labelled": labelled,
            "candidates": candidates,
        },
    )


def conversation_negotiate(request: HttpRequest, conversation_id: int) -> HttpResponse:
    conversation = _editable(request, conversation_id)
    if conversation is None:
        return redirect("conversation_detail", conversation_id=conversation_id)
    data = request.POST or None
    form = NegotiateForm(data, initial=initial_from(conversation, NegotiateForm.base_fields))
    risks = RiskFormSet(
        data,
        prefix="risks",
        initial=[initial_from(r, RiskForm.base_fields) for r in conversation.risks.all()],
    )
    if request.method == "POST" and form.is_valid() and risks.is_valid():
        result = save_versioned(
            form,
            lambda: services.negotiate_save(
                actor=request.actor,
                leaving="leave" in request.POST,
                conversation=conversation,
                risks=rows_of(risks, services.RiskData, keep=lambda row: row["risk"]),
                **form.cleaned_data,
            ),
        )
        if result.saved:
            return _after_save(request, conversation, Stage.AGREE)
        form = _shown_again(request, result)
    _stage_viewed(request, conversation, "negotiate stage")
    return render(
        request,
        "conversations/negotiate.html",
        {
            **_stage_context(conversation, Stage.NEGOTIATE),
            "form": form,
            "risks": risks,
            # Each view from the exchange, side by side, to negotiate between.
            "perspectives": [p for p in conversation.participants.all() if p.what_matters],
        },
    )


def _agreed_prompts(agreed) -> list:
    return outcome_prompts(
        what_matters=agreed.what_matters,
        in_own_words=agreed.in_own_words,
        why_it_matters=agreed.why_it_matters,
        contribution=agreed.contribution_text(),
        framework_names=tuple(fo.short_name for fo in agreed.framework_outcomes.all()),
    )


def conversation_agree(request: HttpRequest, conversation_id: int) -> HttpResponse:
    conversation = _editable(request, conversation_id)
    if conversation is None:
        return redirect("conversation_detail", conversation_id=conversation_id)
    form = AgreeForm(
        request.POST or None, initial=initial_from(conversation, AgreeForm.base_fields)
    )
    if request.method == "POST" and form.is_valid():
        result = save_versioned(
            form,
            lambda: services.agree_save(
                actor=request.actor,
                leaving="leave" in request.POST,
                conversation=conversation,
                **form.cleaned_data,
            ),
        )
        if result.saved:
            return _after_save(request, conversation, Stage.RECORD)
        form = _shown_again(request, result)
    agreed = list(conversation.agreed_outcomes.prefetch_related("framework_outcomes", "actions"))
    _stage_viewed(request, conversation, "agree stage")
    return render(
        request,
        "conversations/agree.html",
        {
            **_stage_context(conversation, Stage.AGREE),
            "form": form,
            "agreed": [(a, _agreed_prompts(a)) for a in agreed],
            "candidates": conversation.candidates.all(),
        },
    )


def agreed_outcome_edit(
    request: HttpRequest, conversation_id: int, agreed_id: int | None = None
) -> HttpResponse:
    conversation = _editable(request, conversation_id)
    if conversation is None:
        return redirect("conversation_detail", conversation_id=conversation_id)
    agreed = agreed_outcome_for_user(conversation, agreed_id) if agreed_id else None
    # The possible outcome a new agreed outcome starts from (?candidate=), if any.
    candidate = (
        None if agreed else CandidateChoiceForm(request.GET, conversation=conversation).chosen()
    )
    organisation_ids = organisation_ids_of(conversation.person)
    if agreed:
        initial = initial_from(
            agreed,
            [
                name
                for name in AgreedOutcomeForm.base_fields
                if name not in {"submission", "framework_outcome", "also_relates_to"}
            ],
            framework_outcomes=list(agreed.framework_outcomes.all()),
        )
        action_initial = [initial_from(a, ActionForm.base_fields) for a in agreed.actions.all()]
    else:
        # Why it matters, as the person said it when what matters was exchanged.
        initial = {"why_it_matters": _persons_why(conversation)}
        if candidate:
            initial["what_matters"] = candidate.statement
            if candidate.suggested_id:
                initial["framework_outcomes"] = [candidate.suggested_id]
        action_initial = []
    form = AgreedOutcomeForm(
        request.POST or None,
        initial=initial,
        organisation_ids=organisation_ids,
        lineage=conversation.person.framework_lineage,
    )
    actions = _steps_formset(request, action_initial)
    suggesting = request.method == "POST" and "suggest" in request.POST
    if request.method == "POST" and (
        "add_step" in request.POST or "remove_step" in request.POST or suggesting
    ):
        # Adding or taking out a step row, or asking for or choosing a suggested
        # framework outcome, saves nothing: the page comes back with the change made
        # (in place, by htmx, or as a whole page without JavaScript).
        typed = {name: form[name].value() for name in form.fields}
        if suggesting:
            typed["framework_outcome"] = _suggestion_picked(form, request.POST["suggest"])
        form = AgreedOutcomeForm(
            initial=typed,
            organisation_ids=organisation_ids,
            lineage=conversation.person.framework_lineage,
        )
        actions = _steps_rows_changed(request)
    elif request.method == "POST" and form.is_valid() and actions.is_valid():
        key = submission_key(form)
        try:
            with saved_once(key):
                saved = services.agreed_outcome_save(
                    actor=request.actor,
                    conversation=conversation,
                    agreed=agreed,
                    actions=actions_from_formset(actions),
                    **form.cleaned_data,
                )
        except ValidationError as error:
            apply_service_errors(form, error)
        except AlreadySaved:
            messages.info(request, ALREADY_SAVED)
            return redirect("conversation_agree", conversation_id=conversation.pk)
        else:
            prompts = _agreed_prompts(saved)
            if prompts:
                messages.info(
                    request,
                    "Saved. Have a look at the suggestions beside it before recording.",
                )
            else:
                messages.success(request, "The agreed outcome is saved.")
            return _after_agreed(request, conversation)
    _stage_viewed(request, conversation, "agreed outcome form")
    return render(
        request,
        "conversations/agreed_outcome_form.html",
        {
            **_stage_context(conversation, Stage.AGREE),
            "form": form,
            "actions": actions,
            "agreed": agreed,
            "next_candidate": _next_candidate(conversation, exclude=candidate),
            "agreed_count": conversation.agreed_outcomes.count(),
            "suggestions": outcomes_suggested(
                form.typed("what_matters"),
                why=form.typed("why_it_matters"),
                organisations=organisation_ids,
                lineage=conversation.person.framework_lineage,
            ),
            "suggested_chosen": form.chosen_framework_outcome(),
            "suggestions_asked": suggesting and request.POST["suggest"] == "words",
        },
    )


def _suggestion_picked(form: AgreedOutcomeForm, picked: str):
    """The framework outcome chosen once a suggestion button is pressed: the one
    pressed if it is on offer, none if the chosen one was pressed again ("none"),
    otherwise (asking again for suggestions) whatever was chosen before."""
    if picked == "none":
        return ""
    if picked and form.fields["framework_outcome"].valid_value(picked):
        return picked
    return form["framework_outcome"].value()


def _persons_why(conversation: Conversation) -> str:
    person = next(
        (p for p in conversation.participants.all() if p.kind == ParticipantKind.PERSON), None
    )
    return person.why if person else ""


def _next_candidate(conversation: Conversation, *, exclude=None):
    """The first possible outcome from the exchange not yet agreed (by its words),
    other than ``exclude``, the one the page is agreeing."""
    agreed = set(conversation.agreed_outcomes.values_list("what_matters", flat=True))
    for candidate in conversation.candidates.all():
        if candidate.statement not in agreed and candidate != exclude:
            return candidate
    return None


def _after_agreed(request: HttpRequest, conversation: Conversation):
    """Straight on: to the next possible outcome, to the record check, or back to the list."""
    if "record" in request.POST:
        try:
            services.agree_save(
                actor=request.actor,
                conversation=conversation,
                version=Conversation.objects.get(pk=conversation.pk).version,
                not_agreed=conversation.not_agreed,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("conversation_agree", conversation_id=conversation.pk)
        return redirect("conversation_record", conversation_id=conversation.pk)
    following = _next_candidate(conversation)
    if "next" in request.POST and following is not None:
        return redirect(
            f"{reverse('agreed_outcome_add', args=[conversation.pk])}?candidate={following.pk}"
        )
    return redirect("conversation_agree", conversation_id=conversation.pk)


STEP_ROWS_MAX = 30
# One empty row to start with; more one click away ("Add a step").
AgreedSteps = forms.formset_factory(ActionForm, extra=1, can_delete=True, max_num=STEP_ROWS_MAX)


def _steps_formset(request: HttpRequest, initial: list):
    return AgreedSteps(request.POST or None, prefix="actions", initial=initial)


def _steps_rows_changed(request: HttpRequest):
    """The step rows as typed, with one more (``add_step``) or one taken out
    (``remove_step`` = its number), unbound so nothing shows as an error yet."""
    typed = ActionFormSet(request.POST, prefix="actions")
    rows = []
    for i, form in enumerate(typed.forms):
        values = {name: form[name].value() or "" for name in ActionForm.base_fields}
        if request.POST.get("remove_step") != str(i):
            rows.append(values)
    if "add_step" in request.POST and len(rows) < STEP_ROWS_MAX:
        rows.append({})
    rows_only = forms.formset_factory(ActionForm, extra=0, can_delete=True, max_num=STEP_ROWS_MAX)
    return rows_only(prefix="actions", initial=rows)


@require_POST
def agreed_outcome_remove(
    request: HttpRequest, conversation_id: int, agreed_id: int
) -> HttpResponse:
    conversation = _editable(request, conversation_id)
    if conversation is None:
        return redirect("conversation_detail", conversation_id=conversation_id)
    agreed = agreed_outcome_for_user(conversation, agreed_id)
    services.agreed_outcome_remove(actor=request.actor, conversation=conversation, agreed=agreed)
    messages.success(request, "The outcome was taken out of this draft.")
    return redirect("conversation_agree", conversation_id=conversation.pk)


def conversation_review(request: HttpRequest, conversation_id: int) -> HttpResponse:
    conversation = _editable(request, conversation_id)
    if conversation is None:
        return redirect("conversation_detail", conversation_id=conversation_id)
    if conversation.kind != ConversationKind.REVIEW:
        return redirect(STAGE_URLS[conversation.stage], conversation_id=conversation.pk)
    entries = list(
        conversation.review_entries.select_related("outcome__scale", "point").prefetch_related(
            "outcome__scale__points", "outcome__actions"
        )
    )
    data = request.POST or None
    version_form = VersionedForm(data, initial={"version": conversation.version})
    themes = list(themes_for_person(conversation.person))
    forms_ = [
        ReviewEntryForm(
            data,
            prefix=f"o{entry.outcome_id}",
            outcome=entry.outcome,
            themes=themes,
            reviewed_on=conversation.held_on,
            initial=initial_from(
                entry,
                ReviewEntryForm.base_fields,
                helped_themes=list(entry.helped_themes.all()),
                hindered_themes=list(entry.hindered_themes.all()),
                next_review_on=entry.next_review_on
                or next_review_suggested(entry.outcome, reviewed_on=conversation.held_on),
            ),
        )
        for entry in entries
    ]
    # Each outcome's steps, to change there and then when the plan needs to change.
    steps = [_entry_steps(data, entry) for entry in entries]
    for form, step_forms in zip(forms_, steps, strict=True):
        form.steps = step_forms
    posted_ok = (
        request.method == "POST"
        and version_form.is_valid()
        and all(f.is_valid() for f in forms_)
        and all(s.is_valid() for s in steps if s.is_bound)
    )
    if posted_ok:
        for f, s in zip(forms_, steps, strict=True):
            steps_changed = s.is_bound and s.has_changed()
            if f.cleaned_data["plan_needs_change"] and not (
                f.cleaned_data["plan_change"] or steps_changed
            ):
                f.add_error("plan_change", PLAN_CHANGE_MISSING)
                posted_ok = False
    if posted_ok:
        entries_data = [
            services.ReviewEntryData(
                outcome_id=f.outcome.pk,
                new_steps=(
                    actions_from_formset(s) if s.is_bound and s.has_changed() else _kept(f, entries)
                ),
                **f.cleaned_data,
            )
            for f, s in zip(forms_, steps, strict=True)
        ]
        result = save_versioned(
            version_form,
            lambda: services.review_entries_save(
                actor=request.actor,
                leaving="leave" in request.POST,
                conversation=conversation,
                version=version_form.cleaned_data["version"],
                entries=entries_data,
            ),
        )
        if result.saved:
            return _after_save(request, conversation, Stage.RECORD)
        version_form = _shown_again(request, result)
    _stage_viewed(request, conversation, "review stage")
    return render(
        request,
        "conversations/review.html",
        {
            **_stage_context(conversation, Stage.REVIEW),
            "form": version_form,
            "entry_forms": forms_,
        },
    )


def _entry_steps(data, entry) -> ActionFormSet:
    """The steps form for one outcome of a review: the steps changed in this draft
    so far, or else the outcome's steps as they are."""
    kept = services.steps_from_json(entry.new_steps)
    rows = kept if kept is not None else list(entry.outcome.actions.all())
    prefix = f"o{entry.outcome_id}-steps"
    return ActionFormSet(
        # A post without the steps (an older page, a script) leaves them as they are.
        data if data and f"{prefix}-TOTAL_FORMS" in data else None,
        prefix=prefix,
        initial=[{name: getattr(row, name) for name in ActionForm.base_fields} for row in rows],
    )


def _kept(form, entries):
    """Steps changed when the draft was saved before stay changed."""
    entry = next(e for e in entries if e.outcome_id == form.outcome.pk)
    return services.steps_from_json(entry.new_steps)


def _summary(conversation: Conversation) -> dict:
    agreed = [(a, _agreed_prompts(a)) for a in conversation.agreed_outcomes.all()]
    reviews = [
        (
            e,
            review_prompts(
                narrative=e.narrative,
                what_helped=e.what_helped,
                what_hindered=e.what_hindered,
                rated=e.point_id is not None,
            ),
        )
        for e in conversation.review_entries.all()
    ]
    took_part = any(p.kind == ParticipantKind.PERSON for p in conversation.participants.all())
    return {
        "agreed": agreed,
        "reviews": reviews,
        "views_prompts": views_prompts(person_took_part=took_part, channels=conversation.channels),
    }


def conversation_record(request: HttpRequest, conversation_id: int) -> HttpResponse:
    conversation = conversation_for_user(request.user, conversation_id, edit=True)
    if request.method == "POST":
        try:
            result = services.conversation_confirm(actor=request.actor, conversation=conversation)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(STAGE_URLS[conversation.stage], conversation_id=conversation.pk)
        if result.already_recorded:
            messages.info(
                request, "This conversation was already recorded; nothing was added twice."
            )
        elif result.outcomes:
            messages.success(
                request,
                f"Recorded. {len(result.outcomes)} agreed "
                f"outcome{'s are' if len(result.outcomes) != 1 else ' is'} now in the record.",
            )
        else:
            messages.success(request, f"Recorded. {result.reviews_written} review(s) added.")
        return redirect("person_detail", person_id=conversation.person_id)
    if not conversation.is_draft:
        return redirect("conversation_detail", conversation_id=conversation.pk)
    if conversation.stage != Stage.RECORD:
        return redirect(STAGE_URLS[conversation.stage], conversation_id=conversation.pk)
    full = conversation_full(conversation)
    _stage_viewed(request, conversation, "record stage")
    return render(
        request,
        "conversations/record.html",
        {**_stage_context(full, Stage.RECORD), **_summary(full)},
    )


def addendum_add(request: HttpRequest, conversation_id: int) -> HttpResponse:
    conversation = conversation_for_user(request.user, conversation_id, edit=True)
    if conversation.is_draft:
        return redirect(STAGE_URLS[conversation.stage], conversation_id=conversation.pk)
    form = AddendumForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        key = submission_key(form)
        try:
            with saved_once(key):
                services.addendum_add(
                    actor=request.actor, conversation=conversation, **form.cleaned_data
                )
        except ValidationError as error:
            apply_service_errors(form, error)
        except AlreadySaved:
            messages.info(request, ALREADY_SAVED)
            return redirect("conversation_detail", conversation_id=conversation.pk)
        else:
            messages.success(request, "The addendum is saved beside the original.")
            return redirect("conversation_detail", conversation_id=conversation.pk)
    person_viewed(actor=request.actor, person=conversation.person, what="addendum form")
    return render(
        request,
        "conversations/addendum_form.html",
        {"form": form, "conversation": conversation, "person": conversation.person},
    )
