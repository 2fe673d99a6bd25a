"""Benchmark of 查重: `uv run python bench/overlap.py [--seed 15] [--sizes 1000,10000] [--huge]`.

1. Accuracy. A seeded labelled corpus (`seminar.textsim.corpus`, written from the demo papers'
   text and ../shared/seed/): papers copying passages of 50–400 characters from 1–3 sources —
   verbatim, reordered, one character in ten changed, punctuation and width swapped, turned
   Traditional — and hard negatives on the same topics, sharing the genre's stock sentences.
   Each checked paper goes through what production does: its fingerprints are looked up in the
   index, the best candidates aligned in memory. It prints passage precision and recall
   (passages of at least 50 characters; a planted passage is found when passages reported
   against its source cover half of it; a reported passage is right when half of it lies in a
   passage planted from that source), overall and per kind of change.
2. Speed. Indexes of 1,000 and 10,000 papers of ~5,000 characters (100,000 with --huge), in
   sorted arrays here — the same lookup the database does with its (hash) index — and prints
   the index size, the time to index one paper and to check one against each size.
3. With --db URL (a scratch database, dropped and created anew): the same papers in the
   application's own tables, filled in bulk, and the worker's own lookup + alignment
   (`overlap.actions.find_passages`) timed, with the fill time and the database's size.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import itertools
import os
import random
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from seminar.submissions import demo_data
from seminar.textsim.align import Passage, shared_passages
from seminar.textsim.candidates import common_mask, common_threshold, rank
from seminar.textsim.corpus import STOCK, TRANSFORMS, Corpus, Writer, evaluate, generate
from seminar.textsim.fingerprints import Fingerprint, document_fingerprints, shingle_hashes
from seminar.textsim.normalise import Normalised, normalise

SEED_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "seed"


def material() -> tuple[list[str], list[str]]:
    from opencc import OpenCC  # untyped

    t2s = OpenCC("t2s")
    texts = [t2s.convert(p.read_text(encoding="utf-8")) for p in sorted(SEED_DIR.glob("*.txt"))]
    texts += [" ".join((p.title, p.subtitle, p.practice, p.result, *p.measures)) for p in demo_data.PAPERS]
    texts += list(demo_data.TOPIC_FRAMES.values())
    stock = list(STOCK)
    return texts, stock


class MemoryIndex:
    """Fingerprint → paper, as sorted arrays: what the database's (hash) index does, in memory."""

    def __init__(self) -> None:
        self.parts: list[tuple[np.ndarray, np.ndarray]] = []
        self.hashes = np.zeros(0, dtype=np.int64)
        self.papers = np.zeros(0, dtype=np.int32)
        self.count = 0

    def add(self, paper: int, fingerprints: list[Fingerprint]) -> None:
        hashes = np.unique(np.fromiter((f.hash for f in fingerprints), dtype=np.int64))
        self.parts.append((hashes, np.full(len(hashes), paper, dtype=np.int32)))
        self.count += 1

    def seal(self) -> None:
        hashes = np.concatenate([self.hashes, *(h for h, _p in self.parts)])
        papers = np.concatenate([self.papers, *(p for _h, p in self.parts)])
        order = np.argsort(hashes, kind="stable")
        self.hashes, self.papers, self.parts = hashes[order], papers[order], []

    def shared(self, fingerprints: list[Fingerprint]) -> dict[int, list[int]]:
        """For each paper sharing some of `fingerprints` (boilerplate left out), their positions."""
        hashes = np.fromiter((f.hash for f in fingerprints), dtype=np.int64)
        left = np.searchsorted(self.hashes, hashes, side="left")
        right = np.searchsorted(self.hashes, hashes, side="right")
        common = common_threshold(self.count)
        shared: dict[int, list[int]] = defaultdict(list)
        for fingerprint, a, b in zip(fingerprints, left.tolist(), right.tolist(), strict=True):
            if 0 < b - a < common:
                for paper in self.papers[a:b].tolist():
                    shared[paper].append(fingerprint.position)
        return shared

    def holders(self, fingerprints: list[Fingerprint]) -> dict[int, int]:
        query = np.unique(np.fromiter((f.hash for f in fingerprints), dtype=np.int64))
        counts = np.searchsorted(self.hashes, query, side="right") - np.searchsorted(self.hashes, query, side="left")
        return dict(zip(query.tolist(), counts.tolist(), strict=True))

    def nbytes(self) -> int:
        return self.hashes.nbytes + self.papers.nbytes


