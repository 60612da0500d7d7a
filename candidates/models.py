from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.utils import timezone
from pypinyin import Style, lazy_pinyin

from elections.models import Jurisdiction

from . import rules


def pinyin_keys(name: str) -> tuple[str, str]:
    """('zhangsan', 'zs') for 张三: full pinyin and initials, lowercase, for search."""
    syllables = lazy_pinyin(name, errors="ignore")
    initials = lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore")
    return "".join(syllables).lower(), "".join(initials).lower()


class Person(models.Model):
    name = models.CharField("姓名", max_length=50)
    id_number = models.CharField("身份证号码", max_length=18, unique=True)
    sex = models.CharField("性别", max_length=8, choices=rules.SEXES)
    birth_date = models.DateField("出生日期")
    education = models.CharField("学历", max_length=16, choices=rules.EDUCATION, blank=True)
    party_member = models.BooleanField("中共党员", default=False)
    community = models.ForeignKey(
        Jurisdiction, verbose_name="所在社区", on_delete=models.PROTECT, related_name="people",
        limit_choices_to={"level": "community"},
    )
    phone = models.CharField("联系电话", max_length=20, blank=True)
    name_pinyin = models.CharField(max_length=200, blank=True, db_index=True, editable=False)
    name_initials = models.CharField(max_length=50, blank=True, db_index=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "人员"
        verbose_name_plural = "人员"
        ordering = ["community__path", "name_pinyin", "id"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name_pinyin, self.name_initials = pinyin_keys(self.name)
        super().save(*args, **kwargs)

    @property
    def masked_id(self) -> str:
        return rules.mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return rules.mask_phone(self.phone)

    def age_on(self, day: dt.date) -> int:
        return rules.age_on(self.birth_date, day)

    @property
    def age(self) -> int:
        return self.age_on(timezone.localdate())


class Relative(models.Model):
    """``relative`` is ``person``'s <relation>; every link is stored in both directions."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relative_links")
    relative = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    relation = models.CharField("关系", max_length=16, choices=rules.RELATIONS)

    class Meta:
        verbose_name = "近亲属关系"
        verbose_name_plural = "近亲属关系"
        constraints = [
            models.UniqueConstraint(fields=["person", "relative"], name="one_relation_per_pair"),
            models.CheckConstraint(condition=~models.Q(person=models.F("relative")), name="not_own_relative"),
        ]

    def __str__(self) -> str:
        return f"{self.relative} 是 {self.person} 的{self.get_relation_display()}"
