"""The OneRoster 1.1 and 1.2 CSV files Efficacy imports, and their columns.

Only the files that describe a roster are read; gradebook and resource files may
sit in an export and are ignored. A column name ending in ``*`` is required by
the specification: its header must be present and, in every row, its value.
"""

from __future__ import annotations

from dataclasses import dataclass

VERSIONS = ("1.1", "1.2")

# The order matters: a file may only refer to files before it.
ROSTER_FILES = (
    "orgs",
    "academicSessions",
    "courses",
    "classes",
    "users",
    "roles",
    "enrollments",
    "demographics",
)

# Files a OneRoster export may carry that Efficacy does not import.
OTHER_FILES = (
    "categories",
    "classResources",
    "courseResources",
    "lineItems",
    "resources",
    "results",
    "scoreScales",
    "lineItemScoreScales",
    "lineItemLearningObjectiveIds",
    "resultLearningObjectiveIds",
    "resultScoreScales",
    "userProfiles",
    "userResources",
    "assessmentLineItems",
    "assessmentResults",
)

STATUS_COLUMNS = ("sourcedId*", "status", "dateLastModified")


def _cols(*names: str) -> tuple[str, ...]:
    return STATUS_COLUMNS + names


_COMMON = {
    "orgs": _cols("name*", "type*", "identifier", "parentSourcedId"),
    "academicSessions": _cols(
        "title*", "type*", "startDate*", "endDate*", "parentSourcedId", "schoolYear*"
    ),
    "courses": _cols(
        "schoolYearSourcedId",
        "title*",
        "courseCode",
        "grades",
        "orgSourcedId*",
        "subjects",
        "subjectCodes",
    ),
    "classes": _cols(
        "title*",
        "grades",
        "courseSourcedId*",
        "classCode",
        "classType*",
        "location",
        "schoolSourcedId*",
        "termSourcedIds*",
        "subjects",
        "subjectCodes",
        "periods",
    ),
    "enrollments": _cols(
        "classSourcedId*",
        "schoolSourcedId*",
        "userSourcedId*",
        "role*",
        "primary",
        "beginDate",
        "endDate",
    ),
    "demographics": _cols(
        "birthDate",
        "sex",
        "americanIndianOrAlaskaNative",
        "asian",
        "blackOrAfricanAmerican",
        "nativeHawaiianOrOtherPacificIslander",
        "white",
        "demographicRaceTwoOrMoreRaces",
        "hispanicOrLatinoEthnicity",
        "countryOfBirthCode",
        "stateOfBirthAbbreviation",
        "cityOfBirth",
        "publicSchoolResidenceStatus",
    ),
}

COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "1.1": {
        **_COMMON,
        "users": _cols(
            "enabledUser*",
            "orgSourcedIds*",
            "role*",
            "username*",
            "userIds",
            "givenName*",
            "familyName*",
            "middleName",
            "identifier",
            "email",
            "sms",
            "phone",
            "agentSourcedIds",
            "grades",
            "password",
        ),
    },
    "1.2": {
        **_COMMON,
        # In 1.2 a user's roles, and the orgs they hold them in, live in roles.csv.
        "users": _cols(
            "enabledUser*",
            "username*",
            "userIds",
            "givenName*",
            "familyName*",
            "middleName",
            "identifier",
            "email",
            "sms",
            "phone",
            "agentSourcedIds",
            "grades",
            "password",
            "userMasterIdentifier",
            "resourceSourcedIds",
            "preferredGivenName",
            "preferredMiddleName",
            "preferredFamilyName",
            "primaryOrgSourcedId",
            "pronouns",
        ),
        "roles": _cols(
            "userSourcedId*",
            "roleType*",
            "role*",
            "beginDate",
            "endDate",
            "orgSourcedId*",
            "userProfileSourcedId",
        ),
    },
}


@dataclass(frozen=True)
class FileSpec:
    name: str
    columns: tuple[str, ...]  # without the ``*``
    required: frozenset[str]

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"


def file_spec(version: str, name: str) -> FileSpec | None:
    raw = COLUMNS[version].get(name)
    if raw is None:
        return None
    return FileSpec(
        name=name,
        columns=tuple(c.rstrip("*") for c in raw),
        required=frozenset(c.rstrip("*") for c in raw if c.endswith("*")),
    )


ORG_TYPES = frozenset({"department", "school", "district", "local", "state", "national"})
SESSION_TYPES = frozenset({"gradingPeriod", "semester", "schoolYear", "term"})
CLASS_TYPES = frozenset({"homeroom", "scheduled"})
ROLE_TYPES = frozenset({"primary", "secondary"})

# OneRoster 1.1 and 1.2 user roles; an export of either version may use either list.
STUDENT_ROLES = frozenset({"student"})
STAFF_ROLES = frozenset(
    {
        "teacher",
        "aide",
        "administrator",
        "proctor",
        "counselor",
        "principal",
        "siteAdministrator",
        "districtAdministrator",
        "systemAdministrator",
    }
)
# People Efficacy keeps no record of: they never sign in and are not students.
IGNORED_ROLES = frozenset({"guardian", "parent", "relative"})
USER_ROLES = STUDENT_ROLES | STAFF_ROLES | IGNORED_ROLES
ENROLLMENT_ROLES = frozenset({"student", "teacher", "aide", "administrator", "proctor"})

DEMOGRAPHIC_FLAGS = (
    "americanIndianOrAlaskaNative",
    "asian",
    "blackOrAfricanAmerican",
    "nativeHawaiianOrOtherPacificIslander",
    "white",
    "demographicRaceTwoOrMoreRaces",
    "hispanicOrLatinoEthnicity",
)
DEMOGRAPHIC_TEXT = (
    "birthDate",
    "sex",
    "countryOfBirthCode",
    "stateOfBirthAbbreviation",
    "cityOfBirth",
    "publicSchoolResidenceStatus",
)
