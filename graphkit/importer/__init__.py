"""Importing spreadsheets: entities.csv, relationships.csv and sources.csv.

>>> from graphkit.importer import import_csv, CsvProblems
>>> sorted(REQUIRED)
['entities', 'relationships', 'sources']

Modules, in the order an import runs through them:

* :mod:`~graphkit.importer.csv_files`: finding and reading the files (encoding,
  delimiter, header, rows);
* :mod:`~graphkit.importer.problems`: :class:`Problem` and :class:`CsvProblems`,
  the report of everything wrong;
* :mod:`~graphkit.importer.values`: checks of single cells (ids, dates...);
* :mod:`~graphkit.importer.checks`: checks of rows and references, giving
  the :mod:`~graphkit.importer.records`;
* :mod:`~graphkit.importer.to_rdf`: IRIs from ids, and the quads;
* :mod:`~graphkit.importer.apply`: the plan, the dry run and the atomic write.
"""

from graphkit.importer.apply import ImportReport, import_csv
from graphkit.importer.csv_files import OPTIONAL, REQUIRED
from graphkit.importer.problems import CsvProblems, Problem

__all__ = ["OPTIONAL", "REQUIRED", "CsvProblems", "ImportReport", "Problem", "import_csv"]
