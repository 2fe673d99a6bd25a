"""Manuscript intake off the event loop: `inspect_upload` in a child process under the conversion limits.

mammoth took minutes on a 60 KB .docx holding a 20,000-row table, and a 19 MB text grew the
server by half a gigabyte; in the web process either stopped every request. In a child with
`CONVERSION_SECONDS` of CPU time and `CONVERSION_MEMORY_MB` of memory, such an upload is
refused with a message naming the limit, and the site goes on answering meanwhile.
"""

from __future__ import annotations

import logging

from seminar.i18n import _
from seminar.isolation import ChildFailed, LimitExceeded, Limits, run_limited_async
from seminar.operations.metrics import UPLOADS_REFUSED
from seminar.submissions.intake import DEFAULT_MAX_BYTES, Intake, IntakeError, file_extension, inspect_upload

logger = logging.getLogger(__name__)


async def inspect_upload_limited(
    filename: str, data: bytes, *, limits: Limits, max_bytes: int = DEFAULT_MAX_BYTES
) -> Intake:
    """`inspect_upload` in a child process; an upload over the limits is an `IntakeError` that names the limit.

    Every refusal is counted by its reason."""
    try:
        try:
            return await run_limited_async(inspect_upload, filename, data, max_bytes=max_bytes, limits=limits)
        except LimitExceeded as exceeded:
            raise over_limit(exceeded) from None
        except ChildFailed as failure:
            # Not the file's name: it often names its author.
            logger.warning("converting a %s file of %d bytes failed: %s", file_extension(filename) or "nameless", len(data), failure)
            raise IntakeError(
                _("This document could not be converted. Please open it in Word or WPS, save it again and upload it, "
                  "or upload the paper as PDF."),
                "conversion_failed",
            ) from None
    except IntakeError as refusal:
        UPLOADS_REFUSED.labels(refusal.reason).inc()
        raise


def over_limit(exceeded: LimitExceeded) -> IntakeError:
    if exceeded.kind == "time":
        message = _(
            "Converting this document took longer than %(seconds)s seconds and was stopped. A paper converts "
            "in a few seconds: please check that the file holds only the paper (no very long tables), "
            "or upload the paper as PDF.",
            seconds=exceeded.limits.cpu_seconds,
        )
    else:
        message = _(
            "Converting this document needed more than %(limit)s MB of memory and was stopped. Please check "
            "that the file holds only the paper (no very long tables, pictures of a sensible size), "
            "or upload the paper as PDF.",
            limit=exceeded.limits.memory_mb,
        )
    return IntakeError(message, f"conversion_{exceeded.kind}")
