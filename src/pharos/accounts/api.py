"""API operations of the accounts module."""

from ninja import Router

router = Router(tags=["accounts"])
