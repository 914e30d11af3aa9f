"""The demo school's course catalogue: Ontario-style course codes and programs.

An Ontario course code reads ``ENG1D``: subject (``ENG``), grade (1 = grade 9 ...
4 = grade 12) and the course type in the last letter: ``D`` academic, ``P``
applied, ``U`` university, ``C`` college, ``M`` university/college, ``O`` open.

Pathways: grades 9 and 10 are streamed into *applied* and *academic* courses
(the school the research describes, before Ontario de-streamed grade 9);
grades 11 and 12 follow the destination pathways *college* and *university*.
Open (``O``) and mixed (``M``) courses are taken across pathways.
"""

from __future__ import annotations

from dataclasses import dataclass

ENGLISH = "English"
MATHEMATICS = "Mathematics"
SCIENCE = "Science"
CANADIAN_WORLD = "Canadian and World Studies"
FRENCH = "French"
ARTS = "Arts"
HEALTH_PE = "Health and Physical Education"
TECHNOLOGY = "Technology"
GUIDANCE = "Guidance and Special Education"

DEPARTMENTS = (
    ENGLISH,
    MATHEMATICS,
    SCIENCE,
    CANADIAN_WORLD,
    FRENCH,
    ARTS,
    HEALTH_PE,
    TECHNOLOGY,
    GUIDANCE,
)

GRADES = ("9", "10", "11", "12")

# The first pathway of each grade is the smaller one (see ``SchoolSpec.minority_share``).
PATHWAYS = {
    "9": ("applied", "academic"),
    "10": ("applied", "academic"),
    "11": ("college", "university"),
    "12": ("college", "university"),
}

# Course type letter -> the pathway a section of it is for ("open": any pathway).
COURSE_TYPES = {
    "P": "applied",
    "D": "academic",
    "C": "college",
    "U": "university",
    "M": "open",
    "O": "open",
}


@dataclass(frozen=True)
class CourseInfo:
    code: str
    title: str
    department: str

    @property
    def grade(self) -> str:
        return str(int(self.code[3]) + 8)

    @property
    def pathway(self) -> str:
        return COURSE_TYPES[self.code[4]]


