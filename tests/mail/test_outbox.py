from __future__ import annotations

from seminar.mail.outbox import render_mail


def test_render_mail_text_part_is_plain_text_and_html_part_is_escaped() -> None:
    context = {"recipient_name": "O'Brien & 张伟 <x>", "base_url": "http://testserver/?a=1&b=2", "smtp_host": ""}

    subject, text, html = render_mail("test_message", "en", context)

    assert subject == "Test message from the seminar administration system"
    assert text.startswith("Hello O'Brien & 张伟 <x>,\n")
    assert "http://testserver/?a=1&b=2 reaches you" in text
    assert "O&#39;Brien &amp; 张伟 &lt;x&gt;" in html


def test_render_mail_uses_the_recipients_language() -> None:
    subject, text, _html = render_mail("test_message", "zh_Hans", {"recipient_name": "张伟", "base_url": "x", "smtp_host": ""})

    assert "测试" in subject
    assert text.startswith("张伟")
