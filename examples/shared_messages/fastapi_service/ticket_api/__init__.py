"""The ticket desk's FastAPI service (see ``app.py``)."""
