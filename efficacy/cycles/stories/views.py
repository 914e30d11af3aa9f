"""Mastery moments: the school's feed and the cycle story (page and PDF)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from efficacy.access.cycles import access_feed_school, access_moment, cycles_for
from efficacy.access.roster import can_edit_team
from efficacy.cycles.stories import pdf, story
from efficacy.cycles.stories.services import mastery_moment_publish
from efficacy.downloads import file_response

PAGE_SIZE = 20
#: How often the "being prepared" page reloads itself until the PDF is made.
PDF_REFRESH_SECONDS = 3


@login_required
def feed(request: HttpRequest, school_id: int) -> HttpResponse:
    """The school's mastery moments, newest first (unpublished ones only for the team's viewers)."""
    user = request.user
    school = access_feed_school(user, school_id)
    page = Paginator(story.feed_moments(user, school), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "school": school,
        "page": page,
        "items": [story.feed_item(moment) for moment in page],
    }
    return render(request, "cycles/feed.html", context)


@login_required
def story_page(request: HttpRequest, moment_id: int) -> HttpResponse:
    user = request.user
    moment = access_moment(user, moment_id)
    context = {
        "story": story.cycle_story(user, moment),
        "can_publish": can_edit_team(user, moment.cycle.team),
        "can_read_cycle": cycles_for(user).filter(pk=moment.cycle_id).exists(),
    }
    return render(request, "cycles/story.html", context)


@login_required
def story_pdf(request: HttpRequest, moment_id: int) -> HttpResponse:
    """The story as PDF: the stored one if it is this reader's story as it stands, else a
    page that says it is being prepared (the worker makes it) and reloads itself."""
    user = request.user
    moment = access_moment(user, moment_id)
    the_story = story.cycle_story(user, moment)
    html = render_to_string(
        "cycles/story_pdf.html",
        {"story": the_story, "stylesheet": story.pdf_static_url("css/story.css")},
        request=request,
    )
    state, name = pdf.story_pdf_state(moment_id=moment.pk, html=html)
    if state is pdf.State.READY:
        return file_response(
            pdf.story_pdf_read(name), the_story.filename, "application/pdf", inline=True
        )
    if state is pdf.State.FAILED:  # a PDF that fails must not become a 500: the page still prints
        messages.error(
            request,
            _(
                "The PDF could not be made just now. Use your browser's Print command on this "
                "page instead: it prints the same story."
            ),
        )
        return redirect("cycles:story", moment_id=moment.pk)
    context = {"story": the_story, "moment": moment, "refresh_seconds": PDF_REFRESH_SECONDS}
    return render(request, "cycles/story_pdf_preparing.html", context)


@login_required
@require_POST
def publish(request: HttpRequest, moment_id: int) -> HttpResponse:
    """Share the story with the whole school, or withdraw it (the team's editors)."""
    user = request.user
    moment = access_moment(user, moment_id)
    published = request.POST.get("action") != "withdraw"
    mastery_moment_publish(user=user, moment=moment, published=published)
    if published:
        messages.success(
            request,
            _("The cycle story is shared with everyone at %(school)s.")
            % {"school": moment.cycle.team.school.name},
        )
    else:
        messages.success(
            request, _("The cycle story is withdrawn: only the team and its viewers see it now.")
        )
    if request.POST.get("next") == "cycle":
        return redirect("cycles:detail", cycle_id=moment.cycle_id)
    return redirect("cycles:story", moment_id=moment.pk)


urlpatterns = [
    path("schools/<int:school_id>/mastery-moments/", feed, name="feed"),
    path("mastery-moments/<int:moment_id>/", story_page, name="story"),
    path("mastery-moments/<int:moment_id>/story.pdf", story_pdf, name="story_pdf"),
    path("mastery-moments/<int:moment_id>/publish/", publish, name="publish"),
]