@dataclass
class Prepared:
    normalised: Normalised
    hashes: np.ndarray


def prepare(text: str) -> Prepared:
    normalised = normalise(text)
    return Prepared(normalised, shingle_hashes(normalised.text))


def check(query: Prepared, index: MemoryIndex, papers: list[str]) -> list[tuple[int, Passage]]:
    """What production does: look the fingerprints up, align the candidates' normalised texts."""
    fingerprints = document_fingerprints(query.normalised.text)
    common = common_mask(
        len(query.normalised.text), fingerprints, index.holders(fingerprints), common_threshold(index.count)
    )
    found = []
    for candidate in rank(index.shared(fingerprints)):
        for passage in shared_passages(query.normalised, papers[candidate], text_hashes=query.hashes, common=common):
            found.append((candidate, passage))
    return found


def accuracy(corpus: Corpus) -> None:
    papers = [normalise(text).text for text in corpus.papers]
    index = MemoryIndex()
    for number, paper in enumerate(papers):
        index.add(number, document_fingerprints(paper))
    index.seal()
    reported = []
    for text in corpus.queries:
        query = prepare(text)
        reported.append([(source, query.normalised.original_span(p.start, p.end)) for source, p in check(query, index, papers)])
    score = evaluate(corpus, reported)
    total, found = sum(score.planted.values()), sum(score.found.values())
    print(f"passages planted (≥ 50 characters): {total}; reported: {score.reported}")
    print(f"recall    {score.recall:.3f}   ({found} of {total} planted passages found)")
    print(f"precision {score.precision:.3f}   ({score.right} of {score.reported} reported passages right)")
    for how in TRANSFORMS:
        if score.planted[how]:
            print(f"  recall {how:<24} {score.found[how] / score.planted[how]:.3f}  ({score.planted[how]})")
    for query, source, (start, end) in score.wrong[:5]:
        print(f"  wrong: paper {source}: {corpus.queries[query][start:end][:60]}")


def speed(sizes: list[int], seed: int) -> None:
    """The first 200 indexed papers are copied from by the 20 checked ones; the rest are written
    one at a time, so that 100,000 papers need memory only for their normalised text."""
    texts, stock = material()
    corpus = generate(texts, stock, seed=seed, sources=200, unrelated=0, copies=20, negatives=0)
    writer = Writer(texts, stock, random.Random(seed + 1))

    def indexed() -> Iterator[str]:
        yield from corpus.papers
        for number in itertools.count():
            yield "".join(writer.paper(number % 6, 5000))

    papers: list[str] = []
    index = MemoryIndex()
    index_times: list[float] = []
    rows = 0
    measured = sorted(sizes)
    for number, text in enumerate(indexed()):
        if not measured:
            break
        started = time.perf_counter()
        paper = normalise(text).text
        fingerprints = document_fingerprints(paper)
        index.add(number, fingerprints)
        index_times.append(time.perf_counter() - started)
        rows += len(fingerprints)
        papers.append(paper)
        if measured and number + 1 == measured[0]:
            measured.pop(0)
            index.seal()
            check_times = []
            for query_text in corpus.queries:
                started = time.perf_counter()
                check(prepare(query_text), index, papers)
                check_times.append(time.perf_counter() - started)
            print(
                f"{number + 1:>7} papers: {rows:>10,} fingerprints ({rows / (number + 1):.0f} a paper, "
                f"{rows * 20 / 2**20:,.0f} MiB as (hash, paper, position) rows before the index); "
                f"index one paper {statistics.median(index_times) * 1000:.1f} ms; "
                f"check one paper median {statistics.median(check_times) * 1000:.0f} ms, "
                f"max {max(check_times) * 1000:.0f} ms"
            )


