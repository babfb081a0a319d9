"""Drives the API through a client generated from /openapi.json by openapi-python-client.

Registers, logs in, reads /api/me and pages through /api/events with `after`, using only the
generated functions and models: if the document is wrong, this does not type-check or fails.
Run by scripts/api-contract.sh as `client_test.py BASE_URL`.
"""

import sys
import uuid

from switchboard_client import AuthenticatedClient, Client
from switchboard_client.api.auth import login, register
from switchboard_client.api.events import list_events
from switchboard_client.api.me import get_me, update_me
from switchboard_client.models import LoginRequest, RegisterRequest, UpdateMeRequest


def main(base_url: str) -> None:
    client = Client(base_url=base_url, raise_on_unexpected_status=True)
    email = f"client-{uuid.uuid4().hex[:12]}@example.org"
    password = "generated client password"

    created = register.sync(
        client=client,
        body=RegisterRequest(email=email, password=password, display_name="Generated"),
    )
    assert created is not None and created.data.email == email, created

    tokens = login.sync(client=client, body=LoginRequest(email=email, password=password))
    assert tokens is not None and tokens.data.token_type == "Bearer", tokens
    authed = AuthenticatedClient(
        base_url=base_url, token=tokens.data.access_token, raise_on_unexpected_status=True
    )

    me = get_me.sync(client=authed)
    assert me is not None and me.data.email == email and me.data.display_name == "Generated", me

    # Three changes to page through, one event at a time.
    for name in ["One", "Two", "Three"]:
        changed = update_me.sync(client=authed, body=UpdateMeRequest(display_name=name))
        assert changed is not None and changed.data.display_name == name, changed

    seen = []
    after = None
    for _ in range(20):
        page = list_events.sync(client=authed, limit=1, **({"after": after} if after else {}))
        assert page is not None, page
        if not page.data.events:
            break
        assert len(page.data.events) == 1, page
        seen.extend(page.data.events)
        after = page.data.next_cursor
    kinds = [(e.model_name, e.kind, e.attribute_name) for e in seen]
    assert kinds[0] == ("user", "added", ""), kinds
    assert [k for k in kinds if k[1] == "changed"] == [("user", "changed", "display_name")] * 3, kinds
    assert all(e.object_id == me.data.id for e in seen), seen
    print(f"generated client: registered, logged in, read /api/me, paged {len(seen)} events")


if __name__ == "__main__":
    main(sys.argv[1])
