"""The province's view over ingested batches: GB/T 2260 regions, rates, credit, alerts.

Qt-free, above `labdesk.batch`: everything here reads the tables that `batch.hq` ingest
fills and never a batch file (ingest stays the only way in).
"""
