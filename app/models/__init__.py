"""SQLAlchemy 2 models: the HSDS 3.0 tables (names and fields as in the HSDS schemas),
plus provenance (source, source_record) and reference geography (postcode, area)."""

from app.models import accounts, mail, referrals, review, webhooks  # noqa: F401  (not HSDS)
from app.models.base import Base, new_id
from app.models.contact import Contact, Language, Phone, Schedule
from app.models.dedupe import (
    MatchDecision,
    MatchKey,
    MatchReview,
    MatchSummary,
    MergedAlias,
    MergedService,
)
from app.models.geo import Area, Postcode
from app.models.location import Accessibility, Address, Location
from app.models.organization import Organization, OrganizationIdentifier, Program
from app.models.provenance import KeptId, Source, SourceRecord, stable_id
from app.models.service import (
    CostOption,
    Funding,
    RequiredDocument,
    Service,
    ServiceArea,
    ServiceAtLocation,
)
from app.models.taxonomy import (
    Attribute,
    MetadataEntry,
    MetaTableDescription,
    Taxonomy,
    TaxonomyTerm,
)

__all__ = [
    "Accessibility",
    "Address",
    "Area",
    "Attribute",
    "Base",
    "Contact",
    "CostOption",
    "Funding",
    "KeptId",
    "Language",
    "Location",
    "MatchDecision",
    "MatchKey",
    "MatchReview",
    "MatchSummary",
    "MergedAlias",
    "MergedService",
    "MetaTableDescription",
    "MetadataEntry",
    "Organization",
    "OrganizationIdentifier",
    "Phone",
    "Postcode",
    "Program",
    "RequiredDocument",
    "Schedule",
    "Service",
    "ServiceArea",
    "ServiceAtLocation",
    "Source",
    "SourceRecord",
    "Taxonomy",
    "TaxonomyTerm",
    "new_id",
    "stable_id",
]
