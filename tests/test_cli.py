"""The `tandem` command: what an administrator types on the server must work and explain itself."""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.test import Client

from tandem.access.models import User
from tandem.cli import main
from tests import factories as f

STRONG = "Orbit-Lantern-7731"
HAS_TOKENS = importlib.util.find_spec("tandem.api.tokens") is not None
ROOT = Path(__file__).resolve().parent.parent


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.django_db
def test_createadmin_makes_a_system_administrator_who_can_log_in(capsys):
    code, out, err = run(capsys, "createadmin", "--email", "Boss@Example.com", "--password", STRONG)
    assert code == 0, err
    assert "boss@example.com" in out
    user = User.objects.get(email="boss@example.com")
    assert user.profile.name == "System Administrator"
    assert user.is_admin
    assert authenticate(email="boss@example.com", password=STRONG) == user


@pytest.mark.django_db
def test_createadmin_rejects_a_weak_password_with_djangos_reasons(capsys):
    code, _, err = run(capsys, "createadmin", "--email", "weak@example.com", "--password", "12345")
    assert code == 1
    assert "too short" in err and "entirely numeric" in err
    assert not User.objects.filter(email="weak@example.com").exists()


@pytest.mark.django_db
def test_createadmin_rejects_a_bad_or_taken_email(capsys):
    code, _, err = run(capsys, "createadmin", "--email", "not-an-email", "--password", STRONG)
    assert code == 1 and "not a valid email" in err
    f.user("taken@example.com")
    code, _, err = run(capsys, "createadmin", "--email", "TAKEN@example.com", "--password", STRONG)
    assert code == 1 and "already exists" in err


@pytest.mark.django_db
def test_token_for_unknown_email_says_so(capsys):
    code, out, err = run(capsys, "token", "--email", "nobody@example.com")
    assert code == 1
    assert "No user has the email 'nobody@example.com'" in err
    assert out == ""


@pytest.mark.django_db
@pytest.mark.skipif(not HAS_TOKENS, reason="tandem.api.tokens is not importable yet (API tokens not built)")
def test_token_is_printed_last_and_the_api_accepts_it(capsys):
    code, _, err = run(capsys, "createadmin", "--email", "api@example.com", "--password", STRONG)
    assert code == 0, err
    code, out, err = run(capsys, "token", "--email", "API@example.com")
    assert code == 0, err
    token = out.strip().splitlines()[-1].strip()
    assert token and " " not in token
    client = Client()
    ok = client.get("/api/v1/leads/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert ok.status_code == 200, ok.content[:500]
    bad = client.get("/api/v1/leads/", HTTP_AUTHORIZATION=f"Bearer {token}x")
    assert bad.status_code == 401


@pytest.mark.django_db
def test_token_refuses_an_inactive_user(capsys):
    f.user("gone@example.com", is_active=False)
    code, _, err = run(capsys, "token", "--email", "gone@example.com")
    assert code == 1 and "inactive" in err


def test_installed_command_honours_tandem_data_dir(tmp_path):
    """The console script migrates, loads data and creates users in the data dir it is given."""
    exe = Path(sys.executable).with_name("tandem")
    if not exe.exists():
        pytest.skip(f"the tandem console script is not installed next to {sys.executable}")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["TANDEM_DATA_DIR"] = str(tmp_path)

    def tandem(*args):
        return subprocess.run(
            [str(exe), *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300,
            check=False,
        )

    early = tandem("createadmin", "--email", "a@example.com", "--password", STRONG)
    assert early.returncode == 1 and "tandem migrate" in early.stderr
    assert tandem("migrate").returncode == 0
    assert (tmp_path / "tandem.sqlite3").exists()
    made = tandem("createadmin", "--email", "a@example.com", "--password", STRONG)
    assert made.returncode == 0, made.stderr
    first = tandem("demo", "--size", "small", "--first-run", "--quiet")
    assert first.returncode == 0 and "Existing data kept" in first.stdout
