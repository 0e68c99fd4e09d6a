"""One way for every page to keep its state: read from the URL once, kept in session state, written back to the URL.

The idiom, used by every page::

    STATE = PageState("decay", {"sentence": Field("The keys…"), "layer": Field("", url=True), ...})

    state = STATE.restore()                      # first visit this session, or a new link: read the URL
    st.text_area("Sentence", **state.widget("sentence"))
    st.radio("Encoder", names, **state.widget("encoder"))
    ...
    state.write_url()                            # after each run, the address bar holds the view

Why it is built this way:

* Streamlit deletes the session-state key of every widget that a run does not draw (another page ran, or this page
  stopped early). So each value lives under a plain key (``"decay.sentence"``) that nothing deletes, and the widget has
  its own key (``"decay.sentence:widget"``) that ``widget`` fills from the value whenever it is missing or differs
  (the page changed the value itself: a preset, a reset). Its ``on_change`` copies the user's change back.
* A widget that the previous run did not draw (the page stopped early: a word not found) is filled again even when
  Streamlit kept its key: Streamlit sends a widget's value to the browser only when the key was set in this run, and
  a widget the browser draws anew otherwise shows its first option while the server holds the kept value.
* A widget whose ``value=``/``index=``/``default=`` changes between runs is reset by Streamlit, so widgets get none:
  session state alone drives them.
* The URL is read only on the page's first run in a session, or when the address holds values for this page that
  differ from the ones it last wrote (a pasted link, the browser's back button); a sidebar link arrives with an empty
  query and finds the page as the user left it.

Values are stored parsed (ints, floats, tuples); ``Field.parse`` reads one from the URL and ``Field.dump`` writes it
back (``None`` leaves it out of the URL). A value the URL spells wrongly falls back to the field's default.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence

import streamlit as st

from ui import presenter

_RESTORED = "restored"
_WRITTEN = "written"
_DRAWN = "page_state.drawn"  # widget keys drawn since this full run started (its fragment reruns included)
_DRAWN_BEFORE = "page_state.drawn_before"  # widget keys drawn in the full run before it (and its fragment reruns)


@dataclass(frozen=True)
class Field:
    """One piece of a page's state: its default, how the URL spells it, and whether it is in the URL at all."""

    default: Any
    parse: Callable[[str], Any] = str
    dump: Callable[[Any], str | None] = str
    url: bool = True

    def read(self, text: str | None) -> Any:
        """The value a query parameter asks for, or the default when it is missing or unreadable."""
        if text is None:
            return self.default
        try:
            return self.parse(text)
        except (TypeError, ValueError, KeyError):
            return self.default


