"""Papers with real text for 查重 tests."""

from __future__ import annotations

import random

from seminar.overlap import actions
from seminar.seminars.models import Seminar
from seminar.submissions import demo_data
from seminar.textsim.corpus import Writer
from seminar.submissions.models import Manuscript, Paper
from tests.factories import make_paper

SHARED = (
    "我市创新推行“红色网格”工作法，把党支部建在网格上，由社区党员担任网格长，每周入户走访收集群众诉求，"
    "对矛盾纠纷做到早发现、早报告、早处置，三年来累计化解各类纠纷一千二百余件，群众满意率持续提升。"
)
POLICY = (
    "各地要健全党组织领导的自治、法治、德治相结合的城乡基层治理体系，完善网格化管理、精细化服务、信息化支撑的"
    "基层治理平台，推动社会治理和服务重心向基层下移，把更多资源下沉到基层，更好提供精准化、精细化服务。"
)


def own_text(seed: str, length: int = 600) -> str:
    """Text of the genre, its own for every seed: words of the demo papers recombined."""
    texts = [p.practice + p.result for p in demo_data.PAPERS]
    return "".join(Writer(texts, [], random.Random(seed)).sentences(0, length))


def html(*paragraphs: str) -> str:
    return "".join(f"<p>{p}</p>" for p in paragraphs)


async def submitted_paper(seminar: Seminar, city: str, *paragraphs: str) -> Paper:
    """A submitted paper whose manuscript reads `paragraphs`, its check queued as sending it in does."""
    paper = await make_paper(seminar, city=city, status="submitted")
    await Manuscript.filter(paper_id=paper.id).update(html=html(*paragraphs))
    await actions.queue_submitted(paper)
    return paper
