"""What the demo modules share: the password, names, ID numbers, the people who act."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from pypinyin import lazy_pinyin

from candidates import services as people
from candidates.models import Person
from candidates.rules import check_char
from elections.models import Jurisdiction, User

DEMO_PASSWORD = "huanjie2026"  # noqa: S105 - the demo logins' published password

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
         "秀兰", "霞", "平", "刚", "桂英", "建华", "晓东", "海燕", "志强", "红梅", "文博", "雪"]
# The district's joint review (联审): 相山区 takes five of the eight departments, one reviewer each.
REVIEWERS = [("qu_zuzhi", "组织部审查员", "organization"), ("qu_minzheng", "民政局审查员", "civil_affairs"),
             ("qu_jiwei", "纪委监委审查员", "discipline"), ("qu_gongan", "公安局审查员", "police"),
             ("qu_fayuan", "法院审查员", "court")]


def make_id(area: str, birth: dt.date, seq: int) -> str:
    body = f"{area}{birth:%Y%m%d}{seq:03d}"
    return body + check_char(body)


def slug(name: str) -> str:
    return "".join(lazy_pinyin(name))


@dataclass(frozen=True)
class Cast:
    """Who acts for one community: its clerk, the street's staff and the district's reviewers (by department)."""

    clerk: User
    street: User
    reviewers: dict[str, User]

    @property
    def community(self) -> Jurisdiction:
        return self.clerk.jurisdiction


def new_resident(rng: random.Random, clerk: User, born: tuple[int, int], party_member: bool | None = None,
                 education: str | None = None, unique_name: bool = False) -> Person:
    """A resident of the clerk's community with a valid, unused ID number (and, if asked, a name nobody
    else in the community has)."""
    community = clerk.jurisdiction
    while True:
        birth = dt.date(rng.randint(*born), rng.randint(1, 12), rng.randint(1, 28))
        number = make_id("340603", birth, rng.randint(0, 999))
        if not Person.objects.filter(id_number=number).exists():
            break
    name = rng.choice(SURNAMES) + rng.choice(GIVEN)
    while unique_name and Person.objects.filter(community=community, name=name).exists():
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
    return people.person_create(
        actor=clerk, name=name, id_number=number, community=community,
        education=education or rng.choice(["senior_high", "college", "bachelor", "bachelor"]),
        party_member=rng.random() < 0.5 if party_member is None else party_member,
        phone=f"13{rng.randint(100000000, 999999999)}",
    )
