"""afterschool kit: the planning library behind the notebooks and the ``afterschool`` command.

Layers, read in this order: ``files`` (reading any table, atomic writes) → ``schema`` and
``normalize`` (every input's columns, declared once, and what staff type) → ``loaders`` and
``validate`` (a file or a folder in, data and problems out) → ``settings`` and ``term_calendar``
→ the planning steps → ``charts`` and documents → ``cli`` and ``runner``.
"""

__version__ = "0.1.0"
