import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "esp.settings")
application = get_wsgi_application()

from esp.lib.deploy import refuse_development_key  # noqa: E402 - needs the settings loaded

refuse_development_key()
