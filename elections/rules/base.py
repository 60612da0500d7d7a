"""Pure domain rules of the elections app: stages, blockers, rulebooks, seat plans, dates.

No Django, no ORM: plain functions over plain data, tested exhaustively without a database.
Integer arithmetic only ("more than half" is ``2 * x > base``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from fractions import Fraction
from typing import Any

# --------------------------------------------------------------------------------------------
# Stages
# --------------------------------------------------------------------------------------------

STAGES: list[tuple[str, str]] = [
    ("preparation", "准备"),
    ("nomination", "提名"),
    ("vetting", "资格审查"),
    ("publicity", "公示/确定候选人"),
    ("voting", "投票"),
    ("counting", "计票"),
    ("handover", "移交"),
    ("closed", "归档"),
]
STAGE_CODES = [code for code, _ in STAGES]
STAGE_LABELS = dict(STAGES)

BODIES: list[tuple[str, str]] = [
    ("party_committee", "社区党组织委员会"),
    ("residents_committee", "居民委员会"),
    ("supervision_committee", "居务监督委员会"),
]
BODY_LABELS = dict(BODIES)

KINDS: list[tuple[str, str]] = [("general", "换届"), ("by_election", "补选")]
KIND_LABELS = dict(KINDS)

POSITIONS_BY_BODY: dict[str, list[tuple[str, str]]] = {
    "party_committee": [("secretary", "书记"), ("deputy_secretary", "副书记"), ("member", "委员")],
    "residents_committee": [("chair", "主任"), ("vice_chair", "副主任"), ("member", "委员")],
    "supervision_committee": [("chair", "主任"), ("member", "委员")],
}
POSITION_LABELS = {
    "secretary": "书记",
    "deputy_secretary": "副书记",
    "chair": "主任",
    "vice_chair": "副主任",
    "member": "委员",
}


def next_stage(stage: str) -> str | None:
    index = STAGE_CODES.index(stage)
    return STAGE_CODES[index + 1] if index + 1 < len(STAGE_CODES) else None


def stage_index(stage: str) -> int:
    return STAGE_CODES.index(stage)


def can_reopen_to(current: str, target: str) -> bool:
    """A reopen moves strictly backwards."""
    return target in STAGE_CODES and stage_index(target) < stage_index(current)


@dataclass(frozen=True)
class Blocker:
    """One unmet rule that keeps an election in its stage."""

    code: str
    message: str
    source: str
    fix: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


# --------------------------------------------------------------------------------------------
# Roles and jurisdiction levels
# --------------------------------------------------------------------------------------------

LEVELS: list[tuple[str, str]] = [("district", "区"), ("street", "街道"), ("community", "社区")]
LEVEL_RANK = {"district": 0, "street": 1, "community": 2}

ROLES: list[tuple[str, str]] = [
    ("district_admin", "区换届办"),
    ("district_reviewer", "区联审部门"),
    ("street_staff", "街道换届办"),
    ("community_clerk", "社区工作人员"),
]
ROLE_LABELS = dict(ROLES)
ROLE_LEVEL = {
    "district_admin": "district",
    "district_reviewer": "district",
    "street_staff": "street",
    "community_clerk": "community",
}

# The district's joint-review departments (区级联审), default set.
DEPARTMENTS: list[tuple[str, str]] = [
    ("organization", "组织部"),
    ("civil_affairs", "民政局"),
    ("discipline", "纪委监委"),
    ("political_legal", "政法委"),
    ("petition", "信访局"),
    ("police", "公安局"),
    ("procuratorate", "检察院"),
    ("court", "法院"),
]
DEPARTMENT_LABELS = dict(DEPARTMENTS)


def role_fits_level(role: str, level: str) -> bool:
    return ROLE_LEVEL.get(role) == level


# --------------------------------------------------------------------------------------------
# Rulebooks: every parameter of DOMAIN.md §4 with its type, default, label and source
# --------------------------------------------------------------------------------------------

EDUCATION_ORDER = ["primary", "junior_high", "senior_high", "vocational", "college", "bachelor", "master", "doctor"]


@dataclass(frozen=True)
class ParamSpec:
    key: str
    type: str  # int, bool, fraction, choice, channels, positions
    label: str
    group: str
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[str, ...] = ()


PARAM_SPECS: list[ParamSpec] = [
    # Composition
    ParamSpec("committee_size_min", "int", "委员会成员最少人数", "组成", 1, 50),
    ParamSpec("committee_size_max", "int", "委员会成员最多人数", "组成", 1, 50),
    ParamSpec("chair_seats", "int", "主任（书记）职数", "组成", 0, 1),
    ParamSpec("vice_chair_min", "int", "副主任（副书记）最少职数", "组成", 0, 5),
    ParamSpec("vice_chair_max", "int", "副主任（副书记）最多职数", "组成", 0, 5),
    ParamSpec("election_committee_required", "bool", "须推选产生居民选举委员会", "组成"),
    ParamSpec("election_committee_size_min", "int", "居民选举委员会最少人数", "组成", 1, 99),
    ParamSpec("election_committee_size_max", "int", "居民选举委员会最多人数", "组成", 1, 99),
    ParamSpec("election_committee_odd", "bool", "居民选举委员会人数须为单数", "组成"),
    ParamSpec("election_committee_no_relatives", "bool", "近亲属不得同时担任选举委员会成员", "组成"),
    ParamSpec("election_committee_member_withdraws", "bool", "选举委员会成员被提名为候选人的应退出", "组成"),
    ParamSpec("supervision_chair_not_secretary", "bool", "监委会主任不由党组织书记担任", "组成"),
    ParamSpec("supervision_excludes_rc", "bool", "居委会成员及其近亲属、报账员不得担任监委会成员", "组成"),
    ParamSpec("supervision_needs_accounting", "bool", "监委会至少一名具备财会或管理知识的成员", "组成"),
    # Nomination
    ParamSpec("nomination_channels", "channels", "提名渠道及最少联名人数", "提名"),
    ParamSpec("recommendation_attendance_over", "fraction", "推荐会议到会须超过应到人数的比例", "提名"),
    ParamSpec("recommendation_votes_over", "fraction", "推荐人选得票须超过推荐票的比例", "提名"),
    ParamSpec("preliminary_margin", "fraction", "初步人选差额比例（向上取整）", "提名"),
    ParamSpec("candidate_relative_avoidance", "bool", "近亲属不得在同一社区同时被提名（两委合并）", "提名"),
    ParamSpec("age_new_max", "int", "新提名人选年龄上限（预警）", "提名", 18, 80),
    ParamSpec("age_continuing_max", "int", "留任人选年龄上限（预警）", "提名", 18, 80),
    ParamSpec("education_min", "choice", "学历要求（预警）", "提名", choices=tuple(EDUCATION_ORDER)),
    # Margin
    ParamSpec("margin_mode", "choice", "差额方式", "差额", choices=("plus", "ratio")),
    ParamSpec("margin_plus_min", "int", "每个职位至少多于应选人数", "差额", 0, 10),
    ParamSpec("margin_plus_max", "int", "每个职位至多多于应选人数", "差额", 0, 10),
    ParamSpec("margin_ratio", "fraction", "候选人数不少于应选人数的倍数（向上取整）", "差额"),
    ParamSpec("uncontested_positions", "positions", "可等额选举的职位", "差额"),
    ParamSpec("margin_whole_committee", "bool", "委员候选人数按委员会全体职数计算（书记、副书记候选人计入）", "差额"),
    # Voters and proxies
    ParamSpec("min_voter_age", "int", "选民年龄下限（选举日年满）", "选民", 16, 25),
    ParamSpec("voter_list_lead_days", "int", "选民名单须在选举日前公布的天数", "选民", 0, 60),
    ParamSpec("voter_objection_days", "int", "对选民名单提出异议的期限（天）", "选民", 0, 30),
    ParamSpec("voter_objection_decision_days", "int", "对选民名单异议作出处理的期限（天）", "选民", 0, 30),
    ParamSpec("voluntary_registration_floor", "fraction", "自愿登记时登记人数占居民比例下限", "选民"),
    ParamSpec("proxies_allowed", "bool", "允许委托投票", "选民"),
    ParamSpec("proxy_limit", "int", "每位受托人最多接受委托数", "选民", 0, 10),
    ParamSpec("proxy_holder_not_candidate", "bool", "候选人不得接受委托", "选民"),
    ParamSpec("central_venue_only", "bool", "只设中心会场", "选民"),
    # Voting, validity and winners
    ParamSpec("validity_rule", "choice", "选举有效规则", "投票", choices=("registered_majority", "present_quorum")),
    ParamSpec("quorum", "fraction", "党员到会比例", "投票"),
    ParamSpec("quorum_operator", "choice", "到会比例比较方式", "投票", choices=(">=", ">")),
    ParamSpec("win_base", "choice", "当选票数基数", "投票", choices=("voted", "valid_ballots", "present")),
    ParamSpec("win_over", "fraction", "当选须超过基数的比例", "投票"),
    ParamSpec("runoff_min_share", "fraction", "另行选举当选至少须达到投票人数的比例", "投票"),
    ParamSpec("runoff_requires_turnout", "bool", "另行选举须过半数选民参加投票", "投票"),
    ParamSpec("tie_rule", "choice", "末位票数相等时", "投票", choices=("revote",)),
    ParamSpec("mobile_box_min_supervisors", "int", "流动票箱最少监票人数", "投票", 1, 10),
    ParamSpec("overvote_invalid", "bool", "所选人数多于应选人数的选票无效", "投票"),
    ParamSpec("blank_ballot_valid", "bool", "空白票有效并计入投票人数", "投票"),
    # Dates
    ParamSpec("candidate_list_lead_days", "int", "正式候选人名单须在选举日前公布的天数", "日期", 0, 30),
    ParamSpec("publicity_min_days", "int", "候选人公示最少天数", "日期", 0, 30),
    ParamSpec("handover_days", "int", "新老班子工作移交期限（天）", "日期", 1, 60),
    # Discipline and preparation gates
    ParamSpec("pledge_required", "bool", "候选人须签订纪律承诺书", "纪律"),
    ParamSpec("report_deadline_days", "int", "换届举报办结期限（天）", "纪律", 1, 60),
    # Structure targets (warnings and statistics)
    ParamSpec("structure_min_women", "int", "两委班子女性成员最少人数（预警）", "结构", 0, 9),
    ParamSpec("structure_young_age", "int", "年轻成员年龄（周岁左右，预警）", "结构", 18, 60),
    ParamSpec("structure_min_young", "int", "年轻成员最少人数（预警）", "结构", 0, 9),
    ParamSpec("structure_age_body_low", "int", "年龄主体下限（周岁）", "结构", 18, 80),
    ParamSpec("structure_age_body_high", "int", "年龄主体上限（周岁）", "结构", 18, 80),
    ParamSpec("structure_age_body_share", "fraction", "年龄主体成员所占比例（预警）", "结构"),
    ParamSpec("structure_party_share_over", "fraction", "居委会成员中党员须超过的比例（预警）", "结构"),
    ParamSpec("talk_required", "bool", "候选人须经谈心谈话", "纪律"),
    ParamSpec("audit_required", "bool", "换届前须完成离任经济责任审计并公布结果", "准备"),
    ParamSpec("rectification_required", "bool", "软弱涣散、重点难点社区整顿到位方可启动", "准备"),
    ParamSpec("rulebook_adoption_required", "bool", "选举办法须经居民会议或居民代表会议通过并公布", "准备"),
    ParamSpec("adoption_attendance_over", "fraction", "审议选举办法的会议到会须超过应到人数的比例", "准备"),
    ParamSpec("adoption_votes_over", "fraction", "选举办法须获赞成票超过到会人数的比例", "准备"),
    ParamSpec("party_request_required", "bool", "召开党员大会须报街道党工委批复", "准备"),
]
PARAM_BY_KEY = {spec.key: spec for spec in PARAM_SPECS}

NOMINATION_CHANNELS: dict[str, str] = {
    "party_org": "党组织推荐",
    "group_meeting": "居民小组会议推荐",
    "joint_voters": "选民联名",
    "joint_representatives": "居民代表联名",
    "joint_households": "户代表联名",
    "joint_group_reps": "居民小组代表联名",
    "self": "自荐",
    "party_members": "党员推荐",
    "masses": "群众推荐",
    "street_party_committee": "街道党工委推荐",
}

_LAW_RC = "城市居民委员会组织法"
_LAW_VC = "村民委员会组织法"
_PARTY_RULES = "中国共产党基层组织选举工作条例"

_COMMON: dict[str, tuple[Any, str]] = {
    "election_committee_required": (False, "seeds 000, 003（居民委员会换届时推选）"),
    "rulebook_adoption_required": (False, "seeds 000, 003（居民委员会换届时制定）"),
    "adoption_attendance_over": ("1/2", f"{_LAW_RC} 第五条：居民会议须有过半数出席才能举行"),
    "adoption_votes_over": ("1/2", f"{_LAW_RC} 第五条：会议的决定由出席人的过半数通过"),
    "party_request_required": (False, "seed 003（党组织换届时报送请示）"),
    "election_committee_size_min": (7, "seeds 000, 003（其他地方 7–9 人）"),
    "election_committee_size_max": (11, "seeds 000, 003（其他地方 7–9 人）"),
    "election_committee_odd": (True, "seeds 000, 003"),
    "election_committee_no_relatives": (True, "seeds 000, 003"),
    "election_committee_member_withdraws": (True, f"seeds 000, 003；{_LAW_VC} 第十二条"),
    "supervision_chair_not_secretary": (True, f"seeds 000, 003；{_LAW_VC} 第三十二条"),
    "supervision_excludes_rc": (True, f"seeds 000, 003；{_LAW_VC} 第三十二条"),
    "supervision_needs_accounting": (True, "seeds 000, 003"),
    "recommendation_attendance_over": ("1/2", "seeds 000, 003"),
    "recommendation_votes_over": ("1/2", "seeds 000, 003"),
    "preliminary_margin": ("1/5", "seeds 000, 004（seed 003 为 30%）"),
    "candidate_relative_avoidance": (True, "seeds 000, 003"),
    "age_new_max": (45, "seed 003（seed 001 为 55）"),
    "age_continuing_max": (55, "seed 003"),
    "education_min": ("college", "seed 003（seed 001 为本科）"),
    "margin_mode": ("plus", "seeds 000, 003"),
    "margin_plus_min": (1, "seeds 000, 003"),
    "margin_plus_max": (2, "seeds 000, 003（其他地方委员 +1…+3）"),
    "margin_ratio": ("6/5", f"{_PARTY_RULES} 第十三条（seed 003 为 1.3）"),
    "uncontested_positions": ([], "seed 004"),
    "margin_whole_committee": (False, "seeds 000, 003：居民委员会主任、副主任、委员候选人人数分别多于应选人数"),
    "report_deadline_days": (15, "seed 003：即时受理、及时处置、限时办结（天数由各地确定）"),
    "structure_min_women": (1, "seed 003：每个社区“两委”班子中至少有 1 名女性成员；seed 002"),
    "structure_young_age": (35, "seed 003：至少有 1 名 35 岁以下的年轻干部；seed 000：35 周岁左右"),
    "structure_min_young": (1, "seed 003：原则上每个社区“两委”班子中至少有 1 名 35 岁以下的年轻干部"),
    "structure_age_body_low": (36, "seed 003：年龄以 36 岁至 55 岁为主体（seed 000 为 35–50）"),
    "structure_age_body_high": (55, "seed 003：年龄以 36 岁至 55 岁为主体（seed 000 为 35–50）"),
    "structure_age_body_share": ("7/10", "seed 003：占比达到 70% 左右"),
    "structure_party_share_over": ("1/2", "seed 002：村（居）委会成员中党员比例要高于 50%"),
    "min_voter_age": (18, f"{_LAW_RC} 第八条"),
    "voter_list_lead_days": (20, f"seeds；{_LAW_VC} 第十四条"),
    "voter_objection_days": (5, f"seeds；{_LAW_VC} 第十四条"),
    "voter_objection_decision_days": (3, f"seeds；{_LAW_VC} 第十四条"),
    "voluntary_registration_floor": ("2/5", "seed 003"),
    "proxies_allowed": (True, "seed 003"),
    "proxy_limit": (3, "seed 003（其他地方 2 或 1）"),
    "proxy_holder_not_candidate": (False, "seed 003"),
    "central_venue_only": (False, "seed 003"),
    "validity_rule": ("registered_majority", f"seeds 000, 003；{_LAW_VC} 第十五条"),
    "quorum": ("4/5", _PARTY_RULES),
    "quorum_operator": (">=", _PARTY_RULES),
    "win_base": ("voted", f"seeds 000, 003；{_LAW_VC} 第十五条"),
    "win_over": ("1/2", f"{_LAW_VC} 第十五条"),
    "runoff_min_share": ("1/3", f"{_LAW_VC} 第十五条"),
    "runoff_requires_turnout": (True, "省级实施办法（各省不同）"),
    "tie_rule": ("revote", "省级实施办法；党组织条例"),
    "mobile_box_min_supervisors": (3, "seed 003"),
    "overvote_invalid": (True, "省级实施办法；党组织条例"),
    "blank_ballot_valid": (True, "省级实施办法"),
    "candidate_list_lead_days": (3, "seeds 001, 003（其他地方 5 或 7 天）"),
    "publicity_min_days": (5, "seed 003"),
    "handover_days": (10, f"{_LAW_VC} 第二十条"),
    "pledge_required": (True, "seed 003"),
    "talk_required": (True, "seed 003"),
    "audit_required": (True, "seed 003：凡是没有开展经济责任审计的，一律不能进行换届选举"),
    "rectification_required": (True, "seed 003：问题不解决、整顿不到位不启动换届"),
}

_RC_CHANNELS = {"party_org": 0, "group_meeting": 0, "joint_voters": 20, "joint_representatives": 10, "self": 1}
_BY_ELECTION_CHANNELS = {"joint_voters": 10, "joint_households": 5, "joint_group_reps": 2, "self": 1}
_PARTY_CHANNELS = {"party_members": 0, "masses": 0, "street_party_committee": 0}

PRESETS: dict[str, dict[str, Any]] = {
    "rc-general": {
        "name": "居民委员会换届选举（通用）",
        "body": "residents_committee",
        "kind": "general",
        "values": {
            "committee_size_min": (5, f"{_LAW_RC} 第七条；seeds 000, 003"),
            "committee_size_max": (9, f"{_LAW_RC} 第七条；seeds 000, 003"),
            "chair_seats": (1, f"{_LAW_RC} 第七条"),
            "vice_chair_min": (1, f"{_LAW_RC} 第七条"),
            "vice_chair_max": (2, f"{_LAW_RC} 第七条"),
            "nomination_channels": (_RC_CHANNELS, "seeds 000, 003"),
            "election_committee_required": (True, "seeds 000, 003：依法推选产生居民选举委员会"),
            "rulebook_adoption_required": (True, "seeds 000, 003：选举办法经居民会议或居民代表会议审议通过后公布"),
        },
    },
    "rc-by-election": {
        "name": "居民委员会补选（居民代表选举）",
        "body": "residents_committee",
        "kind": "by_election",
        "values": {
            "committee_size_min": (5, f"{_LAW_RC} 第七条"),
            "committee_size_max": (9, f"{_LAW_RC} 第七条"),
            "chair_seats": (1, f"{_LAW_RC} 第七条"),
            "vice_chair_min": (0, "seed 001：补选只补缺额"),
            "vice_chair_max": (2, f"{_LAW_RC} 第七条"),
            "nomination_channels": (_BY_ELECTION_CHANNELS, "seed 001"),
            "age_new_max": (55, "seed 001"),
            "education_min": ("bachelor", "seed 001"),
            "uncontested_positions": (["chair", "vice_chair", "member"], "seed 001（居民代表补选可等额）"),
            "proxies_allowed": (False, "seed 001：不办理委托投票"),
            "central_venue_only": (True, "seed 001：只设立中心会场"),
            "audit_required": (False, "seed 001：补选只补缺额，不涉及班子离任审计（可按需开启）"),
            "rulebook_adoption_required": (True, "seed 001；seed 003：补选办法经居民代表会议通过后公布"),
        },
    },
    "party-general": {
        "name": "社区党组织换届选举（通用）",
        "body": "party_committee",
        "kind": "general",
        "values": {
            "committee_size_min": (5, "seeds 000, 003（党总支 5–7 人）"),
            "committee_size_max": (9, "seeds 000, 003（党总支 5–7 人）"),
            "chair_seats": (1, _PARTY_RULES),
            "vice_chair_min": (0, _PARTY_RULES),
            "vice_chair_max": (2, _PARTY_RULES),
            "nomination_channels": (_PARTY_CHANNELS, "seeds 000, 003：两推一选"),
            "margin_mode": ("ratio", f"{_PARTY_RULES} 第十三条"),
            "margin_whole_committee": (True, f"{_PARTY_RULES} 第十三条：委员候选人数应多于应选人数的 20%"),
            "uncontested_positions": (["secretary", "deputy_secretary"], "seed 004"),
            "proxies_allowed": (False, "党组织选举不得委托投票"),
            "validity_rule": ("present_quorum", _PARTY_RULES),
            "win_base": ("present", _PARTY_RULES),
            "runoff_requires_turnout": (False, _PARTY_RULES),
            "preliminary_margin": ("1/5", "seeds 000, 004（seed 003 为 30%）"),
            "party_request_required": (True, "seed 003：报送关于召开党员大会的请示，街道党工委及时研究批复"),
        },
    },
    "supervision-general": {
        "name": "居务监督委员会选举（通用）",
        "body": "supervision_committee",
        "kind": "general",
        "values": {
            "committee_size_min": (3, f"seeds 000, 003；{_LAW_VC} 第三十二条"),
            "committee_size_max": (5, f"seeds 000, 003；{_LAW_VC} 第三十二条"),
            "chair_seats": (1, "seeds 000, 003"),
            "vice_chair_min": (0, "seeds 000, 003"),
            "vice_chair_max": (0, "seeds 000, 003"),
            "nomination_channels": (_RC_CHANNELS, "seeds 000, 003"),
            "audit_required": (False, "seeds 000, 003：监委会在居委会选举后推选，经济责任审计针对两委成员"),
        },
    },
}


PRESETS["party-branch-general"] = {
    "name": "社区党总支换届选举（通用）",
    "body": "party_committee",
    "kind": "general",
    "values": {
        **PRESETS["party-general"]["values"],
        "committee_size_min": (5, "seeds 000, 003：党总支 5–7 人"),
        "committee_size_max": (7, "seeds 000, 003：党总支 5–7 人"),
    },
}


def preset_parameters(code: str) -> tuple[dict[str, Any], dict[str, str]]:
    """The full parameter set of a preset: (values, sources), every key of PARAM_SPECS present."""
    preset = PRESETS[code]
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for key, (value, source) in {**_COMMON, **preset["values"]}.items():
        values[key] = value
        sources[key] = source
    missing = set(PARAM_BY_KEY) - set(values)
    if missing:  # pragma: no cover - guarded by a test
        raise KeyError(f"preset {code} lacks {sorted(missing)}")
    return values, sources


def parse_fraction(raw: Any) -> Fraction:
    if isinstance(raw, bool):
        raise ValueError("not a fraction")
    if isinstance(raw, int):
        return Fraction(raw)
    if isinstance(raw, str):
        text = raw.strip()
        if text.endswith("%"):
            return Fraction(text[:-1]) / 100
        return Fraction(text)
    if isinstance(raw, float):
        return Fraction(str(raw))
    raise ValueError("not a fraction")


def validate_overrides(base: dict[str, Any], overrides: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Apply ``overrides`` to ``base`` and check every value; returns (effective, errors by key)."""
    errors: dict[str, list[str]] = {}
    if not isinstance(overrides, dict):
        return dict(base), {"rule_overrides": ["规则调整必须是“参数: 值”的对象。"]}
    effective = dict(base)
    for key, raw in overrides.items():
        spec = PARAM_BY_KEY.get(key)
        if spec is None:
            errors.setdefault(key, []).append(f"未知的规则参数“{key}”。")
            continue
        try:
            effective[key] = _coerce(spec, raw)
        except ValueError as exc:
            errors.setdefault(key, []).append(f"{spec.label}：{exc}")
    errors.update(_cross_checks(effective))
    return effective, errors


