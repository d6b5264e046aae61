"""Absolute links and QR codes of a survey (SPEC §5.10, §10): the answering page, with a
representative's public code when the link is theirs, on PUBLIC_BASE_URL (printed things reach
residents, not the intranet)."""
import segno

from services.urls import public_url

#: The endpoint of the public answering page (blueprints/surveys/answer.py).
ANSWER_ENDPOINT = "survey_public.answer"


def survey_url(survey_id: int, rep_code: str | None = None) -> str:
    """The absolute URL of the answering page; `rep_code` credits answers to a representative."""
    if rep_code:
        return public_url(ANSWER_ENDPOINT, survey_id=survey_id, rep=rep_code)
    return public_url(ANSWER_ENDPOINT, survey_id=survey_id)


def survey_qr_svg(url: str, scale: int = 4) -> str:
    """The QR code of `url` as an inline <svg> (no user text reaches it: segno writes paths)."""
    return segno.make(url, error="m", micro=False).svg_inline(
        scale=scale, border=2, title="问卷二维码", dark="#000", light="#fff")
