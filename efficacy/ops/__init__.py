"""Running Efficacy for real: the production server and worker, health, logs, backups.

Nothing of the domain lives here: this app serves, watches and keeps the others.
"""