# ---------- The real tables (--db) ----------


def _scratch_name(url: str) -> str:
    name = url.rsplit("/", 1)[-1].split("?", 1)[0]
    if name in ("", "test", "postgres", "template0", "template1"):
        raise SystemExit(f"--db needs a scratch database of its own, not {name!r}: it is dropped and created anew")
    return name


async def _fresh_database(url: str) -> None:
    """Drop and create the scratch database (PostgreSQL) or file (SQLite), then migrate it."""
    from tortoise import Tortoise
    from tortoise.migrations.api import migrate

    from seminar.db import is_postgres, tortoise_config

    if is_postgres(url):
        import asyncpg

        name = _scratch_name(url)
        admin = await asyncpg.connect(url.rsplit("/", 1)[0] + "/postgres")
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            await admin.execute(f'CREATE DATABASE "{name}"')
            # Building the fingerprint indexes after a fill of millions of rows: as a restore would.
            await admin.execute(f"ALTER DATABASE \"{name}\" SET maintenance_work_mem = '1GB'")
        finally:
            await admin.close()
    else:
        path = Path(url.removeprefix("sqlite://"))
        _scratch_name(url.removesuffix(".sqlite3").removesuffix(".db"))
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)
    config = tortoise_config(url)
    await Tortoise.init(config=config)
    await migrate(config=config)
    await Tortoise.close_connections()
    await Tortoise.init(config=config)


async def drop_database(url: str) -> None:
    from seminar.db import is_postgres

    if is_postgres(url):
        import asyncpg

        admin = await asyncpg.connect(url.rsplit("/", 1)[0] + "/postgres")
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{_scratch_name(url)}"')
        finally:
            await admin.close()
    else:
        path = url.removeprefix("sqlite://")
        for leftover in (path, f"{path}-wal", f"{path}-shm"):
            Path(leftover).unlink(missing_ok=True)


