"""The instruments pages: the list, one instrument, its YAML, and loading a district's own."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from efficacy.voice.instruments import SHIPPED
from efficacy.voice.models import Instrument
from efficacy.voice.services.instruments import instrument_load, shipped_instrument

pytestmark = pytest.mark.django_db

FORMAT = Path(SHIPPED["efficacy-collective-efficacy"]).parents[1] / "FORMAT.md"


def example_yaml(version: str = "1.0", key: str = "district-climate") -> str:
    """The complete example of FORMAT.md, which is a valid instrument."""
    text = FORMAT.read_text(encoding="utf-8")
    start = text.index("```yaml\n") + len("```yaml\n")
    body = text[start : text.index("```", start)]
    return body.replace('version: "1.0"', f'version: "{version}"').replace(
        "key: district-climate", f"key: {key}"
    )


BROKEN = """key: district-climate
version: "1.0"
languages: [en, fr]
title: {en: Climate, fr: Climat}
scales:
  extent:
    options:
      - {value: 1, label: {en: No, fr: Non}}
      - {value: 2, label: {en: Little, fr: Peu}}
      - {value: 3, label: {en: Some}}
      - {value: 4, label: {en: Much, fr: Beaucoup}}
subscales:
  - key: together
    name: {en: Together, fr: Ensemble}
items:
  - {key: t1, subscale: together, text: {en: One, fr: Un}}
  - {key: t2, subscale: togetherr, text: {en: Two, fr: Deux}}
