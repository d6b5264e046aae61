"""Suggested representatives for a need (SPEC §5.11): the candidates ranked by how their
speciality (专业特长) and work unit match the need's field, title and description.

Words come from Chinese word segmentation (`jieba`, search mode, with the project's dictionary of
sci-tech terms in terms.txt); single characters, digits and common words (STOPWORDS) are left out.
A need word weighs 3 in the field, 2 in the title, 1 in the description (its highest); a
representative's word weighs 2 in the speciality and 1 in the work unit (its highest). A
representative's score is the sum, over the words both share, of need weight × representative
weight; the matched words are listed by what they added, then as written. Only candidates with a
score above 0 are suggested, best first (ties by name and id), at most SUGGESTIONS_MAX.

jieba is loaded on first use (about a second and 85 MB), never at import time.
"""
import re
import threading
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from extensions import db
from models import Home, Need, Unit, User
from models.enums import HomeStatus, Role
from services.errors import Forbidden
from services.needs.access import is_manager_of

SUGGESTIONS_MAX = 10
NEED_WEIGHTS = (("field", 3), ("title", 2), ("description", 1))
REP_WEIGHTS = (("speciality", 2), ("work_unit", 1))
TERMS = Path(__file__).with_name("terms.txt")
STOPWORDS = frozenset([
    "的", "了", "和", "与", "及", "或", "等", "在", "对", "为", "是", "有", "我们",
    "我司", "贵司", "希望", "需要", "需求", "问题", "进行", "开展", "相关", "方面", "工作",
    "一个", "一些", "提供", "服务", "帮助", "解决", "如何", "怎么", "能够", "可以", "目前",
    "现在", "公司", "有限", "有限公司", "股份", "集团", "单位", "企业", "大学", "学院",
    "研究", "研究所", "研究院", "中心", "技术", "科技", "项目", "社区", "学校", "村", "街道",
    "邀请", "活动", "讲座", "开展", "专家", "代表", "江苏", "江苏省",
])
_WORD = re.compile(r"^(?:[\u4e00-\u9fff]{2,}|[a-z][a-z0-9+#.-]+)$")

_lock = threading.Lock()
_tokenizer = None


def tokenizer():
    """The jieba tokenizer with the project's dictionary, loaded once on first use."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import jieba
                jieba.setLogLevel(60)
                tok = jieba.Tokenizer()
                tok.initialize()
                tok.load_userdict(str(TERMS))
                _tokenizer = tok
    return _tokenizer


def words(text: str | None) -> set[str]:
    """The meaningful words of `text`: jieba's search-mode words of two or more characters (Latin
    words lower-cased), without STOPWORDS."""
    if not text:
        return set()
    out = set()
    for word in tokenizer().cut_for_search(text.lower()):
        word = word.strip()
        if word not in STOPWORDS and _WORD.match(word):
            out.add(word)
    return out


def _weights(obj, pairs) -> dict[str, int]:
    out: dict[str, int] = {}
    for attr, weight in pairs:
        for word in words(getattr(obj, attr, "") or ""):
            out[word] = max(out.get(word, 0), weight)
    return out


@dataclass(frozen=True)
class Suggestion:
    representative_id: int
    name: str
    home_id: int | None
    score: int
    matched: list[str]


def rank(need_text: dict[str, int], candidates) -> list[Suggestion]:
    """Score each candidate (a User) against the need's weighted words; best first, ≤ 10."""
    out = []
    for rep in candidates:
        rep_words = _weights(rep, REP_WEIGHTS)
        shared = {w: need_text[w] * rep_words[w] for w in need_text.keys() & rep_words.keys()}
        score = sum(shared.values())
        if score > 0:
            matched = sorted(shared, key=lambda w: (-shared[w], w))
            out.append(Suggestion(rep.id, rep.name, rep.home_id, score, matched))
    out.sort(key=lambda s: (-s.score, s.name, s.representative_id))
    return out[:SUGGESTIONS_MAX]


def candidates(actor, need: Need):
    """The representatives a suggestion may name: the active ones of the need's Home; for the
    office before dispatch, those of the active Homes of the need's city. 403 for other roles."""
    stmt = sa.select(User).where(User.role == Role.REPRESENTATIVE, User.active.is_(True))
    if actor.role == Role.PROVINCIAL_ADMIN:
        if need.home_id is not None:
            return db.session.scalars(stmt.where(User.home_id == need.home_id)).all()
        homes = (sa.select(Home.id).join(Unit, Unit.id == Home.unit_id)
                 .where(Unit.city == need.city, Home.status == HomeStatus.ACTIVE))
        return db.session.scalars(stmt.where(User.home_id.in_(homes))).all()
    if is_manager_of(actor, need):
        return db.session.scalars(stmt.where(User.home_id == need.home_id)).all()
    raise Forbidden("只有省科协和该需求所派代表之家的管理员可以查看推荐代表")


def suggest(actor, need: Need) -> list[Suggestion]:
    """The suggested representatives for `need` as `actor` may see them (see the module)."""
    found = candidates(actor, need)
    return rank(_weights(need, NEED_WEIGHTS), found)
