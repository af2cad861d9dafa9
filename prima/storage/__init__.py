"""Storage: SQLAlchemy models, the database engine, Alembic migrations, and the unit of work
with the records it reads and writes (customers, their conversations and cases, the outbox,
the case timeline, the escalation ladder, the staff desk)."""
