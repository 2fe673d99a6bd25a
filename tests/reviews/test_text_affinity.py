"""Affinity from the text: segmentation with the field's terms, BM25 scores, and the shared terms shown."""

from __future__ import annotations

from seminar import i18n
from seminar.reviews.affinity import (
    PaperInfo,
    ReviewerInfo,
    Weights,
    affinity_matrix,
    explain,
    terms,
    text_scores,
)

PAPERS = {
    1: "坚持和发展新时代枫桥经验 推动矛盾纠纷多元化解。本文以某区为例，分析人民调解与诉源治理的衔接。",
    2: "网格化管理赋能基层治理：网格员队伍建设与综治中心实体化运行的实践。",
    3: "平安建设中的社会治安防控体系：雪亮工程与群防群治。",
    4: "市域社会治理现代化试点的经验与启示：以数字治理为抓手。",
}
PROFILES = {
    10: "网格化 综治中心；长期从事网格员队伍建设研究",
    11: "枫桥经验、矛盾纠纷多元化解、人民调解",
    12: "",  # no profile: no text score
}


def test_the_fields_terms_stay_whole() -> None:
    found = terms("推进矛盾纠纷多元化解，健全综治中心和网格化服务管理，建设市域社会治理")
    for term in ("矛盾纠纷多元化解", "综治中心", "网格化", "市域社会治理"):
        assert term in found
    assert "解" not in found and "，" not in found


def test_a_longer_term_also_counts_as_the_shorter_ones_inside() -> None:
    assert {"新时代枫桥经验", "枫桥经验"} <= set(terms("新时代枫桥经验"))


def test_traditional_and_full_width_text_meet_simplified() -> None:
    assert "矛盾纠纷多元化解" in terms("矛盾糾紛多元化解")
    assert "网格化" in terms("網格化")


def test_stop_words_are_left_out() -> None:
    assert "我们" not in terms("我们进行了研究工作")


def test_a_planted_expert_outranks_the_others() -> None:
    scores, _index, _queries = text_scores(PAPERS, PROFILES)
    assert scores[(2, 10)] > scores.get((2, 11), 0.0)
    assert scores[(1, 11)] > scores.get((1, 10), 0.0)
    assert max(scores.values()) == 1.0
    assert not any(reviewer == 12 for _paper, reviewer in scores)
    assert (3, 10) not in scores and (3, 11) not in scores  # nothing shared


def test_the_text_score_moves_the_matrix_by_its_weight() -> None:
    papers = [PaperInfo(p, None, None) for p in PAPERS]
    reviewers = [ReviewerInfo(r, None, None) for r in PROFILES]
    scores, _index, _queries = text_scores(PAPERS, PROFILES)
    plain = affinity_matrix(papers, reviewers, {})
    weighted = affinity_matrix(papers, reviewers, {}, text=scores, weights=Weights(text=3.0))
    off = affinity_matrix(papers, reviewers, {}, text=scores, weights=Weights(text=0.0))
    assert off == plain
    best = max(scores, key=lambda pair: scores[pair])
    p, r = list(PAPERS).index(best[0]), list(PROFILES).index(best[1])
    assert weighted[p][r] - plain[p][r] == 3.0  # type: ignore[operator]


def test_shared_terms_name_the_weightiest_first_without_their_parts() -> None:
    _scores, index, queries = text_scores(PAPERS, PROFILES)
    shared = index.shared(queries[11], 1)
    assert set(shared) == {"枫桥经验", "矛盾纠纷多元化解", "人民调解"}
    assert "矛盾纠纷" not in shared


def test_explain_names_the_shared_terms() -> None:
    with i18n.use_locale("zh_Hans"):
        reasons = explain(PaperInfo(1, None, None), ReviewerInfo(11, None, None), shared=["网格化", "矛盾纠纷多元化解"])
    assert "共同关键词：网格化、矛盾纠纷多元化解" in reasons
