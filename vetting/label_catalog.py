"""The vetting app's code-table labels and fixed phrases, listed so that makemessages finds them (the pages
translate them with ``gettext`` or the ``tr`` filter). Kept equal to the tables in rules.py by
tests/test_views_vetting.py."""

from django.utils.translation import gettext_noop as _

LABELS = [
    # decisions, the street's decision, kinds of ground
    _("通过"),
    _("不通过"),
    _("不予采纳（继续审查）"),
    _("维持（取消资格）"),
    _("不得"),
    _("不宜"),
    # objections
    _("调查中"),
    _("属实（取消资格）"),
    _("不属实"),
    # reports: the four must-investigate kinds, statuses, channels
    _("实名举报"),
    _("线索清楚、内容具体"),
    _("涉嫌拉票贿选"),
    _("群众反映强烈"),
    _("核查中"),
    _("查实"),
    _("部分属实"),
    _("存档（不属于必查）"),
    _("举报电话"),
    _("来信"),
    _("来访"),
    _("网络"),
    _("其他"),
    # review levels and where a nomination stands
    _("社区初审"),
    _("街道全面审查"),
    _("区级联审"),
    _("待社区初审"),
    _("待街道全面审查"),
    _("待区级联审"),
    _("不宜情形待街道决定"),
    _("审查通过"),
    _("未通过"),
    _("已撤回"),
    _("社区/街道"),
]
