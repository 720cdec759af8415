"""Pure-Python domain of PerfEval Desk: no Qt, no database, no file formats beyond JSON."""
