from django.urls import path

from . import exports, views

urlpatterns = [
    path("people/import/", views.people_import_page, name="people_import"),
    path("people/<id:person_id>/fhir/", views.person_fhir, name="person_fhir"),
    path("export/", views.admin_only(views.organisations_for_export), name="fhir_exports"),
    path(
        "export/<id:organisation_id>/fhir/",
        views.organisation_fhir,
        name="organisation_fhir",
    ),
    # One file per resource type, as FHIR Bulk Data gives them.
    *(
        path(
            f"export/<id:organisation_id>/fhir/{resource_type}.ndjson",
            views.organisation_ndjson,
            {"resource_type": resource_type},
            name=f"organisation_ndjson_{resource_type.lower()}",
        )
        for resource_type in exports.RESOURCE_TYPES
    ),
]
