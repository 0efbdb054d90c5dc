"""Users, Argon2 passwords, hashed expiring bearer tokens, and the acting user (Actor)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from domain.errors import Forbidden, Unauthenticated
from domain.models import ApiToken, Org, User
from domain.models.types import utcnow

ROLES = ("admin", "manager", "operator", "auditor")
# Argon2id at the OWASP minimum (19 MiB, 2 passes, 1 lane): strong, and cheap enough that a
# login on a 2-core server does not queue behind other logins.
_hasher = PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)
# Verifying against this keeps the time of a login for an unknown user like that of a known one.
_DUMMY_HASH = _hasher.hash("not-a-password")


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


def issue_token(session: Session, *, username: str, password: str, ttl: timedelta,
                ) -> tuple[str, datetime]:
    """Check the password and store a new token's hash; answer (token, expires_at)."""
    user = session.execute(select(User).where(col(User.username) == username)).scalar_one_or_none()
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        user = None
    if user is None:
        raise Unauthenticated("wrong username or password", code="bad-credentials")
    token = secrets.token_urlsafe(32)
    expires_at = utcnow() + ttl
    assert user.id is not None
    session.add(ApiToken(token_hash=token_digest(token), user_id=user.id, expires_at=expires_at))
    return token, expires_at


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
