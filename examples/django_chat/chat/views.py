"""Pages (the room list and a room) and the API view that sends notifications."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from pydantic import ValidationError
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from chat.consumers import NotificationsConsumer
from chat.messages import NotificationPayload, NotifyEvent


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Pick a room to join."""
    return render(request, "chat/index.html")


@login_required
def room(request: HttpRequest, room_name: str) -> HttpResponse:
    """A chat room, with the notifications of the site beside it."""
    return render(request, "chat/room.html", {"room_name": room_name})


class NotifyView(APIView):
    """``POST {"title": ..., "body": ...}``: notify every connected, signed-in user."""

    def post(self, request: Request) -> Response:
        try:
            payload = NotificationPayload.model_validate(request.data)
        except ValidationError as exc:
            errors = exc.errors(include_url=False, include_input=False, include_context=False)
            return Response({"errors": errors}, status=status.HTTP_400_BAD_REQUEST)
        # A sync view: broadcast_event_sync hands the event to the channel layer and returns.
        NotificationsConsumer.broadcast_event_sync(NotifyEvent(payload=payload))
        return Response({"sent": payload.model_dump()}, status=status.HTTP_202_ACCEPTED)
