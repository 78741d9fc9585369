"""The PySide6 desktop application. It calls the services; nothing calls up into it."""
