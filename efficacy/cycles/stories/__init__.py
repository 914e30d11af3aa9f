"""The verdict (mastery moments), the school's feed and the cycle story."""
