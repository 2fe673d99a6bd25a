"""Benchmark of the text affinity: `uv run python bench/affinity.py [--seed 15] [--papers 120] [--reviewers 30]`.

Plants known expertise in a generated seminar and asks how often the exact assignment gives each
paper at least one of its planted experts, with the text match on (the default weight) and off.

The instance: eight subjects of the field (枫桥经验 and mediation, grid management, 平安建设,
village governance, …), each with eight terms of its own; four topic labels, each covering two
subjects, so a topic match narrows a paper down to two subjects but not to one. Every paper is
on one subject: a title from two of its terms and a body mixing four to six of them into the
stock sentences every paper of the field has (党建引领, 市域社会治理现代化, …). Two reviewers per
subject are its planted experts: their topic of expertise is the subject's label and their
profile names three of its terms in the keywords and one more in a sentence of description;
the other reviewers have a topic and a profile in general words only. Everybody bids at
random on ten papers (想审/可以/不想审), as people do who skim titles. Three reviews per paper,
loads drawn to an even share (`balance=True`), as the automatic assignment page does.
"""

from __future__ import annotations

import argparse
import random
import time

from seminar.reviews.affinity import (
    DEFAULT_SEED,
    BID_WEIGHTS,
    PaperInfo,
    ReviewerInfo,
    Weights,
    affinity_matrix,
    terms,
    text_scores,
)
from seminar.reviews.assign import optimise

SUBJECTS: list[list[str]] = [
    ["枫桥经验", "人民调解", "诉源治理", "矛盾纠纷多元化解", "调解组织", "信访", "源头治理", "一站式"],
    ["网格化", "网格员", "综治中心", "一网统管", "接诉即办", "智慧治理", "雪亮工程", "楼栋长"],
    ["平安建设", "社会治安", "群防群治", "扫黑除恶", "风险防控", "见义勇为", "平安中国", "治安防控"],
    ["乡村治理", "三治融合", "自治法治德治", "村规民约", "乡贤", "驻村干部", "集体经济", "移风易俗"],
    ["社区治理", "物业管理", "业主委员会", "社区工作者", "志愿服务", "老旧小区", "邻里", "社会组织"],
    ["心理服务", "心理咨询", "危机干预", "特殊人群", "社区矫正", "精神障碍", "关爱帮扶", "心理疏导"],
    ["法治建设", "普法", "法律顾问", "公共法律服务", "法律援助", "行政执法", "依法行政", "法治宣传"],
    ["大数据", "数据共享", "政务服务", "平台建设", "算法", "信息系统", "数据安全", "电子政务"],
]
STOCK = [
    "坚持党建引领，推进市域社会治理现代化。",
    "本文总结了近年来的做法与成效，分析存在的问题，提出对策建议。",
    "要坚持以人民为中心的发展思想，把工作重心下移到基层。",
    "各地结合实际，探索形成了一批可复制可推广的经验。",
    "下一步，要进一步完善体制机制，提升治理效能。",
    "实践表明，只有加强统筹协调，才能形成工作合力。",
]
FRAMES = ["以{}为抓手，", "{}工作取得明显成效，", "在{}方面，", "通过{}，", "围绕{}开展调研，"]


def _paper(rng: random.Random, subject: list[str]) -> str:
    title = f"{rng.choice(subject)}与{rng.choice(subject)}的实践探索"
    used = rng.sample(subject, rng.randint(4, 6))
    body = []
    for term in used:
        body.append(rng.choice(STOCK))
        body.append(rng.choice(FRAMES).format(term) + rng.choice(STOCK))
    rng.shuffle(body)
    return title + "\n" + "".join(body)


def instance(seed: int, n_papers: int, n_reviewers: int) -> tuple[
        dict[int, str], dict[int, int], dict[int, str], dict[int, int | None], dict[tuple[int, int], str]]:
    """Papers' texts and subjects, reviewers' profiles and planted subjects (None: no planted expertise), bids."""
    rng = random.Random(seed)
    papers = {}
    subject_of = {}
    for pid in range(1, n_papers + 1):
        subject = rng.randrange(len(SUBJECTS))
        papers[pid] = _paper(rng, SUBJECTS[subject])
        subject_of[pid] = subject
    profiles: dict[int, str] = {}
    expert_of: dict[int, int | None] = {}
    for rid in range(1, n_reviewers + 1):
        index = rid - 1
        if index < 2 * len(SUBJECTS):
            subject = index % len(SUBJECTS)
            named = rng.sample(SUBJECTS[subject], 4)
            profiles[rid] = "、".join(named[:3]) + f"\n长期从事{named[3]}方面的研究和实务工作。"
            expert_of[rid] = subject
        else:
            profiles[rid] = "社会治理、基层工作\n长期从事政法综治工作。"
            expert_of[rid] = None
    bids = {}
    for rid in profiles:
        for pid in rng.sample(sorted(papers), min(10, len(papers))):
            bids[(pid, rid)] = rng.choice(list(BID_WEIGHTS))
    return papers, subject_of, profiles, expert_of, bids


def run(seed: int, n_papers: int, n_reviewers: int, reviews: int = 3) -> None:
    papers, subject_of, profiles, expert_of, bids = instance(seed, n_papers, n_reviewers)
    topic = [s // 2 for s in range(len(SUBJECTS))]  # two subjects per topic label
    rng = random.Random(seed + 1)
    paper_infos = [PaperInfo(pid, topic[subject_of[pid]], None) for pid in papers]
    reviewer_infos = [
        ReviewerInfo(rid, None, None, frozenset({topic[s] if (s := expert_of[rid]) is not None
                                                 else rng.randrange(len(SUBJECTS) // 2)}))
        for rid in profiles
    ]
    terms("预热")  # jieba's dictionary: loaded once per process, timed apart
    started = time.perf_counter()
    scores, _index, _queries = text_scores(papers, profiles)
    scoring = time.perf_counter() - started
    print(f"seed {seed}: {n_papers} papers × {n_reviewers} reviewers ({2 * len(SUBJECTS)} planted experts), "
          f"{reviews} reviews per paper; text scores for all pairs in {scoring:.2f} s")
    print(f"{'text weight':>12} {'papers with a planted expert':>30} {'planted-expert reviews':>24}")
    for weight in (0.0, 1.0, Weights().text, 6.0):
        matrix = affinity_matrix(paper_infos, reviewer_infos, bids, text=scores,
                                 weights=Weights(text=weight), seed=DEFAULT_SEED)
        solution = optimise(matrix, [reviews] * len(papers), [0] * len(profiles), [None] * len(profiles),
                            balance=True)
        covered = 0
        expert_reviews = 0
        for i, pid in enumerate(papers):
            experts = [j for j in solution.papers[i] if expert_of[reviewer_infos[j].id] == subject_of[pid]]
            covered += bool(experts)
            expert_reviews += len(experts)
        print(f"{weight:>12g} {covered:>21}/{len(papers)} ({covered / len(papers):.0%}) "
              f"{expert_reviews:>17}/{len(papers) * reviews}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--papers", type=int, default=120)
    parser.add_argument("--reviewers", type=int, default=30)
    arguments = parser.parse_args()
    run(arguments.seed, arguments.papers, arguments.reviewers)


if __name__ == "__main__":
    main()