class PageState:
    """The state of one page, under session-state keys prefixed by ``page`` (see the module docstring)."""

    def __init__(self, page: str, fields: dict[str, Field],
                 on_url: Callable[["PageState"], None] | None = None) -> None:
        """``on_url`` runs after the values were read from the URL (or reset), for values derived from others."""
        self.page = page
        self.fields = fields
        self.on_url = on_url

    def key(self, name: str) -> str:
        """Where the value lives in session state (survives page switches)."""
        return f"{self.page}.{name}"

    def widget_key(self, name: str) -> str:
        """The key of the widget that shows the value (deleted by Streamlit while the widget is not drawn)."""
        return f"{self.page}.{name}:widget"

    def __getitem__(self, name: str) -> Any:
        return st.session_state[self.key(name)]

    def __setitem__(self, name: str, value: Any) -> None:
        st.session_state[self.key(name)] = value

    def restore(self) -> "PageState":
        """Fill the state from the URL when this session has not seen this page's link yet; else keep it.

        Called once at the top of every full run of the page, before its widgets and anything that may stop the
        page: a new run starts here."""
        session = st.session_state
        session[_DRAWN_BEFORE], session[_DRAWN] = session.get(_DRAWN, set()), set()
        asked = self._query()
        restored = session.get(self.key(_RESTORED), False)
        if restored and (not asked or asked == session.get(self.key(_WRITTEN))):
            return self
        for name, field in self.fields.items():
            self[name] = field.read(asked.get(name) if field.url else None)
        session[self.key(_RESTORED)] = True
        session[self.key(_WRITTEN)] = asked
        if self.on_url is not None:
            self.on_url(self)
        return self

    def reset(self) -> None:
        """Every value back to its default and the URL cleared (a button's callback)."""
        for name, field in self.fields.items():
            self[name] = field.default
        st.query_params.clear()
        st.session_state[self.key(_WRITTEN)] = {}
        if self.on_url is not None:
            self.on_url(self)

    def reset_button(self) -> None:
        """The page's reset: every choice back to its default, the address bar cleared."""
        st.button("↺ Reset this page", key=f"{self.page}:reset", on_click=self.reset,
                  help="Back to this page's defaults; the address bar is cleared too.")

    def widget(self, name: str, on_change: Callable[..., None] | None = None, args: Sequence = (),
               in_form: bool = False, labels: Sequence[str] | None = None) -> dict[str, Any]:
        """Keyword arguments for the widget that shows ``name``: its key, and (outside a form) the callback that
        keeps the user's change. Inside a form, the form's submit button calls ``submit`` instead.

        ``labels``: the option labels a select box shows, when they can change while its value does not (the words
        of a new sentence of the same length, the title of a layer of another encoder): the value is then sent
        again, or the browser keeps showing the old label."""
        key = self.widget_key(name)
        session = st.session_state
        relabelled = False
        if labels is not None:
            shown, labels = self.key(f"{name}:labels"), list(labels)
            relabelled, session[shown] = session.get(shown) != labels, labels
        drawn = session.setdefault(_DRAWN, set())
        redrawn = key in drawn or key in session.get(_DRAWN_BEFORE, ())
        drawn.add(key)
        if not redrawn or key not in session or relabelled or not _same(session[key], self[name]):
            session[key] = self[name]
        if in_form:
            return {"key": key}

        def keep() -> None:
            chosen, kept = session[key], self[name]
            if kept is None or chosen is None or type(chosen) is type(kept):
                self[name] = chosen
            # else: the widget's options changed under it and it handed back its old label, not a choice
            if on_change is not None:
                on_change(*args)

        return {"key": key, "on_change": keep}

    def submit(self, names: Iterable[str], then: Callable[[], None] | None = None) -> Callable[[], None]:
        """A form submit button's ``on_click``: keep the values of the form's widgets, then ``then``."""
        names = tuple(names)

        def keep() -> None:
            for name in names:
                self[name] = st.session_state[self.widget_key(name)]
            if then is not None:
                then()

        return keep

    def keep_in(self, name: str, options: Sequence, fallback: Any = None) -> Any:
        """Make the value one of ``options`` (else ``fallback``, else the first option) and return it."""
        if not any(_same(self[name], option) for option in options):
            self[name] = fallback if fallback is not None and fallback in options else options[0]
        return self[name]

    def write_url(self, **spelled: str | None) -> None:
        """Put every URL field's value in the address bar (only what changed is sent to the browser), and nothing
        else: parameters of another page (the browser's back button can bring them along) are removed; ``present``
        (the presenter mode, ``ui.presenter``) is kept.

        ``spelled`` overrides how a field is written when that depends on other fields (``None`` leaves it out).
        """
        foreign = [name for name in st.query_params
                   if name != presenter.PARAM and (name not in self.fields or not self.fields[name].url)]
        for name in foreign:
            del st.query_params[name]
        written = {}
        for name, field in self.fields.items():
            if not field.url:
                continue
            text = spelled[name] if name in spelled else field.dump(self[name])
            if text is None or text == "":
                st.query_params.pop(name, None)
                continue
            written[name] = text
            if st.query_params.get(name) != text:
                st.query_params[name] = text
        st.session_state[self.key(_WRITTEN)] = written

    def _query(self) -> dict[str, str]:
        """This page's parameters in the address bar now."""
        return {name: st.query_params[name] for name, field in self.fields.items()
                if field.url and name in st.query_params}


def _same(a: Any, b: Any) -> bool:
    """Equal and of the same type (a widget may hand back a string where the page keeps a number)."""
    return type(a) is type(b) and a == b
