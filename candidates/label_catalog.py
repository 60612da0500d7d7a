"""The nomination work's code-table labels, listed so that makemessages finds them (the pages translate them
with ``gettext`` or the ``tr`` filter). Kept equal to the tables in rules by tests/test_views_nomination.py."""

from django.utils.translation import gettext_noop as _

LABELS = [
    # nomination statuses and review levels
    _("审查中"),
    _("待街道决定"),
    _("审查通过"),
    _("未通过"),
    _("已撤回"),
    _("社区初审"),
    _("街道全面审查"),
    _("区级联审"),
    # 两推 meetings, the street's 批复 of the list
    _("党员推荐会议"),
    _("居民代表推荐会议"),
    _("已报送"),
    _("已批复同意"),
    _("已退回"),
    # flags on nominees
    _("未满选民年龄"),
    _("超过年龄要求"),
    _("学历低于要求"),
    _("学历未登记"),
    _("近亲属也被提名"),
    _("选举委员会成员"),
    _("非党员"),
    # nomination channels (elections.rules.NOMINATION_CHANNELS)
    _("党组织推荐"),
    _("居民小组会议推荐"),
    _("选民联名"),
    _("居民代表联名"),
    _("户代表联名"),
    _("居民小组代表联名"),
    _("自荐"),
    _("党员推荐"),
    _("群众推荐"),
    _("街道党工委推荐"),
]
