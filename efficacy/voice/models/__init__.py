"""The voice app's models, one module per part (see each module's docstring)."""

from efficacy.voice.models.instruments import Instrument
from efficacy.voice.models.limits import RateBucket
from efficacy.voice.models.surveys import SurveyInvitation, SurveyResponse, SurveyWindow
from efficacy.voice.models.tickets import ExitTicket, TicketAnswer, VoiceEvidence
from efficacy.voice.models.trust import (
    Booking,
    CheckIn,
    Commitment,
    OfficeHour,
    Receipt,
    Reply,
    Suggestion,
    SuggestionBox,
    Win,
)

__all__ = [
    "Booking",
    "CheckIn",
    "Commitment",
    "ExitTicket",
    "Instrument",
    "OfficeHour",
    "RateBucket",
    "Receipt",
    "Reply",
    "Suggestion",
    "SuggestionBox",
    "SurveyInvitation",
    "SurveyResponse",
    "SurveyWindow",
    "TicketAnswer",
    "VoiceEvidence",
    "Win",
]
