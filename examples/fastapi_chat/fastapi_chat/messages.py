"""The messages of the chat app: what clients send, what they receive, what the server pushes.

Attribute docstrings become field descriptions in the AsyncAPI document.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from chanx.messages import BaseMessage, ErrorMessage, MessageUnion, PongMessage

NAME_PATTERN = r"^[A-Za-z0-9_-]{1,40}$"
"""Room names and job ids: letters, digits, ``_`` and ``-``, so they fit a group name."""


class Model(BaseModel):
    """A payload model whose attribute docstrings describe its fields."""

    model_config = ConfigDict(use_attribute_docstrings=True)


# ---------------------------------------------------------------------------- chat
class ChatPayload(Model):
    """A line of chat and who wrote it."""

    name: str = Field(min_length=1, max_length=40)
    """The author's display name."""
    text: str = Field(min_length=1, max_length=1000)
    """What was said."""


class ChatMessage(BaseMessage):
    """A chat line sent by a client to its room."""

    action: Literal["chat"] = "chat"
    payload: ChatPayload


class RoomLine(Model):
    """A chat line as everyone in the room sees it."""

    room: str
    """The room it was said in."""
    name: str
    """The author's display name."""
    text: str
    """What was said."""


class ChatNotificationMessage(BaseMessage):
    """A chat line relayed to everyone in the room, its author included."""

    action: Literal["chat_notification"] = "chat_notification"
    payload: RoomLine


class MemberJoined(Model):
    """Someone entered a room."""

    room: str
    """The room."""


class MemberJoinedEvent(BaseMessage):
    """Server-side: a connection joined a room (sent by the room's consumer itself)."""

    action: Literal["member_joined"] = "member_joined"
    payload: MemberJoined


class MemberJoinedMessage(BaseMessage):
    """Tells everyone in a room that someone joined it."""

    action: Literal["member_joined"] = "member_joined"
    payload: MemberJoined


class Announcement(Model):
    """A notice from the operators."""

    text: str = Field(min_length=1, max_length=1000)
    """The notice."""


class AnnouncementEvent(BaseMessage):
    """Server-side: an announcement for one or more rooms, from a view, job or script."""

    action: Literal["announce"] = "announce"
    payload: Announcement


class AnnouncementMessage(BaseMessage):
    """An announcement shown in the room."""

    action: Literal["announcement"] = "announcement"
    payload: Announcement


RoomEvent = MemberJoinedEvent | AnnouncementEvent
"""The events a chat room consumer handles."""


# ---------------------------------------------------------------------------- notifications
class Notification(Model):
    """A notification for signed-in users."""

    text: str = Field(min_length=1, max_length=500)
    """What happened."""
    level: Literal["info", "warning"] = "info"
    """How much it matters."""


class NotifyEvent(BaseMessage):
    """Server-side: notify every signed-in user, or one of them."""

    action: Literal["notify"] = "notify"
    payload: Notification


class NotificationMessage(BaseMessage):
    """A notification, addressed to the connected user."""

    action: Literal["notification"] = "notification"
    payload: Notification


# ---------------------------------------------------------------------------- jobs
class WatchJob(Model):
    """The job to follow."""

    job_id: str = Field(pattern=NAME_PATTERN)
    """The job's id, chosen by the client before it starts the job."""


class WatchJobMessage(BaseMessage):
    """Follow a job's progress; start the job only after the ``watching`` reply."""

    action: Literal["watch"] = "watch"
    payload: WatchJob


class WatchingMessage(BaseMessage):
    """Confirms that this connection receives the job's progress from now on."""

    action: Literal["watching"] = "watching"
    payload: WatchJob


class JobProgress(Model):
    """How far a job got."""

    job_id: str
    """The job's id."""
    step: int = Field(ge=1)
    """The step just finished, from 1."""
    total: int = Field(ge=1)
    """How many steps the job has."""


class JobProgressEvent(BaseMessage):
    """Server-side: a job finished one step (sent by the job, wherever it runs)."""

    action: Literal["job_progress"] = "job_progress"
    payload: JobProgress


class JobProgressMessage(BaseMessage):
    """A job finished one step."""

    action: Literal["job_progress"] = "job_progress"
    payload: JobProgress


class JobResult(Model):
    """What a finished job produced."""

    job_id: str
    """The job's id."""
    result: str
    """A summary of the result."""


class JobDoneEvent(BaseMessage):
    """Server-side: a job finished (sent by the job, wherever it runs)."""

    action: Literal["job_done"] = "job_done"
    payload: JobResult


class JobDoneMessage(BaseMessage):
    """A job finished; no more progress follows."""

    action: Literal["job_done"] = "job_done"
    payload: JobResult


JobEvent = JobProgressEvent | JobDoneEvent
"""The events a job watcher handles."""


# ---------------------------------------------------------------------------- clients
RoomReply = (
    ChatNotificationMessage | MemberJoinedMessage | AnnouncementMessage | PongMessage | ErrorMessage
)
"""Any frame a chat room sends to a client."""

ROOM_REPLIES: MessageUnion[RoomReply] = MessageUnion(
    ChatNotificationMessage, MemberJoinedMessage, AnnouncementMessage, PongMessage, ErrorMessage
)
"""Parses what a chat room sends, for Python clients: ``ROOM_REPLIES.parse_json(text)``."""
