"""Team dashboards and organisation reports: figures paired with the narrative behind them."""

from dataclasses import replace

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.roles import managed_team, managed_teams, report_organisations
from common.charts import bar_chart
from common.errors import Refused
from common.pdf import pdf_response

from . import services
from .exports import About, csv_response, xlsx_response
from .forms import (
    GridPageForm,
    NarrativeForm,
    OrganisationReportForm,
    PeriodForm,
    ShareExampleForm,
)
from .selectors import (
    LIST_LIMIT,
    narrative_reviews,
    organisation_rollup,
    organisation_trend,
    team_dashboard,
    team_trend,
)
from .stories import (
    example_in_use,
    example_to_withdraw,
    names_around,
    review_to_share,
    shared_examples,
    team_narrative_groups,
)
from .tables import (
    BAND_LABELS,
    Table,
    bands_table,
    comparison_table,
    distance_table,
    framework_outcome_table,
    quality_table,
    team_by_outcome_table,
    themes_table,
    trend_table,
)
from .wording import TEAM_DISCLOSURE, counting_notes, disclosure_method


def reports_home(request: HttpRequest) -> HttpResponse:
    teams = managed_teams(request.user).order_by("name")
    organisations = report_organisations(request.user).order_by("name")
    if not teams and not organisations:
        raise PermissionDenied
    return render(request, "reports/home.html", {"teams": teams, "organisations": organisations})


def _team(request: HttpRequest, team_id: int):
    team = managed_team(request.user, team_id)
    if team is None:
        # Audited as a refusal (audit.middleware), still shown as a 404.
        raise Refused("reports.team_dashboard", team_id)
    return team


def _team_tables(dashboard) -> dict:
    r = dashboard.rollup
    return {
        "framework_outcomes": framework_outcome_table(r, suppress=False),
        "bands": bands_table(r.current, suppress=False),
        "distance": distance_table(r.current, suppress=False),
        "quality": quality_table(r.current, suppress=False),
        "comparison": comparison_table(r.current, r.previous, suppress=False),
        "themes": themes_table(r, suppress=False),
        "trend": trend_table(team_trend(dashboard.team, dashboard.period), suppress=False),
    }


def _url_for_each(name: str):
    """Links to many objects of one kind without resolving the URL pattern for each."""
    marker = "2147483647"
    prefix, suffix = reverse(name, args=[int(marker)]).split(marker)
    return lambda pk: f"{prefix}{pk}{suffix}"


def _team_context(request: HttpRequest, team_id: int) -> dict:
    team = _team(request, team_id)
    form = PeriodForm(request.GET or None)
    period = form.chosen_period()
    dashboard = team_dashboard(team, period)
    r = dashboard.rollup
    # The period chosen, carried into each narrative link (one link per band of
    # each framework outcome: a hundred or so, so the common part is encoded once).
    base = request.GET.copy()
    for name in ("identity", "band"):
        base.pop(name, None)
    period_query = f"{base.urlencode()}&" if base else ""
    narrative_links = []
    for row in r.rows:
        links = [
            (
                BAND_LABELS[band],
                count,
                # A UUID and a band's value need no quoting.
                f"{period_query}identity={row.identity}&band={band}",
            )
            for band, count in row.bands.items()
            if count
        ]
        if links:
            narrative_links.append((row.name, links))
    person_url = _url_for_each("person_detail")
    return {
        "form": form,
        "narrative_links": narrative_links,
        "narrative_url": reverse("team_narrative", args=[team_id]),
        "overdue_links": [(person_url(o.person_id), o) for o in dashboard.overdue],
        "without_outcome_links": [(person_url(p.id), p) for p in dashboard.without_outcome],
        "dashboard": dashboard,
        "period": period,
        "tables": _team_tables(dashboard),
        "counting_notes": counting_notes(scope="the team's caseload", organisation_level=False),
        "rows": r.rows,
        "query": request.GET.urlencode(),
        "bands_chart": bar_chart(
            [(BAND_LABELS[b], r.current.bands[b]) for b in r.current.bands],
            title="Ratings given in the period, by band",
        ),
        "mattered_chart": bar_chart(
            [(row.name, row.mattered) for row in r.rows[:10] if row.mattered],
            title="The framework outcomes that matter most to people on this caseload",
        ),
    }


