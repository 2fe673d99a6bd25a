"""Benchmark of the 论文集 build: books of 60 and 200 generated papers of ~3,000 characters.

    uv run python bench/proceedings.py [--sizes 60 200]

For each size it prints the full build as the worker runs it (`typeset_in_subprocess`: spawn a
process, assemble the HTML, WeasyPrint, merge) — wall time, pages, pages per second, the child's
peak RSS and the file size — and beside it the floor: WeasyPrint alone turning the same HTML into
a PDF, timed inside its own spawned process after its imports.

Then the book as the worker builds it with its parts directory (`typeset_in_subprocess(…,
parts_cache=…)`: `parts.py`, the missing parts laid out in one worker process per core, wall time
counted from the spawn): from an empty directory, after one paper's text changes, after the 前言
changes; and issue 18's goal 3 as ratios with whether each is met: the rebuild after one paper or
the 前言 changes ≤ 15% of the full one-pass build, the full build in parts ≤ 0.6× the
single-process WeasyPrint floor, the file ≤ 1.3× the one-pass book's. The load average before and
after is printed with them: on a shared machine the parallel build's gain depends on free cores.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import multiprocessing
import os
import random
import resource
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from seminar.proceedings.book import BookPaper, BookSpec, BookTopic, Placement, book_html  # noqa: E402
from seminar.proceedings.typeset import STATIC_DIR, STYLESHEET, typeset_in_subprocess  # noqa: E402

WORDS = (
    "坚持和发展新时代枫桥经验推进市域社会治理现代化建设更高水平的平安中国法治政府基层治理网格化服务管理"
    "矛盾纠纷多元化解机制综合执法改革政法队伍教育整顿扫黑除恶常态化防范化解重大风险"
)
TOPICS = ["坚持党的绝对领导", "维护国家政治安全", "推进市域社会治理", "深化政法领域改革", "建设法治广东", "锻造政法铁军"]


def text(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(WORDS) for _ in range(n))


def paper_body(rng: random.Random, characters: int) -> str:
    parts, written, section = [], 0, 0
    numbers = "一二三四五六七八九"
    while written < characters:
        if written % 900 < 300:
            parts.append(f"<h1>{numbers[section % 9]}、{text(rng, 10)}</h1>")
            section += 1
        length = rng.randint(180, 320)
        parts.append(f"<p>{text(rng, length)}。</p>")
        written += length
        if section == 2 and written % 7 == 0:
            rows = "".join(f"<tr><td>{text(rng, 4)}</td><td>{rng.randint(1, 999)}</td></tr>" for _ in range(5))
            parts.append(f"<table><tr><th>项目</th><th>数量</th></tr>{rows}</table>")
    return "".join(parts)


def generated_book(papers: int, characters: int = 3000, seed: int = 2021) -> BookSpec:
    rng = random.Random(seed)
    placements = [Placement.KEYNOTE, Placement.DISCUSSION, Placement.DISCUSSION, Placement.PROCEEDINGS]
    topics = []
    for position, title in enumerate(TOPICS, start=1):
        count = papers // len(TOPICS) + (1 if position <= papers % len(TOPICS) else 0)
        topics.append(BookTopic(position, title, [
            BookPaper(
                number=position * 1000 + index, title=text(rng, 14), placement=placements[index % 4],
                authors=[(text(rng, 3), "广州市委政法委")], abstract=text(rng, 250),
                keywords=[text(rng, 4) for _ in range(4)], body_html=paper_body(rng, characters),
            )
            for index in range(count)
        ]))
    return BookSpec(title="全省政法系统市域社会治理研讨班", organizer="中共广东省委政法委员会",
                    date=dt.date(2021, 4, 21), topics=topics, mark="内部资料 注意保存",
                    preface_text=text(rng, 600))


def weasyprint_alone(html: str) -> tuple[float, int, float]:
    """The floor: seconds for HTML → PDF with the book's stylesheet, the process's peak RSS, its CPU seconds."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    css = CSS(filename=str(STYLESHEET), font_config=fonts)
    started, cpu = time.perf_counter(), time.process_time()
    HTML(string=html, base_url=STATIC_DIR.as_uri() + "/").write_pdf(stylesheets=[css], font_config=fonts)
    return (time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
            time.process_time() - cpu)


