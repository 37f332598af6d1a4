from django.urls import path

from . import views

urlpatterns = [
    path("", views.framework_list, name="framework_list"),
    path("new/", views.framework_add, name="framework_add"),
    path("import/", views.framework_import_file, name="framework_import"),
    path("<int:framework_id>/", views.framework_detail, name="framework_detail"),
    path("<int:framework_id>/change/", views.framework_edit, name="framework_edit"),
    path("<int:framework_id>/copy/", views.framework_copy, name="framework_copy"),
    path("<int:framework_id>/retire/", views.framework_retire, name="framework_retire"),
    path("<int:framework_id>/reinstate/", views.framework_reinstate, name="framework_reinstate"),
    path("<int:framework_id>/delete/", views.framework_delete, name="framework_delete"),
    path("<int:framework_id>/export/", views.framework_export_file, name="framework_export"),
    path(
        "outcomes/<int:outcome_id>/retire/",
        views.framework_outcome_retire,
        name="framework_outcome_retire",
    ),
    path(
        "outcomes/<int:outcome_id>/reinstate/",
        views.framework_outcome_reinstate,
        name="framework_outcome_reinstate",
    ),
    path("scales/", views.scale_list, name="scale_list"),
    path("scales/new/", views.scale_add, name="scale_add"),
    path("scales/<int:scale_id>/", views.scale_detail, name="scale_detail"),
    path("scales/<int:scale_id>/change/", views.scale_edit, name="scale_edit"),
    path("scales/<int:scale_id>/retire/", views.scale_retire, name="scale_retire"),
    path("scales/<int:scale_id>/reinstate/", views.scale_reinstate, name="scale_reinstate"),
    path("scales/<int:scale_id>/delete/", views.scale_delete, name="scale_delete"),
]
