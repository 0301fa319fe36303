"""Staff data page: template, upload and check, preview of the change, publish, roll back.

Listed in the navigation only when a staff password is configured (mirador.staff.auth);
the sign-in lives in the session only, never in the URL. The logic is in mirador/staff/.
"""
import tempfile
from pathlib import Path

import streamlit as st

from etl import template
from etl.load import DatabaseBusy
from mirador import components, exports, literal, state
from mirador import formatting as fmt
from mirador.i18n import t
from mirador.staff import auth, display, preview, publish, upload

SIGNED_IN, CANDIDATE, ROUND, NOTICE = "staff_signed_in", "staff_candidate", "staff_upload_round", "staff_notice"
COMPARISON = "staff_comparison"  # (upload, published version) -> its preview, computed once
PREVIEW_PARTS = {"headlines": "staff_headlines", "recommendations": "staff_recs_header",
                 "values": "staff_values_header", "internal": "staff_internal_header"}

lang = state.language()
st.title(t("page_staff_data", lang))
if not auth.staff_page_enabled():  # reached without a password configured: say nothing more
    st.info(t("staff_not_configured", lang))
    st.stop()


def sign_in_form() -> None:
    with st.form("staff_sign_in", clear_on_submit=True):
        password = st.text_input(t("staff_password", lang), type="password")
        submitted = st.form_submit_button(t("staff_sign_in", lang))
    if submitted:
        with st.spinner(t("staff_checking_password", lang)):
            if auth.sign_in(password):
                st.session_state[SIGNED_IN] = True
                st.rerun()
        st.error(t("staff_wrong_password", lang))


def sign_out() -> None:
    publish.discard(st.session_state.pop(CANDIDATE, None))
    st.session_state.pop(COMPARISON, None)
    st.session_state[SIGNED_IN] = False


def step_writer(status):
    """A progress callback that writes each finished step into `status`, in the reader's language."""
    def tell(step: str, seconds: float) -> None:
        status.write(t("staff_step_done", lang, step=display.step_label(step, lang),
                       seconds=fmt.number(seconds, lang, 1)))
    return tell


@st.cache_data(show_spinner=False)
def template_bytes() -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        return template.write_template(Path(folder) / "template.xlsx").read_bytes()


def checked_upload():
    """The current upload, checked once per file (a rerun reuses the result)."""
    uploaded = st.file_uploader(
        t("staff_upload_label", lang, mb=upload.MAX_UPLOAD_MB), type=["xlsx", "zip"],
        max_upload_size=upload.MAX_UPLOAD_MB, key=f"staff_upload_{st.session_state.get(ROUND, 0)}",
        help=t("staff_upload_help", lang, files=upload.MAX_ZIP_FILES, unpacked=upload.MAX_UNPACKED_MB))
    candidate = st.session_state.get(CANDIDATE)
    if uploaded is None or (candidate is not None and candidate.file_id == uploaded.file_id):
        return candidate if uploaded is not None else None
    publish.discard(candidate)
    with st.status(t("staff_checking", lang, name=literal.markdown(uploaded.name)), expanded=True) as status:
        candidate = publish.check_upload(uploaded.name, uploaded.getvalue(), progress=step_writer(status))
        candidate.file_id = uploaded.file_id
        status.update(state="complete" if candidate.ok else "error", expanded=False,
                      label=t("staff_check_ok" if candidate.ok else "staff_check_failed", lang))
    st.session_state[CANDIDATE] = candidate
    return candidate


def check_report(candidate) -> bool:
    """Every problem, or the reason the file could not be read; True when there is none."""
    if candidate.refused is not None:
        st.error(t(candidate.refused.reason, lang,
                   detail=literal.markdown(literal.without_folders(candidate.refused.detail))))
        return False
    if candidate.problems:
        st.error(t("staff_problems_count", lang, n=len(candidate.problems)))
        problems = display.problems_table(publish.problems_frame(candidate.problems, lang), lang)
        components.dataframe(problems, lang, key="staff_problems")
        st.download_button(t("staff_problems_download", lang), exports.csv_bytes(problems, lang),
                           file_name=t("staff_problems_file", lang), mime="text/csv", on_click="ignore")
        return False
    st.success(t("staff_check_ok", lang))
    if candidate.warnings:
        with st.expander(t("staff_warnings", lang)):
            st.markdown("\n".join(f"- {literal.markdown(literal.without_folders(w))}" for w in candidate.warnings))
    return True


def comparison(candidate) -> preview.Comparison:
    """The preview of this upload against the version published now, computed once for the pair."""
    published_db = publish.published_path()
    pair = (candidate.file_id, publish.current_load_id(published_db))
    cached = st.session_state.get(COMPARISON)
    if cached is not None and cached[0] == pair:
        return cached[1]
    with st.status(t("staff_preview_computing", lang), expanded=True) as status:
        def tell(part: str, seconds: float) -> None:
            step = t("staff_step_compared", lang, part=t(PREVIEW_PARTS[part], lang))
            status.write(t("staff_step_done", lang, step=step, seconds=fmt.number(seconds, lang, 1)))
        result = preview.compare(published_db, candidate.db, candidate.internal, progress=tell)
        status.update(label=t("staff_preview_done", lang), state="complete", expanded=False)
    st.session_state[COMPARISON] = (pair, result)
    return result


