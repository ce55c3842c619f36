"""Site profiles: one TOML file per site in data/sites/, or a zero-config profile for a bare URL."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from crawler.paths import DATA_DIR
from pipelines.article.process import SiteContext
from pipelines.page.extract import ExtractionRules
from pipelines.page.furniture import SiteTemplate

BUNDLED_SITES_DIR = DATA_DIR / "sites"


def sites_dir() -> Path:
    """Where profiles live: $TARIKH_SITES if set (several sets of profiles), else data/sites/."""
    return Path(os.environ.get("TARIKH_SITES") or BUNDLED_SITES_DIR)
BASE_PLACEHOLDER = "{{BASE}}"
TOO_DEEP = "arrays or tables nested too deeply to read"


class ProfileError(ValueError):
    """A profile is missing, unreadable or inconsistent."""


@dataclass
class SiteProfile:
    """What the generic spider needs to know about one site."""

    name: str
    title: str = ""
    start_urls: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    feeds: list[str] = field(default_factory=list)
    allowed_domains: list[str] = field(default_factory=list)
    article_url_patterns: list[str] = field(default_factory=list)
    listing_url_patterns: list[str] = field(default_factory=list)
    archive_url_template: str = ""  # e.g. "{base}/{year}/{month:02d}/" for date-range backfills
    language: str = ""
    timezone: str = ""
    calendar: str = "gregorian"
    hijri_offset: int = 0
    rules: ExtractionRules = field(default_factory=ExtractionRules)
    date_selector: str = ""
    zero_config: bool = False
    max_depth: int = 0  # 0: the spider's default for the mode

    def __post_init__(self) -> None:
        self._article_res = [re.compile(p) for p in self.article_url_patterns]
        self._listing_res = [re.compile(p) for p in self.listing_url_patterns]

    @property
    def domains(self) -> list[str]:
        """Hosts the crawl may visit: the declared ones, else those of the start URLs."""
        if self.allowed_domains:
            return self.allowed_domains
        hosts = {urlsplit(u).hostname for u in self.start_urls + self.sitemaps + self.feeds}
        return sorted(h for h in hosts if h)

    @property
    def is_template(self) -> bool:
        """`{{BASE}}` in its URLs: a template for the local demo server, not a crawlable site."""
        return any(BASE_PLACEHOLDER in u for u in self.start_urls + self.sitemaps + self.feeds)

    def is_article_url(self, url: str) -> bool | None:
        """True/False from the profile's patterns; None when the profile cannot tell."""
        if not self._article_res:
            return None
        path = _path_and_query(url)
        return any(r.search(path) for r in self._article_res)

    def is_listing_url(self, url: str) -> bool:
        path = _path_and_query(url)
        return any(r.search(path) for r in self._listing_res)

    def site_context(self, template: SiteTemplate | None = None) -> SiteContext:
        """The per-site hints the cleaning and dating stages need (crawl and reprocess alike)."""
        return SiteContext(
            site=self.name,
            template=template if template is not None else SiteTemplate(),
            rules=self.rules,
            hijri_offset=self.hijri_offset,
            timezone=self.timezone or None,
            language=self.language or None,
            calendar=self.calendar,
        )

    def with_base(self, base_url: str) -> SiteProfile:
        """Fill `{{BASE}}` placeholders (the bundled demo site runs on a random local port)."""
        base = base_url.rstrip("/")

        def fill(urls: list[str]) -> list[str]:
            return [u.replace(BASE_PLACEHOLDER, base) for u in urls]

        return _replace(
            self, start_urls=fill(self.start_urls), sitemaps=fill(self.sitemaps), feeds=fill(self.feeds)
        )


def _replace(profile: SiteProfile, **changes: object) -> SiteProfile:
    fields = {f: getattr(profile, f) for f in SiteProfile.__dataclass_fields__}
    fields.update(changes)
    return SiteProfile(**fields)


