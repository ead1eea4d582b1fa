"""Handover documents and the Geschäftsverteilung: the front matter of a document names its
tasks (``aufgaben``), responsible and deputies. The CSV table is authoritative; a document
that disagrees is reported, and a task only documents name is added from the document, with
the document's access groups (a task a Personalamt paper names must not show its title, keywords
and people to everybody)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from bot.directory.model import Person, Problem, Task
from indexer.model import DocumentMeta


def merge_documents(
    tasks: dict[str, Task],
    people: Mapping[str, Person],
    docs_meta: Mapping[str, DocumentMeta],
    problems: list[Problem],
) -> dict[str, Task]:
    """Attach handover documents to their tasks; add tasks only documents name; report
    documents whose responsible/deputies disagree with the table (the table wins)."""
    merged = dict(tasks)
    for source, meta in sorted(docs_meta.items()):
        for task_id in meta.tasks:
            task = merged.get(task_id)
            if task is None:
                task = _task_from_document(task_id, source, meta, people, problems)
            elif task_id in tasks:
                _report_conflict(task, source, meta, problems)
            else:  # a second document names a task only documents know
                task = replace(task, groups=_widest(task.groups, meta.groups))
            closed = (*task.closed_documents, meta.groups) if meta.groups else task.closed_documents
            merged[task_id] = replace(task, documents=(*task.documents, source),
                                      document_keywords=_more_keywords(task, meta),
                                      closed_documents=closed)
    return merged


def open_titles(docs_meta: Mapping[str, DocumentMeta]) -> dict[str, str]:
    """The titles of the documents every member of staff may read, by source: what a task's
    embedded text may name (``bot.directory.recognise.task_passage``). A restricted
    document's title lends no words, as its keywords do not."""
    return {source: meta.title for source, meta in docs_meta.items() if not meta.groups}


def _more_keywords(task: Task, meta: DocumentMeta) -> tuple[str, ...]:
    """The task's document keywords plus an open document's own (a restricted document's
    words stay out: they would describe a paper the asker may not know of)."""
    if meta.groups:
        return task.document_keywords
    known = {k.casefold() for k in (*task.keywords, *task.document_keywords)}
    new = [k for k in meta.keywords if k.casefold() not in known]
    return (*task.document_keywords, *dict.fromkeys(new))


def _widest(first: tuple[str, ...], second: tuple[str, ...]) -> tuple[str, ...]:
    """Groups of a task two documents name: open when either is open, else both lists."""
    if not first or not second:
        return ()
    return tuple(dict.fromkeys((*first, *second)))


def _task_from_document(
    task_id: str, source: str, meta: DocumentMeta, people: Mapping[str, Person],
    problems: list[Problem],
) -> Task:
    for pid in (meta.responsible, *meta.deputies):
        if pid and pid not in people:
            problems.append(Problem(source, None, f"front matter names unknown person {pid!r}"))
    if not meta.responsible:
        problems.append(Problem(source, None, f"task {task_id!r} is in no table and the "
                                              "document names no responsible"))
    return Task(
        id=task_id, name=meta.title or task_id, keywords=meta.keywords,
        department=meta.department or "",
        responsible=meta.responsible if meta.responsible in people else None,
        deputies=tuple(d for d in meta.deputies if d in people),
        groups=meta.groups,  # a restricted document's task is as restricted as the document
    )


def _report_conflict(task: Task, source: str, meta: DocumentMeta, problems: list[Problem]) -> None:
    if meta.responsible and meta.responsible != task.responsible:
        problems.append(Problem(
            source, None, f"task {task.id!r}: front matter names responsible "
            f"{meta.responsible!r}, zustaendigkeiten.csv {task.responsible!r}",
        ))
    if meta.deputies and tuple(meta.deputies) != task.deputies:
        problems.append(Problem(
            source, None, f"task {task.id!r}: front matter names deputies "
            f"{list(meta.deputies)}, zustaendigkeiten.csv {list(task.deputies)}",
        ))
