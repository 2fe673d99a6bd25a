"""The seminar administration system.

One thing is set here, before any model class is defined: Tortoise looks for `#:` comments above
each model's fields (to use as their descriptions) by reading the class's source, which means
parsing its whole module again for every model class — about a quarter of the import time of
every process (each server worker, each `seminar` command). Our models carry no such comments
(tests/test_project.py checks), so it is told there are none.
"""

import tortoise.models


def _no_field_comments(cls: type) -> dict[str, str]:
    return {}


tortoise.models._get_comments = _no_field_comments