def _path_and_query(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


def profile_from_dict(data: dict, *, source: str = "<dict>") -> SiteProfile:
    """Build a profile from parsed TOML, with errors that name the file and the key."""
    if not data.get("name"):
        raise ProfileError(f"{source}: 'name' is required")
    selectors = data.get("selectors", {}) or {}
    rules = ExtractionRules(
        title_selector=selectors.get("title") or None,
        body_selector=selectors.get("body") or None,
        drop_selectors=list(selectors.get("drop", []) or []),
        drop_patterns=list(data.get("furniture_patterns", []) or []),
    )
    known = set(SiteProfile.__dataclass_fields__) - {"rules", "date_selector", "zero_config"}
    unknown = set(data) - known - {"selectors", "furniture_patterns"}
    if unknown:
        raise ProfileError(f"{source}: unknown keys {sorted(unknown)}")
    kwargs = {k: v for k, v in data.items() if k in known}
    _check_types(data, source)
    try:
        profile = SiteProfile(**kwargs, rules=rules, date_selector=selectors.get("date") or "")
    except (TypeError, re.error) as exc:
        raise ProfileError(f"{source}: {exc}") from exc
    if not (profile.start_urls or profile.sitemaps or profile.feeds):
        raise ProfileError(f"{source}: give at least one of start_urls, sitemaps, feeds")
    for key in ("start_urls", "sitemaps", "feeds"):
        for url in getattr(profile, key):
            if url.startswith(BASE_PLACEHOLDER):
                continue
            try:
                parts = urlsplit(url)
                ok = parts.scheme in ("http", "https") and bool(parts.hostname)
            except ValueError:
                ok = False
            if not ok:  # file://, ftp://, a bare path: tarikh fetches only http(s)
                raise ProfileError(f"{source}: {key}: {url!r} is not an http(s) URL")
    return profile


_LIST_KEYS = ("start_urls", "sitemaps", "feeds", "allowed_domains", "article_url_patterns",
              "listing_url_patterns", "furniture_patterns")
_TEXT_KEYS = ("name", "title", "archive_url_template", "language", "timezone", "calendar")
#: Whole-number keys and their bounds (a Hijri reckoning a month off is a typo; an offset of
#: 99999999999 days was an OverflowError on every date of the site).
_NUMBER_KEYS = {"hijri_offset": (-30, 30), "max_depth": (0, 100)}


def _check_types(data: dict, source: str) -> None:
    """Each key of the type it must be: a string where a list goes would be read letter by
    letter, a huge number would overflow deep inside a crawl."""
    for key in _LIST_KEYS:
        value = data.get(key)
        if value is not None and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            raise ProfileError(f"{source}: {key} must be a list of strings, not {value!r:.60}")
    for key in _TEXT_KEYS:
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            raise ProfileError(f"{source}: {key} must be a string, not {value!r:.60}")
    for key, (low, high) in _NUMBER_KEYS.items():
        value = data.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                  or not low <= value <= high):
            raise ProfileError(f"{source}: {key} must be a whole number from {low} to {high}, "
                               f"not {value!r:.60}")


def profile_path(name: str, directory: Path | None = None) -> Path:
    """The file of profile `name` (or `name` itself when it is a .toml path)."""
    path = Path(name)
    return path if path.suffix == ".toml" else (directory or sites_dir()) / f"{name}.toml"


def load_profile(name: str, directory: Path | None = None) -> SiteProfile:
    """The profile `data/sites/<name>.toml` (or a path to a TOML file)."""
    directory = directory or sites_dir()
    path = profile_path(name, directory)
    if not path.exists():
        available = ", ".join(p.name for p in list_profiles(directory)) or "none"
        raise ProfileError(f"no site profile {name!r} (looked for {path}; available: {available})")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ProfileError(f"{path}: {exc}") from exc
    except RecursionError as exc:  # tomllib recurses once per level of nested arrays
        raise ProfileError(f"{path}: {TOO_DEEP}") from exc
    return profile_from_dict(data, source=str(path))


def list_profiles(directory: Path | None = None) -> list[SiteProfile]:
    profiles = []
    for path in sorted((directory or sites_dir()).glob("*.toml")):
        try:
            profiles.append(load_profile(str(path)))
        except ProfileError:
            continue
    return profiles


#: Calendars a profile's `calendar` hint may name (how to read bare numeric dates).
CALENDARS = ("gregorian", "hijri", "jalali")


