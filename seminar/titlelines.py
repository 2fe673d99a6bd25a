"""A title set in lines, broken where a reader pauses, never inside a word: the one line breaker of
the book's cover, a volume's cover and the printed agenda.

GB/T 9704 asks of a title that runs over lines: 回行时要做到词意完整，排列对称. The browser's
line breaking knows no Chinese words and breaks wherever the line is full ("…创新研 / 讨班"),
so the cover is given its lines explicitly:

- a title that fits on one line stays one line;
- otherwise each bracketed part — （发挥政治引领作用）, 《…》 — is a line of its own when it fits,
  and the title's other words are never separated from their brackets by a break inside them;
  a short one — （试行）, （…用） of up to `SHORT_BRACKET` characters — stays on the line of the words before it;
- a part still too long for a line is broken after a pause mark (、，；) or one of the words
  that close a phrase (现代化, 试点, 建设 …), or at least between two words of `WORDS`, never inside one;
  the first line takes as much as fits (the 倒梯形 of official titles);
- lines are measured in full-width characters (a Latin letter or digit counts a half).

Pure: strings in, strings out.
"""

from __future__ import annotations

import re
import unicodedata

# Words a line may end with: they close a phrase of an official title.
BREAK_AFTER = (
    "现代化", "试点", "治理", "建设", "工作", "体系", "能力", "发展", "改革", "实践", "暨", "和", "与", "及",
    "现代化的", "全省", "全市", "广东省", "的", "暨", "及其",
)
# Words that name the event or the document: a line may start with them ("… / 研讨班论文集"), at a small cost,
# since "创新研讨班" reads better whole.
BREAK_BEFORE = ("研讨班", "培训班", "研修班", "研讨会", "座谈会", "交流会", "推进会", "现场会", "论文集", "论文汇编", "汇编",
                "会议手册", "日程")
BREAK_BEFORE_COST = 25
SHORT_BRACKET = 5  # a bracketed part of at most this many characters (brackets included) never stands alone
# Words never broken: a break may fall before or after them, not inside.
WORDS = (
    "研讨班", "培训班", "研修班", "研讨会", "座谈会", "交流会", "推进会", "现场会", "论坛", "会议", "论文集", "汇编",
    "现代化", "市域", "社会", "治理", "试点", "创新", "政治", "政法", "引领", "作用", "平安", "法治", "基层",
    "广东", "广东省", "全省", "全市", "工作", "经验", "交流", "专题", "委员会", "党委", "建设", "体系", "能力",
    "中国", "特色", "社会主义", "新时代", "枫桥",
    "推动", "推进", "坚持", "加强", "提升", "完善", "健全", "构建", "保障", "支撑", "服务", "管理", "机制",
    "治理现代化", "社会治理", "市域社会治理", "研讨", "论文", "座谈", "培训", "研修", "编印", "日程", "安排", "日程安排",
)
_PAUSES = "、，；：—"  # after these marks a line may end as after a phrase
_NO_LINE_START = "、，。；：！？）》〉】”’·—…"
_NO_LINE_END = "（《〈【“‘"
_BRACKETED = re.compile(r"（[^（）]*）|\([^()]*\)|《[^《》]*》|〈[^〈〉]*〉|【[^【】]*】")


def width(text: str) -> float:
    """Full-width characters count 1, others (Latin letters, digits, half-width marks) a half."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.5 for ch in text)


def title_lines(title: str, line_width: float) -> list[str]:
    """`title` in lines of at most `line_width` full-width characters, broken between words."""
    title = " ".join(title.split())
    if width(title) <= line_width:
        return [title]
    pieces: list[tuple[str, bool]] = []  # (text, is a bracketed part)
    position = 0
    for match in _BRACKETED.finditer(title):
        if len(match.group(0)) <= SHORT_BRACKET:  # （试行） stays with the words before it
            continue
        if match.start() > position:
            pieces.append((title[position:match.start()], False))
        pieces.append((match.group(0), True))
        position = match.end()
    if position < len(title):
        pieces.append((title[position:], False))
    lines: list[str] = []
    for text, bracketed in pieces:
        text = text.strip()
        if not text:
            continue
        if bracketed and width(text) <= line_width:
            lines.append(text)
            continue
        for part in _split(text, line_width):
            # Words that follow a bracketed part on its line, or a short last word, join the line before when they fit.
            if lines and not bracketed and width(lines[-1] + part) <= line_width and not _is_bracketed(lines[-1]):
                lines[-1] += part
            else:
                lines.append(part)
    return lines


def _is_bracketed(line: str) -> bool:
    return bool(_BRACKETED.fullmatch(line))


def _protected(text: str) -> set[int]:
    """Positions (between character i-1 and i) that fall inside one of `WORDS`."""
    inside: set[int] = set()
    for word in WORDS:
        for match in re.finditer(re.escape(word), text):
            inside.update(range(match.start() + 1, match.end()))
    # No line starts with a closing mark or ends with an opening one.
    for index, ch in enumerate(text):
        if ch in _NO_LINE_START:
            inside.add(index)
        elif ch in _NO_LINE_END:
            inside.add(index + 1)
    # Nor is a short bracketed part.
    for match in _BRACKETED.finditer(text):
        if len(match.group(0)) <= SHORT_BRACKET:
            inside.update(range(match.start() + 1, match.end()))
    # Latin words and numbers are not broken either.
    for match in re.finditer(r"[A-Za-z0-9.%]+", text):
        inside.update(range(match.start() + 1, match.end()))
    return inside


LINE_COST = 50  # each line more
LOOSE_BREAK_COST = 30  # a break that is neither after a pause mark nor after a phrase-closing word


def _split(text: str, line_width: float) -> list[str]:
    """A phrase too long for one line, broken at the cheapest places (dynamic programming, as TeX does).

    A line costs `LINE_COST` and the square of the room it leaves (the last line only when it is
    under a third of the width); a break costs nothing after a pause mark or a phrase-closing
    word, `LOOSE_BREAK_COST` elsewhere between words, and is impossible inside a word.
    """
    if width(text) <= line_width:
        return [text]
    inside = _protected(text)
    n = len(text)

    def break_cost(i: int) -> float | None:
        if i == n:
            return 0.0
        if i in inside:
            return None
        if text[i - 1] in _PAUSES or any(text[:i].endswith(word) for word in BREAK_AFTER):
            return 0.0
        return BREAK_BEFORE_COST if text.startswith(BREAK_BEFORE, i) else LOOSE_BREAK_COST

    best: list[tuple[float, int]] = [(0.0, 0)] + [(float("inf"), 0)] * n  # cost to break at i, previous break
    for end in range(1, n + 1):
        cost_here = break_cost(end)
        if cost_here is None:
            continue
        for begin in range(end - 1, -1, -1):
            used = width(text[begin:end])
            if used > line_width:
                break
            if best[begin][0] == float("inf"):
                continue
            room = line_width - used
            line = room**2 if end < n else max(0.0, line_width / 3 - used) ** 2 * 4
            total = best[begin][0] + LINE_COST + line + cost_here
            if total < best[end][0]:
                best[end] = (total, begin)
    if best[n][0] == float("inf"):  # an unbreakable run longer than a line: break where the line is full
        cut = max(i for i in range(1, n + 1) if width(text[:i]) <= line_width) or 1
        return [text[:cut], *_split(text[cut:], line_width)]
    lines = []
    end = n
    while end > 0:
        begin = best[end][1]
        lines.append(text[begin:end])
        end = begin
    return lines[::-1]
