"""vCard 3.0 (RFC 2426) for contacts: write one card, read a file of cards.

Small on purpose: the properties Tandem stores (N, FN, ORG, TITLE, EMAIL, TEL, ADR, BDAY, NOTE),
line folding and value escaping, nothing else.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _


def escape(value) -> str:
    return (
        str(value or "")
        .replace("\\", "\\\\")
        .replace("\n", "\\n")
        .replace(",", "\\,")
        .replace(";", "\\;")
    )


def unescape(value: str) -> str:
    out, i = [], 0
    while i < len(value):
        ch = value[i]
        if ch == "\\" and i + 1 < len(value):
            nxt = value[i + 1]
            out.append("\n" if nxt in "nN" else nxt)
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def split_components(value: str) -> list[str]:
    """Split a structured value on unescaped semicolons, then unescape each part."""
    return [unescape(p) for p in re.split(r"(?<!\\);", value)]


def fold(line: str) -> str:
    """Fold at 75 octets without splitting a UTF-8 character (RFC 2425 5.8.1)."""
    out, current = [], b""
    for ch in line:
        enc = ch.encode()
        limit = 75 if not out else 74
        if len(current) + len(enc) > limit:
            out.append(current.decode())
            current = b""
        current += enc
    out.append(current.decode())
    return "\r\n ".join(out)


def contact_to_vcard(contact) -> str:
    lines = ["BEGIN:VCARD", "VERSION:3.0"]
    n = [contact.last_name, contact.first_name, "", contact.salutation, ""]
    lines.append("N:" + ";".join(escape(p) for p in n))
    lines.append("FN:" + escape(str(contact) or contact.last_name))
    if contact.account_id:
        lines.append(
            "ORG:"
            + escape(contact.account.name)
            + (";" + escape(contact.department) if contact.department else "")
        )
    elif contact.department:
        lines.append("ORG:;" + escape(contact.department))
    if contact.title:
        lines.append("TITLE:" + escape(contact.title))
    if contact.email:
        lines.append("EMAIL;TYPE=INTERNET,PREF:" + escape(contact.email))
    if contact.phone:
        lines.append("TEL;TYPE=WORK,VOICE:" + escape(contact.phone))
    if contact.mobile_phone:
        lines.append("TEL;TYPE=CELL,VOICE:" + escape(contact.mobile_phone))
    if any([contact.street, contact.city, contact.state, contact.postal_code, contact.country]):
        adr = [
            "",
            "",
            contact.street,
            contact.city,
            contact.state,
            contact.postal_code,
            contact.country,
        ]
        lines.append("ADR;TYPE=WORK:" + ";".join(escape(p) for p in adr))
    if contact.birthdate:
        lines.append("BDAY:" + contact.birthdate.isoformat())
    if contact.description:
        lines.append("NOTE:" + escape(contact.description))
    lines.append("END:VCARD")
    return "".join(fold(line) + "\r\n" for line in lines)


@dataclass
class Card:
    number: int  # 1-based position in the file, for messages
    properties: list = field(default_factory=list)  # (name, params {name: [values]}, value)

    def first(self, name: str):
        return next((p for p in self.properties if p[0] == name), None)


def _parse_line(line: str):
    name_part, sep, value = line.partition(":")
    if not sep:
        return None
    pieces = name_part.split(";")
    name = pieces[0].split(".")[-1].upper()  # drop a group prefix such as "item1."
    params: dict[str, list[str]] = {}
    for piece in pieces[1:]:
        key, eq, val = piece.partition("=")
        if eq:
            params.setdefault(key.upper(), []).extend(v.strip('"').upper() for v in val.split(","))
        else:  # vCard 2.1 style bare type: TEL;CELL
            params.setdefault("TYPE", []).append(key.upper())
    return name, params, value


def parse(text: str) -> tuple[list[Card], list[str]]:
    """The cards of a file, and messages about lines outside any card."""
    unfolded: list[str] = []
    for raw in re.split(r"\r\n|\n|\r", text):
        if raw[:1] in (" ", "\t") and unfolded:
            unfolded[-1] += raw[1:]
        else:
            unfolded.append(raw)
    cards, errors, current = [], [], None
    for line in unfolded:
        if not line.strip():
            continue
        upper = line.strip().upper()
        if upper == "BEGIN:VCARD":
            if current is not None:
                errors.append(_("Card %(n)d has no END:VCARD.") % {"n": current.number})
            current = Card(len(cards) + 1)
            cards.append(current)
        elif upper == "END:VCARD":
            current = None
        elif current is None:
            errors.append(_("A line outside any card was ignored: %(line)s") % {"line": line[:60]})
        else:
            parsed = _parse_line(line)
            if parsed:
                current.properties.append(parsed)
    if current is not None:
        errors.append(_("Card %(n)d has no END:VCARD.") % {"n": current.number})
    return cards, errors


LIMITS = {
    "first_name": 80,
    "last_name": 80,
    "salutation": 20,
    "title": 120,
    "department": 80,
    "email": 254,
    "phone": 40,
    "mobile_phone": 40,
    "street": 255,
    "city": 80,
    "state": 80,
    "postal_code": 20,
    "country": 80,
}


def card_values(card: Card) -> tuple[dict, str, list[str]]:
    """Contact field values from a card, the organisation name, and what is wrong with it."""
    values: dict = {}
    errors: list[str] = []
    n = card.first("N")
    if n:
        parts = split_components(n[2]) + [""] * 5
        values["last_name"], values["first_name"] = parts[0].strip(), parts[1].strip()
        if parts[3].strip():
            values["salutation"] = parts[3].strip()
    if not values.get("last_name"):
        fn = card.first("FN")
        full = unescape(fn[2]).strip() if fn else ""
        if full:
            first, _sep, last = full.rpartition(" ")
            values["last_name"], values["first_name"] = last, first or values.get("first_name", "")
    if not values.get("last_name"):
        errors.append(_("the last name is missing (N or FN)"))
    org = ""
    if card.first("ORG"):
        parts = split_components(card.first("ORG")[2])
        org = parts[0].strip()
        if len(parts) > 1 and parts[1].strip():
            values["department"] = parts[1].strip()
    if card.first("TITLE"):
        values["title"] = unescape(card.first("TITLE")[2]).strip()
    emails = [p for p in card.properties if p[0] == "EMAIL"]
    if emails:
        preferred = next(
            (p for p in emails if "PREF" in p[1].get("TYPE", []) or "PREF" in p[1]), emails[0]
        )
        email = unescape(preferred[2]).strip()
        try:
            validate_email(email)
        except ValidationError:
            errors.append(_("the email %(email)s is not valid") % {"email": email})
        values["email"] = email
    for name, params, value in card.properties:
        if name != "TEL":
            continue
        types = params.get("TYPE", [])
        target = "mobile_phone" if "CELL" in types else "phone"
        values.setdefault(target, unescape(value).strip())
    adr = card.first("ADR")
    if adr:
        parts = split_components(adr[2]) + [""] * 7
        street = " ".join(p.strip() for p in parts[1:3] if p.strip())
        for key, val in zip(
            ("street", "city", "state", "postal_code", "country"),
            (street, parts[3], parts[4], parts[5], parts[6]),
            strict=True,
        ):
            if val.strip():
                values[key] = val.strip()
    bday = card.first("BDAY")
    if bday:
        raw = bday[2].strip()
        try:
            values["birthdate"] = datetime.date.fromisoformat(raw[:10] if "-" in raw else raw[:8])
        except ValueError:
            errors.append(_("the birthday %(value)s is not a date") % {"value": raw})
    note = card.first("NOTE")
    if note:
        values["description"] = unescape(note[2])
    for key, limit in LIMITS.items():
        if len(values.get(key) or "") > limit:
            errors.append(
                _("%(field)s is longer than %(n)d characters")
                % {"field": key.replace("_", " "), "n": limit}
            )
    return values, org, errors