def _dashboard_viewed(request: HttpRequest, context: dict, what: str) -> None:
    """The people the dashboard names (overdue reviews, no outcome yet), in the audit trail."""
    dashboard = context["dashboard"]
    services.team_dashboard_viewed(
        actor=request.actor,
        team=dashboard.team,
        person_ids=[o.person_id for o in dashboard.overdue]
        + [p.id for p in dashboard.without_outcome],
        what=what,
    )


def team_dashboard_view(request: HttpRequest, team_id: int) -> HttpResponse:
    context = _team_context(request, team_id)
    _dashboard_viewed(request, context, "team dashboard")
    return render(request, "reports/team_dashboard.html", context)


def team_dashboard_pdf(request: HttpRequest, team_id: int) -> HttpResponse:
    context = _team_context(request, team_id)
    dashboard = context["dashboard"]
    groups = team_narrative_groups(dashboard.team, context["period"], dashboard.rollup)
    shown = {r.pk for group in groups for r in group.reviews}
    # The narrative lists the latest LIST_LIMIT reviews; the PDF says so when it is full.
    context.update(
        pdf=True,
        narrative_groups=groups,
        narrative_limited=LIST_LIMIT if len(shown) >= LIST_LIMIT else 0,
    )
    _dashboard_viewed(request, context, "team dashboard PDF")
    services.narrative_viewed(
        actor=request.actor,
        team=dashboard.team,
        person_ids=[r.outcome.person_id for g in groups for r in g.reviews],
        where="a team dashboard PDF",
    )
    html = render_to_string("reports/team_dashboard_pdf.html", context, request=request)
    return pdf_response(html, f"team-dashboard-{team_id}.pdf")


# The table name of the whole-report workbook: every table, one sheet each.
WHOLE_REPORT = "report"


def _exportable(tables: dict, table: str, fmt: str) -> None:
    """One table as CSV or Excel, or the whole report as one workbook; nothing else."""
    if not (table in tables and fmt in {"csv", "xlsx"}) and (table, fmt) != (WHOLE_REPORT, "xlsx"):
        raise Http404("No such table.")


def _export(tables: dict, table: str, fmt: str, name: str, about: About) -> HttpResponse:
    if table == WHOLE_REPORT:
        return xlsx_response(list(tables.values()), name, about)
    if fmt == "csv":
        return csv_response(tables[table], name, about)
    return xlsx_response([tables[table]], name, about)


def team_export(request: HttpRequest, team_id: int, table: str, fmt: str) -> HttpResponse:
    team = _team(request, team_id)
    period = PeriodForm(request.GET or None).chosen_period()
    dashboard = team_dashboard(team, period)
    tables = _team_tables(dashboard)
    _exportable(tables, table, fmt)
    services.report_exported(actor=request.actor, of=team, table=table, fmt=fmt)
    name = f"team-{team.pk}-{table}-{period.start:%Y%m%d}-{period.end:%Y%m%d}"
    about = About(
        report="Team dashboard",
        of=f"{team.name} ({team.organisation.name})",
        period=period.label,
        filters="None: everyone on the team's caseload",
        counted=counting_notes(scope="the team's caseload", organisation_level=False),
        disclosure=TEAM_DISCLOSURE,
        generated=timezone.now(),
    )
    return _export(tables, table, fmt, name, about)