def children_cpu() -> float:
    """CPU seconds of this process's ended children (a build's process and its workers)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_in_parts(spec: BookSpec, cache: str) -> tuple[float, int, int, list[str], float]:
    """The worker's build with the book's parts directory: wall seconds, file size, pages, parts laid out,
    CPU seconds (its workers' included)."""
    started, cpu = time.perf_counter(), children_cpu()
    result = typeset_in_subprocess(spec, parts_cache=Path(cache))
    wall = time.perf_counter() - started
    cpu = children_cpu() - cpu
    if result.report.parts_laid_out is None:
        raise SystemExit("the book was not typeset in parts (see the log): nothing to measure")
    return wall, len(result.pdf), result.report.pages, result.report.parts_laid_out, cpu


def load() -> str:
    return "load average " + " ".join(f"{value:.1f}" for value in os.getloadavg())


def one_paper_edited(spec: BookSpec) -> BookSpec:
    """A few characters of one paper in the middle of the book changed (its length stays)."""
    topic = spec.topics[len(spec.topics) // 2]
    paper = topic.papers[len(topic.papers) // 2]
    edited = dataclasses.replace(paper, body_html=paper.body_html.replace("<p>", "<p>修改", 1))
    papers = [edited if other is paper else other for other in topic.papers]
    return dataclasses.replace(spec, topics=[dataclasses.replace(topic, papers=papers) if other is topic else other
                                             for other in spec.topics])


def verdict(ratio: float, goal: float) -> str:
    return f"{ratio:.2f} (goal ≤ {goal}: {'met' if ratio <= goal else 'NOT met'})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[60, 200])
    parser.add_argument("--out", type=Path, help="keep the largest book at this path")
    parser.add_argument("--no-parts", action="store_true", help="only the whole-book build and the floor")
    arguments = parser.parse_args()
    print(f"{len(os.sched_getaffinity(0))} cores, {load()}")
    print(f"{'papers':>6} {'pages':>6} {'wall s':>7} {'pages/s':>8} {'peak MB':>8} {'file MB':>8}"
          f" | {'floor s':>7} {'pages/s':>8} {'peak MB':>8}")
    for size in arguments.sizes:
        spec = generated_book(size)
        started, cpu = time.perf_counter(), children_cpu()
        result = typeset_in_subprocess(spec)
        wall, cpu = time.perf_counter() - started, children_cpu() - cpu
        report = result.report
        with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
            floor, floor_rss, floor_cpu = pool.submit(weasyprint_alone, book_html(spec)).result()
        print(f"{size:>6} {report.pages:>6} {wall:>7.1f} {report.pages / wall:>8.1f}"
              f" {report.peak_rss_bytes / 2**20:>8.0f} {len(result.pdf) / 2**20:>8.2f}"
              f" | {floor:>7.1f} {report.pages / floor:>8.1f} {floor_rss / 2**20:>8.0f}", flush=True)
        print(f"  CPU: one pass {cpu:.1f} s, floor {floor_cpu:.1f} s", flush=True)
        if arguments.out:
            arguments.out.write_bytes(result.pdf)
        if arguments.no_parts:
            continue
        with tempfile.TemporaryDirectory(prefix="bench_parts_") as cache:
            scratch, size_parts, pages_parts, laid, cpu_parts = timed_in_parts(spec, cache)
            print(f"  in parts, empty directory: {scratch:.1f} s (CPU {cpu_parts:.1f} s), {pages_parts} pages,"
                  f" {size_parts / 2**20:.2f} MB, {len(laid)} parts laid out", flush=True)
            edited = one_paper_edited(spec)
            paper_edit, _size, _pages, laid_paper, cpu_paper = timed_in_parts(edited, cache)
            print(f"  in parts, one paper's text changed: {paper_edit:.1f} s (CPU {cpu_paper:.1f} s),"
                  f" laid out {laid_paper}", flush=True)
            # From the book as it now is (the directory keeps the last build's parts only).
            preface = dataclasses.replace(edited, preface_text=spec.preface_text + "前言修改。")
            preface_edit, _size, _pages, laid_front, cpu_front = timed_in_parts(preface, cache)
            print(f"  in parts, the 前言 changed: {preface_edit:.1f} s (CPU {cpu_front:.1f} s), laid out {laid_front}",
                  flush=True)
        print(f"  goal 3, one paper changed / full build: {verdict(paper_edit / wall, 0.15)}")
        print(f"  goal 3, 前言 changed / full build: {verdict(preface_edit / wall, 0.15)}")
        print(f"  goal 3, full build in parts / single-process floor: {verdict(scratch / floor, 0.6)}")
        print(f"  goal 3, file in parts / one pass: {verdict(size_parts / len(result.pdf), 1.3)}")
        print(f"  ({load()})", flush=True)


if __name__ == "__main__":
    main()
