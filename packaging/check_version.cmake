# ctest version_agrees: every file that repeats the version agrees with core/include/spoor/version.h
# (read by the top CMakeLists.txt into VERSION; spoor.pc, the CMake package, the .deb, the
# tarball and the Tcl package take it from there, and the Python build reads version.h itself).
#   cmake -DROOT=<source dir> -DVERSION=<x.y.z> -P packaging/check_version.cmake
set(bad "")
macro(expect file what found)
  if(NOT "${found}" STREQUAL "${VERSION}")
    string(APPEND bad "  ${file}: ${what} is '${found}', version.h says ${VERSION}\n")
  endif()
endmacro()

# Files that must write it literally (npm and Maven read no other file).
file(READ ${ROOT}/node/package.json text)
string(REGEX MATCH "\"version\": *\"([^\"]*)\"" _ "${text}")
expect(node/package.json "\"version\"" "${CMAKE_MATCH_1}")
file(READ ${ROOT}/bindings/java/pom.xml text)
string(REGEX MATCH "<artifactId>spoor</artifactId>[ \t\r\n]*<version>([^<]*)</version>" _ "${text}")
expect(bindings/java/pom.xml "the project's <version>" "${CMAKE_MATCH_1}")
file(READ ${ROOT}/tests/conformance/generate.py text)
string(REGEX MATCH "\nVERSION = \"([^\"]*)\"" _ "${text}")
expect(tests/conformance/generate.py "VERSION (regenerate the vectors)" "${CMAKE_MATCH_1}")

# The Python package takes it from version.h (setup.py); a literal one would drift.
file(READ ${ROOT}/python/pyproject.toml text)
if(text MATCHES "\nversion *=")
  string(APPEND bad "  python/pyproject.toml: has a literal version; it must stay dynamic (setup.py reads version.h)\n")
endif()
file(READ ${ROOT}/python/spoor/__init__.py text)
if(text MATCHES "__version__ *= *\"")
  string(APPEND bad "  python/spoor/__init__.py: __version__ is a literal; it must come from the core\n")
endif()

# The docs: artifact names (spoor-X.Y.Z..., spoor_X.Y.Z...) and the Maven dependency.
file(GLOB docs ${ROOT}/README.md ${ROOT}/docs/*.md ${ROOT}/bindings/README.md ${ROOT}/python/README.md ${ROOT}/node/README.md)
foreach(doc ${docs})
  file(RELATIVE_PATH name ${ROOT} ${doc})
  file(STRINGS ${doc} lines REGEX "spoor[-_][0-9]+\\.[0-9]+\\.[0-9]+|<artifactId>spoor</artifactId> *<version>")
  foreach(line IN LISTS lines)
    string(REGEX MATCHALL "spoor[-_][0-9]+\\.[0-9]+\\.[0-9]+|</artifactId> *<version>[^<]*" found "${line}")
    foreach(f IN LISTS found)
      string(REGEX REPLACE "^(spoor[-_]|</artifactId> *<version>)" "" v "${f}")
      expect(${name} "'${f}'" "${v}")
    endforeach()
  endforeach()
endforeach()

if(bad)
  message(FATAL_ERROR "the version disagrees with core/include/spoor/version.h:\n${bad}")
endif()
message(STATUS "version ${VERSION}: version.h, package.json, pom.xml, generate.py, the Python build and the docs agree")
