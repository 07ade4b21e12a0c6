"""Stage 4b, render: the Jinja environment and the files of a package.

There is one `Environment` (`environment()`), used by the pipeline and the
tests alike: strict about undefined names, no autoescaping (the output is
Python, and every spec string arrives already escaped as a literal).
"""

from __future__ import annotations

import functools
import re

import jinja2

from generator import ir
from generator.background import in_background
from generator.render.client_modules import ClientView, client_view
from generator.render.doc_operations import doc_examples, methods_of
from generator.render.doc_views import doc_pages
from generator.render.format import format_snippets, format_sources
from generator.render.readme_views import readme_sources, readme_view
from generator.render.release import Release, release_of
from generator.render.runtime import RUNTIME_FILES, runtime_module
from generator.render.views import package_view
from generator.render.webhook_views import webhooks_view
from generator.resources import TEMPLATES

# Package files and the template that renders each.
PACKAGE_FILES = {
    "__init__.py": "package/__init__.py.jinja",
    "__init__.pyi": "package/__init__.pyi.jinja",
    "_package.py": "package/_package.py.jinja",
    "client.py": "package/client.py.jinja",
    "resources/__init__.py": "package/resources/__init__.py.jinja",
    "types/__init__.py": "package/types/__init__.py.jinja",
    "types/__init__.pyi": "package/types/__init__.pyi.jinja",
}


@functools.cache
def environment() -> jinja2.Environment:
    """The one Jinja environment every template is rendered with."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # noqa: S701 - renders Python source, not HTML
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_package(api: ir.Api, release: Release | None = None) -> dict[str, str]:
    """{relative path: text} for one package: Python in black's style, the docs, and the README (naming
    `release`, by default the package's name and the spec's version).

    The docs are rendered on the other core (`background`) while the code is; both start from the one
    client view (the docs show its signatures).
    """
    client, release = client_view(api), release or release_of(api)
    with in_background(lambda: render_docs(api, client, release)) as docs:
        files = render_code(api, client, release)
        files.update(docs.result())
    return files


def render_code(api: ir.Api, client: ClientView | None = None, release: Release | None = None) -> dict[str, str]:
    """The package's Python modules, formatted in one run, and its `py.typed` marker; `release` names the
    distribution in the User-Agent."""
    view = package_view(api, client, release or release_of(api))
    env = environment()
    code = {name: env.get_template(template).render(view=view) for name, template in PACKAGE_FILES.items()}
    code |= {name: runtime_module(name, view.header) for name in RUNTIME_FILES}
    module_template = env.get_template("package/types/module.py.jinja")
    for module in view.type_modules:
        code[f"types/{module.name}.py"] = module_template.render(view=view, module=module)
    if api.webhooks is not None:
        hooks = webhooks_view(api, api.webhooks)
        code["webhooks.py"] = env.get_template("package/webhooks.py.jinja").render(view=view, hooks=hooks)
    resource_template = env.get_template("package/resources/module.py.jinja")
    for resource in view.client.resource_modules:
        code[f"resources/{resource.name}.py"] = resource_template.render(view=view, module=resource)
    return format_sources(code) | {"py.typed": ""}


def render_docs(api: ir.Api, client: ClientView | None = None, release: Release | None = None) -> dict[str, str]:
    """The package's reference pages under `docs/` and its README.md, their Python examples formatted in one run."""
    methods = methods_of(client or client_view(api))
    formatted = format_snippets(doc_examples(api, methods) | readme_sources(api))
    env = environment()
    page_template = env.get_template("docs/page.md.jinja")
    docs = {
        f"docs/{page.path}": _folded(page_template.render(page=page)) for page in doc_pages(api, formatted, methods)
    }
    readme = readme_view(api, release or release_of(api), formatted)
    return docs | {"README.md": _folded(env.get_template("package/README.md.jinja").render(view=readme))}


def _folded(markdown: str) -> str:
    """Runs of blank lines left by skipped blocks folded (two stay: code examples use them), one newline at the end."""
    return re.sub(r"\n{4,}", "\n\n\n", markdown).rstrip() + "\n"


def render_root(import_root: str, packages: list[str]) -> str:
    """The `__init__.py` of the directory (imported as `import_root`) that holds all generated packages."""
    return environment().get_template("root/__init__.py.jinja").render(import_root=import_root, packages=packages)
