"""The dashboards' own records: each kind in its module, imported here for Django."""