def team_narrative(request: HttpRequest, team_id: int) -> HttpResponse:
    """The reviews behind a figure: for a framework outcome and band, what people said."""
    team = _team(request, team_id)
    # Bound even when empty: a link that asks for no figure is refused, not a server error.
    form = NarrativeForm(request.GET, organisation=team.organisation)
    if form.figure_errors or not any(form.figure().values()):
        raise Http404("No such figure.")
    period = form.chosen_period()
    figure = form.figure()
    reviews = narrative_reviews(
        team,
        period,
        identity=figure["identity"],
        band=figure["band"],
        theme=figure["theme"],
        theme_kind=figure["theme_kind"],
    )
    services.narrative_viewed(
        actor=request.actor, team=team, person_ids=[r.outcome.person_id for r in reviews]
    )
    return render(
        request,
        "reports/narrative.html",
        {
            "team": team,
            "period": period,
            "reviews": reviews,
            "band_label": BAND_LABELS.get(figure["band"], ""),
            "theme": figure["theme"],
            "theme_kind": figure["theme_kind"],
            "query": request.GET.urlencode(),
            "identity_name": figure["identity_name"],
        },
    )


def _organisation(request: HttpRequest, organisation_id: int):
    organisation = report_organisations(request.user).filter(pk=organisation_id).first()
    if organisation is None:
        raise Refused("reports.organisation_report", organisation_id)
    return organisation


def _organisation_context(request: HttpRequest, organisation_id: int) -> dict:
    organisation = _organisation(request, organisation_id)
    form = OrganisationReportForm(request.GET or None, organisation=organisation)
    period = form.chosen_period()
    filters = form.filters()
    r, grid = organisation_rollup(organisation, filters, period)
    examples = shared_examples(organisation, period, filters)
    tables = {
        "framework_outcomes": framework_outcome_table(r, suppress=True),
        "bands": bands_table(r.current, suppress=True),
        "distance": distance_table(r.current, suppress=True),
        "quality": quality_table(r.current, suppress=True),
        "comparison": comparison_table(r.current, r.previous, suppress=True),
        "team_by_outcome": team_by_outcome_table(grid),
        "themes": themes_table(r, suppress=True),
        "trend": trend_table(
            organisation_trend(organisation, form.filters(), period), suppress=True
        ),
    }
    return {
        "organisation": organisation,
        "form": form,
        "period": period,
        "tables": tables,
        "counting_notes": counting_notes(
            scope="the organisation's teams' caseloads (after the filters chosen)",
            organisation_level=True,
        ),
        "disclosure_method": disclosure_method(),
        "grid_page": _grid_page(request, tables["team_by_outcome"]),
        "outcome_examples": [
            (row.name, examples.by_outcome[str(row.identity)])
            for row in r.rows
            if str(row.identity) in examples.by_outcome
        ],
        "theme_examples": [
            (theme["name"], examples.by_theme[theme["id"]])
            for theme in r.themes
            if theme["id"] in examples.by_theme
        ],
        "rollup": r,
        "query": _without(request.GET, "teams_from"),
        # The counts the table shows (protected), never the counts behind them.
        "bands_chart": bar_chart(
            [(label, int(cell)) for label, cell, _ in tables["bands"].rows[:-1] if cell.isdigit()],
            title="Ratings given in the period, by band",
        ),
    }


GRID_TEAMS = 50  # teams shown at a time in the team-by-framework-outcome table


def _without(params, name: str) -> str:
    kept = params.copy()
    kept.pop(name, None)
    return kept.urlencode()


def _grid_page(request: HttpRequest, table: Table) -> dict:
    """One page of teams of the team-by-framework-outcome table (the exports hold them all).

    Suppression is worked out on the whole table before it is cut into pages.
    """
    total = len(table.rows)
    first = min(GridPageForm(request.GET).first(), max(total - 1, 0))
    first -= first % GRID_TEAMS
    shown = replace(table, rows=table.rows[first : first + GRID_TEAMS])
    query = _without(request.GET, "teams_from")

    def link(start: int) -> str:
        return "?" + "&".join(filter(None, [query, f"teams_from={start}"]))

    return {
        "table": shown,
        "first": first + 1 if total else 0,
        "last": min(first + GRID_TEAMS, total),
        "total": total,
        "previous": link(first - GRID_TEAMS) if first > 0 else "",
        "next": link(first + GRID_TEAMS) if first + GRID_TEAMS < total else "",
    }


