"""Seeds employers, programs, users and partners through the real admin API."""
from clients import REDIRECT_URI, SCOPE, ApiClient
from workload import Member, PartnerInfo

PASSWORD = "chaos correct horse battery staple"

# The rules the checks can predict from the stored events alone, whatever order they arrived in.
PROGRAMS = [
    {"name": "Every third event", "incentive": "total-events", "parameters": {"count": 3},
     "reward": {"name": "Points"}, "repeatable": True},
    {"name": "Report a birth", "incentive": "event-reported", "parameters": {"type": "fact", "value": "birth"},
     "reward": {"name": "Baby kit"}},
    {"name": "Three days in a row", "incentive": "consecutive-days", "parameters": {"days": 3},
     "reward": {"name": "Badge"}},
]


class SeedError(RuntimeError):
    pass


def created(response, what: str) -> dict:
    if response.status_code != 201:
        raise SeedError(f"seeding {what}: {response.status_code} {response.text[:300]}")
    return response.json()


def seed(admin: ApiClient, event_users: int, members: int) -> tuple[list[str], list[Member], list[PartnerInfo]]:
    """Two employers with the same three programs; users split between them; two partners, one
    managing the first employer's programs, the other the second's plus the first's birth program."""
    programs: dict[str, list[str]] = {}
    for employer in ("chaos-employer-1", "chaos-employer-2"):
        created(admin.post("/v1/employers", {"id": employer, "name": employer}), employer)
        programs[employer] = [created(admin.post(f"/v1/employers/{employer}/programs", p), p["name"])["id"] for p in PROGRAMS]
    employers = list(programs)

    users = [f"chaos-user-{i}" for i in range(event_users)]
    for i, user in enumerate(users):
        created(admin.post("/v1/users", {"id": user, "employer_id": employers[i % 2], "timezone": "UTC"}), user)
    people = [Member(f"chaos-member-{i}", PASSWORD) for i in range(members)]
    for i, member in enumerate(people):
        created(admin.post("/v1/users", {"id": member.user_id, "employer_id": employers[i % 2], "timezone": "UTC",
                                         "username": member.user_id, "password": member.password}), member.user_id)

    first, second = programs[employers[0]], programs[employers[1]]
    partners = [register(admin, "Chaos Rewards", first), register(admin, "Chaos Wellbeing", second + first[1:2])]
    return users, people, partners


def register(admin: ApiClient, name: str, program_ids: list[str]) -> PartnerInfo:
    body = created(admin.post("/v1/partners", {"name": name, "redirect_uris": [REDIRECT_URI], "scopes": [SCOPE],
                                               "program_ids": program_ids}), name)
    return PartnerInfo(body["client_id"], body["client_secret"], set(program_ids))
