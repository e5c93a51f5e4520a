"""Schemathesis against ``/openapi.json`` with an API key (issue 13, item 16): on a served app
over a populated store, every operation answers generated requests, valid and invalid, with no
server error and only what the document declares (status, content type, body schema)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Err
from schemathesis.errors import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from service.container import Container
from simulators.dataset import World
from simulators.siasn import SiasnSimulator
from tests.console_site import ConsoleSite, build_site, serve
from tests.helpers import new_api_key
from tests.konflik_helpers import raise_unit_conflicts

pytestmark = pytest.mark.e2e
# Examples per operation and mode: 22 operations x 2 modes x 10 take about 45 s here.
EXAMPLES = 10
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def populated(
    container: Container, world: World, sim: SiasnSimulator, sim_server: object
) -> Iterator[tuple[ConsoleSite, str]]:
    """Units, a few employees with unit conflicts, an API key; the app on a socket."""
    cast = build_site(container, world, sim)
    raise_unit_conflicts(container, world, 2)
    with serve(container, cast) as site:
        yield site, new_api_key(site.container)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_schemathesis_finds_no_server_error_and_no_schema_violation(
    populated: tuple[ConsoleSite, str],
) -> None:
    """Every operation, positive and negative examples: 0 server errors, 0 violations."""
    site, key = populated
    schema = schemathesis.openapi.from_url(f"{site.url}/openapi.json", timeout=30)
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations() if not isinstance(result, Err)]
    assert len(operations) == len(list(schema.get_all_operations())) >= 20
    with requests.Session() as http:
        http.headers["X-API-Key"] = key
        for operation in operations:
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                failures += _explore(operation, mode, site.url, http)
    assert not failures, "\n\n".join(failures)


def _explore(operation: Any, mode: GenerationMode, url: str, http: requests.Session) -> list[str]:
    """Run ``EXAMPLES`` generated requests of one operation; the failures, described."""
    found: list[str] = []

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def explore(data: st.DataObject) -> None:
        case = data.draw(operation.as_strategy(generation_mode=mode))
        try:
            case.call_and_validate(base_url=url, session=http, checks=CHECKS, timeout=30)
        except FailureGroup as group:  # every check that failed on this response
            found.extend(
                f"{operation.label} ({mode.value}): {failure.title}: {failure.message}"
                for failure in group.exceptions
            )

    try:
        explore()
    except Unsatisfiable:  # no parameter and no body: no invalid request to make
        if mode is GenerationMode.POSITIVE:
            raise
    return found
