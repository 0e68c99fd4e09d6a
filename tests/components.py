"""Our Streamlit components (``st.components.v2``) in AppTest, which has no widget for them: find one by its key, and
send one of its triggers as Streamlit's front end does."""
from __future__ import annotations

import json
from typing import Any

from streamlit.components.v2.bidi_component.main import _make_trigger_id
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import AppTest


def find_component(app: AppTest, key: str) -> Any | None:
    """The component element mounted with ``key``, or None."""
    return next((element for element in app.get("bidi_component") if element.proto.id.endswith(key)), None)


def send_trigger(app: AppTest, element: Any, event: str, value: Any) -> AppTest:
    """Rerun ``app`` with ``element``'s trigger ``event`` set to ``value`` (the trigger joins the other widgets'
    states, as the front end sends it)."""
    states = app._tree.get_widget_states()
    states.widgets.append(WidgetState(id=_make_trigger_id(element.proto.id, "events"),
                                      json_trigger_value=json.dumps([{"event": event, "value": value}])))
    return app._run(states)
