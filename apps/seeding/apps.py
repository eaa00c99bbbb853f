from django.apps import AppConfig


class SeedingConfig(AppConfig):
    name = "apps.seeding"
    label = "seeding"
    verbose_name = "Seeding (GitHub ingestion)"
