"""Rules that check and then write must hold when requests race (SPEC §10).

Every such service locks the row that guards its rule before it checks anything: `lock(obj)`
re-reads the row with SELECT … FOR UPDATE, so a second request waits until the first has committed
and then checks against what the first wrote (409 instead of a second transition, a quota
exceeded, or two renewals). The lock is held until the request's transaction ends. SQLite has no
row locks (it serialises writers on its own); there `lock` only re-reads the row.

The guarding rows: the activity (submit, edit, review, delete, attachments), the application
(edit, submit, review) and its round (approval quota), the appeal (status changes), the assessment
(recompute, override, finalize, publish), the Home (renewal, a year's plan, and — by `lock_id` —
every new worker without a mobile in it, from a form or an import). Other creations rely on
unique constraints instead (services/constraints.py maps a violation to 409); unlinking a worker
is a conditional DELETE (services/contacts/workers.py).
"""
import sqlalchemy as sa

from extensions import db
from services.errors import Conflict

GONE = "该对象已被其他操作删除，请刷新后查看"


def lock(obj):
    """Lock `obj`'s row until the transaction ends and reload it. Its relationships, and the
    objects already loaded through them (an assessment's items), are expired too and load again
    when used, so nothing read before the lock is trusted after it. Conflict when another
    request deleted the row meanwhile."""
    state = sa.inspect(obj)
    mapper = state.mapper
    identity = state.identity
    db.session.flush()  # expiring must not discard a change made before the lock
    for relationship in mapper.relationships:
        if relationship.key in state.unloaded:
            continue
        loaded = state.attrs[relationship.key].loaded_value
        for related in (loaded if isinstance(loaded, (list, set, tuple)) else [loaded]):
            if related is not None and related is not sa.orm.base.NO_VALUE \
                    and sa.inspect(related).persistent:
                db.session.expire(related)
    db.session.expire(obj)
    found = db.session.scalar(
        sa.select(mapper.class_)
        .where(*[column == value for column, value in zip(mapper.primary_key, identity, strict=True)])
        .with_for_update()
        .execution_options(populate_existing=True))
    if found is None:
        raise Conflict(GONE)
    return found


def lock_many(objects) -> list:
    """Lock several rows of one kind in id order (a fixed order, so two batches cannot deadlock)."""
    return [lock(obj) for obj in sorted(objects, key=lambda o: sa.inspect(o).identity)]


def lock_id(model, row_id) -> bool:
    """Lock one row of `model` by its id until the transaction ends, without loading it (a lock
    that only serialises a rule kept elsewhere, e.g. "one worker per name and unit in a Home").
    False when there is no such row."""
    return db.session.scalar(sa.select(model.id).where(model.id == row_id).with_for_update()) \
        is not None


def hold_people(user_ids) -> None:
    """Take the key-share locks of the users this transaction will reference (the people it notifies,
    the representatives its contact records name) before it touches the shared summary rows.

    Why: inserting a row that references a user takes that lock anyway (PostgreSQL's foreign-key
    check, FOR KEY SHARE), but late — after the summary upserts. A move or (de)activation of the
    user locks the user's row FOR UPDATE first and the summary rows after; a writer holding a
    summary row while it waits behind that move, and a third writer that already references the
    user waiting for the same summary row, deadlock. Taken first, the lock makes every writer go
    users → summaries. In id order; a no-op on SQLite (one writer at a time)."""
    ids = sorted({int(i) for i in user_ids if i is not None})
    if not ids or db.session.get_bind().dialect.name != "postgresql":
        return
    from models import User

    db.session.execute(sa.select(User.id).where(User.id.in_(ids)).order_by(User.id)
                       .with_for_update(key_share=True))
