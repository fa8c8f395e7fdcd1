"""End-to-end tests: the real server and its worker, driven through headless Chromium."""
