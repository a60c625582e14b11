"""A zone's statistics and list inputs (the 统计数据 side of the ``evidence`` app; same app label, same models).

- ``selectors``: reads — what a zone must report, who may report what, derived figures, lists, history.
- ``services``: writes — parse and validate, save with history (``DataChange``), rescore after commit.
- ``forms``, ``views``, ``urls``: the data form, list inputs, template download/upload, history, completeness.
- ``api``, ``api_urls``: the same through the API.
- ``excel``: the data template (build, parse, import through ``services``).

The models live in ``evidence/models.py`` and ``evidence/models_data.py`` (app label ``evidence``).
"""
