"""An invalid export: every problem reported with file, line, column and hint; nothing written."""

from __future__ import annotations

import pytest

from efficacy.access.roster import ROSTER_SCOPE_ALL
from efficacy.roster.models import Course, District, Enrollment, School, Student, User
from efficacy.roster.oneroster import Problem, RosterImportInvalid, roster_import
from efficacy.tabular.problems import SHOWN
from tests.roster.conftest import unknown_role_users

pytestmark = pytest.mark.django_db


def problems_of(source) -> list[Problem]:
    with pytest.raises(RosterImportInvalid) as caught:
        roster_import(scope=ROSTER_SCOPE_ALL, source=source)
    assert District.objects.count() == School.objects.count() == Student.objects.count() == 0
    assert Course.objects.count() == Enrollment.objects.count() == User.objects.count() == 0
    return caught.value.problems


def where(problems):
    return [(p.file, p.line, p.column) for p in problems]


def test_a_problem_reads_as_file_line_column_message_and_hint():
    problem = Problem(
        file="users.csv", line=4, column="role", message="unknown role 'pupil'", hint="use student"
    )
    assert str(problem) == "users.csv:4:role: unknown role 'pupil' (use student)"
    assert problem.to_dict() == {
        "file": "users.csv",
        "line": 4,
        "column": "role",
        "message": "unknown role 'pupil'",
        "hint": "use student",
    }


def test_a_missing_required_column_is_reported_on_the_header_line(files, write):
    source = write(files)
    text = (source / "courses.csv").read_text().replace("title,", "name,", 1)
    (source / "courses.csv").write_text(text)

    problems = problems_of(source)

    assert where(problems) == [("courses.csv", 1, "title")]
    assert "required column is missing" in problems[0].message


def test_an_unknown_role_is_reported(files, write):
    files["users"][1]["role"] = "pupil"

    problems = problems_of(write(files))

    # Line 3: header, then the teacher, then this student.
    assert where(problems) == [("users.csv", 3, "role")]
    assert "unknown role 'pupil'" in problems[0].message


@pytest.mark.parametrize(
    ("table", "index", "column", "value", "line", "message"),
    [
        ("orgs", 0, "type", "region", 2, "unknown org type 'region'"),
        ("academicSessions", 0, "type", "quarter", 2, "unknown session type 'quarter'"),
        ("classes", 0, "classType", "lab", 2, "unknown class type 'lab'"),
        ("enrollments", 2, "role", "parent", 4, "unknown enrollment role 'parent'"),
    ],
)
def test_a_value_outside_the_columns_vocabulary_is_reported_with_the_value(
    files, write, table, index, column, value, line, message
):
    files[table][index][column] = value

    problems = problems_of(write(files))

    assert where(problems)[0] == (f"{table}.csv", line, column)
    assert problems[0].message == message


def test_a_vocabulary_value_is_matched_ignoring_case(files, write):
    files["classes"][0]["classType"] = "Scheduled"
    files["enrollments"][2]["role"] = "STUDENT"

    roster_import(scope=ROSTER_SCOPE_ALL, source=write(files))

    assert Enrollment.objects.filter(role="student").count() == 2


def test_a_class_pointing_to_a_course_not_in_the_export_is_reported(files, write):
    files["classes"][0]["courseSourcedId"] = "c-missing"

    problems = problems_of(write(files))

    assert where(problems) == [("classes.csv", 2, "courseSourcedId")]
    assert "'c-missing'" in problems[0].message
    assert "courses.csv" in problems[0].hint


def test_a_duplicate_sourced_id_is_reported_with_the_first_line(files, write):
    files["users"].append(dict(files["users"][2]))

    problems = problems_of(write(files))

    assert where(problems) == [("users.csv", 5, "sourcedId")]
    assert "first on line 4" in problems[0].message


def test_a_date_that_is_not_iso_8601_is_reported(files, write):
    files["academicSessions"][0]["startDate"] = "01/09/2025"

    problems = problems_of(write(files))

    assert where(problems) == [("academicSessions.csv", 2, "startDate")]
    assert "ISO 8601" in problems[0].message


def test_a_file_in_the_wrong_encoding_is_reported_with_its_line(files, write):
    files["users"][2]["familyName"] = "Roy"
    source = write(files)
    data = (source / "users.csv").read_bytes().replace(b"Roy", "Roÿ".encode("cp1252"))
    (source / "users.csv").write_bytes(data)

    problems = problems_of(source)

    assert where(problems) == [("users.csv", 4, None)]
    assert "not UTF-8" in problems[0].message
    assert "UTF-8" in problems[0].hint


def test_an_empty_file_is_reported(files, write):
    source = write(files)
    (source / "enrollments.csv").write_bytes(b"")

    problems = problems_of(source)

    assert where(problems) == [("enrollments.csv", 1, None)]
    assert "empty" in problems[0].message


def test_every_problem_is_reported_at_once(files, write):
    files["users"][1]["role"] = "pupil"
    files["classes"][0]["schoolSourcedId"] = "nowhere"
    files["enrollments"][2]["primary"] = "perhaps"

    problems = problems_of(write(files))

    assert where(problems) == [
        ("classes.csv", 2, "schoolSourcedId"),
        ("users.csv", 3, "role"),
        ("enrollments.csv", 4, "primary"),
    ]


def test_past_the_problems_shown_the_rest_are_counted(files, write):
    files["users"] += unknown_role_users(SHOWN + 50)

    problems = problems_of(write(files))

    assert len(problems) == SHOWN
    assert where(problems)[0] == ("users.csv", 5, "role")  # after the header and three users
    assert (problems.total, problems.more) == (SHOWN + 50, 50)
    assert problems.lines()[-1] == "… and 50 more problems"


def test_an_enrollment_of_a_staff_member_as_student_is_reported(files, write):
    files["enrollments"][1]["userSourcedId"] = "t1"

    problems = problems_of(write(files))

    assert where(problems) == [("enrollments.csv", 3, "userSourcedId")]


def test_a_username_taken_by_another_account_is_reported(files, write):
    source = write(files)
    User.objects.create_user(username="ada", password="x-unused-9")
    with pytest.raises(RosterImportInvalid) as caught:
        roster_import(scope=ROSTER_SCOPE_ALL, source=source)
    assert where(caught.value.problems) == [("users.csv", 2, "username")]
    assert Student.objects.count() == 0


def test_a_file_the_manifest_lists_but_the_export_lacks_is_reported(files, write):
    source = write(files)
    (source / "classes.csv").unlink()

    problems = problems_of(source)

    assert where(problems) == [("classes.csv", None, None)]


def test_an_export_without_a_manifest_is_refused(files, write):
    source = write(files)
    (source / "manifest.csv").unlink()

    assert where(problems_of(source)) == [("manifest.csv", None, None)]


def test_a_missing_path_is_a_problem_not_a_crash(tmp_path):
    problems = problems_of(tmp_path / "nowhere.zip")

    assert "no such file or folder" in problems[0].message
