"""The book's HTML from plain data: order, escaping, anchors, locales — no PDF needed."""

from __future__ import annotations

import datetime as dt
import re

from seminar.proceedings.book import (
    BookPaper,
    BookSpec,
    BookTopic,
    Placement,
    author_lines,
    book_html,
    isolate_anchors,
)


def spec(**changes: object) -> BookSpec:
    topic = BookTopic(3, "维护国家政治安全", [
        BookPaper(7, "收录一篇", Placement.PROCEEDINGS, body_html="<p>收录正文</p>"),
        BookPaper(5, "交流一篇", Placement.DISCUSSION, body_html="<p>交流正文</p>"),
        BookPaper(9, "重点一篇", Placement.KEYNOTE, authors=[("张三", "广州市委政法委")], body_html="<p>重点正文</p>"),
        BookPaper(6, "交流二篇", Placement.DISCUSSION, body_html="<p>交流正文二</p>"),
    ])
    values: dict[str, object] = {"title": "研讨班", "organizer": "省委政法委", "date": dt.date(2021, 4, 1), "topics": [topic]}
    values.update(changes)
    return BookSpec(**values)  # type: ignore[arg-type]


def test_papers_of_a_topic_run_keynotes_then_discussion_then_proceedings() -> None:
    html = book_html(spec())
    body = html[html.index('class="topic first-topic"'):]
    order = re.findall(r'id="paper-(\d+)"', body)
    assert order == ["9", "5", "6", "7"]
    toc = html[html.index('class="front toc"'):html.index("</nav>")]
    assert re.findall(r'href="#paper-(\d+)"', toc) == ["9", "5", "6", "7"]
    assert toc.index("重点发言") < toc.index("交流论文") < toc.index("收录论文")


def test_cover_in_chinese_numerals_and_topic_numbers() -> None:
    html = book_html(spec(mark="内部资料 注意保存"))
    assert "二〇二一年四月" in html and "内部资料 注意保存" in html
    assert "专题三" in html
    assert '<html lang="zh-Hans">' in html


def test_text_fields_are_escaped_and_only_the_sanitised_body_is_markup() -> None:
    hostile = BookTopic(1, "<b>专题</b>", [BookPaper(1, "<script>x</script>", body_html="<p><strong>正文</strong></p>",
                                                    abstract="a<b")])
    html = book_html(spec(topics=[hostile], preface_text="<em>前言</em>"))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "&lt;b&gt;专题&lt;/b&gt;" in html and "a&lt;b" in html
    assert "&lt;em&gt;前言&lt;/em&gt;" in html
    assert "<p><strong>正文</strong></p>" in html


def test_the_manuscripts_headings_nest_under_the_papers_title() -> None:
    paper = BookPaper(1, "论文", body_html="<h1>一、基本情况</h1><p>正文</p><h2>（一）做法</h2>")
    html = book_html(spec(topics=[BookTopic(1, "专题", [paper])]))

    article = html[html.index('id="paper-1"'):]
    assert re.findall(r"<(h\d)[ >]", article) == ["h2", "h3", "h4"]  # the title, then the text's two levels


def test_the_stylesheet_is_never_inlined() -> None:
    assert "<style" not in book_html(spec())


def test_word_footnote_anchors_cannot_clash_between_papers() -> None:
    body = '<p>正文<a href="#footnote-1" id="footnote-ref-1">[1]</a><a href="#gone">x</a></p><p><a id="footnote-1"></a>注释</p>'
    isolated = isolate_anchors(body, "p12-")
    assert 'href="#p12-footnote-1"' in isolated and 'id="p12-footnote-ref-1"' in isolated
    assert 'id="p12-footnote-1"' in isolated
    assert "#gone" not in isolated  # a link to an anchor the sanitiser removed goes nowhere


def test_only_web_and_mail_links_keep_their_target_in_the_book() -> None:
    body = ('<p><a href="https://www.gov.cn/a">政府网</a><a href="mailto:x@example.org">信</a>'
            '<a href="../../etc/passwd">相对</a><a href="file:///etc/passwd">文件</a><a href="javascript:alert(1)">脚本</a></p>')
    isolated = isolate_anchors(body, "p3-")
    assert 'href="https://www.gov.cn/a"' in isolated and 'href="mailto:x@example.org"' in isolated
    assert "passwd" not in isolated and "javascript" not in isolated
    assert "相对" in isolated and "文件" in isolated  # the text stays, only the link goes


def test_authors_are_grouped_under_their_units() -> None:
    paper = BookPaper(1, "题", authors=[("张三", "广州市委政法委"), ("王五", "佛山市委政法委"), ("李四", "广州市委政法委")])
    assert author_lines(paper) == [("广州市委政法委", ["张三", "李四"]), ("佛山市委政法委", ["王五"])]


def test_a_failed_paper_keeps_its_title_and_shows_the_notice() -> None:
    html = book_html(spec(), notices={5: "原稿结构嵌套层级过深"})
    assert "交流一篇" in html and "本文排版失败：原稿结构嵌套层级过深" in html
    assert "交流正文</p>" not in html.replace("交流正文二", "")


def test_the_cover_prints_the_organizers_full_name_and_who_compiled_the_book() -> None:
    own = book_html(spec(organizer="中共广东省委政法委员会"))
    assert "中共广东省委政法委员会编印" in own and own.count("中共广东省委政法委员会</p>") == 0

    office = book_html(spec(organizer="中共广东省委政法委员会", compiled_by="省委政法委基层社会治理处"))
    assert "中共广东省委政法委员会</p>" in office and "省委政法委基层社会治理处编印" in office


def test_appendices_only_when_given() -> None:
    assert "appendix-agenda" not in book_html(spec())


def test_traditional_and_english_books() -> None:
    hant = book_html(spec(locale="zh_Hant"))
    assert '<html lang="zh-Hant">' in hant and "專題三" in hant and "目錄" in hant
    english = book_html(spec(locale="en"))
    assert '<html lang="en">' in english and "Topic 3" in english and "April 2021" in english
    assert 'data-folio-before=""' in english and 'data-folio-before="— "' in book_html(spec())


def test_a_paper_under_blind_review_says_so_where_its_authors_would_be_in_the_book_s_language() -> None:
    withheld = BookPaper(1, "仍在评审的论文", authors_withheld=True, body_html="<p>正文</p>")
    books = {locale: book_html(spec(topics=[BookTopic(1, "专题", [withheld])], locale=locale))
             for locale in ("zh_Hans", "zh_Hant", "en")}

    assert "（匿名评审进行中，作者信息暂不公开）" in books["zh_Hans"]
    assert "（匿名評審進行中，作者資訊暫不公開）" in books["zh_Hant"]
    assert "(Blind review under way: the authors are not yet disclosed)" in books["en"]
    assert "暂不公开" not in book_html(spec())  # papers with their authors say nothing of the kind
