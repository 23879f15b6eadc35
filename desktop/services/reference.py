"""The official reference lists shipped under ``resources/data``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from desktop import resources
from desktop.i18n import N_

CATEGORY_CENTRAL = N_("中央部属")
CATEGORY_MUNICIPAL = N_("市属")
CATEGORY_PRIVATE = N_("民办")


@dataclass(frozen=True)
class Institution:
    """A Beijing institution from the Ministry of Education's list."""

    name: str
    code: str
    authority: str
    level: str
    note: str

    @property
    def category(self) -> str:
        """学校类别: 民办 by the official remark, 市属 under Beijing, else 中央部属."""
        if self.note == "民办" or self.authority == "北京市教委":
            return CATEGORY_PRIVATE
        if self.authority.startswith("北京市"):
            return CATEGORY_MUNICIPAL
        return CATEGORY_CENTRAL


@cache
def institutions() -> tuple[Institution, ...]:
    """Every institution on the official list, in its official order."""
    return tuple(
        Institution(
            name=row["name"],
            code=row["code"],
            authority=row["authority"],
            level=row["level"],
            note=row["note"],
        )
        for row in resources.read_csv("data/beijing_universities.csv")
    )


def institution_by_name(name: str) -> Institution | None:
    """The institution called exactly ``name``, if it is on the list."""
    return next((i for i in institutions() if i.name == name), None)


@cache
def beijing_districts() -> tuple[str, ...]:
    """Beijing's 16 districts."""
    return tuple(
        row["name"] for row in resources.read_csv("data/beijing_districts.csv")
    )


@cache
def provinces() -> dict[str, tuple[str, ...]]:
    """Province-level divisions and their cities, in the list's order."""
    result: dict[str, list[str]] = {}
    for row in resources.read_csv("data/china_divisions.csv"):
        result.setdefault(row["province"], []).append(row["city"])
    return {province: tuple(cities) for province, cities in result.items()}


@cache
def division_codes() -> dict[str, tuple[str, str]]:
    """City-level code → (province, city)."""
    return {
        row["city_code"]: (row["province"], row["city"])
        for row in resources.read_csv("data/china_divisions.csv")
    }


@cache
def country_names() -> tuple[str, ...]:
    """Country names in Chinese, as the form lists them."""
    return tuple(row["name_zh"] for row in resources.read_csv("data/countries.csv"))
