"""The 会议手册 (programme booklet): its settings, its content as plain data, the booklet's HTML and its builds.

Built, cached, published and downloaded like the 论文集: its builds are `ProceedingsBuild` rows of
kind HANDBOOK, claimed by the same worker (`seminar.proceedings.worker`).
"""
