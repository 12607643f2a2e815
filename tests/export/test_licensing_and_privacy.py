"""What must never leave in a dump, whatever the format: services from sources that do
not allow redistribution (alone or merged), private contacts and their phones, and the
raw payloads sources sent us. And what every dump must say: whose data it is."""

import pytest

from app.export import FORMATS
from tests.export.conftest import CAMDEN_ATTRIBUTION, dump_text, read_meta


@pytest.fixture(params=sorted(FORMATS))
def dump(request, planted, export):
    return export(request.param)


def test_nothing_private_or_closed_is_in_any_dump(dump, planted):
    text = dump_text(dump)
    for secret in planted.never_in_a_dump:
        assert secret not in text
    for hidden_id in (
        planted.secret_service_id,
        planted.secret_term_id,
        planted.merged["id"],
        planted.private_contact_id,
        planted.private_phone_id,
    ):
        assert hidden_id not in text


def test_open_services_are_in_every_dump(dump, planted):
    assert planted.walk["id"] in dump_text(dump)


def test_every_dump_names_its_licences_and_attributions(dump):
    meta = read_meta(dump)
    assert {licence["name"] for licence in meta["licences"]} == {"OGL-UK-3.0", "CC-BY-4.0"}
    assert [source["name"] for source in meta["sources"]] == ["signpost", "camden-directory"]
    assert CAMDEN_ATTRIBUTION in meta["attribution"]
    assert "closed-directory" not in dump_text(dump)


def test_signposts_own_licence_comes_from_the_config(planted, export):
    meta = read_meta(export("json", data_licence="CC0-1.0"))
    assert meta["sources"][0] == meta["sources"][0] | {"name": "signpost", "licence": "CC0-1.0"}
    assert "CC0-1.0" in {licence["name"] for licence in meta["licences"]}
