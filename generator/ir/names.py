"""Safe Python names, made once where they are created.

`Identifier` (snake_case attributes, parameters, modules), `ClassName`
(PascalCase classes) and `ConstantName` (UPPER_CASE enum members) are `str`
subclasses whose constructors sanitise any spec text into a valid, non-reserved
Python name. Templates print them as they are; nothing downstream patches names.
"""

from __future__ import annotations

import builtins
import functools
import hashlib
import keyword
import re
import unicodedata
from typing import TypeVar

N = TypeVar("N", bound=str)

# Words: a plural acronym (APIs), an acronym before a word (HTTPServer), a capitalised or lower word, digits.
_WORD = re.compile(r"[A-Z]{2,}s(?![a-z])|[A-Z]+(?=[A-Z][a-z0-9])|[A-Z]?[a-z0-9]+|[A-Z]+|[0-9]+")


# Letters NFKD does not decompose into ASCII.
_TRANSLITERATE = str.maketrans(
    {"ß": "ss", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "þ": "th"}
)


@functools.lru_cache(maxsize=8192)  # the same schema and property names are split again and again
def words(text: str) -> tuple[str, ...]:
    """Split text into words at case changes and any non-alphanumeric character (accents dropped)."""
    ascii_text = unicodedata.normalize("NFKD", text.translate(_TRANSLITERATE)).encode("ascii", "ignore").decode()
    return tuple(_WORD.findall(ascii_text))


MAX_NAME = 64  # longer names (a whole sentence used as a name) are cut and keep a hash to stay unique


def _no_digit_start(name: str, prefix: str) -> str:
    return f"{prefix}{name}" if name[:1].isdigit() else name


