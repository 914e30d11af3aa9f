"""An import run keeps its upload's name in the storage, not a path on this machine's disk.

Web and worker may run on different machines: the upload goes through Django's storage
API (a folder, or an S3-compatible store). A run saved before held the absolute path
under MEDIA_ROOT; it becomes the name relative to it. A path outside MEDIA_ROOT cannot be
reached through the storage: its run keeps no file ("upload the export again").
"""

from pathlib import Path

from django.conf import settings
from django.db import migrations, models


def _relative(stored: str, media_root: Path) -> str:
    if not stored or not Path(stored).is_absolute():
        return stored
    try:
        return Path(stored).resolve().relative_to(media_root).as_posix()
    except ValueError:
        return ""


def paths_to_names(apps, schema_editor):
    ImportRun = apps.get_model("roster", "ImportRun")
    media_root = Path(settings.MEDIA_ROOT).resolve()
    for run in ImportRun.objects.exclude(stored_name="").only("pk", "stored_name"):
        name = _relative(run.stored_name, media_root)
        if name != run.stored_name:
            ImportRun.objects.filter(pk=run.pk).update(stored_name=name)


def names_to_paths(apps, schema_editor):
    ImportRun = apps.get_model("roster", "ImportRun")
    media_root = Path(settings.MEDIA_ROOT).resolve()
    for run in ImportRun.objects.exclude(stored_name="").only("pk", "stored_name"):
        if not Path(run.stored_name).is_absolute():
            ImportRun.objects.filter(pk=run.pk).update(
                stored_name=str(media_root / run.stored_name)
            )


class Migration(migrations.Migration):
    dependencies = [("roster", "0006_user_language")]

    operations = [
        migrations.RenameField("importrun", "stored_path", "stored_name"),
        migrations.RunPython(paths_to_names, names_to_paths),
    ]
