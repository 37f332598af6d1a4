from django.apps import AppConfig


class InteropConfig(AppConfig):
    """Bringing people in from other systems in bulk, and sending records out as FHIR."""

    name = "interop"
    verbose_name = "Import and export"
