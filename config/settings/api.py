REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "config.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    "DATE_FORMAT": "%Y-%m-%d",
    "DATE_INPUT_FORMATS": ["%Y-%m-%d"],
}

SPECTACULAR_SETTINGS = {
    "TITLE": "社区“两委”换届选举 API",
    "DESCRIPTION": "REST API v1: organisation, campaigns, elections and their stage gates, people, preparation, "
                   "nomination and vetting, audit trail.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # one name per choice set, stable as apps add fields of the same name (level, kind, status, decision …)
    "ENUM_NAME_OVERRIDES": {
        "KindEnum": "elections.rules.KINDS",
        "LevelEnum": "elections.rules.LEVELS",
        "StatusEnum": "elections.rules.PARTY_REQUEST_STATUSES",
        "DecisionEnum": [("approve", "批复同意"), ("return", "退回")],
        "DepartmentEnum": "elections.rules.DEPARTMENTS",
        "ReviewLevelEnum": "candidates.rules.REVIEW_LEVELS",
        "NominationStatusEnum": "candidates.rules.NOMINATION_STATUSES",
        "NominationChannelEnum": "candidates.serializers.nomination.CHANNELS",
        "ReviewDecisionEnum": "vetting.rules.DECISIONS",
        "StreetDecisionEnum": "vetting.rules.STREET_DECISIONS",
        "VoterCategoryEnum": "ballots.models.CATEGORIES",
        "StationKindEnum": "ballots.models.STATION_KINDS",
        "ProxyStatusEnum": "ballots.models.PROXY_STATUSES",
    },
}
