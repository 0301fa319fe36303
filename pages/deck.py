"""Deck: a presenter's sequence of saved views, shown one per screen with previous/next.

Views come from the sidebar button "add this view" or from pasted share links; the deck
lives in this page's URL (`?v=<view>&v=<view>&s=<step>`), so its link, bookmarked or sent,
reopens the same deck after a restart. Its presentation link shows only the current view
and the previous/next buttons.
"""
import json

import streamlit as st

from mirador import presentation, state
from mirador.i18n import t

FRAME_HEIGHT_PX = 640  # the view's own page in presentation mode; the stylesheet fills the screen

lang = state.language()
presenting = presentation.is_on()

# ---- selection: the views (URL, else this session's, else a starting deck) and the step
views = [v for v in (presentation.parse_view(x, lang) for x in state.url_values(presentation.DECK_VIEWS_KEY)) if v]
views = views or presentation.session_deck() or presentation.default_deck(lang)
presentation.remember_deck(views)
state.write(presentation.DECK_VIEWS_KEY, views)
step_raw = state.url_values(presentation.DECK_STEP_KEY)
step = int(step_raw[0]) if step_raw and step_raw[0].isdigit() else 1
step = min(max(step, 1), len(views))
state.write(presentation.DECK_STEP_KEY, step)


def go_to(new_step: int) -> None:
    state.write(presentation.DECK_STEP_KEY, min(max(new_step, 1), len(views)))


def replace_views() -> None:
    lines = st.session_state["deck_editor"].splitlines()
    edited = [v for v in (presentation.parse_view(line, lang) for line in lines) if v]
    st.session_state["deck_ignored"] = sum(1 for line in lines if line.strip()) - len(edited)
    if edited:
        presentation.remember_deck(edited)
        state.write(presentation.DECK_VIEWS_KEY, edited)
        go_to(1)


st.title(t("page_deck", lang))
if presenting:
    st.html(presentation.DECK_CSS)
else:
    st.markdown(t("deck_intro", lang))
    st.session_state["deck_editor"] = "\n".join(presentation.view_link(v) for v in views)
    st.text_area(t("deck_views_label", lang), key="deck_editor", on_change=replace_views,
                 height=68 + 24 * min(len(views), 8))
    if st.session_state.get("deck_ignored"):
        st.warning(t("deck_ignored_lines", lang, n=st.session_state["deck_ignored"]))
    st.download_button(t("deck_download", lang),
                       json.dumps({"views": views}, ensure_ascii=False, indent=1).encode("utf-8"),
                       file_name="mirador_deck.json", mime="application/json", on_click="ignore",
                       key="download_deck")

# ---- previous / position / next, then the view itself (the banner is in the view's frame)
with st.container(key="deck_controls", horizontal=True, vertical_alignment="center"):
    st.button("◀ " + t("deck_previous", lang), on_click=go_to, args=(step - 1,), disabled=step == 1,
              key="deck_previous")
    st.markdown(t("deck_position", lang, i=step, n=len(views),
                  page=t(f"page_{presentation.view_page(views[step - 1])}", lang)))
    st.button(t("deck_next", lang) + " ▶", on_click=go_to, args=(step + 1,), disabled=step == len(views),
              key="deck_next")
st.iframe(presentation.view_frame_src(views[step - 1]), height=FRAME_HEIGHT_PX,
          alt=t("deck_frame_alt", lang, i=step, n=len(views)))
