"""Views of inquiry cycles: fetch through the access layer, call a service, render.

- :mod:`.cycle`: creating and editing a cycle, strategies, plan, status, reflection;
- :mod:`.evidence`: the score grid, uploads, templates, exports, deleting evidence;
- :mod:`.impact`: the impact panel;
- :mod:`.story`: the school's feed of mastery moments and the cycle story.
"""
