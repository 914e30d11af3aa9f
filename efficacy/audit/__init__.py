"""The audit log: who viewed or exported student-level data, who changed evidence, goals,
surveys, roles or permissions, who signed in and who failed to.

One home for writing a row: :func:`efficacy.audit.services.record`. Rows are
append-only (the model, its queryset and a database trigger refuse a change); the
only way rows go is :func:`efficacy.audit.services.purge_before`, for the retention
policy. This app knows the roster's models only: a target is generic (type, id, label).
"""
