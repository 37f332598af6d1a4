"""The apps' one-way order: the contract make test checks is the order the README gives."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _readme_order() -> list[str]:
    layout = (ROOT / "README.md").read_text().split("## Layout", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `(\w+)/` \|", layout, flags=re.MULTILINE)


def _contract_layers() -> list[list[str]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (contract,) = config["contracts"]
    assert contract["type"] == "layers"
    return [[name.strip() for name in layer.split("|")] for layer in contract["layers"]]


def test_the_readme_lists_the_apps_lowest_first_in_the_contracts_order():
    lowest_first = [name for layer in reversed(_contract_layers()) for name in sorted(layer)]
    readme = [name for name in _readme_order() if name not in {"templates", "tests"}]
    assert sorted(readme) == sorted(lowest_first), "every app is in the README and the contract"
    position = {name: i for i, name in enumerate(readme)}
    for lower, upper in zip(_contract_layers()[::-1], _contract_layers()[::-1][1:], strict=False):
        assert max(position[n] for n in lower) < min(position[n] for n in upper), (
            f"the README puts {upper} before {lower}"
        )


def test_every_project_app_is_under_the_contract():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    apps = {
        p.parent.name for p in ROOT.glob("*/__init__.py") if p.parent.name not in {"tests", "bench"}
    }
    assert apps == set(config["root_packages"])
