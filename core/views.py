import logging

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.selectors import memberships_for_user
from conversations.selectors import drafts_for_user, risks_to_look_at_again
from records.selectors import caseload_sizes_for_teams, reviews_due_for_user, steps_due_for_user
from records.services import people_listed_viewed

logger = logging.getLogger(__name__)


# How many of each list the home page shows; the rest are counted.
SHOWN = 20


def home(request: HttpRequest) -> HttpResponse:
    """A practitioner's day: drafts to finish, reviews and steps falling due, risks
    to look at again; then their teams."""
    user = request.user
    memberships = list(memberships_for_user(user))
    sizes = caseload_sizes_for_teams([m.team_id for m in memberships])
    teams = [
        {"membership": m, "team": m.team, "caseload_size": sizes.get(m.team_id, 0)}
        for m in memberships
    ]
    today = timezone.localdate()
    drafts = list(drafts_for_user(user)[:SHOWN])
    reviews = list(reviews_due_for_user(user, today=today)[: SHOWN + 1])
    steps = list(steps_due_for_user(user, today=today)[: SHOWN + 1])
    risks = list(risks_to_look_at_again(user, today=today)[: SHOWN + 1])
    listed = {
        *(c.person_id for c in drafts),
        *(o.person_id for o in reviews[:SHOWN]),
        *(a.outcome.person_id for a in steps[:SHOWN]),
        *(r.conversation.person_id for r in risks[:SHOWN]),
    }
    people_listed_viewed(actor=request.actor, person_ids=listed, what="home page")
    return render(
        request,
        "core/home.html",
        {
            "teams": teams,
            "drafts": drafts,
            "reviews": reviews[:SHOWN],
            "more_reviews": len(reviews) > SHOWN,
            "steps": steps[:SHOWN],
            "more_steps": len(steps) > SHOWN,
            "risks": risks[:SHOWN],
            "more_risks": len(risks) > SHOWN,
            "today": today,
        },
    )


@login_not_required
@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database check for load balancers and monitoring."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: the database did not answer")
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
