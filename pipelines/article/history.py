"""An article's revisions as a reader wants them: dates, then what changed, word by word.

Line diffs of news text are useless (a paragraph is one line, so a changed comma shows the
whole paragraph twice); a word-level diff with the unchanged stretches elided shows the edit.
"""

from __future__ import annotations

import difflib
from typing import Any

#: Unchanged words kept on each side of a change, for context.
CONTEXT_WORDS = 8


def word_diff(old: str, new: str, *, context: int = CONTEXT_WORDS) -> list[str]:
    """Changed stretches of `old` → `new`: `[-removed-]` and `{+added+}` marks in context.

    One line per change; an empty list when the texts have the same words.
    """
    a, b = old.split(), new.split()
    out: list[str] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for group in matcher.get_grouped_opcodes(context):
        parts: list[str] = []
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                parts.append(" ".join(a[i1:i2]))
                continue
            if i2 > i1:
                parts.append("[-" + " ".join(a[i1:i2]) + "-]")
            if j2 > j1:
                parts.append("{+" + " ".join(b[j1:j2]) + "+}")
        out.append(" ".join(p for p in parts if p))
    return out


def render_history(url: str, versions: list[dict[str, Any]]) -> str:
    """The versions of `url` (oldest first, the current one last) and the diff of each step."""
    if not versions:
        return f"no stored article {url}"
    lines = [url]
    if len(versions) == 1:
        v = versions[0]
        lines.append(f"one version (fetched {v['fetched_at'] or '?'}); no revision kept")
        return "\n".join(lines)
    for n, (old, new) in enumerate(zip(versions, versions[1:], strict=False), 1):
        when = old["replaced_at"]  # when the change was seen: the fetch that replaced `old`
        label = "edited on the site" if old["reason"] == "site" else "re-derived by tarikh's rules"
        lines.append("")
        lines.append(f"revision {n}: version of {old['fetched_at'] or '?'} replaced {when or '?'} ({label})")
        if (old["title"] or "") != (new["title"] or ""):
            lines.append(f"  title: {old['title']!r} → {new['title']!r}")
        if (old["published"] or "") != (new["published"] or ""):
            lines.append(f"  date: {old['published'] or '-'} → {new['published'] or '-'}")
        changes = word_diff(old["text"] or "", new["text"] or "")
        for change in changes:
            lines.append(f"  text: … {change} …")
        if not changes and (old["text"] or "") != (new["text"] or ""):
            lines.append("  text: only spacing or paragraph breaks changed")
    return "\n".join(lines)
