import logging

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.selectors import memberships_for_user
from conversations.selectors import drafts_for_user
from records.selectors import caseload_sizes_for_teams

logger = logging.getLogger(__name__)


def home(request: HttpRequest) -> HttpResponse:
    memberships = list(memberships_for_user(request.user))
    sizes = caseload_sizes_for_teams([m.team_id for m in memberships])
    teams = [
        {"membership": m, "team": m.team, "caseload_size": sizes.get(m.team_id, 0)}
        for m in memberships
    ]
    drafts = list(drafts_for_user(request.user)[:20])
    return render(request, "core/home.html", {"teams": teams, "drafts": drafts})


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
