"""HTTP routes: pages, sign-in, the API and the AsyncAPI documentation."""

from chat import views
from django.contrib.auth import views as auth_views
from django.urls import include, path
from rest_framework.authtoken.views import obtain_auth_token

urlpatterns = [
    path("", views.index, name="index"),
    path("chat/<str:room_name>/", views.room, name="room"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # POST username and password, get {"token": ...} for scripts (?token= on the WebSocket).
    path("api/token/", obtain_auth_token, name="api-token"),
    path("api/notifications/", views.NotifyView.as_view(), name="api-notifications"),
    # /asyncapi/schema/ (JSON, ?format=yaml for YAML) and /asyncapi/docs/ (the docs page).
    path("asyncapi/", include("chanx.ext.channels.urls")),
]
