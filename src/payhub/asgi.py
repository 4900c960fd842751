"""ASGI entry point: `uvicorn payhub.asgi:app`."""

from payhub.api.app import create_app
from payhub.bootstrap import build_services
from payhub.logs import configure
from payhub.settings import Settings

settings = Settings()
configure(settings.log_level)
app = create_app(build_services(settings), settings)
