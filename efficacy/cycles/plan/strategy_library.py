"""The strategy library that ships with Efficacy.

The descriptions and look-fors are written for this product. A look-for is
something an observer can *see or hear* in a lesson, so that peer observation
stays descriptive. Citations are plain strings; content stays English (a school
adds its own strategies in its own language), while the UI around it is
translated.

``library_install`` upserts by slug, so a later migration can call it again
after this list grows without duplicating or touching schools' own strategies.
"""

from __future__ import annotations

LIBRARY: list[dict] = [
    {
        "slug": "learning-intentions-success-criteria",
        "name": "Co-constructed learning intentions and success criteria",
        "description": (
            "The teacher shares what students are learning and why, then builds with the "
            "students a short list of what success looks like, often by examining strong and "
            "weak examples together. Students use the criteria to check their own work and "
            "each other's, so they know where they are and what to do next."
        ),
        "look_fors": [
            "The learning intention is visible and stated in student-friendly words.",
            "Students contribute to the success criteria, for example by comparing examples.",
            "Students can say what they are learning and how they will know they have got there.",
            "Students refer to the criteria when revising their work or giving peer feedback.",
        ],
        "references": [
            "Clarke, S. (2014). Outstanding Formative Assessment: Culture and Practice. Hodder Education.",
            "Black, P., & Wiliam, D. (1998). Assessment and classroom learning. Assessment in Education: Principles, Policy & Practice, 5(1), 7–74.",
        ],
    },
    {
        "slug": "effective-feedback",
        "name": "Effective feedback",
        "description": (
            "Feedback answers three questions for the student: where am I going, how am I "
            "doing, and where to next. It is about the task and the process rather than the "
            "person, arrives while there is still time to act on it, and students are given "
            "time in class to use it."
        ),
        "look_fors": [
            "Feedback names what was done well against the success criteria and one next step.",
            "Students have time in the lesson to act on feedback they received.",
            "Feedback is about the work or the strategy used, not praise of the person.",
            "Students give each other feedback using shared criteria or sentence stems.",
            "The teacher changes the lesson in response to what the students' work shows.",
        ],
        "references": [
            "Hattie, J., & Timperley, H. (2007). The power of feedback. Review of Educational Research, 77(1), 81–112.",
            "Wiliam, D. (2011). Embedded Formative Assessment. Solution Tree Press.",
        ],
    },
    {
        "slug": "cross-curricular-literacy",
        "name": "Cross-curricular literacy instruction",
        "description": (
            "Every subject teaches the reading, writing and talk that its own texts demand: how "
            "a scientist reads a lab report, how a historian weighs a source. Teachers across "
            "the team use common literacy routines so students meet the same moves in every "
            "class and transfer them."
        ),
        "look_fors": [
            "The teacher models reading a subject-specific text aloud, thinking through it.",
            "Key vocabulary of the discipline is taught explicitly and used by students.",
            "Students use a literacy routine (e.g. a graphic organiser) that other classes also use.",
            "Students write or talk in the form the subject uses, with a model to follow.",
        ],
        "references": [
            "Shanahan, T., & Shanahan, C. (2008). Teaching disciplinary literacy to adolescents: Rethinking content-area literacy. Harvard Educational Review, 78(1), 40–59.",
        ],
    },
    {
        "slug": "responsive-differentiated-support",
        "name": "Responsive and differentiated support",
        "description": (
            "The teacher uses quick checks of understanding to decide who needs what, then "
            "varies the support, the grouping or the route to the same learning goal. The goal "
            "stays high for everyone; what changes is the help on the way to it."
        ),
        "look_fors": [
            "The teacher checks understanding during the lesson (exit tickets, mini whiteboards, hinge questions).",
            "Groupings change in response to what the check showed.",
            "Some students work with scaffolds (worked examples, sentence starters) while others extend.",
            "All students work towards the same learning intention.",
        ],
        "references": [
            "Tomlinson, C. A. (2014). The Differentiated Classroom: Responding to the Needs of All Learners (2nd ed.). ASCD.",
        ],
    },
    {
        "slug": "chunking-high-interest-text",
        "name": "Chunking a high-interest text",
        "description": (
            "Students read a text chosen because it matters to them, broken into short sections "
            "with a purpose for each one. After each chunk they stop to summarise, question or "
            "predict, which keeps a demanding text within reach and makes the thinking visible."
        ),
        "look_fors": [
            "The text connects to students' interests or lives, and students say so.",
            "The text is divided into marked sections, each with a reading purpose or question.",
            "Students pause after each section to summarise, question or predict in writing or talk.",
            "Students who struggle with the full text take part in the discussion of each section.",
        ],
        "references": [],
    },
    {
        "slug": "know-wonder-chart",
        "name": "\u201cWhat do we know / what do we wonder\u201d chart",
        "description": (
            "Before a topic or text, the class records what it already knows and what it wonders "
            "about on a shared chart, and returns to the chart as learning goes on. It activates "
            "prior knowledge, gives students a reason to read, and shows how their understanding "
            "has changed."
        ),
        "look_fors": [
            "A shared chart with columns for what we know and what we wonder is on display.",
            "Students' own questions are recorded in their words.",
            "The class returns to the chart to confirm, correct or answer entries.",
            "Students explain how their thinking changed since the chart was started.",
        ],
        "references": [
            "Ogle, D. M. (1986). K-W-L: A teaching model that develops active reading of expository text. The Reading Teacher, 39(6), 564–570.",
        ],
    },
    {
        "slug": "what-makes-you-think-that",
        "name": "Asking \u201cWhat makes you think that?\u201d",
        "description": (
            "When a student offers an idea, the teacher (and in time other students) asks what "
            "makes them think that, so the student points to the evidence behind the claim. It "
            "is a thinking routine that builds the habit of justifying inferences, and it tells "
            "the teacher how the student is reasoning."
        ),
        "look_fors": [
            "The teacher asks \u201cWhat makes you think that?\u201d or a close variant after student answers.",
            "Students point to evidence in the text, data or object when they answer.",
            "Students ask each other for their reasons without being prompted.",
            "Wait time follows the question and several students respond to it.",
        ],
        "references": [
            "Ritchhart, R., Church, M., & Morrison, K. (2011). Making Thinking Visible: How to Promote Engagement, Understanding, and Independence for All Learners. Jossey-Bass.",
        ],
    },
]


def library_install(Strategy, LookFor) -> int:
    """Create or refresh the shipped strategies; return how many were new.

    Takes the model classes so that a data migration can pass its historical
    models.
    """
    created_count = 0
    for entry in LIBRARY:
        strategy, created = Strategy.objects.update_or_create(
            school=None,
            slug=entry["slug"],
            defaults={
                "name": entry["name"],
                "description": entry["description"],
                "references": entry["references"],
                "active": True,
            },
        )
        created_count += created
        LookFor.objects.filter(strategy=strategy).delete()
        LookFor.objects.bulk_create(
            LookFor(strategy=strategy, text=text, order=i)
            for i, text in enumerate(entry["look_fors"])
        )
    return created_count
