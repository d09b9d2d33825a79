"""Record linkage as users see it: runs, their clusters, pairs to review, decisions, PPRL projects.

- A ``LinkageRun`` de-duplicates the persons of a scope (the acting organisation, or every
  organisation of its country) with the engine's Splink model, inside a Job. It stores the
  counts, the clusters of two or more persons (``ClusterMember``; a person in no stored
  cluster is a cluster of its own) and the pairs of the uncertain band (``CandidatePair``).
- A ``PairDecision`` is a reviewer's verdict on two persons. It outlives the run it came
  from: every later run forces a confirmed pair into one cluster and keeps a rejected pair
  apart.
- A ``LinkageProject`` records a privacy-preserving linkage between data holders who never
  share names: participants, who holds the shared secret, what each gets back, the
  encodings uploaded and the per-participant results of the last link.

Cluster members, pairs and decisions join persons of several organisations: they are not
owned by one organisation, so they are read only through ``pharos.linkage.queries``, which
states for each read what a user may learn (an organisation's name, never another
organisation's record).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pharos.tenancy.models import Membership, Organisation, OrganisationOwned


class RunScope(models.TextChoices):
    ORGANISATION = "organisation", _("The persons of my organisation")
    COUNTRY = "country", _("The persons of every organisation of my country")


class LinkageRun(OrganisationOwned):
    """One de-duplication of the persons of a scope; its Job carries status and progress.

    ``organisation`` is the organisation the run was started for (and whose members with
    ``linkage.view`` see it); ``country`` is set when the scope is the whole country.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    scope = models.CharField(_("scope"), max_length=16, choices=RunScope.choices, default=RunScope.COUNTRY)
    country = models.ForeignKey(
        "tenancy.Country", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    job = models.OneToOneField(
        "jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="linkage_run"
    )
    # Thresholds and training caps of this run (pharos.linkage.engine.model.Tuning fields).
    parameters = models.JSONField(_("model parameters"), default=dict)
    records = models.PositiveIntegerField(_("records"), default=0)
    pairs_scored = models.PositiveIntegerField(_("pairs scored"), default=0)
    clusters = models.PositiveIntegerField(_("unique persons"), default=0)
    merged = models.PositiveIntegerField(_("records merged"), default=0)
    review_pairs = models.PositiveIntegerField(_("pairs for review"), default=0)
    decisions_applied = models.PositiveIntegerField(_("earlier decisions applied"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("linkage run")

    def __str__(self) -> str:
        return str(self.public_id)

    @property
    def status(self) -> str:
        if self.completed_at is not None:
            return "succeeded"
        return self.job.status if self.job is not None else "queued"


class ClusterMember(models.Model):
    """A person in a cluster of two or more persons of one run (one person, several records).

    ``cluster_key`` is the smallest public id of the cluster's persons: the same persons
    give the same key run after run. ``probability`` is the strongest match probability
    that tied this person to the cluster (1 for a pair a reviewer confirmed).
    """

    run = models.ForeignKey(LinkageRun, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey("persons.Person", on_delete=models.CASCADE, related_name="+")
    cluster_key = models.CharField(max_length=36)
    probability = models.FloatField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "person"], name="linkage_member_once")]
        indexes = [models.Index(fields=["run", "cluster_key"], name="linkage_member_cluster_idx")]

    def __str__(self) -> str:
        return f"{self.run_id}:{self.cluster_key}"


class PairState(models.TextChoices):
    PENDING = "pending", pgettext_lazy("review state", "Pending")
    CONFIRMED = "confirmed", pgettext_lazy("review state", "Same person")
    REJECTED = "rejected", pgettext_lazy("review state", "Different persons")


class CandidatePair(models.Model):
    """Two persons whose match probability fell in a run's uncertain band, for review.

    ``person_a`` is always the one with the smaller primary key, so a pair has one form.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    run = models.ForeignKey(LinkageRun, on_delete=models.CASCADE, related_name="pairs")
    person_a = models.ForeignKey("persons.Person", on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey("persons.Person", on_delete=models.CASCADE, related_name="+")
    probability = models.FloatField()
    state = models.CharField(max_length=12, choices=PairState.choices, default=PairState.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-probability", "id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "person_a", "person_b"], name="linkage_pair_once"),
            models.CheckConstraint(
                condition=Q(person_a__lt=models.F("person_b")), name="linkage_pair_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_a_id}~{self.person_b_id} ({self.probability:.2f})"


class Verdict(models.TextChoices):
    CONFIRM = "confirm", _("Same person")
    REJECT = "reject", _("Different persons")


class PairDecision(models.Model):
    """A reviewer's standing verdict on two persons, respected by every later run.

    One row per pair (``person_a`` the smaller primary key); deciding again replaces it.
    """

    person_a = models.ForeignKey("persons.Person", on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey("persons.Person", on_delete=models.CASCADE, related_name="+")
    verdict = models.CharField(max_length=8, choices=Verdict.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField()
    source_pair = models.ForeignKey(
        CandidatePair, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="linkage_decision_once"),
            models.CheckConstraint(
                condition=Q(person_a__lt=models.F("person_b")), name="linkage_decision_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_a_id}~{self.person_b_id}: {self.verdict}"


class LinkageProject(OrganisationOwned):
    """A privacy-preserving linkage between data holders; ``organisation`` is the linkage unit.

    The linkage unit never holds the shared secret: ``key_custodian`` names who does (one of
    the data holders), and the page says so. Each participant gets back only which of its
    own records matched (with a person id of its own) and the unique-person totals.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    purpose = models.TextField(_("purpose"), blank=True)
    key_custodian = models.CharField(
        _("key custodian"),
        max_length=200,
        help_text=_("Who made the shared secret and hands it to the data holders (never the linkage unit)."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    linked_at = models.DateTimeField(null=True, blank=True)
    # Totals of the last link: records, persons, records_merged, participants.
    totals = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("linkage project")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def visibility_filter(cls, membership: Membership, capability: str) -> Q:
        """The linkage unit's projects, and those the acting organisation takes part in."""
        organisation_id = membership.organisation_id
        return Q(organisation_id=organisation_id) | Q(
            pk__in=Participant.objects.filter(organisation_id=organisation_id).values("project_id")
        )


class Participant(models.Model):
    """A data holder in a project: an organisation of this instance or an external one by name.

    ``source`` is the name the holder passes to ``pharos pprl encode --source``; the
    encodings and the holder's own results are stored encrypted (``pharos.privacy.files``).
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey(LinkageProject, on_delete=models.CASCADE, related_name="participants")
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    external_name = models.CharField(_("external participant"), max_length=200, blank=True)
    source = models.SlugField(_("source name"), max_length=60)
    encodings = models.ForeignKey(
        "privacy.EncryptedAttachment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    encoded_records = models.PositiveIntegerField(default=0)
    uploaded_at = models.DateTimeField(null=True, blank=True)
    result = models.ForeignKey(
        "privacy.EncryptedAttachment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # This participant's own counts from the last link (records, persons, records_also_elsewhere).
    counts = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["source"]
        constraints = [models.UniqueConstraint(fields=["project", "source"], name="linkage_participant_once")]

    def __str__(self) -> str:
        return self.source

    @property
    def display_name(self) -> str:
        return self.organisation.name if self.organisation is not None else self.external_name
