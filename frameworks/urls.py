from django.urls import path

from . import views

urlpatterns = [
    path("", views.framework_list, name="framework_list"),
    path("new/", views.framework_add, name="framework_add"),
    path("import/", views.framework_import_file, name="framework_import"),
    path("<id:framework_id>/", views.framework_detail, name="framework_detail"),
    path("<id:framework_id>/change/", views.framework_edit, name="framework_edit"),
    path("<id:framework_id>/copy/", views.framework_copy, name="framework_copy"),
    path("<id:framework_id>/retire/", views.framework_retire, name="framework_retire"),
    path("<id:framework_id>/reinstate/", views.framework_reinstate, name="framework_reinstate"),
    path("<id:framework_id>/delete/", views.framework_delete, name="framework_delete"),
    path("<id:framework_id>/export/", views.framework_export_file, name="framework_export"),
    path(
        "outcomes/<id:outcome_id>/retire/",
        views.framework_outcome_retire,
        name="framework_outcome_retire",
    ),
    path(
        "outcomes/<id:outcome_id>/reinstate/",
        views.framework_outcome_reinstate,
        name="framework_outcome_reinstate",
    ),
    path("scales/", views.scale_list, name="scale_list"),
    path("scales/new/", views.scale_add, name="scale_add"),
    path("scales/<id:scale_id>/", views.scale_detail, name="scale_detail"),
    path("scales/<id:scale_id>/change/", views.scale_edit, name="scale_edit"),
    path("scales/<id:scale_id>/retire/", views.scale_retire, name="scale_retire"),
    path("scales/<id:scale_id>/reinstate/", views.scale_reinstate, name="scale_reinstate"),
    path("scales/<id:scale_id>/delete/", views.scale_delete, name="scale_delete"),
]
