"""The voice app's survey fixtures (an instrument, an open window of school A's teaching
staff), for the to-do and the digest."""

from tests.voice.survey_fixtures import instrument, survey  # noqa: F401
