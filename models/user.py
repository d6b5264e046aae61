"""User accounts of every role; a representative belongs to a Home, a manager to a unit."""
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates
from werkzeug.security import check_password_hash, generate_password_hash

from models.base import Base, TimestampMixin, UTCDateTime, enum_column
from models.enums import Level, Role


def _public_code_default(context):
    """A new representative gets a random 代表码 (SPEC §5.5); other roles none."""
    if context.get_current_parameters().get("role") == Role.REPRESENTATIVE.value:
        return new_public_code()
    return None


NAME_KEY_LENGTH = 400
# Surnames read otherwise than the character's usual reading (曾国藩 is zeng, not ceng).
_SURNAMES = {"曾": "zeng1", "单": "shan4", "解": "xie4", "仇": "qiu2", "朴": "piao2", "查": "zha1",
             "区": "ou1", "乐": "yue4", "盖": "ge3", "缪": "miao4", "翟": "zhai2", "覃": "qin2",
             "种": "chong2", "秘": "bi4", "员": "yun4", "任": "ren2", "沈": "shen3", "卜": "bu3",
             "尉": "wei4", "宓": "fu2", "长": "chang2", "重": "chong2", "隗": "wei3", "句": "gou1"}


def name_sort_key(name) -> str:
    """The key that sorts names as Chinese readers expect, by pinyin (pypinyin): each character's
    syllable with its tone digit, separated by spaces (`李明` → `li3 ming2`, `梁` → `liang2`, so
    李明 comes before 梁); a first character that is a surname read otherwise (曾, 单, 解 …) read
    as the surname; letters lower-cased, other characters kept as written; at most
    NAME_KEY_LENGTH characters."""
    from pypinyin import Style, lazy_pinyin  # loaded on first use, not at import time

    name = name.strip() if isinstance(name, str) else ""
    if not name:
        return ""
    first = _SURNAMES.get(name[0])
    rest = name[1:] if first else name
    syllables = ([first] if first else []) + lazy_pinyin(rest, style=Style.TONE3,
                                                        neutral_tone_with_five=True)
    return " ".join(s.strip().lower() for s in syllables if s.strip())[:NAME_KEY_LENGTH]


def _name_key_default(context):
    """An INSERT without a key (the import's multi-row INSERT) gets the key of its name."""
    return name_sort_key(context.get_current_parameters().get("name"))


def new_public_code() -> str:
    """Random, URL-safe, 12 characters, unrelated to the id (SPEC §5.5: ≥ 8)."""
    return secrets.token_urlsafe(9)


