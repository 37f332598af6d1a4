from django.urls import path

from . import views

urlpatterns = [
    path("people/", views.caseload, name="caseload"),
    path("people/add/", views.person_add, name="person_add"),
    path("people/<id:person_id>/", views.person_detail, name="person_detail"),
    path("people/<id:person_id>/edit/", views.person_edit, name="person_edit"),
    path("people/<id:person_id>/summary/", views.person_summary, name="person_summary"),
    path("people/<id:person_id>/summary.pdf", views.person_summary_pdf, name="person_summary_pdf"),
    path("people/<id:person_id>/access/", views.person_access_log, name="person_access_log"),
    path(
        "people/<id:person_id>/subject-access/",
        views.person_subject_access,
        name="person_subject_access",
    ),
    path(
        "people/<id:person_id>/subject-access/pdf/",
        views.person_subject_access_pdf,
        name="person_subject_access_pdf",
    ),
    path(
        "people/<id:person_id>/subject-access/json/",
        views.person_subject_access_json,
        name="person_subject_access_json",
    ),
    path("people/<id:person_id>/teams/", views.person_teams, name="person_teams"),
    path("people/<id:person_id>/close/", views.person_close, name="person_close"),
    path("people/<id:person_id>/reopen/", views.person_reopen, name="person_reopen"),
    path("people/<id:person_id>/outcomes/add/", views.outcome_add, name="outcome_add"),
    path("outcomes/<id:outcome_id>/edit/", views.outcome_edit, name="outcome_edit"),
    path("outcomes/<id:outcome_id>/reviews/", views.outcome_reviews, name="outcome_reviews"),
    path("outcomes/<id:outcome_id>/reviews/add/", views.review_add, name="review_add"),
    path("reviews/<id:review_id>/amend/", views.review_amend, name="review_amend"),
]
