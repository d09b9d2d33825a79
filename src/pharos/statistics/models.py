"""Population figures for rates (SDG 16.2.2): reference data a national coordinator uploads."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

SEXES = (("F", _("Female")), ("M", _("Male")), ("_T", _("Total")))
AGE_GROUPS = (("Y_LT18", _("Less than 18 years")), ("Y_GE18", _("18 years or over")), ("_T", _("Total")))


class PopulationEstimate(models.Model):
    """The population of a country in a year, by sex and Eurostat age group (``_T`` = total).

    Not tenant data: population figures are public. Uploading replaces a country's rows
    for the years in the file (``actions.population_upload``).
    """

    country = models.ForeignKey("tenancy.Country", verbose_name=_("country"), on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField(_("year"))
    sex = models.CharField(_("sex"), max_length=2, choices=SEXES)
    age_group = models.CharField(_("age group"), max_length=8, choices=AGE_GROUPS)
    population = models.PositiveBigIntegerField(_("population"))
    source = models.CharField(_("source"), max_length=500, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["country__code", "year", "sex", "age_group"]
        constraints = [
            models.UniqueConstraint(fields=["country", "year", "sex", "age_group"], name="population_once")
        ]
        verbose_name = _("population estimate")

    def __str__(self) -> str:
        return f"{self.country_id} {self.year} {self.sex} {self.age_group}: {self.population}"
