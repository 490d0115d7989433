"""Employers, users, programs and events for the black-box tests: unique ids, a seeded employer
with its programs and a user, and event bodies."""
import itertools
import uuid
from datetime import datetime, timedelta, timezone

_ids = itertools.count()


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}-{next(_ids)}"


def at(days_ago: int = 0, hours: int = 0) -> str:
    return (datetime.now(timezone.utc) - timedelta(days=days_ago, hours=hours)).isoformat()


def seeded(admin, *programs) -> tuple[str, str]:
    """A new employer with `programs` and a user of it; returns (employer id, user id)."""
    employer, user = unique("emp"), unique("user")
    assert admin.post("/v1/employers", {"id": employer, "name": "Employer"}).status_code == 201
    for program in programs:
        created = admin.post(f"/v1/employers/{employer}/programs", program)
        assert created.status_code == 201, created.text
    assert admin.post("/v1/users", {"id": user, "employer_id": employer, "timezone": "UTC"}).status_code == 201
    return employer, user


def birth(reward="Baby kit"):
    return {"name": "Report a birth", "incentive": "event-reported",
            "parameters": {"type": "fact", "value": "gave birth"}, "reward": {"name": reward}}


def event(user, days_ago=0, type="mood", value="good", event_id=None, **extra):
    return {"event_id": event_id or unique("ev"), "user_id": user, "type": type, "value": value,
            "occurred_at": at(days_ago), **extra}
