"""The social prescription: chosen activities on one printable page, shared by a link that
holds only their IDs."""

import re

from tests.web.conftest import HAMPSTEAD_WALK, KNIT_AND_NATTER, PHONE_BEFRIENDING, page


def test_a_prescription_of_two_activities(client, directory):
    status, body = page(client, f"/prescription?ids={KNIT_AND_NATTER},{HAMPSTEAD_WALK}")
    assert status == 200
    names = re.findall(r"<h2>([^<]+)</h2>", body)
    assert names[:2] == ["Knit and Natter", "Hampstead Heath Health Walk"]  # in the order chosen
    assert "2 activities chosen for you" in body
    for expected in [
        "Thursdays, 2pm to 4pm",
        "Islington Mind Centre",
        "Wednesdays, 10:30am to 11:30am",
        "Parliament Hill Fields, London, NW5 1QR",
        'href="tel:+442079460101"',
    ]:
        assert expected in body
    share = re.search(r'id="share-link" value="([^"]+)"', body).group(1)
    assert share == f"http://localhost/prescription?ids={KNIT_AND_NATTER},{HAMPSTEAD_WALK}"
    assert 'media="print"' not in body  # print rules live in the stylesheet
    assert 'id="notes"' in body and "not saved" in body
    # What is typed for the patient goes only in POST bodies to this page (never in a
    # URL, so never in an access log); tests/referrals/test_privacy.py: never kept. The
    # email form holds only the IDs and the address typed into it (never the notes).
    forms = re.findall(r"<form[^>]*>.*?</form>", body.split("<main")[1], re.S)
    actions = [re.search(r'<form method="([a-z]+)" action="([^"]+)"', f).groups() for f in forms]
    assert actions == [
        ("post", "/prescription"),
        ("post", "/prescription/codes"),
        ("post", "/prescription/share"),
    ]
    assert "notes" not in forms[-1] and "textarea" not in forms[-1]


def test_repeated_ids_and_any_spelling_work(client, directory):
    query = f"ids={HAMPSTEAD_WALK.upper()}&ids={PHONE_BEFRIENDING}&ids={HAMPSTEAD_WALK}"
    _status, body = page(client, f"/prescription?{query}")
    assert re.findall(r"<h2>([^<]+)</h2>", body)[:2] == [
        "Hampstead Heath Health Walk",
        "Telephone Befriending",
    ]


def test_unknown_and_malformed_ids_are_left_out(client, directory):
    missing = "00000000-0000-0000-0000-000000000000"
    status, body = page(client, f"/prescription?ids={HAMPSTEAD_WALK},{missing},nonsense")
    assert status == 200
    assert "1 activity chosen for you" in body
    assert "1 of the chosen activities is no longer listed" in body
    assert f"ids={HAMPSTEAD_WALK}" in body and missing not in body


def test_removing_one_links_to_the_rest(client, directory):
    _status, body = page(client, f"/prescription?ids={KNIT_AND_NATTER},{HAMPSTEAD_WALK}")
    assert (
        f'href="/prescription?ids={HAMPSTEAD_WALK}" data-shortlist-remove="{KNIT_AND_NATTER}"'
        in body
    )


def test_an_empty_prescription_points_to_the_search(client, directory):
    status, body = page(client, "/prescription")
    assert status == 200
    assert "No activities are chosen yet." in body and 'href="/"' in body
