"""Code lists as versioned reference data (ADR 0006).

A ``CodeList`` is one picklist (``htcds.vic_TypeOfExploitation``, ``eurostat.exploitation_form``…)
and a ``Code`` one dated version of one value in it. Records elsewhere store the code string,
never a foreign key to a ``Code`` row: loading a new edition of a list adds, relabels or closes
codes and never touches stored records. Rows are never deleted; a code dropped from its file
gets a ``valid_to`` date and stays readable for the records that use it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

LANGUAGES = ("en", "fr", "pt-br", "ru", "ar")


def pick_language(texts: dict[str, Any], language: str | None) -> str:
    """The text in ``language`` (``pt_BR`` and ``pt-br`` alike), else English, else empty."""
    wanted = (language or "en").lower().replace("_", "-")
    for key in (wanted, wanted.split("-")[0], "en"):
        value = texts.get(key)
        if value:
            return str(value)
    return ""


class CodeList(models.Model):
    """One picklist, from a standard (HTCDS, Eurostat, UNODC, CTDC, ISIC) or Pharos' own."""

    key = models.CharField(_("key"), max_length=80, unique=True)
    title = models.JSONField(_("title"), default=dict, help_text="Title per UI language.")
    source = models.TextField(_("source"), blank=True, help_text="Citation of the standard it comes from.")
    version = models.CharField(_("version"), max_length=40, blank=True)
    multiple = models.BooleanField(_("several values allowed"), default=False)
    deprecated = models.BooleanField(_("deprecated"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    mapping_lists = models.JSONField(
        _("mapping target lists"), default=dict, blank=True, help_text="The list each mapping points into."
    )
    file_sha256 = models.CharField(max_length=64, blank=True, help_text="Hash of the file last loaded.")
    loaded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("code list")

    def __str__(self) -> str:
        return self.key

    def title_in(self, language: str | None) -> str:
        return pick_language(self.title, language) or self.key


class Code(models.Model):
    """One value of a code list, valid between two dates, with labels and mappings."""

    code_list = models.ForeignKey(CodeList, on_delete=models.PROTECT, related_name="codes")
    code = models.CharField(_("code"), max_length=120)
    labels = models.JSONField(_("labels"), default=dict, help_text="Label per UI language.")
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True, help_text="Last day of validity.")
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    mappings = models.JSONField(
        _("mappings"),
        default=dict,
        help_text='Codes in other standards: {"htcds", "ctdc", "eurostat", "unodc"}.',
    )
    verified = models.BooleanField(
        _("mapping verified"),
        default=True,
        help_text="False where the mapping rests on an unverified source.",
    )
    aliases = models.JSONField(
        _("aliases"), default=list, blank=True, help_text="Spellings seen in the wild."
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["code_list", "sort_order", "code", "valid_from"]
        verbose_name = _("code")
        constraints = [
            models.UniqueConstraint(fields=["code_list", "code", "valid_from"], name="code_once_per_start"),
        ]
        indexes = [models.Index(fields=["code_list", "code"])]

    def __str__(self) -> str:
        return f"{self.code_list.key}:{self.code}"

    def label_in(self, language: str | None) -> str:
        return pick_language(self.labels, language) or self.code

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)