@dataclass(frozen=True)
class ProfileProblem:
    """One problem of a profile file: errors stop a crawl, warnings are logged."""

    path: Path
    line: int | None
    message: str
    severity: str = "error"  # "error" | "warning"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.severity}: {self.message}"


def _line_of(text: str, key: str) -> int | None:
    """The line where `key = …` is set (TOML errors give their own line)."""
    match = re.search(rf"^\s*{re.escape(key)}\s*=", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else None


def check_profile_file(path: Path) -> list[ProfileProblem]:
    """Every problem of one profile file: TOML syntax, unknown keys, bad regexes, a `name`
    that is not the file's, a timezone that is not IANA, an unknown calendar, selectors that
    cannot parse. `list_profiles` skips a broken file; this names why (file and line)."""
    from zoneinfo import ZoneInfo

    from pipelines.page.select import selector_error

    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return [ProfileProblem(path, None, str(exc))]  # TOML's message names line and column
    except RecursionError:
        return [ProfileProblem(path, None, TOO_DEEP)]
    problems: list[ProfileProblem] = []

    def add(key: str, message: str, severity: str = "error") -> None:
        problems.append(ProfileProblem(path, _line_of(text, key), message, severity))

    loader_error: ProfileError | None = None
    try:
        profile_from_dict(data, source=path.name)
    except ProfileError as exc:
        loader_error = exc
    name = data.get("name")
    if isinstance(name, str) and name and name != path.stem:
        add("name", f"name {name!r} differs from the file name {path.stem!r}: "
                    f"`tarikh crawl {path.stem}` would store it as {name!r}; rename one")
    for key in ("article_url_patterns", "listing_url_patterns", "furniture_patterns"):
        for pattern in data.get(key, []) or []:
            try:
                re.compile(pattern)
            except (re.error, TypeError) as exc:
                add(key, f"{key}: bad regex {pattern!r}: {exc}")
    timezone = data.get("timezone")
    if timezone:
        try:
            ZoneInfo(str(timezone))
        except (ValueError, KeyError, OSError):
            add("timezone", f"timezone {timezone!r} is not an IANA zone (e.g. 'Asia/Riyadh')")
    calendar = data.get("calendar")
    if calendar is not None and calendar not in CALENDARS:
        add("calendar", f"calendar {calendar!r} is not one of {', '.join(CALENDARS)}")
    offset = data.get("hijri_offset", 0)
    if isinstance(offset, int) and abs(offset) > 2:
        add("hijri_offset", f"hijri_offset {offset} days: reckonings differ from Umm al-Qura "
                            "by a day or two", "warning")
    selectors = data.get("selectors", {}) or {}
    if isinstance(selectors, dict):
        for key in ("title", "body", "date"):
            if selectors.get(key) and (err := selector_error(str(selectors[key]))):
                add(key, f"selectors.{key}: {err}")
        for selector in selectors.get("drop", []) or []:
            if err := selector_error(str(selector)):
                add("drop", f"selectors.drop: {err}")
    if loader_error is not None and not any("bad regex" in p.message for p in problems):
        message = str(loader_error).removeprefix(f"{path.name}: ")
        add(next((k for k in data if k in message), "name"), message)
    return problems


def profile_files(directory: Path | None = None) -> list[Path]:
    return sorted((directory or sites_dir()).glob("*.toml"))


def zero_config_profile(url: str) -> SiteProfile:
    """A profile for a bare URL: the site's sitemap (robots.txt or /sitemap.xml) plus its links."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ProfileError(f"not an http(s) URL: {url!r}")
    root = f"{parts.scheme}://{parts.netloc}/"
    return SiteProfile(
        name=site_key(url),
        title=parts.hostname,
        start_urls=[url],
        sitemaps=[urljoin(root, "robots.txt"), urljoin(root, "sitemap.xml")],
        zero_config=True,
    )


def site_key(url: str) -> str:
    """The `site` value of records from a URL: its host without a leading www."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    host = host[4:] if host.startswith("www.") else host
    default_port = {"http": 80, "https": 443}.get(parts.scheme)
    if parts.port and parts.port != default_port:
        return f"{host}:{parts.port}"
    return host
