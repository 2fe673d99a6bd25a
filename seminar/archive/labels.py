"""What the import report calls each kind of row an archive carries, in the reader's language."""

from __future__ import annotations

from seminar.archive.export import Problem
from seminar.i18n import _
from seminar.i18n import lazy_gettext as _l
from seminar.seminars.rules import slug_problem

# One label per carried table (tests/archive/test_import_page.py holds every table to have one).
TABLE_LABELS = {
    "seminar": _l("Seminar"),
    "topic": _l("Topics"),
    "role": _l("Roles of people"),
    "paper": _l("Papers"),
    "paper_author": _l("Authors of papers"),
    "manuscript": _l("Manuscripts"),
    "final_version": _l("Final versions"),
    "deadline_extension": _l("Deadline extensions"),
    "review_criterion": _l("Review criteria"),
    "review_settings": _l("Review settings"),
    "reviewer_profile": _l("Reviewer profiles"),
    "review_conflict": _l("Conflicts of interest"),
    "review_unit_conflict_lift": _l("Lifted unit conflicts"),
    "review_bid": _l("Review bids"),
    "review_assignment": _l("Review assignments"),
    "review": _l("Reviews"),
    "review_decision": _l("Decisions"),
    "proceedings_settings": _l("Book settings"),
    "proceedings_build": _l("Book builds"),
    "book_speech": _l("Speeches in the book"),
    "topic_commentary": _l("Topic commentaries"),
    "handbook_settings": _l("Programme booklet settings"),
    "agenda_room": _l("Rooms"),
    "agenda_settings": _l("Agenda settings"),
    "agenda_draft": _l("Agenda draft"),
    "agenda_release": _l("Published agendas"),
    "agenda_left_out": _l("Papers left out of the agenda"),
    "registration_settings": _l("Registration settings"),
    "registration": _l("Registrations"),
    "certificate_settings": _l("Certificate settings"),
    "certificate": _l("Certificates"),
    "overlap_settings": _l("Overlap check settings"),
    "reference_document": _l("Reference documents for the overlap check"),
    "overlap_source": _l("Texts indexed for the overlap check"),
    "overlap_check": _l("Overlap checks"),
    "overlap_match": _l("Overlap matches"),
    "mail_wording": _l("Mail wording"),
    "seat_plan": _l("Seat plans"),
    "seat": _l("Seats"),
    "checkin": _l("Check-ins"),
}

LEFT_OUT_LABELS = {
    "overlap_match_with_other_seminars": _l("Overlap matches with papers of other seminars"),
}


def refusal(problem: Problem, slug: str = "", free: str = "") -> str:
    """Why the import page refuses an upload, and what to do instead."""
    if problem is Problem.NOT_ZIP:
        return _("This file is not a zip archive. Upload the .zip file that “Download the whole seminar (archive)” gives on the seminar's settings page of the other installation.")
    if problem is Problem.NOT_ARCHIVE:
        return _("This zip file is not a seminar archive. Upload the .zip file that “Download the whole seminar (archive)” gives on the seminar's settings page of the other installation.")
    if problem is Problem.OTHER_VERSION:
        return _("This archive was made by another version of the system, whose archive format this installation does not read. Bring both installations to the same version and download the archive again.")
    if problem is Problem.SLUG_TAKEN:
        return _("A seminar with the short name “%(slug)s” exists here already. Choose another short name (“%(free)s” is free) and upload the file again.", slug=slug, free=free)
    if problem is Problem.BAD_SLUG:
        return (slug_problem(slug) or "") + " " + _("Choose another short name and upload the file again.")
    return _("The archive is damaged: it was cut off or changed after it was downloaded. Download it again from the other installation and upload the new file.")
