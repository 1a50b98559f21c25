"""Importing into a store: spreadsheets (CSV) and FollowTheMoney entity streams.

>>> from graphkit.importer import import_csv, ImportProblems
>>> sorted(REQUIRED)
['entities', 'relationships', 'sources']

Every import runs the same way: a reader turns its input into records, one
shared pipeline checks and plans them, one function writes. Modules, in the
order an import runs through them:

* :mod:`~graphkit.importer.csv_inputs`, :mod:`~graphkit.importer.csv_files` and
  :mod:`~graphkit.importer.csv_reader`: the CSV reader (files, encoding, header,
  rows; checks of cells);
* :mod:`~graphkit.importer.ftm_files`, :mod:`~graphkit.importer.ftm_values` and
  :mod:`~graphkit.importer.ftm_reader`: the FtM reader (JSON lines or a JSON
  array of FollowTheMoney entities; values cleaned by the library; mapped by
  ``data/ftm_mapping.toml``);
* :mod:`~graphkit.importer.values`: checks of single values (ids, dates...);
* :mod:`~graphkit.importer.problems`: :class:`Problem` and
  :class:`ImportProblems`, the one report of everything wrong;
* :mod:`~graphkit.importer.records` and :mod:`~graphkit.importer.to_rdf`: the
  records every reader produces, their IRIs and triples;
* :mod:`~graphkit.importer.lookup`: the store as the checks see it (batched queries);
* :mod:`~graphkit.importer.pipeline`: references, comparison with the store,
  the spool of triples to write: the :class:`~graphkit.importer.pipeline.Plan`;
* :mod:`~graphkit.importer.apply`: the dry run and the one atomic write.
"""

from graphkit.importer.apply import ImportReport, import_csv, import_ftm
from graphkit.importer.csv_files import OPTIONAL, REQUIRED
from graphkit.importer.problems import CsvProblems, ImportProblems, Problem

__all__ = [
    "OPTIONAL",
    "REQUIRED",
    "CsvProblems",
    "ImportProblems",
    "ImportReport",
    "Problem",
    "import_csv",
    "import_ftm",
]
