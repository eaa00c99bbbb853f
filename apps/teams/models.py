"""Teams: the tenant every metrics row belongs to."""

from django.db import models


class Team(models.Model):
    """A team of the metrics product; seeded projects map to one team each."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name
