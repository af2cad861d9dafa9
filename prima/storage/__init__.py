"""Storage: SQLAlchemy models, the database engine, Alembic migrations and the repository."""
