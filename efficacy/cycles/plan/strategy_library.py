"""The strategy library that ships with Efficacy.

The descriptions and look-fors are written for this product. A look-for is
something an observer can *see or hear* in a lesson, so that peer observation
stays descriptive. Citations are plain strings and stay as published.

The database holds the English text (``library_install``); pages show a shipped
strategy in the reader's language through :func:`shipped_text`, found by its
stable slug and the look-for's order, so a translation never depends on what a
database happened to store. A school's own strategies are shown as typed.

``library_install`` upserts by slug, so a later migration can call it again
after this list grows without duplicating or touching schools' own strategies.
"""

from __future__ import annotations

from django.utils.translation import gettext, gettext_noop

LIBRARY: list[dict] = [
    {
        "slug": "learning-intentions-success-criteria",
        "name": gettext_noop("Co-constructed learning intentions and success criteria"),
        "description": gettext_noop(
            "The teacher shares what students are learning and why, then builds with the "
            "students a short list of what success looks like, often by examining strong and "
            "weak examples together. Students use the criteria to check their own work and "
            "each other's, so they know where they are and what to do next."
        ),
        "look_fors": [
            gettext_noop("The learning intention is visible and stated in student-friendly words."),
            gettext_noop(
                "Students contribute to the success criteria, for example by comparing examples."
            ),
            gettext_noop(
                "Students can say what they are learning and how they will know they have got there."
            ),
            gettext_noop(
                "Students refer to the criteria when revising their work or giving peer feedback."
            ),
        ],
        "references": [
            "Clarke, S. (2014). Outstanding Formative Assessment: Culture and Practice. Hodder Education.",
            "Black, P., & Wiliam, D. (1998). Assessment and classroom learning. Assessment in Education: Principles, Policy & Practice, 5(1), 7–74.",
        ],
    },
    {
        "slug": "effective-feedback",
        "name": gettext_noop("Effective feedback"),
        "description": gettext_noop(
            "Feedback answers three questions for the student: where am I going, how am I "
            "doing, and where to next. It is about the task and the process rather than the "
            "person, arrives while there is still time to act on it, and students are given "
            "time in class to use it."
        ),
        "look_fors": [
            gettext_noop(
                "Feedback names what was done well against the success criteria and one next step."
            ),
            gettext_noop("Students have time in the lesson to act on feedback they received."),
            gettext_noop(
                "Feedback is about the work or the strategy used, not praise of the person."
            ),
            gettext_noop(
                "Students give each other feedback using shared criteria or sentence stems."
            ),
            gettext_noop(
                "The teacher changes the lesson in response to what the students' work shows."
            ),
        ],
        "references": [
            "Hattie, J., & Timperley, H. (2007). The power of feedback. Review of Educational Research, 77(1), 81–112.",
            "Wiliam, D. (2011). Embedded Formative Assessment. Solution Tree Press.",
        ],
    },
    {
        "slug": "cross-curricular-literacy",
        "name": gettext_noop("Cross-curricular literacy instruction"),
        "description": gettext_noop(
            "Every subject teaches the reading, writing and talk that its own texts demand: how "
            "a scientist reads a lab report, how a historian weighs a source. Teachers across "
            "the team use common literacy routines so students meet the same moves in every "
            "class and transfer them."
        ),
        "look_fors": [
            gettext_noop(
                "The teacher models reading a subject-specific text aloud, thinking through it."
            ),
            gettext_noop(
                "Key vocabulary of the discipline is taught explicitly and used by students."
            ),
            gettext_noop(
                "Students use a literacy routine (e.g. a graphic organiser) that other classes also use."
            ),
            gettext_noop(
                "Students write or talk in the form the subject uses, with a model to follow."
            ),
        ],
        "references": [
            "Shanahan, T., & Shanahan, C. (2008). Teaching disciplinary literacy to adolescents: Rethinking content-area literacy. Harvard Educational Review, 78(1), 40–59.",
        ],
    },
    {
        "slug": "responsive-differentiated-support",
        "name": gettext_noop("Responsive and differentiated support"),
        "description": gettext_noop(
            "The teacher uses quick checks of understanding to decide who needs what, then "
            "varies the support, the grouping or the route to the same learning goal. The goal "
            "stays high for everyone; what changes is the help on the way to it."
        ),
        "look_fors": [
            gettext_noop(
                "The teacher checks understanding during the lesson (exit tickets, mini whiteboards, hinge questions)."
            ),
            gettext_noop("Groupings change in response to what the check showed."),
            gettext_noop(
                "Some students work with scaffolds (worked examples, sentence starters) while others extend."
            ),
            gettext_noop("All students work towards the same learning intention."),
        ],
        "references": [
            "Tomlinson, C. A. (2014). The Differentiated Classroom: Responding to the Needs of All Learners (2nd ed.). ASCD.",
        ],
    },
    {
        "slug": "chunking-high-interest-text",
        "name": gettext_noop("Chunking a high-interest text"),
        "description": gettext_noop(
            "Students read a text chosen because it matters to them, broken into short sections "
            "with a purpose for each one. After each chunk they stop to summarise, question or "
            "predict, which keeps a demanding text within reach and makes the thinking visible."
        ),
        "look_fors": [
            gettext_noop("The text connects to students' interests or lives, and students say so."),
            gettext_noop(
                "The text is divided into marked sections, each with a reading purpose or question."
            ),
            gettext_noop(
                "Students pause after each section to summarise, question or predict in writing or talk."
            ),
            gettext_noop(
                "Students who struggle with the full text take part in the discussion of each section."
            ),
        ],
        "references": [],
    },
    {
        "slug": "know-wonder-chart",
        "name": gettext_noop("“What do we know / what do we wonder” chart"),
        "description": gettext_noop(
            "Before a topic or text, the class records what it already knows and what it wonders "
            "about on a shared chart, and returns to the chart as learning goes on. It activates "
            "prior knowledge, gives students a reason to read, and shows how their understanding "
            "has changed."
        ),
        "look_fors": [
            gettext_noop(
                "A shared chart with columns for what we know and what we wonder is on display."
            ),
            gettext_noop("Students' own questions are recorded in their words."),
            gettext_noop("The class returns to the chart to confirm, correct or answer entries."),
            gettext_noop(
                "Students explain how their thinking changed since the chart was started."
            ),
        ],
        "references": [
            "Ogle, D. M. (1986). K-W-L: A teaching model that develops active reading of expository text. The Reading Teacher, 39(6), 564–570.",
        ],
    },
    {
        "slug": "what-makes-you-think-that",
        "name": gettext_noop("Asking “What makes you think that?”"),
        "description": gettext_noop(
            "When a student offers an idea, the teacher (and in time other students) asks what "
            "makes them think that, so the student points to the evidence behind the claim. It "
            "is a thinking routine that builds the habit of justifying inferences, and it tells "
            "the teacher how the student is reasoning."
        ),
        "look_fors": [
            gettext_noop(
                "The teacher asks “What makes you think that?” or a close variant after student answers."
            ),
            gettext_noop(
                "Students point to evidence in the text, data or object when they answer."
            ),
            gettext_noop("Students ask each other for their reasons without being prompted."),
            gettext_noop("Wait time follows the question and several students respond to it."),
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


_BY_SLUG = {entry["slug"]: entry for entry in LIBRARY}


def shipped_text(slug: str, part: str, stored: str, *, index: int | None = None) -> str:
    """A shipped strategy's ``name`` or ``description`` (or look-for number ``index``) in
    the reader's language; ``stored`` when the slug or the look-for is not in the library."""
    entry = _BY_SLUG.get(slug)
    if entry is None:
        return stored
    if index is None:
        return gettext(entry[part])
    look_fors = entry["look_fors"]
    return gettext(look_fors[index]) if 0 <= index < len(look_fors) else stored