_COURSES = [
    # grade 9
    ("ENG1D", "English, Grade 9, Academic", ENGLISH),
    ("ENG1P", "English, Grade 9, Applied", ENGLISH),
    ("MPM1D", "Principles of Mathematics, Grade 9, Academic", MATHEMATICS),
    ("MFM1P", "Foundations of Mathematics, Grade 9, Applied", MATHEMATICS),
    ("SNC1D", "Science, Grade 9, Academic", SCIENCE),
    ("SNC1P", "Science, Grade 9, Applied", SCIENCE),
    ("CGC1D", "Issues in Canadian Geography, Grade 9, Academic", CANADIAN_WORLD),
    ("CGC1P", "Issues in Canadian Geography, Grade 9, Applied", CANADIAN_WORLD),
    ("FSF1D", "Core French, Grade 9, Academic", FRENCH),
    ("FSF1P", "Core French, Grade 9, Applied", FRENCH),
    ("AVI1O", "Visual Arts, Grade 9, Open", ARTS),
    ("PPL1O", "Healthy Active Living Education, Grade 9, Open", HEALTH_PE),
    ("TIJ1O", "Exploring Technologies, Grade 9, Open", TECHNOLOGY),
    ("GLS1O", "Learning Strategies 1, Grade 9, Open", GUIDANCE),
    # grade 10
    ("ENG2D", "English, Grade 10, Academic", ENGLISH),
    ("ENG2P", "English, Grade 10, Applied", ENGLISH),
    ("MPM2D", "Principles of Mathematics, Grade 10, Academic", MATHEMATICS),
    ("MFM2P", "Foundations of Mathematics, Grade 10, Applied", MATHEMATICS),
    ("SNC2D", "Science, Grade 10, Academic", SCIENCE),
    ("SNC2P", "Science, Grade 10, Applied", SCIENCE),
    ("CHC2D", "Canadian History since World War I, Grade 10, Academic", CANADIAN_WORLD),
    ("CHC2P", "Canadian History since World War I, Grade 10, Applied", CANADIAN_WORLD),
    ("FSF2D", "Core French, Grade 10, Academic", FRENCH),
    ("AMU2O", "Music, Grade 10, Open", ARTS),
    ("AVI2O", "Visual Arts, Grade 10, Open", ARTS),
    ("PPL2O", "Healthy Active Living Education, Grade 10, Open", HEALTH_PE),
    ("TGJ2O", "Communications Technology, Grade 10, Open", TECHNOLOGY),
    ("GLC2O", "Career Studies, Grade 10, Open", GUIDANCE),
    # grade 11
    ("ENG3U", "English, Grade 11, University", ENGLISH),
    ("ENG3C", "English, Grade 11, College", ENGLISH),
    ("MCR3U", "Functions, Grade 11, University", MATHEMATICS),
    ("MBF3C", "Foundations for College Mathematics, Grade 11, College", MATHEMATICS),
    ("SBI3U", "Biology, Grade 11, University", SCIENCE),
    ("SBI3C", "Biology, Grade 11, College", SCIENCE),
    ("SCH3U", "Chemistry, Grade 11, University", SCIENCE),
    ("CHW3M", "World History to the End of the Fifteenth Century, Grade 11", CANADIAN_WORLD),
    ("FSF3U", "Core French, Grade 11, University", FRENCH),
    ("AVI3M", "Visual Arts, Grade 11", ARTS),
    ("PPL3O", "Healthy Active Living Education, Grade 11, Open", HEALTH_PE),
    ("TGJ3M", "Communications Technology, Grade 11", TECHNOLOGY),
    ("TTJ3C", "Transportation Technology, Grade 11, College", TECHNOLOGY),
    # grade 12
    ("ENG4U", "English, Grade 12, University", ENGLISH),
    ("ENG4C", "English, Grade 12, College", ENGLISH),
    ("MHF4U", "Advanced Functions, Grade 12, University", MATHEMATICS),
    ("MCV4U", "Calculus and Vectors, Grade 12, University", MATHEMATICS),
    ("MAP4C", "Foundations for College Mathematics, Grade 12, College", MATHEMATICS),
    ("SPH4U", "Physics, Grade 12, University", SCIENCE),
    ("SBI4U", "Biology, Grade 12, University", SCIENCE),
    ("SCH4C", "Chemistry, Grade 12, College", SCIENCE),
    ("CHY4U", "World History since the Fifteenth Century, Grade 12, University", CANADIAN_WORLD),
    ("CHY4C", "World History since the Fifteenth Century, Grade 12, College", CANADIAN_WORLD),
    ("CGR4M", "Environment and Resource Management, Grade 12", CANADIAN_WORLD),
    ("FSF4U", "Core French, Grade 12, University", FRENCH),
    ("AVI4M", "Visual Arts, Grade 12", ARTS),
    ("PPL4O", "Healthy Active Living Education, Grade 12, Open", HEALTH_PE),
    ("TGJ4M", "Communications Technology, Grade 12", TECHNOLOGY),
]

COURSES: dict[str, CourseInfo] = {code: CourseInfo(code, t, d) for code, t, d in _COURSES}

# Each program is a year of eight courses, four a semester: half of the students
# of a program take the first four in semester 1, the others take them in semester 2.
PROGRAMS: dict[tuple[str, str], tuple[tuple[str, ...], tuple[str, ...]]] = {
    ("9", "academic"): (("ENG1D", "MPM1D", "CGC1D", "AVI1O"), ("SNC1D", "FSF1D", "PPL1O", "TIJ1O")),
    ("9", "applied"): (("ENG1P", "MFM1P", "CGC1P", "AVI1O"), ("SNC1P", "FSF1P", "PPL1O", "GLS1O")),
    ("10", "academic"): (
        ("ENG2D", "MPM2D", "CHC2D", "AMU2O"),
        ("SNC2D", "FSF2D", "PPL2O", "GLC2O"),
    ),
    ("10", "applied"): (("ENG2P", "MFM2P", "CHC2P", "TGJ2O"), ("SNC2P", "GLC2O", "PPL2O", "AVI2O")),
    ("11", "university"): (
        ("ENG3U", "MCR3U", "SBI3U", "FSF3U"),
        ("SCH3U", "CHW3M", "PPL3O", "AVI3M"),
    ),
    ("11", "college"): (("ENG3C", "MBF3C", "SBI3C", "TGJ3M"), ("CHW3M", "PPL3O", "AVI3M", "TTJ3C")),
    ("12", "university"): (
        ("ENG4U", "MHF4U", "SPH4U", "CHY4U"),
        ("MCV4U", "SBI4U", "FSF4U", "AVI4M"),
    ),
    ("12", "college"): (("ENG4C", "MAP4C", "SCH4C", "CHY4C"), ("TGJ4M", "PPL4O", "AVI4M", "CGR4M")),
}
