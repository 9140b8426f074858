"""The FastAPI app: the chat page, three WebSocket endpoints, HTTP endpoints and the API docs.

Serve it with ``uvicorn fastapi_chat.app:app`` from ``examples/fastapi_chat`` (see the README).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path as FilePath
from typing import Annotated, Literal

from fastapi import FastAPI, HTTPException, Path, Request
from fastapi.responses import HTMLResponse
from pydantic import Field

from chanx.ext.fast_channels import AsyncAPIConfig, asyncapi_router, websocket_route
from fastapi_chat.consumers import (
    ChatConsumer,
    JobsConsumer,
    NotificationsConsumer,
    room_group,
    user_group,
)
from fastapi_chat.jobs import DuplicateJobError, JobRunner
from fastapi_chat.messages import (
    NAME_PATTERN,
    Announcement,
    AnnouncementEvent,
    Model,
    Notification,
    NotifyEvent,
)
from fastapi_chat.settings import Settings, configure_channel_layer

SETTINGS = Settings.from_env()
configure_channel_layer(SETTINGS)

INDEX_PAGE = FilePath(__file__).parent / "static" / "index.html"


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Start the job runner with the app and stop it with the app."""
    runner = JobRunner(SETTINGS)
    await runner.start()
    app.state.jobs = runner
    try:
        yield
    finally:
        await runner.close()


app = FastAPI(
    title="Chanx chat",
    version="1.0.0",
    description="A chat room, notifications and background jobs over typed WebSockets.",
    lifespan=lifespan,
)
app.router.routes.extend(
    [
        websocket_route("/ws/chat/{room_name}", ChatConsumer),
        websocket_route("/ws/notifications", NotificationsConsumer),
        websocket_route("/ws/jobs", JobsConsumer),
    ]
)
# /asyncapi/schema.json, /asyncapi/schema.yaml and /asyncapi/docs, built from the routes above;
# the document's server is the host the request came to.
app.include_router(
    asyncapi_router(
        app,
        AsyncAPIConfig(description="The WebSocket API of the FastAPI chat example."),
    )
)

RoomName = Annotated[str, Path(pattern=NAME_PATTERN, description="The room's name.")]


@app.get("/", response_class=HTMLResponse, include_in_schema=False)
async def index() -> HTMLResponse:
    """The chat page."""
    return HTMLResponse(INDEX_PAGE.read_text(encoding="utf-8"))


class Accepted(Model):
    """The request was accepted; what it asked for happens in the background."""

    status: Literal["accepted"] = "accepted"
    """Always ``accepted``."""


@app.post("/api/rooms/{room_name}/announcements", status_code=202)
async def announce(room_name: RoomName, announcement: Announcement) -> Accepted:
    """Show an announcement in a room, through each member's ``announcement`` handler."""
    await ChatConsumer.broadcast_event(
        AnnouncementEvent(payload=announcement), groups=[room_group(room_name)]
    )
    return Accepted()


class NotifyRequest(Notification):
    """A notification and whom it is for."""

    to: str | None = Field(default=None, max_length=40)
    """A username, or None for every signed-in user."""


@app.post("/api/notifications", status_code=202)
async def notify(request: NotifyRequest) -> Accepted:
    """Notify every signed-in user, or one of them."""
    event = NotifyEvent(payload=Notification(text=request.text, level=request.level))
    if request.to is None:
        await NotificationsConsumer.broadcast_event(event)
    else:
        await NotificationsConsumer.broadcast_event(event, groups=[user_group(request.to)])
    return Accepted()


class JobRequest(Model):
    """A report job to start."""

    job_id: str = Field(pattern=NAME_PATTERN)
    """The job's id; send ``watch`` with it on ``/ws/jobs`` first."""
    steps: int = Field(default=5, ge=1, le=20)
    """How many steps the job does."""
    delay: float = Field(default=0.5, ge=0, le=5)
    """Seconds per step."""


class JobAccepted(Model):
    """A job was started."""

    job_id: str
    """The job's id."""
    runs_on: Literal["arq", "inline"]
    """``arq`` when the worker runs it, ``inline`` when the web process does (no Redis)."""


@app.post("/api/jobs", status_code=202)
async def start_job(job: JobRequest, request: Request) -> JobAccepted:
    """Start a report job; its progress arrives on ``/ws/jobs`` for the job's watchers."""
    runner: JobRunner = request.app.state.jobs
    try:
        await runner.submit(job.job_id, job.steps, job.delay)
    except DuplicateJobError:
        raise HTTPException(409, f"job {job.job_id} exists already") from None
    return JobAccepted(job_id=job.job_id, runs_on=runner.where)
