from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Fictional data to explore and measure the product: the demo teams and their
    people for `make run`, and national-size synthetic data for the benchmarks."""

    name = "demo"
    verbose_name = "Demo data"
