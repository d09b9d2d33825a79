"""API operations of the accounts module: who am I, acting for whom, allowed to do what."""

from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema

from pharos.api.security import requires
from pharos.core.declare import SIGNED_IN
from pharos.tenancy import access
from pharos.tenancy.models import Membership

router = Router(tags=["accounts"])


class MembershipOut(Schema):
    public_id: UUID
    organisation: UUID
    organisation_code: str
    organisation_name: str
    country: str
    role: str
    capabilities: list[str]

    @staticmethod
    def from_model(membership: Membership) -> "MembershipOut":
        return MembershipOut(
            public_id=membership.public_id,
            organisation=membership.organisation.public_id,
            organisation_code=membership.organisation.code,
            organisation_name=membership.organisation.name,
            country=membership.organisation.country.code,
            role=membership.role,
            capabilities=sorted(membership.capabilities),
        )


class MeOut(Schema):
    email: str
    full_name: str
    acting: MembershipOut | None
    memberships: list[MembershipOut]


@router.get("/me", response=MeOut, summary="The caller, the membership they act for and what it allows")
@requires(SIGNED_IN)
def me(request: HttpRequest) -> MeOut:
    """A token acts for the membership it was made for; a browser session for the one chosen."""
    user = request.user
    acting = access.acting_membership(user)
    return MeOut(
        email=user.email,  # type: ignore[union-attr]
        full_name=user.full_name,  # type: ignore[union-attr]
        acting=MembershipOut.from_model(acting) if acting else None,
        memberships=[MembershipOut.from_model(m) for m in access.memberships_of(user)],
    )
