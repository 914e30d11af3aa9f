"""Fictional OneRoster exports, deterministic from a seed, for tests, benchmarks and demos.

``export_write`` writes any rows as a OneRoster export; ``district_generate``
builds a whole district of a given size with it. Nothing here touches Django's
database.
"""

from __future__ import annotations

import random
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from efficacy.roster.oneroster.specs import COLUMNS, ROSTER_FILES
from efficacy.tabular import write_csv

GIVEN = [
    "Amara",
    "Ben",
    "Chloé",
    "Dev",
    "Elif",
    "Femi",
    "Grace",
    "Hugo",
    "Ines",
    "Jonah",
    "Kai",
    "Lena",
    "Malik",
    "Noor",
    "Omar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sami",
    "Tala",
    "Uma",
    "Victor",
    "Wren",
    "Yusuf",
    "Zoe",
]
FAMILY = [
    "Abara",
    "Bouchard",
    "Chen",
    "Dubois",
    "Evans",
    "Fontaine",
    "Garcia",
    "Haddad",
    "Ito",
    "Johnson",
    "Kowalski",
    "Leblanc",
    "Martin",
    "Nguyen",
    "Okafor",
    "Patel",
    "Roy",
    "Singh",
    "Tremblay",
    "Umar",
    "Valdez",
    "Wong",
    "Young",
    "Zhang",
]
SUBJECTS = (
    "English",
    "Mathematics",
    "Science",
    "History",
    "Geography",
    "French",
    "Arts",
    "Physical Education",
)
MODIFIED = "2025-08-15T12:00:00Z"


def columns_for(version: str, name: str) -> list[str]:
    return [c.rstrip("*") for c in COLUMNS[version][name]]


def export_write(
    target: Path,
    *,
    version: str,
    files: Mapping[str, Iterable[Mapping[str, str]]],
    modes: dict[str, str] | None = None,
    extra_columns: dict[str, list[str]] | None = None,
    as_zip: bool = False,
) -> Path:
    """Write ``files`` (rows by OneRoster file name) with a manifest, as a folder or a .zip.

    Files not given are ``absent`` in the manifest; ``modes`` overrides ``bulk``.
    Missing values are written empty; ``extra_columns`` adds e.g. ``metadata.*``.
    Written with :func:`efficacy.tabular.write_csv` like every file Efficacy writes,
    so a value a spreadsheet would run as a formula is neutralised (the importer
    reads it back as given).
    """
    modes = modes or {}
    extra_columns = extra_columns or {}
    texts: dict[str, bytes] = {}
    manifest = [
        ("manifest.version", "1.0"),
        ("oneroster.version", version),
    ]
    for name in ROSTER_FILES:
        if name not in COLUMNS[version]:
            continue
        if name in files:
            manifest.append((f"file.{name}", modes.get(name, "bulk")))
            header = columns_for(version, name) + extra_columns.get(name, [])
            rows = ([row.get(column, "") for column in header] for row in files[name])
            texts[f"{name}.csv"] = write_csv(header, rows)
        else:
            manifest.append((f"file.{name}", "absent"))
    manifest += [("source.systemName", "Efficacy generator"), ("source.systemCode", "efficacy")]
    texts["manifest.csv"] = write_csv(["propertyName", "value"], manifest)
    if as_zip:
        target.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for filename, data in texts.items():
                archive.writestr(filename, data)
    else:
        target.mkdir(parents=True, exist_ok=True)
        for filename, data in texts.items():
            (target / filename).write_bytes(data)
    return target


