"""The one write path: a case document and its audit entry, committed together or not at all.

`UnitOfWork` is the read model (domain/read_model.py) plus the vault's transaction. A change
is `with uow.change(ref, action, reason) as case:` on a private copy; when the block ends,
the new document and an audit entry holding the field-by-field diff are written in one
vault transaction, then the read model takes the document. If the block raises, or the
document holds what the vault cannot store, nothing is written and the cache is as it was.
`CaseStore` (domain/store.py) builds every operation of the API on this.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from contextlib import contextmanager
from datetime import date
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar

from tinydb import TinyDB

from cspr_tui.domain import audit, integrity, stored_views
from cspr_tui.domain.case import Case
from cspr_tui.domain.case_json import case_to_data
from cspr_tui.domain.import_plan import ImportPlan
from cspr_tui.domain.integrity import CASES_TABLE
from cspr_tui.domain.read_model import ReadModel
from cspr_tui.domain.storable import require_storable
from cspr_tui.settings import Settings

__all__ = ["UnitOfWork", "VaultLike", "serialised"]

_T = TypeVar("_T")
_P = ParamSpec("_P")
_U = TypeVar("_U", bound="UnitOfWork")


class VaultLike(Protocol):
    """What the store needs from a vault: its TinyDB and a transaction (one durable save)."""

    db: TinyDB

    def transaction(self) -> Any: ...


def serialised(
    method: Callable[Concatenate[_U, _P], _T],
) -> Callable[Concatenate[_U, _P], _T]:
    """One change at a time: read, check, write and re-cache under the store's lock, so
    two workers (Textual threads) never build changes on the same stale case."""

    def locked(self: _U, /, *args: _P.args, **kwargs: _P.kwargs) -> _T:
        with self._lock:
            return method(self, *args, **kwargs)

    functools.update_wrapper(locked, method)  # the name and docstring, for help()
    return locked


def _overwrite(doc: MutableMapping[str, Any], data: Mapping[str, Any]) -> None:
    """Replace a TinyDB document's contents in place (its id stays)."""
    doc.clear()
    doc.update(data)


class UnitOfWork(ReadModel):
    """The cases of an open vault, and the transaction every change of them goes through."""

    def __init__(
        self, vault: VaultLike, settings: Settings, actor: str, clock: Callable[[], date]
    ) -> None:
        super().__init__(lambda: self.vault.db, settings, clock)
        self.vault = vault
        self.actor = actor.strip() or audit.default_actor(settings.reviewer_name)
        self._lock = threading.RLock()
        # Every save that touches a case also writes its stored summary and search text.
        derive_on_save = getattr(vault, "derive_on_save", None)
        # What a long save tells as it goes (`save_progress`): None, or (step, done, total).
        self._progress: Callable[[str, int, int], None] | None = None
        if derive_on_save is not None:
            derive_on_save(CASES_TABLE, self._sync_views)

    @property
    def db(self) -> TinyDB:
        return self.vault.db

    def _sync_views(self, doc_ids: list[int]) -> None:
        """The stored views of the documents a save touched, deadline plans worked out with
        the store's settings (domain/stored_views.py `sync`); an import's save tells its
        progress ("indexing", cases, total) when `save_progress` asked for it."""
        progress = self._progress
        told = None if progress is None else functools.partial(progress, "indexing")
        stored_views.sync(self.vault.db, doc_ids, self.plan_context(), progress=told)

    @contextmanager
    def save_progress(self, progress: Callable[[str, int, int], None] | None) -> Iterator[None]:
        """While the block runs, a save tells `progress` how it goes: ("indexing", cases,
        total) as the cases' summaries and search texts are written, then ("writing",
        bytes, size) as a snapshot is sealed into the file (an import's save)."""
        if progress is None:
            yield
            return
        vault = self.vault
        writes = hasattr(vault, "write_progress")
        self._progress = progress
        if writes:
            vault.write_progress = functools.partial(progress, "writing")  # type: ignore[attr-defined]
        try:
            yield
        finally:
            self._progress = None
            if writes:
                vault.write_progress = None  # type: ignore[attr-defined]

    @property
    def reviewer_name(self) -> str:
        """Who the audit trail names: settings' reviewer name, else the OS user name."""
        return self.actor

    @contextmanager
    def change(
        self, ref: str, action: str, reason: str = "", *, also: Callable[[], None] | None = None
    ) -> Iterator[Case]:
        """A private copy of the case to change; the document and its audit entry (`action`,
        `reason`, the field-by-field diff) are committed together when the block ends, and
        nothing is written if it raises. `also` runs in the same transaction (a further
        audit entry that must go with it)."""
        with self._lock:
            entry = self.entry(ref)
            case = entry.private_case()
            yield case
            self.commit(action, entry.case, case, reason, also=also)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One vault transaction (one durable save), the schema version recorded in it."""
        with self.vault.transaction():
            integrity.stamp_schema(self.db)
            yield

    def commit(
        self,
        action: str,
        before: Case | None,
        after: Case,
        reason: str = "",
        *,
        also: Callable[[], None] | None = None,
    ) -> Case:
        """Write one case (`before` None: a new one) and its audit entry in one transaction,
        then hand the document to the read model. Returns `after` itself."""
        new_data = case_to_data(after)
        require_storable(
            {"case": new_data, "reason": reason, "who": self.actor},
            lambda where: f"{after.ref}: {where.removeprefix('case.')}",
        )
        changes = audit.diff_values(case_to_data(before) if before else {}, new_data)
        table = self.db.table(CASES_TABLE, cache_size=0)
        entry = self.cases().get(after.ref)
        with self.transaction():
            if entry is None:
                doc_id = table.insert(new_data)
            else:
                doc_id = entry.doc_id
                table.update(lambda doc: _overwrite(doc, new_data), doc_ids=[doc_id])
            audit.append_entry(
                self.db,
                who=self.actor,
                action=action,
                ref=after.ref,
                changes=changes,
                reason=reason,
            )
            if also is not None:
                also()
        self.put(after.ref, doc_id, new_data)
        return after

    def commit_import(self, plan: ImportPlan) -> None:
        """Write a whole import (import_plan.py) in one transaction: new documents,
        replaced ones and every audit entry in bulk, so thousands of cases stay quick."""
        cached = self.cases()
        new_docs, replacements = plan.new_docs, plan.replacements
        table = self.db.table(CASES_TABLE, cache_size=0)
        with self.transaction():
            new_ids = table.insert_multiple(new_docs) if new_docs else []
            if replacements:
                table.update(
                    lambda doc: _overwrite(doc, replacements[doc["ref"]]),
                    doc_ids=[cached[ref].doc_id for ref in replacements],
                )
            audit.append_entries(self.db, plan.entries)
        for doc_id, data in zip(new_ids, new_docs, strict=True):
            self.put(data["ref"], doc_id, data)
        for ref, data in replacements.items():
            self.put(ref, cached[ref].doc_id, data)
