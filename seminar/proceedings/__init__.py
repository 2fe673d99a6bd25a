"""Proceedings: the 论文集 typeset as one PDF book.

`book` holds the plain data (`BookSpec`, `BookTopic`, `BookPaper` …) and builds the HTML,
`typeset` turns it into a PDF (in a separate process for the worker), `numerals` writes the
cover's Chinese date. No ORM here: the build layer fills the dataclasses from the database.
"""
