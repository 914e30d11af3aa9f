"""``efficacy token create|list|revoke``: the contract a script relies on (only the token
on standard output; exit 1 for a person who cannot have one, 2 for a wrong argument)."""

from __future__ import annotations

import pytest
from django.db import connections

from efficacy.api.management.commands.token import Command
from efficacy.api.models import AccessToken
from efficacy.api.tokens import token_authenticate, token_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _keep_the_test_connection(monkeypatch):
    # run_from_argv closes every connection when it ends; the test's transaction needs it.
    monkeypatch.setattr(connections, "close_all", lambda: None)


def run(capsys, *args: str) -> tuple[int, str, str]:
    try:
        Command().run_from_argv(["efficacy", "token", *args])
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    out, err = capsys.readouterr()
    return code, out, err


def test_create_prints_only_the_token(world, capsys):
    code, out, err = run(capsys, "create", "teacher_a")
    assert code == 0
    assert err == ""
    raw = out.strip()
    assert out == raw + "\n"
    token = token_authenticate(raw)
    assert token.user == world.teacher_a
    assert token.can_write is False
    assert (token.expires_at - token.created_at).days == 90


def test_create_with_write_days_and_name(world, capsys):
    code, out, _err = run(
        capsys, "create", "leader_a", "--write", "--days", "7", "--name", "SIS sync"
    )
    assert code == 0
    token = token_authenticate(out.strip())
    assert token.can_write
    assert token.name == "SIS sync"
    assert (token.expires_at - token.created_at).days == 7


def test_an_unknown_person_exits_1_with_a_message(world, capsys):
    code, out, err = run(capsys, "create", "nobody")
    assert code == 1
    assert out == ""
    assert "No account has the username nobody" in err
    assert not AccessToken.objects.exists()


@pytest.mark.parametrize("who", ["retired_user", "deactivated"])
def test_an_inactive_person_exits_1_with_a_message(world, capsys, who):
    if who == "deactivated":
        world.teacher_a.is_active = False
        world.teacher_a.save()
        who = "teacher_a"
    code, out, err = run(capsys, "create", who)
    assert code == 1
    assert out == ""
    assert "deactivated or retired" in err
    assert not AccessToken.objects.exists()


@pytest.mark.parametrize("days", ["0", "366", "-1"])
def test_days_out_of_range_exits_2_naming_the_range(world, capsys, days):
    code, out, err = run(capsys, "create", "teacher_a", "--days", days)
    assert code == 2
    assert out == ""
    assert "from 1 to 365" in err
    assert not AccessToken.objects.exists()


def test_list_shows_the_tokens_but_never_a_token(world, capsys):
    token, raw = token_create(user=world.teacher_a, name="Notebook")
    code, out, _err = run(capsys, "list", "teacher_a")
    assert code == 0
    assert "Notebook" in out
    assert token.prefix in out
    assert raw not in out


def test_revoke_by_id(world, capsys):
    token, raw = token_create(user=world.teacher_a, name="Notebook")
    code, _out, _err = run(capsys, "revoke", str(token.pk))
    assert code == 0
    assert token_authenticate(raw) is None
    code, _out, err = run(capsys, "revoke", str(token.pk + 1000))
    assert code == 1
    assert "No token has the id" in err
