"""Use cases: what the pages, the API and the worker do, scoped to who is asking."""
