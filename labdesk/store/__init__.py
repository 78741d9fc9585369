"""SQLite storage: connection, schema, migrations, single-writer lock, audit trail (Qt-free)."""