class User(UserMixin, TimestampMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(50))
    # The name's pinyin sort key (name_sort_key), kept with the name: set whenever `name` is set
    # on an object, and by the column default for inserts that bypass the object.
    name_key: Mapped[str] = mapped_column(sa.String(NAME_KEY_LENGTH), default=_name_key_default,
                                          server_default="")
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    role: Mapped[Role] = enum_column(Role, "role", index=True)
    active: Mapped[bool] = mapped_column(default=True)
    mobile: Mapped[str] = mapped_column(sa.String(20), default="", index=True)
    email: Mapped[str] = mapped_column(sa.String(120), default="")
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"), index=True)
    # Indexed by ix_users_home_id_role_active (home_id first), below.
    home_id: Mapped[int | None] = mapped_column(sa.ForeignKey("homes.id"))
    level: Mapped[Level | None] = enum_column(Level, "level", nullable=True)
    # A city administrator's 设区市 (one of JIANGSU_CITIES): its read-only scope (SPEC §5.12).
    city: Mapped[str | None] = mapped_column(sa.String(20))
    work_unit: Mapped[str] = mapped_column(sa.String(100), default="")
    speciality: Mapped[str] = mapped_column(sa.String(100), default="")
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # 代表码 (SPEC §5.5): the public page /r/<public_code> of a representative.
    public_code: Mapped[str | None] = mapped_column(sa.String(32), unique=True,
                                                    default=_public_code_default)
    # First logins (SPEC §5.8): an imported or reset account holds an activation code (SHA-256 only)
    # instead of a usable password, and must set its own password before anything else.
    must_change_password: Mapped[bool] = mapped_column(default=False,
                                                       server_default=sa.false())
    activation_code_hash: Mapped[str | None] = mapped_column(sa.String(64))
    activation_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Identification (SPEC §5.13): password age, the per-account failure counter and lock, what the
    # owner is told at the next login, and the second factor (TOTP secret, last step used).
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failed_logins: Mapped[int] = mapped_column(default=0, server_default="0")
    failure_window_start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    unseen_failures: Mapped[int] = mapped_column(default=0, server_default="0")
    last_failure_address: Mapped[str] = mapped_column(sa.String(64), default="",
                                                      server_default="")
    last_failure_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    otp_secret: Mapped[str | None] = mapped_column(sa.String(64))
    otp_pending_secret: Mapped[str | None] = mapped_column(sa.String(64))
    otp_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    otp_last_step: Mapped[int | None] = mapped_column(sa.BigInteger)

    unit: Mapped["Unit | None"] = relationship(foreign_keys=[unit_id])  # noqa: F821
    home: Mapped["Home | None"] = relationship(foreign_keys=[home_id])  # noqa: F821

    __table_args__ = (
        sa.CheckConstraint(
            "role != 'representative' OR (home_id IS NOT NULL AND level IS NOT NULL)",
            name="representative_has_home_and_level"),
        sa.CheckConstraint("role != 'home_manager' OR unit_id IS NOT NULL",
                           name="manager_has_unit"),
        sa.CheckConstraint("role != 'city_admin' OR city IS NOT NULL",
                           name="city_admin_has_city"),
        # Usernames are unique ignoring case (`ADMIN` beside `admin` is refused); login ignores case.
        # (The plain unique constraint stays: dropping it would rebuild the table on SQLite.)
        sa.Index("uq_users_username_lower", sa.func.lower(username), unique=True),
        # Lists of people in name order, keyset-paged: (name_key, id).
        sa.Index("ix_users_name_key", name_key, id),
        # A Home's representatives (active ones) and their ids from the index alone: the
        # representatives table, its export and the Home's compliance read only that Home's
        # entries, whatever the plan guesses for `role = $n` (a bound parameter in a generic plan).
        sa.Index("ix_users_home_id_role_active", home_id, role, active, id),
    )

    @validates("name")
    def _keep_name_key(self, _key, value):
        """Setting the name sets its sort key (pages, API, imports and the demo alike)."""
        self.name_key = name_sort_key(value)
        return value

    # Flask-Login reads is_active.
    @property
    def is_active(self):
        return self.active

    def get_id(self):
        """Flask-Login's alternative id "<id>:<login key>" while a browser login is attached.

        The key is set by services/accounts/sessions.py (start_session, load_user); without one the plain
        id is returned, which the user loader refuses.
        """
        key = getattr(self, "login_key", None)
        return f"{self.id}:{key}" if key else str(self.id)

    def set_password(self, password: str) -> None:
        """Hash with Werkzeug's default (scrypt) and note when (the age of SPEC §5.13)."""
        from models.base import utcnow
        self.password_hash = generate_password_hash(password)
        self.password_changed_at = utcnow()

    @property
    def needs_second_factor(self) -> bool:
        """Every role but representative must use a second factor (SPEC §5.13)."""
        return self.role != Role.REPRESENTATIVE

    @property
    def has_second_factor(self) -> bool:
        """Whether a TOTP factor is enrolled and confirmed."""
        return bool(self.otp_secret and self.otp_confirmed_at)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_admin(self):
        return self.role == Role.PROVINCIAL_ADMIN

    @property
    def is_manager(self):
        return self.role == Role.HOME_MANAGER

    @property
    def is_representative(self):
        return self.role == Role.REPRESENTATIVE

    @property
    def scope_home_id(self):
        """The Home this user works in: a representative's own, a manager's unit's Home, else None."""
        if self.role == Role.REPRESENTATIVE:
            return self.home_id
        if self.role == Role.HOME_MANAGER and self.unit is not None and self.unit.home is not None:
            return self.unit.home.id
        return None

    def __repr__(self):
        return f"<User {self.id} {self.username}>"
