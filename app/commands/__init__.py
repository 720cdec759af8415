"""One module per ``perfeval`` sub-command; each exposes ``register(subparsers)``.

Modules are imported only when their command runs, so ``perfeval check`` never pays for Qt,
SQLAlchemy or reportlab."""