def organisation_report(request: HttpRequest, organisation_id: int) -> HttpResponse:
    return render(
        request,
        "reports/organisation_report.html",
        _organisation_context(request, organisation_id),
    )


def organisation_report_pdf(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """The organisation report as a PDF, audited as a download like the spreadsheets."""
    context = _organisation_context(request, organisation_id)
    services.report_exported(
        actor=request.actor, of=context["organisation"], table=WHOLE_REPORT, fmt="pdf"
    )
    # Tables and examples come first, so the period and filters are said once, above them.
    context["about_rows"] = [
        row
        for row in _organisation_about(context).rows(list(context["tables"].values()))
        if row[0] not in ("Tables", "How it was counted")
    ]
    html = render_to_string("reports/organisation_report_pdf.html", context, request=request)
    period = context["period"]
    return pdf_response(
        html, f"organisation-{organisation_id}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.pdf"
    )


def organisation_export(
    request: HttpRequest, organisation_id: int, table: str, fmt: str
) -> HttpResponse:
    context = _organisation_context(request, organisation_id)
    _exportable(context["tables"], table, fmt)
    services.report_exported(actor=request.actor, of=context["organisation"], table=table, fmt=fmt)
    period = context["period"]
    name = f"organisation-{organisation_id}-{table}-{period.start:%Y%m%d}-{period.end:%Y%m%d}"
    return _export(context["tables"], table, fmt, name, _organisation_about(context))


def _filters_in_words(form: OrganisationReportForm) -> str:
    """The filters chosen, as the form's labels say them ("Team: North")."""
    if not form.is_valid():
        return "None"
    chosen = []
    for field in form.extra_fields():
        value = form.cleaned_data.get(field.name)
        if value:
            label = dict(field.field.choices).get(value, value)
            chosen.append(f"{field.label}: {label}")
    return "; ".join(chosen) or "None: every team, framework and age"


def _organisation_about(context: dict) -> About:
    return About(
        report="Organisation report",
        of=context["organisation"].name,
        period=context["period"].label,
        filters=_filters_in_words(context["form"]),
        counted=context["counting_notes"],
        disclosure=context["disclosure_method"],
        generated=timezone.now(),
    )


def _story_of(review) -> str:
    """The review's words, as a starting point for the manager to edit."""
    parts = [review.narrative]
    if review.what_helped:
        parts.append(f"What helped: {review.what_helped}")
    if review.what_hindered:
        parts.append(f"What got in the way: {review.what_hindered}")
    return "\n\n".join(p for p in parts if p)


def example_share(request: HttpRequest, review_id: int) -> HttpResponse:
    """Share a review's story as an example, once the person has agreed, with the
    words that could identify them taken out by the manager."""
    review, organisation = review_to_share(request.user, review_id)
    person = review.outcome.person
    in_use = example_in_use(review)
    names = names_around(person)
    if request.method == "POST" and in_use is None:
        form = ShareExampleForm(request.POST, names=names)
        if form.is_valid():
            try:
                services.example_share(
                    actor=request.actor,
                    review=review,
                    organisation=organisation,
                    text=form.cleaned_data["text"],
                    how_agreed=form.cleaned_data["how_agreed"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    "The example is shared. It appears in the organisation report, "
                    "without anything saying whose it is.",
                )
                return redirect("example_share", review_id=review.pk)
    else:
        form = ShareExampleForm(names=names, initial={"text": _story_of(review)})
    services.review_viewed_to_share(actor=request.actor, review=review)
    return render(
        request,
        "reports/example_share.html",
        {"review": review, "person": person, "form": form, "in_use": in_use},
    )


@require_POST
def example_withdraw(request: HttpRequest, example_id: int) -> HttpResponse:
    example = example_to_withdraw(request.user, example_id)
    services.example_withdraw(actor=request.actor, example=example)
    messages.success(request, "The example is withdrawn: it no longer appears in any report.")
    return redirect("example_share", review_id=example.review_id)
