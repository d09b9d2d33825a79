"""API operations of the persons module."""

from ninja import Router

router = Router(tags=["persons"])