def district_generate(
    target: Path,
    *,
    version: str = "1.1",
    students: int = 200,
    staff: int = 20,
    classes: int = 20,
    enrollments: int = 1200,
    schools: int | None = None,
    seed: int = 0,
    as_zip: bool = False,
) -> Path:
    """A district export: ``enrollments`` student enrollments spread over its
    ``students``, plus one teacher enrollment per class.

    Students get a grade (9 to 12), a ``metadata.pathway`` (applied or academic)
    and demographics with an ``metadata.ell`` flag.
    """
    rng = random.Random(seed)
    schools = schools or max(1, -(-students // 2500))
    district = "d-1"
    orgs = [
        {
            "sourcedId": district,
            "name": "Riverside District",
            "type": "district",
            "identifier": "RD",
        }
    ]
    orgs += [
        {
            "sourcedId": f"s-{i}",
            "name": f"Riverside School {i}",
            "type": "school",
            "identifier": f"RS{i}",
            "parentSourcedId": district,
        }
        for i in range(1, schools + 1)
    ]
    school_ids = [o["sourcedId"] for o in orgs[1:]]
    sessions = [
        {
            "sourcedId": "y-2026",
            "title": "2025-2026",
            "type": "schoolYear",
            "startDate": "2025-09-02",
            "endDate": "2026-06-26",
            "schoolYear": "2026",
        },
        {
            "sourcedId": "t-1",
            "title": "Semester 1",
            "type": "semester",
            "startDate": "2025-09-02",
            "endDate": "2026-01-30",
            "parentSourcedId": "y-2026",
            "schoolYear": "2026",
        },
        {
            "sourcedId": "t-2",
            "title": "Semester 2",
            "type": "semester",
            "startDate": "2026-02-02",
            "endDate": "2026-06-26",
            "parentSourcedId": "y-2026",
            "schoolYear": "2026",
        },
    ]
    courses = []
    for school in school_ids:
        for grade in ("09", "10", "11", "12"):
            for subject in SUBJECTS:
                courses.append(
                    {
                        "sourcedId": f"c-{school}-{grade}-{subject[:3].lower()}",
                        "title": f"{subject} {int(grade)}",
                        "courseCode": f"{subject[:3].upper()}{grade}",
                        "grades": grade,
                        "orgSourcedId": school,
                        "subjects": subject,
                        "schoolYearSourcedId": "y-2026",
                    }
                )
    by_school: dict[str, list[dict[str, str]]] = {s: [] for s in school_ids}
    for c in courses:
        by_school[c["orgSourcedId"]].append(c)

    users: list[dict[str, str]] = []
    roles: list[dict[str, str]] = []
    demographics: list[dict[str, str]] = []

    def person(sid: str, role: str, org: str, grade: str = "") -> dict[str, str]:
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        row = {
            "sourcedId": sid,
            "enabledUser": "true",
            "orgSourcedIds": org,
            "role": role,
            "username": sid if role == "student" else f"{given.lower()}.{family.lower()}.{sid}",
            "givenName": given,
            "familyName": family,
            "identifier": sid.upper(),
            "grades": grade,
            "email": "" if role == "student" else f"{sid}@riverside.example",
            "dateLastModified": MODIFIED,
        }
        roles.append(
            {
                "sourcedId": f"r-{sid}",
                "userSourcedId": sid,
                "roleType": "primary",
                "role": role,
                "orgSourcedId": org,
            }
        )
        return row

    teachers_by_school: dict[str, list[str]] = {s: [] for s in school_ids}
    for i in range(1, staff + 1):
        school = school_ids[(i - 1) % schools]
        if i == 1:
            users.append(person("u-admin", "administrator", district))
            continue
        role = "teacher" if i % 25 else "aide"
        if i <= schools + 1:
            role = "principal" if version == "1.2" else "administrator"
        sid = f"u-t{i}"
        users.append(person(sid, role, school))
        if role == "teacher":
            teachers_by_school[school].append(sid)

    class_rows = []
    classes_by_school: dict[str, list[str]] = {s: [] for s in school_ids}
    for i in range(1, classes + 1):
        school = school_ids[(i - 1) % schools]
        course = by_school[school][(i - 1) // schools % len(by_school[school])]
        sid = f"k-{i}"
        class_rows.append(
            {
                "sourcedId": sid,
                "title": f"{course['title']} section {i}",
                "grades": course["grades"],
                "courseSourcedId": course["sourcedId"],
                "classCode": f"{course['courseCode']}-{i}",
                "classType": "scheduled",
                "location": f"Room {100 + i % 300}",
                "schoolSourcedId": school,
                "termSourcedIds": rng.choice(["t-1", "t-2", "t-1,t-2"]),
                "subjects": course["subjects"],
                "periods": str(1 + i % 5),
            }
        )
        classes_by_school[school].append(sid)

    enrollment_rows = []
    for i, (class_row, n) in enumerate(zip(class_rows, range(classes), strict=True), 1):
        school = class_row["schoolSourcedId"]
        teachers = teachers_by_school[school] or ["u-admin"]
        enrollment_rows.append(
            {
                "sourcedId": f"e-k{i}",
                "classSourcedId": class_row["sourcedId"],
                "schoolSourcedId": school,
                "userSourcedId": teachers[n % len(teachers)],
                "role": "teacher" if teachers[0] != "u-admin" else "administrator",
                "primary": "true",
                "beginDate": "2025-09-02",
                "endDate": "2026-06-26",
            }
        )

    per_student, extra = divmod(enrollments, max(students, 1))
    for i in range(1, students + 1):
        school = school_ids[(i - 1) % schools]
        grade = str(9 + i % 4)
        sid = f"u-s{i}"
        row = person(sid, "student", school, grade)
        row["metadata.pathway"] = "applied" if rng.random() < 0.35 else "academic"
        users.append(row)
        demographics.append(
            {
                "sourcedId": sid,
                "birthDate": f"{2016 - int(grade)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                "sex": rng.choice(["female", "male"]),
                "hispanicOrLatinoEthnicity": rng.choice(["true", "false"]),
                "white": rng.choice(["true", "false"]),
                "metadata.ell": rng.choice(["true", "false", "false", "false"]),
            }
        )
        mine = classes_by_school[school]
        count = min(per_student + (1 if i <= extra else 0), len(mine))
        for j, class_id in enumerate(rng.sample(mine, count)):
            enrollment_rows.append(
                {
                    "sourcedId": f"e-s{i}-{j}",
                    "classSourcedId": class_id,
                    "schoolSourcedId": school,
                    "userSourcedId": sid,
                    "role": "student",
                    "primary": "false",
                    "beginDate": "2025-09-02",
                }
            )

    files: dict[str, list[dict[str, str]]] = {
        "orgs": orgs,
        "academicSessions": sessions,
        "courses": courses,
        "classes": class_rows,
        "users": users,
        "enrollments": enrollment_rows,
        "demographics": demographics,
    }
    if version == "1.2":
        files["roles"] = roles
        for row in users:
            row["primaryOrgSourcedId"] = row["orgSourcedIds"]
    return export_write(
        target,
        version=version,
        files=files,
        as_zip=as_zip,
        extra_columns={"users": ["metadata.pathway"], "demographics": ["metadata.ell"]},
    )
