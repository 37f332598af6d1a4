from django.apps import AppConfig


class AuditConfig(AppConfig):
    """A tamper-evident, append-only trail of who viewed or changed what, and when."""

    name = "audit"
    verbose_name = "Audit trail"
