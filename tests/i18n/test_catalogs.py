"""The shipped translations are complete, compile cleanly and match their committed .mo files.

The .mo files are committed so that an install needs no gettext tools; this test fails when
someone adds a translation to a .po file without compiling it, or leaves a message fuzzy
or untranslated.
"""

import ast
import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.utils.translation import override, to_locale

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
SHIPPED = [code for code, _name in settings.LANGUAGES if code != "en"]
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|\{[\w.]*\}")


def po_entries(path: Path) -> list[dict]:
    """Each entry of a .po file: msgid, msgid_plural, msgstr list, flags. Small on purpose."""
    entries, current, field = [], None, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if current:
                entries.append(current)
            current, field = None, None
            continue
        current = current or {"flags": "", "msgid": "", "msgid_plural": None, "msgstr": {}}
        if line.startswith("#,"):
            current["flags"] += line
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if isinstance(field, int):
                current["msgstr"][field] += value
            else:
                current[field] += value
        else:
            keyword, _, value = line.partition(" ")
            value = ast.literal_eval(value)
            match = re.fullmatch(r"msgstr(?:\[(\d+)\])?", keyword)
            if match:
                field = int(match.group(1) or 0)
                current["msgstr"][field] = value
            else:
                field = keyword
                current[keyword] = value
    return [e for e in entries if e["msgid"]]


def po_path(code: str) -> Path:
    return LOCALE_DIR / to_locale(code) / "LC_MESSAGES" / "django.po"


@pytest.mark.parametrize("code", SHIPPED)
def test_every_message_is_translated(code):
    entries = po_entries(po_path(code))
    assert len(entries) > 1000
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    empty = [e["msgid"] for e in entries if not all(e["msgstr"].values())]
    assert fuzzy == [] and empty == []


@pytest.mark.parametrize("code", SHIPPED)
def test_translations_keep_their_placeholders(code):
    wrong = []
    for e in po_entries(po_path(code)):
        source = set(PLACEHOLDER.findall(e["msgid"] + (e["msgid_plural"] or "")))
        for text in e["msgstr"].values():
            if not set(PLACEHOLDER.findall(text)) <= source:
                wrong.append((e["msgid"], text))
        if e["msgid_plural"] is None and set(PLACEHOLDER.findall(e["msgstr"][0])) != source:
            wrong.append((e["msgid"], e["msgstr"][0]))
    assert wrong == []


@pytest.mark.parametrize("code", SHIPPED)
def test_the_committed_mo_file_matches_the_po_file(code):
    path = po_path(code)
    with path.with_suffix(".mo").open("rb") as fh:
        catalog = gettext.GNUTranslations(fh)
    stale = []
    for e in po_entries(path):
        if e["msgid_plural"] is None:
            if catalog.gettext(e["msgid"]) != e["msgstr"][0]:
                stale.append(e["msgid"])
        elif catalog.ngettext(e["msgid"], e["msgid_plural"], 1) != e["msgstr"][0]:
            stale.append(e["msgid"])
    assert stale == [], "run: manage.py compilemessages"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext (msgfmt) is not installed")
@pytest.mark.parametrize("code", SHIPPED)
def test_msgfmt_check_is_clean(code):
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po_path(code))],
        capture_output=True,
        check=False,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "fuzzy" not in result.stderr and "untranslated" not in result.stderr, result.stderr


@pytest.mark.parametrize("code", SHIPPED)
def test_django_uses_the_catalog(code):
    from django.utils.translation import gettext

    with override(code):
        assert gettext("Recent Items") != "Recent Items"
