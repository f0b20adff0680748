"""Picks up scenarios that ``import_olx`` recorded while the dev server was running."""
from .imported_scenarios import register_new


class ImportedScenariosMiddleware:
    """Before each request, add newly imported scenarios to the workbench (a directory listing when none is new)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        register_new()
        return self.get_response(request)
