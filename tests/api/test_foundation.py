"""The API's foundation: who may ask (a token or a session), the problem bodies of
every error, pages, and the rate limit."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status
    assert body["type"].startswith("urn:efficacy:problem:")
    assert body["title"]
    assert body["detail"]
    assert body["instance"] == response.request["PATH_INFO"]
    return body


def test_an_anonymous_request_gets_a_401_problem_asking_for_a_bearer_token(client, world):
    response = client.get(reverse("api:schools"))
    assert_problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_an_unknown_token_gets_a_401_and_never_falls_back_to_the_session(client, world):
    client.force_login(world.leader_a)
    response = client.get(reverse("api:schools"), HTTP_AUTHORIZATION="Bearer eff_nonsense")
    assert_problem(response, 401)


def test_a_token_reads_as_its_person(client, world):
    response = client.get(reverse("api:schools"), **bearer(world.leader_a))
    assert response.status_code == 200
    assert [school["name"] for school in response.json()["results"]] == ["Northview Secondary"]


def test_a_session_reads_as_its_person(client, world):
    client.force_login(world.analyst)
    response = client.get(reverse("api:schools"))
    names = {school["name"] for school in response.json()["results"]}
    assert names == {"Northview Secondary", "Southgate Secondary"}


def test_a_retired_persons_token_is_refused(client, world):
    headers = bearer(world.teacher_a)
    world.teacher_a.status = "retired"
    world.teacher_a.save()
    assert_problem(client.get(reverse("api:schools"), **headers), 401)


def test_a_hidden_object_answers_exactly_as_a_missing_one(client, world):
    client.force_login(world.leader_a)
    hidden = client.get(reverse("api:school", args=[world.school_b.pk]))
    missing = client.get(reverse("api:school", args=[10**9]))
    assert_problem(hidden, 404)
    assert_problem(missing, 404)
    assert hidden.json()["detail"] == missing.json()["detail"]
    assert "Southgate" not in hidden.content.decode()


def test_an_unknown_address_under_api_is_a_404_problem(client, world):
    client.force_login(world.leader_a)
    assert_problem(client.get("/api/v1/nothing-here/"), 404)


def test_a_method_an_endpoint_does_not_take_is_a_405_problem(client, world):
    client.force_login(world.leader_a)
    response = client.delete(reverse("api:schools"))
    body = assert_problem(response, 405)
    assert "GET" in response["Allow"]
    assert "DELETE" in body["detail"]


def test_a_filter_that_is_not_an_id_is_a_422_problem_naming_it(client, world):
    client.force_login(world.leader_a)
    response = client.get(reverse("api:teams"), {"school": "north"})
    body = assert_problem(response, 422)
    assert body["errors"][0]["field"] == "school"
    assert body["errors"][0]["hint"]


def test_a_limit_above_a_thousand_is_a_422_problem(client, world):
    client.force_login(world.leader_a)
    body = assert_problem(client.get(reverse("api:staff"), {"limit": 1001}), 422)
    assert body["errors"][0]["field"] == "limit"


def test_pages_are_in_id_order_with_links_to_the_next_and_previous(client, world):
    client.force_login(world.leader_a)
    first = client.get(reverse("api:staff"), {"limit": 2}).json()
    ids = [person["id"] for person in first["results"]]
    assert ids == sorted(ids)
    assert len(ids) == 2
    assert first["previous"] is None
    second = client.get(first["next"]).json()
    assert second["results"][0]["id"] > ids[-1]
    assert "offset=0" in second["previous"]
    everyone = client.get(reverse("api:staff"), {"limit": 1000}).json()
    assert everyone["count"] == len(everyone["results"])
    assert everyone["next"] is None


def test_past_the_read_rate_a_token_gets_429_with_retry_after(client, world, settings):
    settings.EFFICACY_API_READ_RATE = 2
    headers = bearer(world.leader_a)
    for _ in range(2):
        assert client.get(reverse("api:schools"), **headers).status_code == 200
    response = client.get(reverse("api:schools"), **headers)
    assert_problem(response, 429)
    assert 1 <= int(response["Retry-After"]) <= 60
    # Another person's token is counted apart.
    assert client.get(reverse("api:schools"), **bearer(world.analyst)).status_code == 200


def test_a_server_error_is_a_generic_500_problem_and_is_logged(client, world, monkeypatch, caplog):
    from efficacy.api.routers import roster

    def broken(user):
        raise RuntimeError("secret detail")

    monkeypatch.setattr(roster, "schools_for", broken)
    client.force_login(world.leader_a)
    response = client.get(reverse("api:schools"))
    body = assert_problem(response, 500)
    assert "secret" not in response.content.decode()
    assert "Traceback" not in body["detail"]
    assert "secret detail" in caplog.text


def test_the_schema_and_the_docs_are_served_without_a_cdn(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert schema.json()["info"]["title"] == "Efficacy API"
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    assert "<script>" not in html  # no inline script: the CSP allows 'self' only


def test_the_root_of_the_api_is_a_404_problem(client):
    assert_problem(client.get("/api/"), 404)


def test_a_read_only_token_is_refused_a_change_with_a_403_problem(rf, world):
    from efficacy.api.auth import BearerToken
    from efficacy.api.problems import Problem

    request = rf.post("/api/v1/anything/", **bearer(world.lead_english))
    with pytest.raises(Problem) as refused:
        BearerToken()(request)
    assert refused.value.status == 403
    assert refused.value.code == "read-only-token"
    writing = rf.post("/api/v1/anything/", **bearer(world.lead_english, write=True))
    assert BearerToken()(writing) == world.lead_english


def test_a_session_change_without_the_csrf_token_is_a_403_problem(rf, world):
    from efficacy.api.auth import SignedInSession
    from efficacy.api.problems import Problem

    request = rf.post("/api/v1/anything/")
    request.user = world.lead_english
    request.COOKIES["sessionid"] = "x"
    with pytest.raises(Problem) as refused:
        SignedInSession()(request)
    assert refused.value.code == "csrf"
    reading = rf.get("/api/v1/anything/")
    reading.user = world.lead_english
    assert SignedInSession()(reading) == world.lead_english


def test_a_body_larger_than_the_server_takes_is_a_413_problem(client, world, cycle, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"scores": [{"external_id": str(n)} for n in range(200)]})
    response = client.post(
        reverse("api:evidence-batch", args=[cycle.pk]),
        body,
        content_type="application/json",
        **bearer(world.lead_english, write=True),
    )
    assert_problem(response, 413)


def test_an_id_beyond_what_the_database_holds_is_a_422_not_a_server_error(client, world):
    client.force_login(world.leader_a)
    assert_problem(client.get(f"/api/v1/schools/{2**64}/"), 422)
    assert_problem(client.get(reverse("api:teams"), {"school": 2**64}), 422)
    assert_problem(client.get(reverse("api:teams"), {"offset": 2**64}), 422)
    assert_problem(client.get(reverse("api:school", args=[0])), 422)


def test_the_schema_documents_a_problem_answer_for_every_operation(client):
    schema = client.get("/api/schema/").json()
    assert "Problem" in schema["components"]["schemas"]
    for operations in schema["paths"].values():
        for operation in operations.values():
            for status in ("401", "404", "422", "429"):
                content = operation["responses"][status]["content"]
                assert "application/problem+json" in content
