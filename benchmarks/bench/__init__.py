"""The pieces of ``benchmarks/run.py``: timing, the steps, peak RSS and the report.

``benchmarks/`` is not a package: this one is imported as ``bench`` with
``benchmarks/`` on ``sys.path`` (where a script's own folder already is), so
``generate`` and ``render_bench`` import as top-level modules too.

- ``data``: paths, sizes, the generated data files;
- ``model``: a result ``Row`` and the targets of issue 6;
- ``timing``: the best-of-N alternating timer, peak RSS, child processes;
- ``steps_load``, ``steps_query``, ``steps_graph``, ``steps_render``: the steps;
- ``memory``: one step in a fresh process, for its peak RSS;
- ``runner``: ``Bench``, which runs the steps, and the machine description;
- ``report``: the text table and the README's Markdown table.
"""
