"""The package version: the one place it is written. pyproject.toml (scikit-build-core's regex
provider) and CMakeLists.txt (the C++ library, its CMake package, modelexport/version.h) read it
from here; tests/test_version.py checks that nothing else spells it."""

__version__ = "0.1.0"
