"""The units (单位) people belong to, in the order provincial documents list them.

Cities carry their GB/T 2260 code as a stable identifier. Special zones belong to a city
where they have one (conflicts of interest follow the parent). Pure data: `actions.ensure_units`
writes it to the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # a type only: the models import this module
    from seminar.accounts.models import Unit


class UnitKind(StrEnum):
    """What a unit is; stored with it (`models.Unit.kind`)."""

    CITY = "city"
    SPECIAL_ZONE = "special_zone"
    DEPARTMENT = "department"
    INSTITUTION = "institution"


# Where each kind of unit stands in a list of people (参会人员名单, 签到表): 省直单位 first, then the
# cities with their special zones, then institutions and experts; people without a unit last.
_PEOPLE_GROUPS = {UnitKind.DEPARTMENT: 0, UnitKind.CITY: 1, UnitKind.SPECIAL_ZONE: 1, UnitKind.INSTITUTION: 2}
NO_UNIT_GROUP = 3


def people_unit_order(kind: str | None, sort_order: int = 0) -> tuple[int, int]:
    """The key that orders people by their unit: the unit's group (`_PEOPLE_GROUPS`), then its `sort_order`.

    `kind` None is someone without a listed unit (typed by hand or none). Papers keep plain `sort_order`
    (only cities submit); people need the 省直单位 before the cities, which `sort_order` alone puts after them.
    """
    if kind is None:
        return (NO_UNIT_GROUP, 0)
    return (_PEOPLE_GROUPS[UnitKind(kind)], sort_order)


def people_order_of(unit: Unit | None) -> tuple[int, int]:
    """`people_unit_order` of a unit row: where its people stand in a list of people; None (no unit, or
    one typed in by hand) after every listed unit. E.g. `sorted(users, key=lambda u: people_order_of(u.unit))`."""
    return people_unit_order(unit.kind, unit.sort_order) if unit else people_unit_order(None)


@dataclass(frozen=True)
class UnitData:
    name: str
    name_hant: str
    kind: UnitKind
    sort_order: int
    code: str | None = None
    pinyin: str = ""
    parent: str | None = None
    full_name: str = ""  # 全称, as a cover prints it; empty: `name` is already the full name


# (code, 简体, 繁體, pinyin) in the conventional order of provincial documents.
_CITIES = [
    ("440100", "广州市", "廣州市", "Guǎngzhōu"),
    ("440300", "深圳市", "深圳市", "Shēnzhèn"),
    ("440400", "珠海市", "珠海市", "Zhūhǎi"),
    ("440500", "汕头市", "汕頭市", "Shàntóu"),
    ("440600", "佛山市", "佛山市", "Fóshān"),
    ("440200", "韶关市", "韶關市", "Sháoguān"),
    ("441600", "河源市", "河源市", "Héyuán"),
    ("441400", "梅州市", "梅州市", "Méizhōu"),
    ("441300", "惠州市", "惠州市", "Huìzhōu"),
    ("441500", "汕尾市", "汕尾市", "Shànwěi"),
    ("441900", "东莞市", "東莞市", "Dōngguǎn"),
    ("442000", "中山市", "中山市", "Zhōngshān"),
    ("440700", "江门市", "江門市", "Jiāngmén"),
    ("441700", "阳江市", "陽江市", "Yángjiāng"),
    ("440800", "湛江市", "湛江市", "Zhànjiāng"),
    ("440900", "茂名市", "茂名市", "Màomíng"),
    ("441200", "肇庆市", "肇慶市", "Zhàoqìng"),
    ("441800", "清远市", "清遠市", "Qīngyuǎn"),
    ("445100", "潮州市", "潮州市", "Cháozhōu"),
    ("445200", "揭阳市", "揭陽市", "Jiēyáng"),
    ("445300", "云浮市", "雲浮市", "Yúnfú"),
]

# (简体, 繁體, parent city or None)
_SPECIAL_ZONES = [
    ("横琴粤澳深度合作区", "橫琴粵澳深度合作區", None),
    ("前海深港现代服务业合作区", "前海深港現代服務業合作區", "深圳市"),
    ("深汕特别合作区", "深汕特別合作區", "深圳市"),
    ("广州南沙新区", "廣州南沙新區", "广州市"),
]

# (简体, 繁體, 全称): the short name is how people write it, the 全称 how a cover or a certificate prints it.
_DEPARTMENTS = [
    ("省委政法委", "省委政法委", "中共广东省委政法委员会"),
    ("省委组织部", "省委組織部", "中共广东省委组织部"),
    ("省委宣传部", "省委宣傳部", "中共广东省委宣传部"),
    ("省公安厅", "省公安廳", "广东省公安厅"),
    ("省司法厅", "省司法廳", "广东省司法厅"),
    ("省民政厅", "省民政廳", "广东省民政厅"),
]

_INSTITUTIONS = [
    ("省委党校", "省委黨校", "中共广东省委党校"),
    ("中山大学", "中山大學", ""),
    ("华南理工大学", "華南理工大學", ""),
    ("暨南大学", "暨南大學", ""),
    ("广东省社会科学院", "廣東省社會科學院", ""),
]

# Cities first, then zones, departments and institutions; gaps leave room for additions.
UNITS: tuple[UnitData, ...] = (
    *(
        UnitData(name, hant, UnitKind.CITY, 10 * position, code=code, pinyin=pinyin)
        for position, (code, name, hant, pinyin) in enumerate(_CITIES, start=1)
    ),
    *(
        UnitData(name, hant, UnitKind.SPECIAL_ZONE, 300 + 10 * position, parent=parent)
        for position, (name, hant, parent) in enumerate(_SPECIAL_ZONES, start=1)
    ),
    *(
        UnitData(name, hant, UnitKind.DEPARTMENT, 500 + 10 * position, full_name=full)
        for position, (name, hant, full) in enumerate(_DEPARTMENTS, start=1)
    ),
    *(
        UnitData(name, hant, UnitKind.INSTITUTION, 700 + 10 * position, full_name=full)
        for position, (name, hant, full) in enumerate(_INSTITUTIONS, start=1)
    ),
)
