"""查重's text comparison: what counts as the same text, what is left out, and how well it finds copying."""

from __future__ import annotations

import pytest

from seminar.submissions import demo_data
from seminar.textsim.align import shared_passages
from seminar.textsim.candidates import common_mask, rank
from seminar.textsim.corpus import STOCK, evaluate, generate
from seminar.textsim.fingerprints import document_fingerprints, shingle_hashes, winnow
from seminar.textsim.normalise import normalise
from seminar.textsim.report import SourcePassages, ratios, shared_characters

POLICY = (
    "坚持和发展新时代“枫桥经验”，畅通和规范群众诉求表达、利益协调、权益保障通道，完善社会矛盾纠纷多元预防调处化解"
    "综合机制，努力将矛盾纠纷化解在基层、化解在萌芽状态。"
)
OWN = "本市在全域推行网格化服务管理，把全市划分为一千二百个基础网格，每个网格配备一名专职网格员和若干兼职网格员。"


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("市域社会治理现代化试点", "市域社會治理現代化試點"),  # Traditional
        ("政治引领，凝聚力量。", "政治引领,凝聚力量."),  # half-width punctuation
        ("第１２个ＡＢＣ项目", "第12个abc项目"),  # full-width letters and digits, case
        ("网格化 管理\n服务", "网格化管理服务"),  # whitespace and line breaks
        ("群众“急难愁盼”问题", "群众「急难愁盼」问题"),  # quotation mark variants
    ],
)
def test_variants_normalise_to_the_same_text(one: str, other: str) -> None:
    assert normalise(one).text == normalise(other).text


def test_each_normalised_character_maps_back_to_the_original() -> None:
    original = "一、市域 社會治理，ＡＢ。"
    normalised = normalise(original)
    assert normalised.text == "一市域社会治理ab"
    assert normalised.original_span(1, 7) == (2, 9)  # 市域 社會治理
    assert original[slice(*normalised.original_span(1, 7))] == "市域 社會治理"


def test_the_references_section_and_quotations_are_not_copying() -> None:
    copied = "引言部分的文字在这里。" + OWN
    paper = f"{copied}\n他指出：“{POLICY}”\n正文继续。\n参考文献\n[1] {OWN}\n"
    source = f"其他论文的开头。{OWN}{POLICY}"
    passages = shared_passages(normalise(paper), normalise(source).text)
    assert len(passages) == 1  # the copied paragraph; not the quotation, not the references
    text = normalise(paper)
    start, end = text.original_span(passages[0].start, passages[0].end)
    assert OWN[:-1] in paper[start:end]
    assert normalise(paper).text.endswith("正文继续")


def test_a_heading_early_in_the_paper_is_not_the_references_section() -> None:
    paper = "参考文献\n" + OWN * 3
    assert len(normalise(paper).text) > 100


def test_winnowing_keeps_a_shared_fingerprint_for_any_long_enough_shared_text() -> None:
    shared = "推进基层治理体系和治理能力现代化的实践路径"
    one = document_fingerprints(normalise("甲乙丙丁戊己庚" + shared + "子丑寅卯").text)
    other = document_fingerprints(normalise("天地玄黄宇宙洪荒日月" + shared).text)
    assert {f.hash for f in one} & {f.hash for f in other}
    hashes = shingle_hashes(normalise(OWN).text)
    assert len(winnow(hashes)) < len(hashes) / 3


def test_boilerplate_many_papers_hold_does_not_make_a_passage() -> None:
    text = normalise(POLICY + "此后是本文自己的文字，与来源无关。")
    fingerprints = document_fingerprints(text.text)
    everyone_holds = {f.hash: 50 for f in fingerprints}
    mask = common_mask(len(text.text), fingerprints, everyone_holds, threshold=10)
    source = normalise("来源的开头。" + POLICY).text
    assert shared_passages(text, source)
    assert not shared_passages(text, source, common=mask)


def test_candidates_need_two_fingerprints_close_together() -> None:
    assert rank({1: [10, 3000, 4900], 2: [500, 530], 3: [100, 140, 160, 2000]}) == [3, 2]


def test_ratios_count_each_character_once_and_leave_out_the_library() -> None:
    paper = normalise("甲" * 40 + OWN + POLICY)
    other_paper = shared_passages(paper, normalise(OWN + POLICY).text)  # copied both from a paper
    library = shared_passages(paper, normalise(POLICY).text)  # which took the second from the library
    result = ratios(len(paper.text), [SourcePassages(False, other_paper), SourcePassages(True, library)])
    assert result.copied == pytest.approx(shared_characters(other_paper) / len(paper.text))
    assert 0 < result.copied_without_quotation < result.copied
    only_own = shared_characters(shared_passages(paper, normalise(OWN).text))
    assert result.copied_without_quotation == pytest.approx(only_own / len(paper.text), abs=0.05)


def test_a_small_labelled_corpus_is_found_with_few_mistakes() -> None:
    texts = [" ".join((p.title, p.practice, p.result, *p.measures)) for p in demo_data.PAPERS]
    stock = list(STOCK)
    corpus = generate(texts, stock, seed=7, sources=8, unrelated=4, copies=12, negatives=6, length=2000)
    papers = [normalise(text).text for text in corpus.papers]
    reported = []
    for query in corpus.queries:
        text = normalise(query)
        reported.append([
            (number, text.original_span(p.start, p.end))
            for number, paper in enumerate(papers)
            for p in shared_passages(text, paper)
        ])
    score = evaluate(corpus, reported)
    assert sum(score.planted.values()) >= 20
    # The benchmark (bench/overlap.py) finds 0.98 of them at 0.99 precision; these floors leave room.
    assert score.recall >= 0.8
    assert score.precision >= 0.9
