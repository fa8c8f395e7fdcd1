"""The web adapter: FastAPI pages and JSON API over the services."""
