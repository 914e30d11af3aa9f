"""The site shell: home, navigation, account pages and the composed school and team pages.

It reads from the domain apps (roster, cycles, and later practice, voice and
dashboards); nothing depends on it, so a domain app never knows of another's pages.
"""
