"""API operations of the tenancy module: the directory of organisations and the reference data."""

from datetime import date
from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from pharos.api.security import requires
from pharos.core.declare import SIGNED_IN
from pharos.tenancy import queries
from pharos.tenancy.models import Country, Membership, Organisation, Region

router = Router(tags=["tenancy"])


class CountryOut(Schema):
    code: str
    alpha3: str
    numeric: str
    name: str
    names: dict[str, str]
    footnote: str

    @staticmethod
    def from_model(country: Country) -> "CountryOut":
        return CountryOut(
            code=country.code,
            alpha3=country.alpha3,
            numeric=country.numeric,
            name=country.name,
            names=country.names,
            footnote=country.footnote,
        )


class RegionMemberOut(Schema):
    country: str
    valid_from: date | None
    valid_to: date | None


class RegionOut(Schema):
    code: str
    name: str
    names: dict[str, str]
    members: list[RegionMemberOut]


class MemberOut(Schema):
    email: str
    full_name: str
    role: str
    is_active: bool

    @staticmethod
    def resolve_email(obj: Membership) -> str:
        return obj.user.email

    @staticmethod
    def resolve_full_name(obj: Membership) -> str:
        return obj.user.full_name


class OrganisationOut(Schema):
    public_id: UUID
    code: str
    name: str
    country: str
    country_name: str
    org_type: str
    referral_roles: list[str]

    @staticmethod
    def resolve_country(obj: Organisation) -> str:
        return obj.country.code

    @staticmethod
    def resolve_country_name(obj: Organisation) -> str:
        return obj.country.name


class OrganisationDetailOut(OrganisationOut):
    members: list[MemberOut] | None = None

    @staticmethod
    def resolve_members(obj: Organisation) -> list[Membership] | None:
        return getattr(obj, "api_members", None)


@router.get("/organisations", response=list[OrganisationOut], summary="The directory of organisations")
@requires("tenancy.directory")
@paginate
def list_organisations(
    request: HttpRequest, country: str = "", region: str = "", type: str = "", q: str = ""
) -> QuerySet[Organisation]:
    """Active organisations; filter by country code, region code (membership today), type or name."""
    return queries.organisations_directory(
        queries.DirectoryFilter(country=country, region=region, org_type=type, text=q)
    )


@router.get("/organisations/{public_id}", response=OrganisationDetailOut, summary="One organisation")
@requires("tenancy.directory")
def get_organisation(request: HttpRequest, public_id: UUID) -> Organisation:
    """The public profile; ``members`` only for holders of ``tenancy.members`` acting for it."""
    org = queries.get_organisation(public_id)
    members = queries.members_of(request.user, org)
    org.api_members = list(members) if members is not None else None  # type: ignore[attr-defined]
    return org


@router.get("/countries", response=list[CountryOut], summary="Countries (ISO 3166-1 and XK)")
@requires(SIGNED_IN)
def list_countries(request: HttpRequest, region: str = "", on: date | None = None) -> list[CountryOut]:
    """All countries, or those in ``region`` on the day ``on`` (today by default)."""
    found = queries.countries_in_region(region, on=on) if region else queries.countries()
    return [CountryOut.from_model(c) for c in found]


@router.get("/regions", response=list[RegionOut], summary="Regional groupings with dated membership")
@requires(SIGNED_IN)
def list_regions(request: HttpRequest) -> list[RegionOut]:
    return [_region(r) for r in queries.regions()]


def _region(region: Region) -> RegionOut:
    members = sorted(region.memberships.all(), key=lambda m: (m.country.code, m.valid_from or date.min))
    return RegionOut(
        code=region.code,
        name=str(region),
        names=region.names,
        members=[
            RegionMemberOut(country=m.country.code, valid_from=m.valid_from, valid_to=m.valid_to)
            for m in members
        ],
    )
