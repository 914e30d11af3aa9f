"""Date formats where Efficacy departs from Django's locale defaults (FORMAT_MODULE_PATH).

A language without a module here, and any format a module leaves out, keeps Django's own.
"""