class DatabaseIndex:
    """The application's own tables (overlap_source, overlap_fingerprint), filled in bulk: executemany
    on SQLite, COPY on PostgreSQL, the secondary indexes of the fingerprint table dropped during a
    fill and built again after it (as a restore does)."""

    def __init__(self, url: str, seminar_id: int) -> None:
        from tortoise import connections

        from seminar.db import is_postgres

        self.postgres = is_postgres(url)
        self.url = url
        self.client: Any = connections.get("default")
        self.seminar_id = seminar_id
        self.next_id = 1
        self.count = 0
        self.rows = 0

    async def _indexes(self) -> list[tuple[str, str]]:
        if self.postgres:
            rows = await self.client.execute_query_dict(
                "SELECT indexname AS name, indexdef AS sql FROM pg_indexes WHERE tablename = 'overlap_fingerprint' "
                "AND indexname NOT LIKE '%pkey'"
            )
        else:
            rows = await self.client.execute_query_dict(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'overlap_fingerprint' "
                "AND sql IS NOT NULL"
            )
        return [(row["name"], row["sql"]) for row in rows]

    async def fill(self, texts: Iterator[str], count: int) -> float:
        """Index `count` more papers; the seconds it took, indexes rebuilt included (not writing the texts)."""
        [row] = await self.client.execute_query_dict("SELECT max(id) AS last FROM overlap_source")
        self.next_id = (row["last"] or 0) + 1
        indexes = await self._indexes()
        for name, _sql in indexes:
            await self.client.execute_script(f'DROP INDEX "{name}"')
        spent = 0.0
        now = dt.datetime.now(dt.UTC)
        left = count
        while left:
            batch = min(left, 500)
            left -= batch
            sources, prints = [], []
            for _ in range(batch):
                text = next(texts)
                started = time.perf_counter()
                normalised = normalise(text).text
                fingerprints = document_fingerprints(normalised)
                sources.append((self.next_id, self.seminar_id, text, normalised, now))
                prints += [(f.hash, self.next_id, f.position) for f in fingerprints]
                spent += time.perf_counter() - started
                self.next_id += 1
            started = time.perf_counter()
            await self._write(sources, prints)
            spent += time.perf_counter() - started
            self.count += batch
            self.rows += len(prints)
        started = time.perf_counter()
        for _name, sql in indexes:
            await self.client.execute_script(sql)
        if self.postgres:
            # VACUUM as autovacuum does on a table that grew: it sets the visibility map, without
            # which the boilerplate test (an index seek skipping thousands of entries) visits the heap.
            await self.client.execute_script(
                "SELECT setval(pg_get_serial_sequence('overlap_source', 'id'), (SELECT max(id) FROM overlap_source))"
            )
            async with self.client.acquire_connection() as connection:
                for table in ("overlap_source", "overlap_fingerprint"):
                    await connection.execute(f"VACUUM ANALYZE {table}")
        else:
            await self.client.execute_script("ANALYZE")
        return spent + time.perf_counter() - started

    async def _write(self, sources: list[tuple[Any, ...]], prints: list[tuple[int, int, int]]) -> None:
        if self.postgres:
            async with self.client.acquire_connection() as connection:
                async with connection.transaction():
                    await connection.copy_records_to_table(
                        "overlap_source", records=sources,
                        columns=["id", "seminar_id", "text", "normalised", "indexed_at"],
                    )
                    await connection.copy_records_to_table(
                        "overlap_fingerprint", records=prints, columns=["hash", "source_id", "position"]
                    )
        else:
            from tortoise.transactions import in_transaction

            async with in_transaction() as connection:
                await connection.execute_many(
                    "INSERT INTO overlap_source (id, seminar_id, text, normalised, indexed_at) VALUES (?, ?, ?, ?, ?)",
                    [(i, s, t, n, when.isoformat()) for i, s, t, n, when in sources],
                )
                await connection.execute_many(
                    "INSERT INTO overlap_fingerprint (hash, source_id, position) VALUES (?, ?, ?)", prints
                )

    async def sizes(self) -> tuple[int, int, int]:
        """Bytes: the fingerprint table with its indexes, its indexes alone, the whole database."""
        if self.postgres:
            [row] = await self.client.execute_query_dict(
                "SELECT pg_total_relation_size('overlap_fingerprint') AS total, "
                "pg_indexes_size('overlap_fingerprint') AS indexes, pg_database_size(current_database()) AS db"
            )
            return int(row["total"]), int(row["indexes"]), int(row["db"])
        rows = await self.client.execute_query_dict(
            "SELECT name, sum(pgsize) AS size FROM dbstat GROUP BY name"
        ) if await self._has_dbstat() else []
        sizes = {row["name"]: int(row["size"]) for row in rows}
        names = [name for name, _sql in await self._indexes()]
        indexes = sum(sizes.get(name, 0) for name in names)
        path = Path(self.url.removeprefix("sqlite://"))
        database = path.stat().st_size + (Path(f"{path}-wal").stat().st_size if Path(f"{path}-wal").exists() else 0)
        return sizes.get("overlap_fingerprint", 0) + indexes, indexes, database

    async def _has_dbstat(self) -> bool:
        try:
            await self.client.execute_query("SELECT 1 FROM dbstat LIMIT 1")
        except Exception:  # SQLite built without SQLITE_ENABLE_DBSTAT_VTAB
            return False
        return True


