"""Table heads, short tables and captions marked to stay together on the printed page."""

from __future__ import annotations

import pytest

from seminar.proceedings.keeptogether import SHORT_ROWS, keep_together


def rows(count: int) -> str:
    return "".join(f"<tr><td><p>{n}</p></td><td><p>第{n}项</p></td></tr>" for n in range(1, count + 1))


BOLD_ROW = "<tr><td><p><strong>序号</strong></p></td><td><p><b>事项</b></p></td></tr>"
HEAD = "<thead><tr><th><p><strong>序号</strong></p></th><th><p><b>事项</b></p></th></tr></thead>"


@pytest.mark.parametrize(
    ("table", "printed"),
    [
        # A bold first row becomes the head, out of the body.
        (f"<table><tbody>{BOLD_ROW}{rows(2)}</tbody></table>", f'<table class="short">{HEAD}<tbody>{rows(2)}</tbody></table>'),
        (f"<table>{BOLD_ROW}{rows(2)}</table>", f'<table class="short">{HEAD}{rows(2)}</table>'),
        # Long tables are not marked short: they may run over pages, under their head.
        (f"<table><tbody>{BOLD_ROW}{rows(SHORT_ROWS)}</tbody></table>", f"<table>{HEAD}<tbody>{rows(SHORT_ROWS)}</tbody></table>"),
        # A first row only partly bold, or with an empty cell, is data.
        ("<table><tbody><tr><td><p><strong>合计</strong> 12</p></td><td><p>3</p></td></tr></tbody></table>",
         '<table class="short"><tbody><tr><td><p><strong>合计</strong> 12</p></td><td><p>3</p></td></tr></tbody></table>'),
        ("<table><tbody><tr><td><p><strong>项目</strong></p></td><td></td></tr></tbody></table>",
         '<table class="short"><tbody><tr><td><p><strong>项目</strong></p></td><td></td></tr></tbody></table>'),
        # Word's own header row (重复标题行) is already a head.
        (f"<table>{HEAD}<tbody>{rows(1)}</tbody></table>", f'<table class="short">{HEAD}<tbody>{rows(1)}</tbody></table>'),
        # Merged header cells keep their spans.
        ('<table><tr><td colspan="2"><strong>情况</strong></td></tr></table>',
         '<table class="short"><thead><tr><th colspan="2"><strong>情况</strong></th></tr></thead></table>'),
    ],
)
def test_tables(table: str, printed: str) -> None:
    assert keep_together(table) == printed


def test_captions_stay_with_what_they_name() -> None:
    picture = '<p><img src="data:image/png;base64,AAAA" alt=""></p>'
    markup = (f"<p>正文。</p><p>表1 各市矛盾纠纷化解情况</p><table>{rows(1)}</table>"
              f"{picture}<p>图1 综治中心工作流程</p><p>图2 说明文字在前</p>{picture}<p>图表显示，正文继续。</p>")
    printed = keep_together(markup)
    assert '<p class="keep-with-next">表1 各市矛盾纠纷化解情况</p><table class="short">' in printed
    assert '<p class="keep-with-next"><img src="data:image/png;base64,AAAA" alt=""></p><p>图1 综治中心工作流程</p>' in printed
    assert '<p class="keep-with-next">图2 说明文字在前</p><p><img' in printed
    assert "<p>正文。</p>" in printed and "<p>图表显示，正文继续。</p>" in printed


def test_text_without_tables_or_pictures_is_unchanged() -> None:
    markup = "<h2>一、做法</h2><p>表1所示的做法。</p>"
    assert keep_together(markup) == markup
