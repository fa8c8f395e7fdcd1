"""Exports of a finished plan run: the plan as a workbook and the cabinet brief as a PDF.

Both are built from the same scoped view of the run (`scope.py`), so an agency operator's
file holds only their own K/L's people, whatever its format.
"""
