"""The builder form of a survey, read into the shape `services.surveys` takes.

Each question block i posts q-i-text, q-i-kind, q-i-options (one option a line), q-i-required,
q-i-position (the order; the page's 上移/下移 buttons keep it) and q-i-delete; `blocks` says how
many blocks were on the page. Blocks without a text and options are blank and left out; the rest
are ordered by position, then by block."""
from flask import request

BLANK_BLOCKS = 1


def read_form() -> dict:
    """The survey fields with `questions` in their order."""
    form = request.form
    data = {
        "title": form.get("title", ""), "intro": form.get("intro", ""),
        "opens_on": form.get("opens_on", ""), "closes_on": form.get("closes_on", ""),
        "anonymous": "anonymous" in form, "code_required": "code_required" in form,
    }
    try:
        blocks = max(0, min(int(form.get("blocks", "0")), 60))
    except ValueError:
        blocks = 0
    found = []
    for i in range(blocks):
        if f"q-{i}-delete" in form:
            continue
        text = form.get(f"q-{i}-text", "")
        options = [line.strip() for line in form.get(f"q-{i}-options", "").splitlines()
                   if line.strip()]
        if not text.strip() and not options:
            continue
        kind = form.get(f"q-{i}-kind", "")
        try:
            position = int(form.get(f"q-{i}-position", i + 1))
        except ValueError:
            position = i + 1
        question = {"text": text, "kind": kind, "required": f"q-{i}-required" in form}
        if kind in ("single", "multiple"):
            question["options"] = options
        found.append((position, i, question))
    found.sort(key=lambda item: (item[0], item[1]))
    data["questions"] = [q for _, _, q in found]
    return data


def block_errors(fields: dict) -> tuple[dict, dict]:
    """Split a service's field messages into (survey field → messages, question index →
    messages); the page shows the questions again in their new order, so indexes match."""
    survey, blocks = {}, {}
    for name, messages in fields.items():
        parts = name.split(".")
        if parts[0] == "questions" and len(parts) >= 2 and parts[1].isdigit():
            blocks.setdefault(int(parts[1]), []).extend(messages)
        else:
            survey.setdefault(parts[0], []).extend(messages)
    return survey, blocks


def blocks_of(questions: list[dict], extra: int = BLANK_BLOCKS) -> list[dict]:
    """The blocks a page shows: the questions, then `extra` blank ones."""
    out = [{"text": q.get("text", ""), "kind": getattr(q.get("kind"), "value", q.get("kind", "")),
            "options": "\n".join(q.get("options") or []), "required": q.get("required", True)}
           for q in questions]
    out += [{"text": "", "kind": "single", "options": "", "required": True}] * extra
    return out
