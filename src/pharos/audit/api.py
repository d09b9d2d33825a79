"""API operations of the audit module."""

from ninja import Router

router = Router(tags=["audit"])
