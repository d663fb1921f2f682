"""import-linter contract types for the app layers (pyproject.toml [tool.importlinter], run by `make lint`).

The contracts are about the apps' code. Each app's `tests` package is taken out of the graph before the
check: tests are integration tests and build their fixtures from the factories of whichever apps a
scenario needs (core's API-schema test seeds every app), so they cannot follow the app order. Nothing else
is left out — there are no `ignore_imports`.
"""

from grimp import ImportGraph
from importlinter.contracts.independence import IndependenceContract
from importlinter.contracts.layers import LayersContract
from importlinter.domain.contract import ContractCheck


def _without_tests(graph: ImportGraph) -> ImportGraph:
    for module in graph.find_matching_modules("redvest.*.tests"):
        for descendant in graph.find_descendants(module):
            graph.remove_module(descendant)
        graph.remove_module(module)
    return graph


class AppLayersContract(LayersContract):
    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        return super().check(_without_tests(graph), verbose)


class AppIndependenceContract(IndependenceContract):
    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        return super().check(_without_tests(graph), verbose)
