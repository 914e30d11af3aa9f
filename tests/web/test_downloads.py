"""One home for naming a download (``efficacy.downloads``): a name with quotes, a
line break or accents cannot break the header or add another one."""

from __future__ import annotations

from efficacy.downloads import file_response


def test_a_plain_name_is_an_attachment_kept_out_of_caches():
    response = file_response(b"a,b\n", "scores.csv", "text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="scores.csv"'
    assert "no-store" in response["Cache-Control"]
    assert response.content == b"a,b\n"


def test_a_pdf_can_be_shown_inline():
    response = file_response(b"%PDF-", "story.pdf", "application/pdf", inline=True)
    assert response["Content-Disposition"].startswith("inline;")


def test_quotes_and_line_breaks_cannot_break_the_header():
    response = file_response(b"x", 'École "Nord"\r\nSet-Cookie: a=b.pdf', "application/pdf")
    header = response["Content-Disposition"]
    assert "\r" not in header
    assert "\n" not in header
    assert header.startswith("attachment; filename*=utf-8''")  # RFC 6266, percent-encoded
    assert "Set-Cookie" not in response.headers or "a=b" not in response.headers["Set-Cookie"]