def _bounded(name: str, raw: object, joiner: str) -> str:
    if len(name) <= MAX_NAME:
        return name
    digest = hashlib.sha256(str(raw).encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{name[: MAX_NAME - 9]}{joiner}{digest}"


class Identifier(str):
    """A snake_case Python identifier that is not a keyword (e.g. `from` -> `from_`)."""

    __slots__ = ()

    def __new__(cls, raw: str, reserved: frozenset[str] = frozenset()) -> Identifier:
        """Make `raw` a safe snake_case name; names in `reserved` get a trailing underscore."""
        name = "_".join(w.lower() for w in words(raw)) or "value"
        name = _bounded(_no_digit_start(name, "n"), raw, "_")
        if keyword.iskeyword(name) or keyword.issoftkeyword(name) or name in reserved:
            name += "_"
        return super().__new__(cls, name)


# Names the generated modules define or import themselves, and the runtime's names the package root exports
# beside the types; a schema may not take them (tests/unit/ir/test_names.py checks them against the rendered modules).
RESERVED_CLASS_NAMES = frozenset(
    {
        "APIResponseValidationError",
        "AuthenticationError",
        "BadRequestError",
        "ConflictError",
        "InternalServerError",
        "InvalidRequestError",
        "MissingCredentialsError",
        "NotFoundError",
        "PaginationLoopError",
        "PermissionDeniedError",
        "RateLimitError",
        "UnexpectedActionError",
        "UnprocessableEntityError",
        "WaitFailedError",
        "WaitTimeoutError",
        "Page",
        "AsyncPage",
        "AsyncPaginator",
        "Middleware",
        "AsyncMiddleware",
        "Accepted",
        "AsyncAccepted",
        "ActionHandle",
        "AsyncActionHandle",
        "RawResponse",
        "RequestOptions",
        "Stream",
        "AsyncStream",
        "ServerSentEvent",
        "StreamInterruptedError",
        "WebhookVerificationError",
        "FileInput",
        "Omit",
        "TypedDict",
        "Required",
        "NotRequired",
        "APIModel",
        "OpenStrEnum",
        "OpenIntEnum",
        "ResponseType",
        "BaseClient",
        "APIClient",
        "AsyncAPIClient",
        "APIError",
        "APIStatusError",
        "APIConnectionError",
        "APITimeoutError",
        "Field",
        "Tag",
        "Discriminator",
        "Annotated",
        "Literal",
        "Union",
        "TypeAlias",
        "Any",
        "T",
    }
)


# The client's own attributes (`APIClient`, `AsyncAPIClient` of `generator/runtime/_api_client.py`) and
# the decorator its class body uses: a resource on the client may not take them. Private names need no
# entry, as an `Identifier` never starts with `_`. tests/unit/ir/test_names.py checks this against `dir()` of the
# rendered clients, so a new runtime attribute cannot slip past.
CLIENT_ATTRIBUTES = frozenset(
    {
        "base_url",
        "close",
        "default_headers",
        "default_query",
        "idempotency_header",
        "lenient",
        "max_retries",
        "paginate",
        "request",
        "request_accepted",
        "request_action",
        "request_action_or_result",
        "request_stream",
        "request_with_response",
        "timeout",
        "wait_for",
        "with_options",
        "cached_property",
    }
)

# What a resource class holds besides its methods and sub-resources: `_client` (private, so safe) and the
# decorator its class body uses, which a method of that name would hide from the methods after it.
RESOURCE_ATTRIBUTES = frozenset({"overload"})


class ClassName(str):
    """A PascalCase class name that shadows no builtin (e.g. `17_res` -> `Model17Res`)."""

    __slots__ = ()

    def __new__(cls, raw: str) -> ClassName:
        """Make `raw` a safe PascalCase name, keeping the case inside each word."""
        return super().__new__(cls, _class_name(raw))


@functools.lru_cache(maxsize=8192)  # a big spec asks for the same names many times over
def _class_name(raw: str) -> str:
    name = "".join(w[:1].upper() + w[1:] for w in words(raw)) or "Model"
    name = _bounded(_no_digit_start(name, "Model"), raw, "")
    if keyword.iskeyword(name) or hasattr(builtins, name) or name in RESERVED_CLASS_NAMES:
        name += "Model"
    return name


def async_name(name: str) -> str:
    """The async twin of a sync class: `Async` + its name (openai-python's `AsyncCompletions` of `Completions`),
    or its name + `Async` when that already starts with the word `Async` (`AsyncActionsResourceAsync` of
    `AsyncActionsResource`, for a tag `Async Actions`): never `AsyncAsync...`."""
    first = words(name)[:1]
    return f"{name}Async" if first and first[0].lower() == "async" else f"Async{name}"


def apart(name: ClassName, reserved: frozenset[str]) -> ClassName:
    """`name`, or `nameModel` when it is one of `reserved` (names one package binds, as its client's)."""
    return ClassName(f"{name}Model") if name in reserved else name


# Names with a meaning on every Enum class; members may not take them.
_ENUM_RESERVED = frozenset({"name", "value", "mro", "NAME", "VALUE", "MRO"})


class ConstantName(str):
    """An UPPER_SNAKE enum member name (e.g. `api-version` -> `API_VERSION`)."""

    __slots__ = ()

    def __new__(cls, raw: object) -> ConstantName:
        """Make a member name from an enum value of any JSON type."""
        if isinstance(raw, bool) or raw is None:
            text = str(raw).upper()
        elif isinstance(raw, (int, float)):
            text = "VALUE_" + str(raw).replace("-", "MINUS_").replace(".", "_")
        else:
            text = "_".join(w.upper() for w in words(str(raw))) or "EMPTY"
        text = _bounded(_no_digit_start(text, "VALUE_"), raw, "_").upper()
        if keyword.iskeyword(text) or text in _ENUM_RESERVED:
            text += "_"
        return super().__new__(cls, text)


def dedupe(names: list[N]) -> list[N]:
    """Make names unique, keeping order: a repeat gets a counter (`x`, `x_2` / `X`, `X2`)."""
    taken = set(names)
    seen: set[str] = set()
    result = []
    for name in names:
        candidate, counter = name, 1
        while candidate in seen or (candidate != name and candidate in taken):
            counter += 1
            candidate = type(name)(f"{name}_{counter}")
        seen.add(candidate)
        result.append(candidate)
    return result


# Words whose first letter is a vowel but whose first sound is not (`a union`), and the reverse (`an hour`).
_CONSONANT_SOUNDS = ("eu", "one", "once", "uni", "usa", "use", "usi", "usu", "uti", "ubi", "ufo", "ura", "uri", "uro")
_VOWEL_SOUNDS = ("heir", "honest", "honor", "honour", "hour")


def indefinite(word: str, *, start: bool = False) -> str:
    """`word` after the indefinite article it takes: `an AsyncAction`, `a Voucher`, `a union`, `an enum`.

    Read from its first letter (past any backtick or quote), a vowel taking `an`, with the common English
    exceptions; `start` capitalises the article, for the start of a sentence.
    """
    first = word.lstrip("`'\"*_(").lower()
    vowel = first[:1] in tuple("aeiou")
    if first.startswith(_CONSONANT_SOUNDS):
        vowel = False
    elif first.startswith(_VOWEL_SOUNDS):
        vowel = True
    article = "an" if vowel else "a"
    return f"{article.capitalize() if start else article} {word}"
