"""Text similarity for 查重 (overlap detection): pure functions over plain strings, no database.

`normalise` makes Simplified and Traditional text, full- and half-width forms and punctuation
variants compare equal and keeps the way back to the original characters; `fingerprints`
hashes character n-grams and winnows them into the few that go into the index; `align` finds
the passages two texts share and `report` turns passages into 复制比.
"""
