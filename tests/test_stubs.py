"""The typing stubs of the C++ extension are generated at every build (nanobind's stubgen, see
CMakeLists.txt); the committed python/modelexport/_native.pyi must be the generated one, so that
editors and type checkers see the bindings as they are. Regenerate: cp build/_native.pyi
python/modelexport/_native.pyi."""

from __future__ import annotations

from fixture_catalog import REPO_ROOT


def test_committed_stubs_are_the_generated_ones():
    generated = REPO_ROOT / "build" / "_native.pyi"
    committed = REPO_ROOT / "python" / "modelexport" / "_native.pyi"
    assert generated.is_file(), "build/_native.pyi missing: the build did not run stubgen"
    assert committed.read_text() == generated.read_text(), "stale stubs: " + __doc__.split(": ")[-1]
