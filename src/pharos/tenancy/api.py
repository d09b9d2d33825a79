"""API operations of the tenancy module."""

from ninja import Router

router = Router(tags=["tenancy"])