def _coerce(spec: ParamSpec, raw: Any) -> Any:
    if spec.type == "int":
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise ValueError("须为整数。")
        if spec.minimum is not None and raw < spec.minimum:
            raise ValueError(f"不得小于 {spec.minimum}。")
        if spec.maximum is not None and raw > spec.maximum:
            raise ValueError(f"不得大于 {spec.maximum}。")
        return raw
    if spec.type == "bool":
        if not isinstance(raw, bool):
            raise ValueError("须为 true 或 false。")
        return raw
    if spec.type == "fraction":
        try:
            value = parse_fraction(raw)
        except (ValueError, ZeroDivisionError) as exc:
            raise ValueError("须为分数（如 \"1/2\"）或百分数（如 \"30%\"）。") from exc
        if value < 0 or value > 10:
            raise ValueError("数值超出合理范围。")
        return f"{value.numerator}/{value.denominator}"
    if spec.type == "choice":
        if raw not in spec.choices:
            raise ValueError(f"须为以下之一：{'、'.join(spec.choices)}。")
        return raw
    if spec.type == "channels":
        if not isinstance(raw, dict) or not raw:
            raise ValueError("须为“渠道: 最少联名人数”的对象。")
        for channel, minimum in raw.items():
            if channel not in NOMINATION_CHANNELS:
                raise ValueError(f"未知的提名渠道“{channel}”。")
            if isinstance(minimum, bool) or not isinstance(minimum, int) or minimum < 0:
                raise ValueError(f"渠道“{NOMINATION_CHANNELS[channel]}”的人数须为非负整数。")
        return dict(raw)
    if spec.type == "positions":
        if not isinstance(raw, list) or any(p not in POSITION_LABELS for p in raw):
            raise ValueError("须为职位代码列表。")
        return list(raw)
    raise ValueError("未知类型。")  # pragma: no cover


