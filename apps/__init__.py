"""Django project: settings, the teams/metrics data model and the seeding app."""
