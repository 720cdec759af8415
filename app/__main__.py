"""``python -m app`` — same as the ``perfeval`` command."""

from app.cli import run

if __name__ == "__main__":  # not when a worker process of a batch export imports the main module
    run()