def _cross_checks(values: dict[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    pairs = [
        ("committee_size_min", "committee_size_max"),
        ("vice_chair_min", "vice_chair_max"),
        ("election_committee_size_min", "election_committee_size_max"),
        ("margin_plus_min", "margin_plus_max"),
    ]
    for low, high in pairs:
        if values.get(low) is not None and values.get(high) is not None and values[low] > values[high]:
            errors.setdefault(low, []).append(
                f"{PARAM_BY_KEY[low].label}（{values[low]}）不得大于{PARAM_BY_KEY[high].label}（{values[high]}）。"
            )
    return errors


def fraction_of(values: dict[str, Any], key: str) -> Fraction:
    return parse_fraction(values[key])


def more_than(part: int, whole: int, share: Fraction | str) -> bool:
    """"More than ``share`` of ``whole``" in integers: exactly half of a half-rule fails."""
    fraction = parse_fraction(share)
    return part * fraction.denominator > whole * fraction.numerator


def at_least(part: int, whole: int, share: Fraction | str) -> bool:
    """"At least ``share`` of ``whole``" (以上, inclusive) in integers."""
    fraction = parse_fraction(share)
    return part * fraction.denominator >= whole * fraction.numerator


# --------------------------------------------------------------------------------------------
# Seat plans (职数)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SeatPlanFacts:
    body: str
    kind: str
    seats: dict[str, int]
    approved: bool
    proposed: bool


def seat_plan_problems(body: str, kind: str, seats: dict[str, int], rules: dict[str, Any]) -> list[str]:
    """Every way a seat plan breaks the rulebook's size limits, in Chinese; empty when it holds."""
    problems: list[str] = []
    allowed = {code for code, _ in POSITIONS_BY_BODY[body]}
    for position, count in seats.items():
        if position not in allowed:
            problems.append(f"{BODY_LABELS[body]}没有“{POSITION_LABELS.get(position, position)}”这一职位。")
        if count < 0:
            problems.append(f"{POSITION_LABELS.get(position, position)}职数不能为负数。")
    total = sum(count for count in seats.values() if count > 0)
    if total == 0:
        problems.append("职数方案为空：至少应设一个职位。")
        return problems
    if kind == "by_election":
        # A by-election fills vacancies: the limits apply to the whole committee, not to the seats filled.
        if total > rules["committee_size_max"]:
            problems.append(f"补选职数 {total} 人超过委员会最多人数 {rules['committee_size_max']} 人。")
        return problems
    low, high = rules["committee_size_min"], rules["committee_size_max"]
    if not low <= total <= high:
        problems.append(f"委员会职数合计 {total} 人，不在规定的 {low}–{high} 人之间。")
    head = "secretary" if body == "party_committee" else "chair"
    deputy = "deputy_secretary" if body == "party_committee" else "vice_chair"
    head_label, deputy_label = POSITION_LABELS[head], POSITION_LABELS[deputy]
    if seats.get(head, 0) != rules["chair_seats"]:
        problems.append(f"{head_label}职数应为 {rules['chair_seats']} 人，现为 {seats.get(head, 0)} 人。")
    if deputy in allowed:
        d = seats.get(deputy, 0)
        if not rules["vice_chair_min"] <= d <= rules["vice_chair_max"]:
            problems.append(
                f"{deputy_label}职数应为 {rules['vice_chair_min']}–{rules['vice_chair_max']} 人，现为 {d} 人。"
            )
    return problems


def gate_seat_plan(facts: SeatPlanFacts, rules: dict[str, Any]) -> list[Blocker]:
    blockers: list[Blocker] = []
    source = "选举办法 职数设置；seeds 000, 003（报区换届领导小组审定）"
    problems = seat_plan_problems(facts.body, facts.kind, facts.seats, rules) if facts.seats else []
    if not facts.seats:
        blockers.append(
            Blocker("seat_plan_missing", "尚未制定职数方案。", source, "由街道按社区规模提出各职位职数，报区审定。")
        )
    elif problems:
        blockers.append(
            Blocker(
                "seat_plan_out_of_limits",
                "职数方案不符合规定：" + "；".join(problems),
                f"选举办法：委员会 {rules['committee_size_min']}–{rules['committee_size_max']} 人；{source}",
                "修改职数方案使其符合规定的人数范围后重新报区审定。",
            )
        )
    if facts.seats and not facts.approved:
        blockers.append(
            Blocker(
                "seat_plan_not_approved",
                "职数方案尚未经区换届工作领导小组审定。",
                source,
                "街道提交职数方案后，由区换届办在“职数方案”处审定。",
            )
        )
    return blockers


# --------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------


def days_before(earlier: dt.date, later: dt.date) -> int:
    """Whole days from ``earlier`` to ``later`` (positive when ``earlier`` comes first)."""
    return (later - earlier).days


def published_in_time(published_on: dt.date | None, election_day: dt.date | None, lead_days: int) -> bool:
    """'At least N days before' (N 日前, inclusive per Civil Code art. 1259)."""
    if published_on is None or election_day is None:
        return False
    return days_before(published_on, election_day) >= lead_days


@dataclass(frozen=True)
class ElectionDayFacts:
    election_day: dt.date | None
    today: dt.date


def gate_election_day_set(facts: ElectionDayFacts, rules: dict[str, Any]) -> list[Blocker]:
    if facts.election_day is None:
        return [
            Blocker(
                "election_day_missing",
                "尚未确定选举日。",
                "选举办法；各法定期限均以选举日倒推",
                "在选举信息中填写选举日。",
            )
        ]
    return []


def gate_election_day_reached(facts: ElectionDayFacts, rules: dict[str, Any]) -> list[Blocker]:
    if facts.election_day is None:
        return gate_election_day_set(facts, rules)
    if facts.today < facts.election_day:
        remaining = days_before(facts.today, facts.election_day)
        return [
            Blocker(
                "election_day_not_reached",
                f"选举日 {facts.election_day:%Y-%m-%d} 尚未到来（还有 {remaining} 天），不能进入计票。",
                "选举办法：选举日投票",
                "选举日当天投票结束后再进入计票阶段。",
            )
        ]
    return []


@dataclass(frozen=True)
class RulebookFacts:
    errors: dict[str, list[str]] = field(default_factory=dict)


def gate_rulebook_valid(facts: RulebookFacts, rules: dict[str, Any]) -> list[Blocker]:
    if not facts.errors:
        return []
    detail = "；".join(msg for messages in facts.errors.values() for msg in messages)
    return [
        Blocker(
            "rulebook_invalid",
            f"选举办法的规则调整有误：{detail}",
            "选举办法（预设规则 + 本社区调整）",
            "在选举信息中修正规则调整。",
        )
    ]


# --------------------------------------------------------------------------------------------
# Deadlines and reminders
# --------------------------------------------------------------------------------------------


def reminder_due(due: dt.date, today: dt.date, offsets: list[int]) -> str | None:
    """Which reminder (if any) is due today for a deadline: a key unique per deadline and day.

    ``offsets`` are days before the deadline at which to remind (0 = on the day). Once the deadline
    has passed, an "overdue" reminder is due every day.
    """
    delta = days_before(today, due)
    if delta < 0:
        return f"overdue:{today.isoformat()}"
    if delta in offsets:
        return f"before:{delta}"
    return None


def describe_due(due: dt.date, today: dt.date) -> str:
    delta = days_before(today, due)
    if delta > 0:
        return f"还有 {delta} 天"
    if delta == 0:
        return "今天到期"
    return f"已逾期 {-delta} 天"