"""


def upload(text: str, name: str = "climate.yaml") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/yaml")


def test_the_list_shows_the_shipped_instruments_to_any_staff_member(client, world):
    client.force_login(world.teacher_a)
    response = client.get(reverse("voice:instruments"))

    assert response.status_code == 200
    assert "Collective efficacy in our school" in response.text
    assert "Enabling conditions pulse" in response.text
    assert Instrument.objects.filter(district=None).count() == 2


def test_the_list_is_in_french_for_a_french_reader(client, world):
    client.force_login(world.teacher_a)
    response = client.get(reverse("voice:instruments"), HTTP_ACCEPT_LANGUAGE="fr")

    assert "L’efficacité collective dans notre école" in response.text


def test_a_district_instrument_is_listed_for_its_district_only(client, world):
    instrument_load(text=example_yaml(), user=world.leader_a)

    client.force_login(world.teacher_b)  # another school of the same district
    assert "Our school climate" in client.get(reverse("voice:instruments")).text
    client.force_login(world.teacher_c)  # another district
    assert "Our school climate" not in client.get(reverse("voice:instruments")).text


def test_the_instrument_page_shows_items_by_subscale_with_their_options(client, world):
    instrument = shipped_instrument("efficacy-collective-efficacy")
    client.force_login(world.teacher_a)
    response = client.get(reverse("voice:instrument", args=[instrument.pk]))

    assert response.status_code == 200
    page = response.text
    assert page.index("Group competence") < page.index("Analysis of the teaching task")
    assert "How confident are you that the teachers in this school can help" in page
    assert "Not at all confident" in page
    assert "To a very large extent" in page
    assert page.count("(reverse-scored)") == 2


def test_a_subscale_whose_items_share_a_scale_shows_its_options_once(client, world):
    instrument = shipped_instrument("efficacy-collective-efficacy")
    client.force_login(world.teacher_a)
    page = client.get(reverse("voice:instrument", args=[instrument.pk])).text

    assert page.count("Not at all confident") == 1
    assert page.count("To a very large extent") == 1


def test_questions_on_different_scales_each_show_their_own_options(client, world):
    instrument = shipped_instrument("efficacy-enabling-conditions")
    client.force_login(world.teacher_a)
    page = client.get(reverse("voice:instrument", args=[instrument.pk])).text

    assert "How much influence do teachers have" in page
    assert "1: No influence" in page
    assert "1: Very poorly" in page
    assert "6: Extremely effective" in page
    assert "(reverse-scored)" not in page


def test_the_instrument_page_speaks_the_readers_language(client, world):
    instrument = shipped_instrument("efficacy-collective-efficacy")
    client.force_login(world.teacher_a)
    page = client.get(reverse("voice:instrument", args=[instrument.pk]),
                      HTTP_ACCEPT_LANGUAGE="fr").text  # fmt: skip

    assert "Compétence collective" in page
    assert "Une confiance totale" in page
    assert "Not at all confident" not in page


def test_an_instrument_of_another_district_is_not_found(client, world):
    instrument = instrument_load(text=example_yaml(), user=world.leader_a)
    client.force_login(world.teacher_c)

    assert client.get(reverse("voice:instrument", args=[instrument.pk])).status_code == 404
    assert client.get(reverse("voice:instrument_yaml", args=[instrument.pk])).status_code == 404


def test_the_yaml_is_downloaded_exactly_as_loaded(client, world):
    text = example_yaml()
    instrument = instrument_load(text=text, user=world.leader_a)
    client.force_login(world.teacher_a)
    response = client.get(reverse("voice:instrument_yaml", args=[instrument.pk]))

    assert response.content.decode("utf-8") == text
    assert "district-climate-1.0.yaml" in response["Content-Disposition"]


def test_a_school_leader_loads_a_valid_file_for_the_district(client, world):
    client.force_login(world.leader_a)
    response = client.post(reverse("voice:instrument_new"), {"file": upload(example_yaml())})

    instrument = Instrument.objects.get(key="district-climate")
    assert response.status_code == 302
    assert response["Location"] == reverse("voice:instrument", args=[instrument.pk])
    assert instrument.district == world.district
    assert instrument.loaded_by == world.leader_a
    assert instrument.source == example_yaml()
    assert instrument.parsed.item_keys == ("t1", "t2")


def test_the_same_file_loaded_twice_is_one_row(client, world):
    client.force_login(world.district_admin)
    client.post(reverse("voice:instrument_new"), {"file": upload(example_yaml())})
    response = client.post(reverse("voice:instrument_new"), {"file": upload(example_yaml())},
                           follow=True)  # fmt: skip

    assert Instrument.objects.filter(key="district-climate").count() == 1
    assert "already loaded; nothing changed" in response.text


def test_a_new_version_is_a_new_row(client, world):
    client.force_login(world.leader_a)
    client.post(reverse("voice:instrument_new"), {"file": upload(example_yaml("1.0"))})
    client.post(reverse("voice:instrument_new"), {"file": upload(example_yaml("1.1"))})

    versions = Instrument.objects.filter(key="district-climate").values_list("version", flat=True)
    assert sorted(versions) == ["1.0", "1.1"]


def test_a_file_with_problems_lists_each_with_its_line_and_stores_nothing(client, world):
    client.force_login(world.leader_a)
    response = client.post(reverse("voice:instrument_new"), {"file": upload(BROKEN)})

    assert response.status_code == 400
    assert not Instrument.objects.filter(district__isnull=False).exists()
    page = response.text
    assert "4 problems: nothing was loaded" in page
    assert "climate.yaml, line 7:" in page  # the scale has 4 options
    assert "climate.yaml, line 10:" in page  # no French label
    assert "climate.yaml, line 13:" in page  # the subscale has one item that names it
    assert "climate.yaml, line 17:" in page  # an unknown subscale
    assert "did you mean &#x27;together&#x27;?" in page


def test_a_file_with_problems_comes_back_in_the_box_to_be_corrected(client, world):
    client.force_login(world.leader_a)
    response = client.post(reverse("voice:instrument_new"), {"file": upload(BROKEN)})

    assert response.context["form"]["text"].value() == BROKEN


def test_pasted_yaml_is_loaded_and_kept_when_it_has_problems(client, world):
    client.force_login(world.leader_a)
    response = client.post(reverse("voice:instrument_new"), {"text": BROKEN})
    assert response.status_code == 400
    assert response.context["form"]["text"].value() == BROKEN

    response = client.post(reverse("voice:instrument_new"), {"text": example_yaml()})
    assert response.status_code == 302
    assert Instrument.objects.filter(key="district-climate").exists()


def test_a_version_already_loaded_with_other_wording_is_refused_on_its_line(client, world):
    client.force_login(world.leader_a)
    client.post(reverse("voice:instrument_new"), {"text": example_yaml()})
    changed = example_yaml().replace("plan lessons together", "plan units together")
    response = client.post(reverse("voice:instrument_new"), {"text": changed})

    assert response.status_code == 400
    assert "pasted YAML, line 2:" in response.text
    assert "already loaded, with other wording" in response.text
    assert Instrument.objects.filter(key="district-climate").count() == 1


def test_a_district_may_not_take_a_key_efficacy_ships_under(client, world):
    client.force_login(world.leader_a)
    text = example_yaml(key="efficacy-collective-efficacy")
    response = client.post(reverse("voice:instrument_new"), {"text": text})

    assert response.status_code == 400
    assert "kept for the instruments Efficacy ships" in response.text
    assert not Instrument.objects.filter(district__isnull=False).exists()


def test_nothing_chosen_is_a_clear_message(client, world):
    client.force_login(world.leader_a)
    response = client.post(reverse("voice:instrument_new"), {})

    assert response.status_code == 400
    assert "Choose a YAML file, or paste its text." in response.text


def test_a_file_that_is_not_utf8_is_a_clear_message(client, world):
    client.force_login(world.leader_a)
    bad = SimpleUploadedFile("climate.yaml", "clé: é".encode("latin-1"))
    response = client.post(reverse("voice:instrument_new"), {"file": bad})

    assert response.status_code == 400
    assert "not UTF-8 text" in response.text


def test_a_file_over_the_size_limit_is_refused_unread(client, world, settings):
    settings.EFFICACY_MAX_INSTRUMENT_BYTES = 1_000
    client.force_login(world.leader_a)
    response = client.post(reverse("voice:instrument_new"),
                           {"file": upload(example_yaml() + "#" * 2_000)})  # fmt: skip

    assert response.status_code == 400
    assert "an instrument’s YAML is at most" in response.text or "is at most" in response.text
    assert not Instrument.objects.filter(district__isnull=False).exists()


@pytest.mark.parametrize("person", ["teacher_a", "coach_a", "admin_a", "analyst"])
def test_only_school_leaders_and_district_administrators_load(client, world, person):
    client.force_login(getattr(world, person))

    assert client.get(reverse("voice:instrument_new")).status_code == 403
    response = client.post(reverse("voice:instrument_new"), {"text": example_yaml()})
    assert response.status_code == 403
    assert not Instrument.objects.filter(district__isnull=False).exists()


def test_the_load_link_shows_only_to_those_who_may_load(client, world):
    client.force_login(world.teacher_a)
    assert reverse("voice:instrument_new") not in client.get(reverse("voice:instruments")).text
    client.force_login(world.leader_a)
    assert reverse("voice:instrument_new") in client.get(reverse("voice:instruments")).text


def test_markup_in_an_instrument_is_shown_as_text(client, world):
    text = example_yaml().replace(
        "To what extent do teachers here plan lessons together?",
        "<script>alert(1)</script> Do we <b>plan</b> together?",
    )
    instrument = instrument_load(text=text, user=world.leader_a)
    client.force_login(world.teacher_a)
    page = client.get(reverse("voice:instrument", args=[instrument.pk])).text

    assert "&lt;script&gt;alert(1)&lt;/script&gt; Do we &lt;b&gt;plan&lt;/b&gt; together?" in page
    assert "<script>alert" not in page


def test_a_definition_built_in_the_contracts_shape_reads_back_through_parsed(world):
    instrument = Instrument.objects.create(
        key="hand-made", version="1", source="", sha256="0" * 64,
        definition={
            "key": "hand-made", "version": "1", "languages": ["en"],
            "title": {"en": "Hand made"}, "description": {"en": ""}, "index": {"en": "Index"},
            "scales": {"s": {"min": 0, "max": 4, "options": [
                {"value": v, "label": {"en": str(v)}} for v in range(5)]}},
            "subscales": [{"key": "a", "name": {"en": "A"}}],
            "items": [{"key": "q1", "subscale": "a", "scale": "s", "reverse": False,
                       "text": {"en": "Q1?"}},
                      {"key": "q2", "subscale": "a", "scale": "s", "reverse": True,
                       "text": {"en": "Q2?"}}],
        },
    )  # fmt: skip

    parsed = Instrument.objects.get(pk=instrument.pk).parsed
    assert (parsed.scale_min, parsed.scale_max) == (0, 4)
    assert parsed.reversed_keys == frozenset({"q2"})
    assert parsed.recoded("q2", 1) == 3
    assert parsed.text(parsed.item("q1"), "fr") == "Q1?"
