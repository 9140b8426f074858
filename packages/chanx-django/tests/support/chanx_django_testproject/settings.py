"""Settings of the small Django project the chanx-django tests run against."""

SECRET_KEY = "chanx-django-tests-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "api.example.com"]
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "rest_framework",
    "rest_framework.authtoken",
    "channels",
    "chanx.ext.channels",
    "chanx_django_testproject",
]

MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]

ROOT_URLCONF = "chanx_django_testproject.urls"
ASGI_APPLICATION = "chanx_django_testproject.asgi.application"

DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}

# Fast hashing: the tests create users, they do not test password storage.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
}

CHANX = {
    "SEND_COMPLETION": True,
    "ASYNCAPI_TITLE": "Test project API",
    "ASYNCAPI_VERSION": "0.1.0",
}
