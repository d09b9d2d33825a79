"""API operations of the jobs module."""

from ninja import Router

router = Router(tags=["jobs"])
