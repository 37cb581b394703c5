"""No import cycle among the project's modules: the ``import`` and ``from`` statements of ``mushroom_s2pg``,
``environments`` and ``launchers`` (read with ``ast``, nothing imported) form no cycle, and every module imports.

Two graphs are checked: the module-level statements (what runs on import) and every statement, those deferred
into a function too (a deferred import hides a cycle of dependencies from the interpreter, not from a reader).

"""
import ast
import importlib
import os
from typing import Dict, List, Optional, Set

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGES = ('mushroom_s2pg', 'environments', 'launchers')


def project_modules() -> Dict[str, str]:
    """Module name -> file, for every ``.py`` file of the packages (``pkg/__init__.py`` is ``pkg``)."""
    modules = {}
    for package in PACKAGES:
        for folder, _, files in os.walk(os.path.join(ROOT, package)):
            for name in files:
                if name.endswith('.py'):
                    parts = os.path.relpath(os.path.join(folder, name), ROOT)[:-3].split(os.sep)
                    if parts[-1] == '__init__':
                        parts = parts[:-1]
                    modules['.'.join(parts)] = os.path.join(folder, name)
    return modules


def _every(body: List[ast.stmt]):
    """Every import statement, wherever it is."""
    for node in body:
        yield from (sub for sub in ast.walk(node) if isinstance(sub, (ast.Import, ast.ImportFrom)))


def _module_level(body: List[ast.stmt]):
    """The import statements run on import: at module level, within if/try/with blocks, not within a def or class."""
    for node in body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for field in ('body', 'orelse', 'finalbody', 'handlers'):
                yield from _module_level(getattr(node, field, []) or [])


def _base(module: str, is_package: bool, node: ast.ImportFrom) -> Optional[str]:
    if not node.level:
        return node.module
    parts = module.split('.') if is_package else module.split('.')[:-1]
    parts = parts[:len(parts) - node.level + 1]
    return '.'.join(parts + ([node.module] if node.module else []))


def import_graph(modules: Dict[str, str], deferred: bool = False) -> Dict[str, Set[str]]:
    """Module -> the project modules its module-level statements import (``deferred``: its statements anywhere)."""
    graph = {}
    for module, path in modules.items():
        with open(path) as file:
            tree = ast.parse(file.read(), path)
        targets = set()
        for node in (_every if deferred else _module_level)(tree.body):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
                continue
            base = _base(module, path.endswith('__init__.py'), node)
            for alias in node.names:
                submodule = f'{base}.{alias.name}'
                targets.add(submodule if submodule in modules else base)
        graph[module] = {target for target in targets if target in modules and target != module}
    return graph


def find_cycles(graph: Dict[str, Set[str]]) -> List[List[str]]:
    """The cycles a depth-first search meets (each as a closed path ``[a, b, ..., a]``)."""
    cycles, state, stack = [], {}, []

    def visit(module: str) -> None:
        state[module] = 'open'
        stack.append(module)
        for target in sorted(graph[module]):
            if state.get(target) == 'open':
                cycles.append(stack[stack.index(target):] + [target])
            elif target not in state:
                visit(target)
        stack.pop()
        state[module] = 'done'

    for module in sorted(graph):
        if module not in state:
            visit(module)
    return cycles


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycles({'a': {'b'}, 'b': {'c'}, 'c': {'a'}, 'd': {'a'}}) == [['a', 'b', 'c', 'a']]
    assert find_cycles({'a': {'b'}, 'b': set()}) == []


@pytest.mark.parametrize('deferred', [False, True])
def test_no_import_cycle_among_the_project_modules(deferred):
    modules = project_modules()
    assert {'environments.registry', 'mushroom_s2pg.expert_data', 'launchers.run.experiment'} <= set(modules)
    graph = import_graph(modules, deferred)
    assert 'environments.loco_tasks' in graph['environments.registry']
    cycles = find_cycles(graph)
    assert not cycles, 'import cycles: ' + '; '.join(' -> '.join(cycle) for cycle in cycles)


@pytest.mark.parametrize('package', PACKAGES)
def test_every_module_imports(package):
    for module in sorted(name for name in project_modules() if name.split('.')[0] == package):
        importlib.import_module(module)
