"""The service layer: the only way the UI and the CLI change data (Qt-free).

Workflow rules and role permissions are enforced here, never by hiding buttons.
"""
