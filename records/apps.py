from django.apps import AppConfig


class RecordsConfig(AppConfig):
    """The people a team supports and the record of what matters to each of them."""

    name = "records"
    verbose_name = "Person records"