def change_preview(candidate) -> None:
    st.header(t("staff_preview_header", lang))
    change = comparison(candidate)
    st.subheader(t("staff_headlines", lang))
    sentences = preview.headline_sentences(change.headlines, lang)
    st.markdown("\n".join(f"- {s}" for s in sentences) if sentences else t("staff_no_headline_change", lang))
    st.subheader(t("staff_recs_header", lang))
    st.caption(t("staff_recs_note", lang))
    components.dataframe(display.recommendations_table(change.recommendations, lang), lang, key="staff_recs")
    internal_recommendations(change)
    st.subheader(t("staff_values_header", lang))
    values = display.values_table(change.values, lang)
    if values.is_empty():
        st.caption(t("staff_no_changes", lang))
    else:
        components.dataframe(values, lang, key="staff_values")


def internal_recommendations(change: preview.Comparison) -> None:
    """Counted apart from the public ones, and only here."""
    st.subheader("🔒 " + t("staff_internal_header", lang))
    st.caption(t("staff_internal_note", lang))
    if change.internal_changes is None:
        st.warning(t("staff_internal_unknown", lang))
    components.dataframe(display.internal_counts_table(change.internal_counts, lang), lang,
                         key="staff_internal_counts")
    if change.internal_changes is None:
        return
    if change.internal_changes.is_empty():
        st.caption(t("staff_no_internal_change", lang))
        return
    with st.expander(t("staff_internal_ids", lang, n=fmt.number(change.internal_changes.height, lang))):
        components.dataframe(display.internal_ids_table(change.internal_changes, lang), lang,
                             key="staff_internal_ids")


def after_swap(message: str) -> None:
    publish.discard(st.session_state.pop(CANDIDATE, None))
    st.session_state.pop(COMPARISON, None)
    st.session_state[ROUND] = st.session_state.get(ROUND, 0) + 1  # a fresh, empty uploader
    st.session_state[NOTICE] = message
    st.rerun()


def publish_form(candidate) -> None:
    st.header(t("staff_publish_header", lang))
    with st.form("staff_publish"):
        person = st.text_input(t("staff_person", lang), max_chars=100)
        comment = st.text_area(t("staff_comment", lang), max_chars=1000)
        confirmed = st.checkbox(t("staff_confirm_publish", lang))
        go = st.form_submit_button(t("staff_publish_button", lang), type="primary")
    if not go:
        return
    if not (confirmed and person.strip()):
        st.warning(t("staff_need_name_and_confirm", lang))
        return
    try:
        with st.status(t("staff_publishing", lang), expanded=True) as status:
            load_id = publish.publish(candidate, person, comment, progress=step_writer(status))
    except DatabaseBusy as busy:
        st.error(t("staff_busy", lang, detail=literal.markdown(literal.without_folders(str(busy)[:200]))))
        return
    after_swap(t("staff_published", lang, load_id=load_id))


def rollback_form() -> None:
    st.header(t("staff_rollback_header", lang))
    log = publish.history()
    versions = [] if log.is_empty() else [r for r in log.iter_rows(named=True) if r["kept"] and not r["current"]]
    if not versions:
        st.caption(t("staff_no_versions", lang))
    else:
        with st.form("staff_rollback"):
            chosen = st.selectbox(t("staff_rollback_choose", lang, n=publish.keep_versions()), versions,
                                  format_func=lambda row: display.version_label(row, lang))
            person = st.text_input(t("staff_person", lang), max_chars=100)
            comment = st.text_area(t("staff_comment", lang), max_chars=1000)
            confirmed = st.checkbox(t("staff_confirm_rollback", lang))
            go = st.form_submit_button(t("staff_rollback_button", lang))
        if go and not (confirmed and person.strip()):
            st.warning(t("staff_need_name_and_confirm", lang))
        elif go:
            try:
                with st.status(t("staff_rolling_back", lang, load_id=chosen["load_id"]), expanded=True) as status:
                    load_id = publish.rollback(chosen["load_id"], person, comment, progress=step_writer(status))
            except DatabaseBusy as busy:
                st.error(t("staff_busy", lang, detail=literal.markdown(literal.without_folders(str(busy)[:200]))))
                return
            after_swap(t("staff_rolled_back", lang, load_id=load_id, restored=chosen["load_id"]))
    st.subheader(t("staff_history_header", lang))
    components.dataframe(display.history_table(log, lang), lang, key="staff_history")


if not st.session_state.get(SIGNED_IN):
    sign_in_form()
    st.stop()

st.button(t("staff_sign_out", lang), on_click=sign_out)
st.markdown(t("staff_intro", lang))
if notice := st.session_state.pop(NOTICE, None):
    st.success(notice)

st.header(t("staff_template_header", lang))
st.caption(t("staff_template_help", lang))
st.download_button(t("staff_template_download", lang), template_bytes(), file_name=t("staff_template_file", lang),
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", on_click="ignore")

st.header(t("staff_upload_header", lang))
candidate = checked_upload()
if candidate is not None and check_report(candidate):
    change_preview(candidate)
    publish_form(candidate)
rollback_form()