async def database_speed(url: str, sizes: list[int], seed: int) -> None:
    """The same papers as `speed`, in the application's tables; the check is the worker's own
    `find_passages` (lookup + alignment), timed for each of the 20 copying papers."""
    from tortoise import Tortoise

    from seminar.overlap.actions import _index, _shared, find_passages
    from seminar.seminars.models import Seminar

    texts, stock = material()
    corpus = generate(texts, stock, seed=seed, sources=200, unrelated=0, copies=20, negatives=0)
    writer = Writer(texts, stock, random.Random(seed + 1))

    def indexed() -> Iterator[str]:
        yield from corpus.papers
        for number in itertools.count():
            yield "".join(writer.paper(number % 6, 5000))

    await _fresh_database(url)
    try:
        seminar = await Seminar.create(
            slug="bench", title="查重 benchmark", venue="", starts_on=dt.date(2026, 12, 10),
            ends_on=dt.date(2026, 12, 10),
        )
        index = DatabaseIndex(url, seminar.id)
        papers = indexed()
        queries = [prepare(text) for text in corpus.queries]
        fill_seconds = 0.0
        print(f"database: {'PostgreSQL' if index.postgres else 'SQLite'}; load average at start "
              f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        for size in sorted(sizes):
            fill_seconds += await index.fill(papers, size - index.count)
            total, index_bytes, database = await index.sizes()
            # One paper more through the application's own path, the table's indexes in place.
            one = []
            for _ in range(5):
                text = next(papers)
                started = time.perf_counter()
                normalised = normalise(text)
                fingerprints = document_fingerprints(normalised.text)
                await _index(text, normalised, fingerprints, seminar_id=seminar.id)
                index.rows += len(fingerprints)
                one.append(time.perf_counter() - started)
            index.count += 5
            lookups, checks, found = [], [], 0
            for query in queries:
                fingerprints = document_fingerprints(query.normalised.text)
                started = time.perf_counter()
                await _shared(fingerprints, None, seminar.id, common_threshold(index.count))
                lookups.append(time.perf_counter() - started)
                started = time.perf_counter()
                passages, _sources = await find_passages(query.normalised, fingerprints, None, seminar.id)
                checks.append(time.perf_counter() - started)
                found += bool(passages)
            print(
                f"{index.count:>7} papers: {index.rows:>10,} fingerprint rows ({index.rows / index.count:.0f} a paper); "
                f"filled in {fill_seconds:,.0f} s so far; fingerprint table {total / 2**20:,.0f} MiB "
                f"({total / index.count / 1024:.1f} KiB a paper, of which indexes {index_bytes / 2**20:,.0f} MiB), "
                f"database {database / 2**20:,.0f} MiB; index one paper (app's path) median "
                f"{statistics.median(one) * 1000:.0f} ms; lookup median {statistics.median(lookups) * 1000:.0f} ms, "
                f"max {max(lookups) * 1000:.0f} ms; check (lookup + alignment) median "
                f"{statistics.median(checks) * 1000:.0f} ms, max {max(checks) * 1000:.0f} ms "
                f"({found} of {len(queries)} found their sources); load average "
                f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}",
                flush=True,
            )
    finally:
        await Tortoise.close_connections()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--huge", action="store_true", help="also 100,000 papers (long, about 2 GB of memory)")
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--db", metavar="URL", help="time the application's own tables instead: a scratch "
                        "database, dropped and created anew (sqlite:///path or postgres://…/NAME, never test)")
    parser.add_argument("--keep", action="store_true", help="with --db: leave the scratch database in place")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")] + ([100_000] if args.huge else [])
    if args.db:
        try:
            asyncio.run(database_speed(args.db, sizes, args.seed))
        finally:
            if not args.keep:
                asyncio.run(drop_database(args.db))
        return
    texts, stock = material()
    started = time.perf_counter()
    corpus = generate(texts, stock, seed=args.seed)
    print(f"labelled corpus: {len(corpus.papers)} indexed papers, {len(corpus.queries)} checked "
          f"(seed {args.seed}, {time.perf_counter() - started:.1f} s to write)")
    accuracy(corpus)
    if not args.skip_speed:
        speed(sizes, args.seed)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
