"""Masking of personal data shown on screen, in exports and in logs."""

from __future__ import annotations


def mask_document(number: str | None) -> str:
    """Show the first 3 and last 4 characters of a document number."""
    if not number:
        return ""
    if len(number) <= 7:
        return "*" * (len(number) - 2) + number[-2:]
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def mask_phone(phone: str | None) -> str:
    """Show a mobile number as 138****5678."""
    if not phone:
        return ""
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def mask_name(name: str | None) -> str:
    """Keep a name's first and last character: 张*明, 王*."""
    if not name:
        return ""
    if len(name) == 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
