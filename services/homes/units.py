"""Host units (依托单位): creation, editing and deactivation by the provincial office."""
import sqlalchemy as sa

from extensions import db
from models import Unit, User
from models.enums import JIANGSU_CITIES, Role, UnitKind
from services import audit
from services import validation as v
from services.errors import Collector, Conflict
from services.scope import require_role

FIELDS = ("name", "kind", "city", "address", "postcode", "contact_person", "phone", "fax", "email")


def _validate(data: dict) -> dict:
    errors = Collector()
    out = {
        "name": v.text(errors, data, "name", "单位名称", max_len=100),
        "kind": v.choice(errors, data, "kind", "单位类型", UnitKind),
        "city": v.text(errors, data, "city", "所在设区市", required=False, max_len=20) or None,
        "address": v.text(errors, data, "address", "通讯地址", required=False, max_len=200),
        "postcode": v.text(errors, data, "postcode", "邮编", required=False, max_len=10),
        "contact_person": v.text(errors, data, "contact_person", "联系人", required=False,
                                 max_len=50),
        "phone": v.text(errors, data, "phone", "联系电话", required=False, max_len=30),
        "fax": v.text(errors, data, "fax", "传真", required=False, max_len=30),
        "email": v.email(errors, data),
    }
    if out["postcode"] and not (out["postcode"].isdigit() and len(out["postcode"]) == 6):
        errors.add("postcode", "邮编应为6位数字")
    if out["kind"] == UnitKind.CITY_ASSOCIATION and out["city"] not in JIANGSU_CITIES:
        errors.add("city", "设区市科协须选择江苏省13个设区市之一")
    elif out["city"] and out["city"] not in JIANGSU_CITIES:
        errors.add("city", "所在设区市须为江苏省13个设区市之一")
    errors.raise_if_any()
    return out


def _check_unique(name: str, exclude_id: int | None = None) -> None:
    stmt = sa.select(Unit.id).where(Unit.name == name)
    if exclude_id is not None:
        stmt = stmt.where(Unit.id != exclude_id)
    if db.session.scalar(stmt) is not None:
        raise Conflict("单位名称已存在", {"name": ["单位名称已存在"]})


def create_unit(actor: User | None, data: dict) -> Unit:
    """Create a unit (provincial admins; None is the command line)."""
    if actor is not None:
        require_role(actor, Role.PROVINCIAL_ADMIN)
    values = _validate(data)
    _check_unique(values["name"])
    unit = Unit(**values)
    db.session.add(unit)
    audit.record(actor, "create", unit)
    return unit


def update_unit(actor: User, unit: Unit, data: dict) -> Unit:
    require_role(actor, Role.PROVINCIAL_ADMIN)
    values = _validate(data)
    _check_unique(values["name"], exclude_id=unit.id)
    before = audit.snapshot(unit)
    for key, value in values.items():
        setattr(unit, key, value)
    audit.record(actor, "update", unit, before=before)
    return unit


def set_active(actor: User, unit: Unit, active: bool) -> Unit:
    """Deactivating a unit also deactivates its managers' accounts."""
    require_role(actor, Role.PROVINCIAL_ADMIN)
    before = audit.snapshot(unit)
    unit.active = active
    if not active:
        for manager in db.session.scalars(sa.select(User).where(
                User.unit_id == unit.id, User.role == Role.HOME_MANAGER, User.active.is_(True))):
            manager.active = False
            audit.record(actor, "deactivate", manager, reason="所属单位停用")
    audit.record(actor, "activate" if active else "deactivate", unit, before=before)
    return unit
