"""Rate limits on searches and writes: 429 with Retry-After, per address or per API token.

The app here allows 3 searches and 2 writes a minute per client, counted by Flask-Limiter
in memory on a clock the tests move forward (the limits library's memory storage and
app/ratelimit.py read the time through their `time` module, which the fixture replaces).
Other tests run with the limits off (tests/conftest.py). The last tests share the counts
of two apps through Redis, as gunicorn's workers and several servers do.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from types import SimpleNamespace

import limits.storage.memory
import pytest
import redis
import yaml

import app.ratelimit as ratelimit
from app import create_app
from app.auth.accounts import create_account
from app.auth.tokens import create_token
from app.config import SETTINGS
from app.ratelimit import parse_rate
from tests.conftest import IN_CI

HEATH_WALK = "87d846e3-3283-5ca3-a5c3-17296fa95d8c"  # a sample service
SEARCH = "/services?search=walk"
ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/0"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    fake_time = SimpleNamespace(time=clock)
    monkeypatch.setattr(limits.storage.memory, "time", fake_time)
    monkeypatch.setattr(ratelimit, "time", fake_time)
    return clock


@pytest.fixture
def make_client(engine, session_factory, clock):
    def make(**config):
        app = create_app(
            {
                "TESTING": True,
                "DATABASE_URL": engine.url.render_as_string(hide_password=False),
                "SIGNPOST_RATE_LIMIT_SEARCH": "3/minute",
                "SIGNPOST_RATE_LIMIT_WRITE": "2/minute",
                **config,
            }
        )
        app.extensions["signpost_db"].engine = engine
        app.extensions["signpost_db"].sessionmaker = session_factory
        return app.test_client()

    return make


@pytest.fixture
def client(make_client):
    return make_client()


@pytest.fixture
def token(session) -> str:
    account = create_account(session, "council@example.org", "admin")
    _row, plain = create_token(session, account, "write")
    session.commit()
    return plain


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def search(client, address="192.0.2.1", url=SEARCH, **headers):
    return client.get(url, headers=headers, environ_base={"REMOTE_ADDR": address})


def statuses(responses) -> list[int]:
    return [response.status_code for response in responses]


def test_the_fourth_search_in_a_minute_is_429_with_retry_after_in_the_error_format(client):
    assert statuses(search(client) for _ in range(3)) == [200, 200, 200]
    response = search(client)
    assert response.status_code == 429
    body = response.get_json()
    assert list(body) == ["code", "status", "message", "errors"]
    assert (body["code"], body["status"]) == (429, "Too Many Requests")
    assert body["message"] == "Too many searches from this address; try again in 60 seconds."
    assert body["errors"] == {"retry_after": 60}
    assert response.headers["Retry-After"] == "60"  # when the first of the three leaves
    assert response.headers["Access-Control-Allow-Origin"] == "*"  # other sites can read it
    assert "Retry-After" in response.headers["Access-Control-Expose-Headers"]


def test_limited_responses_say_how_much_is_left(client, clock):
    first = search(client)
    assert first.headers["X-RateLimit-Limit"] == "3"
    assert first.headers["X-RateLimit-Remaining"] == "2"
    assert first.headers["X-RateLimit-Reset"] == "1060"  # Unix time
    assert "Retry-After" not in first.headers  # only a refusal says when to retry
    assert search(client).headers["X-RateLimit-Remaining"] == "1"
    assert "X-RateLimit-Limit" not in client.get(f"/services/{HEATH_WALK}").headers


def test_another_address_keeps_its_own_allowance(client):
    for _ in range(4):
        search(client, "192.0.2.1")
    assert search(client, "192.0.2.1").status_code == 429
    assert statuses(search(client, "198.51.100.7") for _ in range(3)) == [200, 200, 200]


def test_an_api_token_has_its_own_allowance_apart_from_its_address(client, token):
    for _ in range(3):
        search(client, "192.0.2.1")
    assert search(client, "192.0.2.1").status_code == 429
    with_token = [search(client, "192.0.2.1", **bearer(token)) for _ in range(4)]
    assert statuses(with_token) == [200, 200, 200, 429]
    assert "from this API token" in with_token[-1].get_json()["message"]
    # The token's searches did not use up the allowance of another client at its address.
    assert search(client, "192.0.2.1").status_code == 429
    assert statuses(search(client, "192.0.2.9") for _ in range(3)) == [200, 200, 200]


def test_the_token_allowance_follows_the_token_to_any_address(client, token):
    assert search(client, "192.0.2.1", **bearer(token)).status_code == 200
    assert search(client, "192.0.2.2", **bearer(token)).status_code == 200
    assert search(client, "192.0.2.3", **bearer(token)).status_code == 200
    assert search(client, "192.0.2.4", **bearer(token)).status_code == 429


def test_a_made_up_token_counts_against_the_address(client):
    for _ in range(3):
        search(client)
    made_up = search(client, **bearer("sp_made-up"))
    assert made_up.status_code == 429
    assert "from this address" in made_up.get_json()["message"]


def test_the_allowance_comes_back_as_time_passes(client, clock):
    assert statuses(search(client) for _ in range(4)) == [200, 200, 200, 429]
    clock.advance(59)
    assert search(client).headers["Retry-After"] == "1"
    clock.advance(1.5)  # the three have left the minute: the full allowance again
    assert statuses(search(client) for _ in range(4)) == [200, 200, 200, 429]


def test_at_most_n_in_any_period_so_no_double_burst_at_a_window_edge(client, clock):
    for _ in range(3):
        assert search(client).status_code == 200
        clock.advance(10)  # at 1000, 1010, 1020
    assert search(client).headers["Retry-After"] == "30"  # 1000 + 60 - 1030
    clock.advance(30.5)
    assert statuses(search(client) for _ in range(2)) == [200, 429]
    assert search(client).headers["Retry-After"] == "10"  # the one of 1010 leaves at 1070


@pytest.mark.parametrize(
    "url, headers",
    [
        ("/services?postcode=NW5+1QR&proximity=2000", {}),
        ("/services?taxonomy_term=need:loneliness&page=2", {}),
        ("/service_at_locations?search=garden", {}),
        ("/suggest?q=gar", {}),
        ("/organizations?search=mind", {}),
        ("/taxonomy_terms?search=walk", {}),
        ("/?search=walk&postcode=NW5", {"Accept": "text/html"}),
    ],
)
def test_every_kind_of_search_is_limited(client, url, headers):
    responses = [search(client, url=url, **headers) for _ in range(4)]
    assert 429 not in statuses(responses[:3])
    assert responses[3].status_code == 429


@pytest.mark.parametrize(
    "url, headers",
    [
        ("/services", {}),
        ("/services?page=2&per_page=5&minimal=true", {}),
        ("/services?modified_after=2024-01-01", {}),
        (f"/services/{HEATH_WALK}", {}),
        (f"/service/{HEATH_WALK}", {"Accept": "text/html"}),
        ("/taxonomy_terms?top_only=true", {}),
        ("/dumps/", {}),
        ("/healthz", {}),
        ("/openapi.json", {}),
        ("/?search=walk", {"Accept": "application/json"}),  # the HSDS root, not the page
    ],
)
def test_reading_without_searching_is_not_limited(client, sample, url, headers):
    assert 429 not in statuses(search(client, url=url, **headers) for _ in range(5))


def test_cors_preflights_are_not_counted(client):
    preflight = {"Origin": "https://council.example.org", "Access-Control-Request-Method": "GET"}
    for url in [SEARCH, "/services", f"/services/{HEATH_WALK}"]:
        for _ in range(5):
            assert client.options(url, headers=preflight).status_code == 200
    assert statuses(search(client) for _ in range(3)) == [200, 200, 200]
    assert client.post("/services", json={}).status_code == 401  # writes untouched too


def test_writes_are_limited_per_token_and_apart_from_searches(client, sample, token):
    change = {"name": "Hampstead Heath Health Walk"}
    writes = [client.patch(f"/services/{HEATH_WALK}", json=change, headers=bearer(token))]
    writes += [client.patch(f"/services/{HEATH_WALK}", json=change, headers=bearer(token))]
    writes += [client.delete(f"/services/{HEATH_WALK}", headers=bearer(token))]
    assert statuses(writes) == [200, 200, 429]
    assert writes[-1].get_json()["message"].startswith("Too many changes from this API token")
    assert writes[-1].headers["Retry-After"] == "60"
    assert search(client, **bearer(token)).status_code == 200


def test_every_write_method_counts_even_when_refused(client):
    assert client.post("/services", json={}).status_code == 401
    assert client.put(f"/services/{HEATH_WALK}", json={}).status_code == 401
    assert client.post("/tokens", json={}).status_code == 429


def test_a_browser_gets_a_page_with_retry_after(client):
    browser = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    url = "/?postcode=NW5+1QR&taxonomy_term=need:loneliness"
    for _ in range(3):
        search(client, url=url, **browser)
    response = search(client, url=url, **browser)
    assert response.status_code == 429 and response.mimetype == "text/html"
    assert response.headers["Retry-After"] == "60"
    assert "Too many searches from this address" in response.get_data(as_text=True)


def test_the_account_pages_show_their_own_error_page(client):
    for _ in range(2):
        client.post("/account/sign-in", data={"email": "x@example.org"})
    response = client.post("/account/sign-in", data={"email": "x@example.org"})
    assert response.status_code == 429 and response.mimetype == "text/html"
    assert response.headers["Retry-After"] == "60"
    html = response.get_data(as_text=True)
    assert "Too many changes" in html and "Back to your listings" in html


def test_behind_a_proxy_the_forwarded_address_is_the_client(make_client):
    client = make_client(SIGNPOST_PROXY_COUNT="1")
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    for _ in range(3):
        client.get(SEARCH, headers={"X-Forwarded-For": "192.0.2.1"}, environ_base=proxy)
    over = client.get(SEARCH, headers={"X-Forwarded-For": "192.0.2.1"}, environ_base=proxy)
    other = client.get(SEARCH, headers={"X-Forwarded-For": "192.0.2.2"}, environ_base=proxy)
    assert (over.status_code, other.status_code) == (429, 200)


def test_without_a_proxy_a_forged_forwarded_address_is_ignored(client):
    for number in range(3):
        search(client, **{"X-Forwarded-For": f"203.0.113.{number}"})
    assert search(client, **{"X-Forwarded-For": "203.0.113.99"}).status_code == 429


@pytest.mark.parametrize("setting", ["", "0", "off"])
def test_a_limit_can_be_switched_off(make_client, setting):
    client = make_client(SIGNPOST_RATE_LIMIT_SEARCH=setting, SIGNPOST_RATE_LIMIT_WRITE=setting)
    assert 429 not in statuses(search(client) for _ in range(20))
    assert 429 not in statuses(client.post("/services", json={}) for _ in range(10))


@pytest.mark.parametrize(
    "text, rate",
    [
        ("120/minute", "120 per 1 minute"),
        ("10/second", "10 per 1 second"),
        (" 1000 / hours ", "1000 per 1 hour"),
        ("5000/DAY", "5000 per 1 day"),
        ("20 per 5 minutes", "20 per 5 minute"),
        ("", None),
        (None, None),
        ("0", None),
        ("0/minute", None),
    ],
)
def test_rates_are_written_n_per_unit(text, rate):
    parsed = parse_rate(text)
    assert (str(parsed) if parsed else None) == rate


@pytest.mark.parametrize("text", ["120", "120/fortnight", "-5/minute", "lots", "1/second;9/hour"])
def test_a_bad_rate_stops_the_app_starting(make_client, text):
    with pytest.raises(ValueError, match="SIGNPOST_RATE_LIMIT_SEARCH must look like 120/minute"):
        make_client(SIGNPOST_RATE_LIMIT_SEARCH=text)


@pytest.mark.parametrize(
    "url, problem",
    [
        ("127.0.0.1:6379", "scheme"),
        ("memcached://127.0.0.1:11211", "scheme 'memcached' is not one of memory, redis"),
        ("redis://:s3cret@127.0.0.1:port/0", "its port is not a number"),
        ("redis:///0", "it names no host"),
    ],
)
def test_a_bad_storage_url_stops_the_app_starting(make_client, url, problem):
    with pytest.raises(ValueError, match="SIGNPOST_RATE_LIMIT_STORAGE_URL must be") as raised:
        make_client(SIGNPOST_RATE_LIMIT_STORAGE_URL=url)
    assert problem in str(raised.value)
    assert "s3cret" not in str(raised.value)


def test_the_openapi_document_lists_429_on_each_limited_operation():
    paths = yaml.load((ROOT / "openapi.yaml").read_text(), Loader=yaml.CSafeLoader)["paths"]
    limited = "#/components/responses/RATE_LIMITED"
    for path in ["/services", "/service_at_locations", "/suggest", "/organizations"]:
        assert paths[path]["get"]["responses"]["429"]["$ref"] == limited, path
    for path, operations in paths.items():
        for method in set(operations) & {"post", "put", "patch", "delete"}:
            assert "429" in operations[method]["responses"], (method, path)
    for path in ["/services/{service_id}", "/taxonomies", "/"]:
        assert "429" not in paths[path]["get"]["responses"], path


@pytest.mark.parametrize("name", ["SIGNPOST_RATE_LIMIT_SEARCH", "SIGNPOST_RATE_LIMIT_WRITE"])
def test_the_limits_are_in_the_readme_configuration_table(name):
    default = SETTINGS[name][0]
    readme = (ROOT / "README.md").read_text()
    row = next(line for line in readme.splitlines() if line.startswith(f"| `{name}` |"))
    assert f"`{default}`" in row
    assert parse_rate(default) is not None


def test_the_storage_setting_is_in_the_readme_and_in_deploy():
    name = "SIGNPOST_RATE_LIMIT_STORAGE_URL"
    assert SETTINGS[name][0] == "memory://"
    readme = (ROOT / "README.md").read_text()
    assert any(line.startswith(f"| `{name}` | `memory://` |") for line in readme.splitlines())
    assert f"{name}=redis://" in (ROOT / "deploy" / "README.md").read_text()


@pytest.fixture
def shared_redis() -> str:
    """Redis on this machine (.ci/run starts it): the tests skip without it, but in CI
    they fail instead, as the PostGIS tests do."""
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        reason = f"no Redis at {REDIS_URL} ({exc}); start redis-server"
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)
    return REDIS_URL


@pytest.fixture
def two_workers(make_client, shared_redis, monkeypatch):
    """Two apps (as two gunicorn workers or servers) counting in one Redis, under a key
    prefix of their own so that other test runs on this Redis count apart. Redis keeps
    real time, so app/ratelimit.py does too here."""
    monkeypatch.setattr(ratelimit, "time", time)
    shared = {"SIGNPOST_RATE_LIMIT_STORAGE_URL": shared_redis, "SIGNPOST_RATE_LIMIT_WRITE": "",
              "RATELIMIT_KEY_PREFIX": f"signpost-test-{uuid.uuid4()}"}  # fmt: skip
    return make_client(**shared), make_client(**shared)


def test_with_redis_a_limit_holds_across_two_workers(two_workers, make_client):
    first, second = two_workers
    assert statuses([search(first), search(second), search(first)]) == [200, 200, 200]
    refused = search(second)
    assert refused.status_code == 429
    assert 55 <= int(refused.headers["Retry-After"]) <= 60  # Redis keeps real time
    assert search(first).status_code == 429
    alone = make_client()  # memory storage: a process of its own, counting apart
    assert search(alone).status_code == 200


def test_with_redis_sign_in_failures_hold_across_two_workers(two_workers):
    first, second = two_workers
    wrong = {"email": "pat@example.org", "password": "wrong password!"}
    address = {"REMOTE_ADDR": "192.0.2.60"}
    answers = [(first, second)[n % 2].post("/tokens", json=wrong, environ_base=address)
               for n in range(6)]  # fmt: skip
    assert statuses(answers) == [401] * 5 + [429]
