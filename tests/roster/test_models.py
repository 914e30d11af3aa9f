import pytest
from django.db import IntegrityError, transaction

from efficacy.roster.models import (
    Course,
    District,
    Enrollment,
    School,
    SchoolClass,
    Student,
)

pytestmark = pytest.mark.django_db


def test_an_enrollment_names_a_student_or_a_staff_member_never_both():
    district = District.objects.create(name="D")
    school = School.objects.create(district=district, name="S")
    course = Course.objects.create(school=school, title="English 9")
    klass = SchoolClass.objects.create(school=school, course=course, title="ENG1P-01")
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrollment.objects.create(school_class=klass, school=school, role="student")
    student = Student.objects.create(school=school, given_name="A", family_name="B")
    assert Enrollment.objects.create(
        school_class=klass, school=school, role="student", student=student
    ).pk
