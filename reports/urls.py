from django.urls import path

from . import views

urlpatterns = [
    path("reviews/<id:review_id>/share/", views.example_share, name="example_share"),
    path("examples/<id:example_id>/withdraw/", views.example_withdraw, name="example_withdraw"),
    path("", views.reports_home, name="reports_home"),
    path("teams/<id:team_id>/", views.team_dashboard_view, name="team_dashboard"),
    path("teams/<id:team_id>/dashboard.pdf", views.team_dashboard_pdf, name="team_dashboard_pdf"),
    path("teams/<id:team_id>/narrative/", views.team_narrative, name="team_narrative"),
    path(
        "teams/<id:team_id>/export/<slug:table>.<slug:fmt>",
        views.team_export,
        name="team_export",
    ),
    path(
        "organisations/<id:organisation_id>/",
        views.organisation_report,
        name="organisation_report",
    ),
    path(
        "organisations/<id:organisation_id>/report.pdf",
        views.organisation_report_pdf,
        name="organisation_report_pdf",
    ),
    path(
        "organisations/<id:organisation_id>/export/<slug:table>.<slug:fmt>",
        views.organisation_export,
        name="organisation_export",
    ),
]
