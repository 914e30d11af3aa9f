"""Migration 0007: an import run's absolute path under MEDIA_ROOT becomes its storage name."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("roster", "0006_user_language")]
AFTER = [("roster", "0007_import_run_stored_name")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_paths_under_media_root_become_names_and_others_lose_their_file(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    old = _migrate(BEFORE)
    try:
        run = old.get_model("roster", "ImportRun")
        paths = {
            "under": str(tmp_path / "media" / "imports" / "abc.zip"),
            "elsewhere": "/srv/old-media/imports/def.zip",
            "purged": "",
        }
        ids = {key: run.objects.create(file_name=key, stored_path=path).pk
               for key, path in paths.items()}  # fmt: skip
        new = _migrate(AFTER)
        names = dict(new.get_model("roster", "ImportRun").objects.values_list("pk", "stored_name"))
        assert names[ids["under"]] == "imports/abc.zip"
        assert names[ids["elsewhere"]] == ""
        assert names[ids["purged"]] == ""
        back = _migrate(BEFORE)
        paths_back = dict(
            back.get_model("roster", "ImportRun").objects.values_list("pk", "stored_path")
        )
        assert paths_back[ids["under"]] == paths["under"]
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
