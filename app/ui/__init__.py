"""The desktop GUI (PySide6 only).  It binds cells to domain fields and never computes a figure itself."""
