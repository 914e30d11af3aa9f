# French dates read "7 déc. 2026": "N" is Django's abbreviated month with its French
# abbreviations (lowercase, with a full stop where a letter is dropped: "sept.", "déc.",
# but "mai", "juin", "août"). Django's own French DATE_FORMAT writes the month in full;
# "M" would give "Déc". Every template's |date:"DATE_FORMAT" and {{ a_date }} follows.
DATE_FORMAT = "j N Y"
DATETIME_FORMAT = "j N Y H:i"
