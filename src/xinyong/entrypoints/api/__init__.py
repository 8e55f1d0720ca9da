"""The HTTP API: FastAPI routers, problem details, limits, group commit."""
