"""Users, Argon2 passwords, hashed expiring bearer tokens, and the acting user (Actor)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from sqlmodel import col

from domain.db import Database
from domain.errors import Forbidden, Unauthenticated
from domain.models import ApiToken, Org, User
from domain.models.types import utcnow
from domain.rate_limit import LoginLimiter

ROLES = ("admin", "manager", "operator", "auditor")
# Argon2id at the OWASP minimum (19 MiB, 2 passes, 1 lane): strong, and cheap enough that a
# login on a 2-core server does not queue behind other logins.
_hasher = PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)
# Verifying against this keeps the time of a login for an unknown user like that of a known one.
_DUMMY_HASH = _hasher.hash("not-a-password")
PURGE_BATCH = 500


@dataclass(frozen=True)
class Actor:
    user_id: int
    username: str
    role: str
    org_id: int | None
    org_code: str | None

    @property
    def sees_everything(self) -> bool:
        return self.role in ("admin", "auditor")

    def require(self, *roles: str) -> None:
        if self.role not in roles:
            raise Forbidden(f"the role '{self.role}' may not do this", code="forbidden-role")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def token_digest(token: str) -> str:
    # Tokens are 256-bit random strings, so a fast hash is as safe as a slow one here.
    return hashlib.sha256(token.encode()).hexdigest()


def verify_password(password_hash: str | None, password: str) -> bool:
    """Argon2 verification (tens of milliseconds of CPU: callers keep it off the event loop)."""
    try:
        return bool(_hasher.verify(password_hash or _DUMMY_HASH, password)) and \
            password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def purge_expired_tokens(session: Session, *, limit: int = PURGE_BATCH) -> int:
    """Delete up to `limit` expired tokens (bounded, so that a login never waits on a backlog)."""
    ids = select(col(ApiToken.id)).where(col(ApiToken.expires_at) <= utcnow()).limit(limit)
    result = session.execute(delete(ApiToken).where(col(ApiToken.id).in_(ids.scalar_subquery())))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def log_in(db: Database, *, username: str, password: str, address: str, limiter: LoginLimiter,
           ttl: timedelta) -> tuple[str, datetime]:
    """Check the password, then store a new token's hash; answer (token, expires_at).

    Refused with 429 while the (user, address) or address has failed too often, before the
    password is checked. The password is verified outside any transaction (Argon2 is slow and
    a write transaction holds SQLite's only write lock); only a correct one leads to a write,
    which also purges a bounded number of expired tokens.
    """
    limiter.check(username, address)
    with db.read() as session:
        row = session.execute(select(col(User.id), col(User.password_hash))
                              .where(col(User.username) == username)).one_or_none()
    if row is None or not verify_password(row.password_hash, password):
        limiter.failed(username, address)
        raise Unauthenticated("wrong username or password", code="bad-credentials")
    limiter.succeeded(username, address)
    token = secrets.token_urlsafe(32)
    expires_at = utcnow() + ttl
    with db.write() as session:
        purge_expired_tokens(session)
        session.add(ApiToken(token_hash=token_digest(token), user_id=row.id,
                             expires_at=expires_at))
    return token, expires_at


def issue_token(session: Session, *, username: str, password: str, ttl: timedelta,
                ) -> tuple[str, datetime]:
    """`log_in` in one caller's transaction, without limits (tools and tests)."""
    user = session.execute(select(User).where(col(User.username) == username)).scalar_one_or_none()
    if not verify_password(user.password_hash if user else None, password) or user is None:
        raise Unauthenticated("wrong username or password", code="bad-credentials")
    token = secrets.token_urlsafe(32)
    expires_at = utcnow() + ttl
    assert user.id is not None
    session.add(ApiToken(token_hash=token_digest(token), user_id=user.id, expires_at=expires_at))
    return token, expires_at


def revoke_token(session: Session, token: str) -> None:
    """Delete the token (log out); an unknown or expired token is `invalid-token`."""
    actor_for_token(session, token)
    session.execute(delete(ApiToken).where(col(ApiToken.token_hash) == token_digest(token)))


def actor_for_token(session: Session, token: str) -> tuple[Actor, datetime]:
    """The user a token belongs to and when the token expires; unknown or expired: 401."""
    row = session.execute(
        select(col(User.id), col(User.username), col(User.role), col(User.org_id), col(Org.code),
               col(ApiToken.expires_at))
        .join(ApiToken, col(ApiToken.user_id) == User.id)
        .outerjoin(Org, col(Org.id) == User.org_id)
        .where(col(ApiToken.token_hash) == token_digest(token))
    ).one_or_none()
    if row is None or row.expires_at <= utcnow():
        raise Unauthenticated("the token is unknown or has expired", code="invalid-token")
    return Actor(row.id, row.username, row.role, row.org_id, row.code), row.expires_at
