"""Data rights: a person's export (access request), correction, erasure, and retention.

* :mod:`.collectors`: what the system holds about one person, one collector per kind
  of record; an app that holds more registers its own in a ``rights_collectors`` module.
* :mod:`.export`: the zip of an access request (README.txt, everything.json, a CSV per kind).
* :mod:`.services`: correction and erasure (an erased student's scores stay, anonymous).
* :mod:`.retention`: how long each kind of record is kept, and the purge.
"""
